"""Shell commands as words: the document every CI command rule reads.

``parse(text, expression)`` turns shell text (one CI ``Command``, a script) into its simple
commands: each program run with its words (quotes removed, expansions kept, exact offsets), its
``NAME=value`` assignments, the command piped into it and the heredoc fed to it. Rules ask
``cmd.name == "twine"`` and ``cmd.option("-p", "--password")`` instead of matching regexes over
text, so quoting, line continuations, ``sudo``/``env`` wrappers and ``$(...)`` nesting are
handled once, here.

Why tree-sitter-bash and not ``shlex`` (``bench/shell_parsers.py``, on the 5,324 ``run:``
commands of 267 real workflows): ``parse`` costs about 37 us a command (11 us of it the
tree-sitter parse itself), ``shlex`` 19-30 us, so both are noise next to reading the file. But
``shlex`` gives words without offsets (no exact finding position), no pipelines or lists
(``a;b`` is one word without ``punctuation_chars``), no command substitutions (``$(cat f)``
splits into ``$(cat`` and ``f)``), no heredocs, no ANSI-C strings, and raises on 52 of those
commands (an unbalanced quote); on the benchmark's table of 21 shapes CI scripts use it reads
9 right (11 with ``punctuation_chars``), tree-sitter all 21. tree-sitter also keeps going past
errors, which matters because CI splits scripts into lines and a line cut out of an ``if`` or
a ``case`` is not a complete command (such a line is parsed again inside a frame that
completes it); and it is already a dependency (tree-sitter, for HCL).

CI interpolations (GitHub ``${{ }}``, Azure ``$(NAME)``, make ``$(VAR)``) are replaced by
same-length filler before parsing, so the shell parser sees one opaque word part and offsets do
not move; ``Word.expressions`` reports them as written.
"""

from __future__ import annotations

import re

from scanner.documents.shell.parser import FILLER, parse, spans
from scanner.documents.shell.words import WRAPPERS, SimpleCommand, Word, basename, unwrap

#: Script interpreters whose text is not shell at all (GitHub ``shell: python``): parsing
#: their lines as shell would invent programs. PowerShell and cmd are kept: their
#: ``program args`` lines read the same, which is what command rules look at.
_NOT_SHELL = re.compile(r"^(?:python|pypy|node|deno|bun|perl|ruby|php|rscript)", re.I)


def is_shell(interpreter: str | None) -> bool:
    """Whether a step's ``shell`` (``bash``, ``python {0}``, None for the default) runs
    shell-like command lines."""
    if not interpreter or not interpreter.split():
        return True
    return _NOT_SHELL.match(basename(interpreter.split()[0])) is None


__all__ = [
    "FILLER",
    "WRAPPERS",
    "SimpleCommand",
    "Word",
    "basename",
    "is_shell",
    "parse",
    "spans",
    "unwrap",
]
