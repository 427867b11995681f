"""The ``outlive`` command: options in, exit code out, no scanning logic of its own.

Exit codes, the same for every command: 0 nothing at or above ``--fail-on``, 1 findings,
2 usage, config or internal error, 130 interrupted (Ctrl-C), 143 terminated (SIGTERM).
Errors are sentences; tracebacks only with ``--debug``. ``app`` holds the group and what the
commands share; each command lives in its own module, imported here to register it.
"""

from scanner.cli import baseline, rules, scan
from scanner.cli.app import main

__all__ = ["baseline", "main", "rules", "scan"]
