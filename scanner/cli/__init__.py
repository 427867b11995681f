"""The ``outlive`` command: options in, exit code out, no scanning logic of its own.

Exit codes, the same for every command: 0 nothing at or above ``--fail-on``, 1 findings,
2 usage, config or internal error, 130 interrupted (Ctrl-C), 143 terminated (SIGTERM).
Errors are sentences; tracebacks only with ``--debug``. ``app`` holds the group and what the
commands share; each command lives in its own module, named here and imported when the command
runs (so ``outlive --version`` imports no scanner, and ``outlive scan`` no fixer).
"""

from scanner.cli.app import COMMANDS, main

#: Command -> its module. A new command: its module, and one row here.
COMMANDS.update({
    "scan": "scan",
    "rules": "rules",
    "explain": "rules",
    "baseline": "baseline",
    "fix": "fix",
    "init": "init",
    "check-config": "init",
})

__all__ = ["main"]
