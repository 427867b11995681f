"""What a CI script does with the AWS key pair's variables, for the CI-system rules.

LLC-CCI-001 and LLC-BBP-001 ask the same of a shell command: does it write a literal key
(``export AWS_SECRET_ACCESS_KEY=...``, ``aws configure set aws_access_key_id ...``), copy a
stored one from another variable, or read ``$AWS_ACCESS_KEY_ID`` that the CI system's settings
supply? The answer comes from the shell document's words, never from the raw line, so quotes,
comments and ``$(...)`` are read as the shell reads them. A value the script computes
(``$(... | jq -r .AccessKeyId)``) or sets to a dummy (localstack's ``test``) makes later reads
of that name the script's own, not a stored key.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from scanner.api import Command, SimpleCommand, Word, credentials

AWS = credentials.by_id("aws-access-key")
#: `aws configure set <name> <value>` writes a key into the CLI's credentials file.
_CONFIGURE_NAMES = frozenset({"aws_access_key_id", "aws_secret_access_key"})


@dataclass(slots=True)
class KeyUse:
    """The AWS key variables one command writes and reads."""

    #: ``(name, word)`` of an assignment or ``aws configure set`` given a literal key.
    literals: list[tuple[str, Word, str]] = field(default_factory=list)
    #: ``(name, word)`` of an assignment copying another variable into a key name.
    copied: list[tuple[str, Word]] = field(default_factory=list)
    #: Words reading a key variable the script did not set itself.
    reads: list[Word] = field(default_factory=list)


def simple_commands(command: Command) -> Iterator[SimpleCommand]:
    """Every simple command, including those inside ``$(...)``, each once."""
    seen: set[tuple[int, int]] = set()
    pending = list(command.simple())
    while pending:
        simple = pending.pop(0)
        if (simple.start, simple.end) in seen:
            continue
        seen.add((simple.start, simple.end))
        yield simple
        for word in (*simple.words, *(w for _, w in simple.assignments)):
            pending.extend(word.substitutions)


def key_use(command: Command, own: set[str], literal: Callable[[str], str | None]) -> KeyUse:
    """What ``command`` does with the key variables.

    ``own`` holds the names the script set so far (updated here: later reads of them are not
    stored keys); ``literal`` returns a value that is a real key written in the file, or None
    for a dummy, a placeholder or a name."""
    out = KeyUse()
    for simple in simple_commands(command):
        for name, word in simple.assignments:
            if credentials.for_env(name) is not AWS:
                continue
            found = literal(word.value.strip()) if word.literal else None
            if found is not None:
                out.literals.append((name, word, found))
            elif word.variables and not word.substitutions:
                out.copied.append((name, word))
            # Set here: later reads of the name are this assignment's, reported (or not) once.
            own.add(name)
        configured = _configured(simple, literal)
        if configured is not None:
            out.literals.append(configured)
        words = [*simple.words, *(w for _, w in simple.assignments)]
        if simple.heredoc_word is not None:
            words.append(simple.heredoc_word)
        for word in words:
            if any(credentials.for_env(v) is AWS and v not in own for v in word.variables):
                out.reads.append(word)
    return out


def _configured(
    simple: SimpleCommand, literal: Callable[[str], str | None]
) -> tuple[str, Word, str] | None:
    """``aws configure set aws_access_key_id <literal>``."""
    if simple.name != "aws":
        return None
    words = simple.positionals()
    if len(words) < 4 or [w.value for w in words[:2]] != ["configure", "set"]:
        return None
    name = words[2].value.lower()
    if name not in _CONFIGURE_NAMES or not words[3].literal:
        return None
    found = literal(words[3].value.strip())
    return (name, words[3], found) if found is not None else None
