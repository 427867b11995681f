"""Words and simple commands: what a CI command rule reads of a shell command.

A rule asks "which program runs, with which option value, fed from where", never "what does
the syntax tree look like", so the parser (``parser.py``) flattens bash into these two classes.
Offsets are character offsets into the text given to ``parse``, so a rule narrows a finding to
one word with ``Command.target(word.start, word.end)``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")


@dataclass(frozen=True, slots=True, eq=False)
class Word:
    """One shell word (an argument, a program, an assigned value).

    ``text`` is the word as written; ``value`` is what the program receives with quotes and
    escapes removed but expansions kept as written (``"$PW"`` has value ``$PW``), so a rule
    can compare a value against ``$NAME`` or a placeholder without resolving anything.
    """

    text: str
    value: str
    start: int
    end: int
    #: No expansion at all: no ``$VAR``, no ``$(...)``, no CI interpolation. A literal
    #: value in a password option is a credential written in the file.
    literal: bool = True
    #: Shell variables the word reads (``PW`` for ``$PW`` / ``${PW:-x}``), in order.
    variables: tuple[str, ...] = ()
    #: CI interpolations inside the word, as written (``${{ secrets.PW }}``, ``$(SP_SECRET)``).
    expressions: tuple[str, ...] = ()
    #: The commands run by ``$(...)`` / backticks inside the word.
    substitutions: tuple[SimpleCommand, ...] = ()

    def tail(self, skip: int) -> Word:
        """The word without its first ``skip`` value characters (``--password=`` of
        ``--password=X``), with exact offsets. The skipped prefix is plain text (an option
        name), possibly behind an opening quote (``"--password=X"``)."""
        lead = 0
        if self.text[:1] in ("'", '"') and not self.text.startswith(self.value[:skip]):
            lead = 1
        begin = min(len(self.text), lead + skip)
        text = self.text[begin:]
        start = self.start + begin
        variables = tuple(v for v in self.variables if _reads(text, v))
        expressions = tuple(e for e in self.expressions if e in text)
        substitutions = tuple(s for s in self.substitutions if s.start >= start)
        plain = not (variables or expressions or substitutions or "$" in text or "`" in text)
        return Word(
            text,
            self.value[skip:],
            start,
            max(start, self.end),
            self.literal or plain,
            variables,
            expressions,
            substitutions,
        )


def _reads(text: str, name: str) -> bool:
    return re.search(r"\$\{?[#!]?" + re.escape(name) + r"(?![A-Za-z0-9_])", text) is not None


#: Programs that run another program given as their arguments: ``name`` looks through them.
#: Each maps to (options that take a separate value, number of positionals before the
#: program, whether ``NAME=value`` words set the program's environment).
WRAPPERS: dict[str, tuple[frozenset[str], int, bool]] = {
    "sudo": (
        frozenset({
            "-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-T", "-U", "--user", "--group",
            "--close-from", "--chdir", "--host", "--prompt", "--role", "--type",
            "--command-timeout", "--other-user",
        }),
        0,
        True,
    ),
    "doas": (frozenset({"-u", "-C"}), 0, False),
    "env": (frozenset({"-u", "--unset", "-C", "--chdir"}), 0, True),
    "exec": (frozenset({"-a"}), 0, False),
    "time": (frozenset({"-f", "--format", "-o", "--output"}), 0, False),
    "nohup": (frozenset(), 0, False),
    "command": (frozenset(), 0, False),
    "builtin": (frozenset(), 0, False),
    "nice": (frozenset({"-n", "--adjustment"}), 0, False),
    "timeout": (frozenset({"-s", "--signal", "-k", "--kill-after"}), 1, False),
    "stdbuf": (frozenset({"-i", "-o", "-e"}), 0, False),
    "xargs": (
        frozenset({
            "-I", "-n", "-P", "-L", "-s", "-d", "-E", "-a", "--max-args", "--max-procs",
            "--max-lines", "--max-chars", "--delimiter", "--eof", "--arg-file",
        }),
        0,
        False,
    ),
}


def basename(value: str) -> str:
    """``docker`` of ``/usr/bin/docker``."""
    return value.rstrip("/").rsplit("/", 1)[-1]


def unwrap(words: tuple[Word, ...]) -> tuple[int, tuple[tuple[str, Word], ...]]:
    """The index of the program ``words`` run, looking through ``WRAPPERS``, and the
    ``NAME=value`` environment the wrappers (``env``, ``sudo``) give it."""
    env: list[tuple[str, Word]] = []
    i = 0
    while i < len(words):
        spec = WRAPPERS.get(basename(words[i].value))
        if spec is None:
            return i, tuple(env)
        valued, skip, assigns = spec
        first = i
        i += 1
        while i < len(words):
            value = words[i].value
            if value == "--":
                i += 1
                break
            if value.startswith("-") and len(value) > 1:
                i += 2 if value in valued else 1
                continue
            match = _ASSIGNMENT.match(value) if assigns else None
            if match is not None:
                env.append((value[: match.end() - 1], words[i].tail(match.end())))
                i += 1
                continue
            break
        i += skip
        if i >= len(words):
            return first, tuple(env)  # the wrapper alone (``sudo -v``, bare ``env``)
    return 0, tuple(env)


@dataclass(frozen=True, slots=True, eq=False)
class SimpleCommand:
    """One program run: its words, the ``NAME=value`` assignments it runs with, what feeds
    its stdin.

    ``words`` is the argv as written (``words[0]`` the first word, possibly a wrapper such as
    ``sudo``); it is empty for a bare assignment (``A=1``). ``assignments`` holds the prefix
    assignments (``A=1 cmd``), the ones a wrapper sets (``env A=1 cmd``) and the ones
    ``export``/``declare``/``local``/``readonly`` make (name ``export``), so a rule sees
    ``export TWINE_PASSWORD=...`` like any other assignment.
    """

    words: tuple[Word, ...]
    assignments: tuple[tuple[str, Word], ...]
    start: int
    end: int
    text: str = field(repr=False, default="")
    #: The command whose stdout is this one's stdin (``a | b``: ``a`` for ``b``).
    piped_from: SimpleCommand | None = field(repr=False, default=None)
    #: The body of a heredoc (``<<EOF``) or the word of a herestring (``<<<``) fed to stdin.
    heredoc: str | None = field(repr=False, default=None)
    #: The same as a word, for its offsets and variables.
    heredoc_word: Word | None = field(repr=False, default=None)
    #: Index in ``words`` of the program after the wrappers (``sudo``, ``env``, ...).
    program_index: int = field(repr=False, default=0)

    @property
    def program(self) -> Word | None:
        return self.words[self.program_index] if self.words else None

    @property
    def name(self) -> str:
        """The program's basename with wrappers looked through; ``""`` for a bare assignment."""
        program = self.program
        return basename(program.value) if program is not None else ""

    @property
    def args(self) -> tuple[Word, ...]:
        """The words after the program."""
        return self.words[self.program_index + 1 :]

    def option(self, *names: str, attached: bool = False) -> Word | None:
        """The value of the first of ``names`` given: ``-p X``, ``--password X``,
        ``--password=X`` (and ``-password=X``), the word covering only ``X``.

        ``attached`` also reads ``-pX`` for one-letter names; off by default because many
        programs take single-dash long options (``openssl -pass``, ``find -print``).
        """
        args = self.args
        for i, word in enumerate(args):
            value = word.value
            if value == "--":
                return None
            for name in names:
                if value == name:
                    return args[i + 1] if i + 1 < len(args) else None
                if len(name) > 2 and value.startswith(name + "="):
                    return word.tail(len(name) + 1)
                if (
                    attached
                    and len(name) == 2
                    and len(value) > 2
                    and value.startswith(name)
                    and not value.startswith("--")
                ):
                    return word.tail(2)
        return None

    def has(self, *flags: str) -> bool:
        """Whether any of ``flags`` is given (``--flag`` or ``--flag=value``)."""
        for word in self.args:
            value = word.value
            if value == "--":
                return False
            for flag in flags:
                if value == flag or (len(flag) > 2 and value.startswith(flag + "=")):
                    return True
        return False

    def positionals(self, *valued: str) -> tuple[Word, ...]:
        """The non-option words after the program; the word after an option named in
        ``valued`` is that option's value, not a positional. After ``--`` every word is one."""
        out: list[Word] = []
        args = self.args
        i = 0
        while i < len(args):
            value = args[i].value
            if value == "--":
                out.extend(args[i + 1 :])
                break
            if value.startswith("-") and len(value) > 1:
                i += 2 if value in valued else 1
                continue
            out.append(args[i])
            i += 1
        return tuple(out)

    def assigned(self, name: str) -> Word | None:
        """The value this command assigns to ``name`` (prefix, ``env``, ``export``), if any."""
        for key, word in self.assignments:
            if key == name:
                return word
        return None
