"""What the credential-minting command rules (LLC-CI-003 to LLC-CI-006) share.

Each of them finds one CLI's sub-command (``aws sts assume-role``, ``vault token create``),
reads a flag and its value, and, in a CI file, names the platform's keyless replacement. The
CLIs spell flags differently (``--duration-seconds N``, Go's ``-ttl=0``, ``--years N``), so the
reading is done once here, on the shell document's words, never on the raw line.
"""

from __future__ import annotations

from collections.abc import Iterator

from scanner.api import Command, SimpleCommand, Word, credentials

#: How messages name each CI system (``Pipeline.system``).
SYSTEM_NAMES: dict[str, str] = {
    "github": "GitHub Actions",
    "gitlab": "GitLab CI",
    "circleci": "CircleCI",
    "azure": "Azure Pipelines",
    "bitbucket": "Bitbucket Pipelines",
    "jenkins": "Jenkins",
}
_TRUE = frozenset({"1", "t", "true", "yes", "y"})


#: gcloud and az options that take a value, so a command's verbs are found past them (one
#: list for LLC-CI-006 and for the CI-system rules that leave its lines to it).
GCLOUD_VALUED = frozenset(
    {
        "--project",
        "--account",
        "--configuration",
        "--format",
        "--verbosity",
        "--impersonate-service-account",
        "--billing-project",
        "--flags-file",
        "--iam-account",
        "--key-file",
        "--key-file-type",
    }
)
AZ_VALUED = frozenset(
    {
        "--subscription",
        "-o",
        "--output",
        "--query",
        "-n",
        "--name",
        "--id",
        "--role",
        "--years",
        "--end-date",
        "--display-name",
        "-u",
        "--username",
        "-p",
        "--password",
        "-t",
        "--tenant",
        "--cert",
        "--keyvault",
    }
)


def invocations(command: Command, *programs: str) -> Iterator[SimpleCommand]:
    """Every run of one of ``programs`` in the command, including those inside ``$(...)``
    (a key minted into a variable, ``KEY=$(aws iam create-access-key ...)``), each once."""
    seen: set[tuple[int, int]] = set()
    pending = list(command.simple())
    while pending:
        simple = pending.pop(0)
        where = (simple.start, simple.end)
        if where in seen:
            continue
        seen.add(where)
        if simple.name in programs:
            yield simple
        for word in (*simple.words, *(w for _, w in simple.assignments)):
            pending.extend(word.substitutions)


def verbs(simple: SimpleCommand, count: int, valued: frozenset[str] = frozenset()) -> list[str]:
    """The first ``count`` sub-command words (``sts``, ``assume-role``), lower-cased, after
    the global options; ``valued`` names the global options that take a separate value."""
    return [w.value.lower() for w in simple.positionals(*valued)[:count]]


def flag(simple: SimpleCommand, *names: str) -> tuple[Word, Word | None] | None:
    """The first of ``names`` given, as ``(flag word, value word)``: ``--flag value``,
    ``--flag=value`` (the value is then the tail of the flag word) or a bare ``--flag``
    (value None when the next word is another option or there is none)."""
    args = simple.args
    for i, word in enumerate(args):
        value = word.value
        if value == "--":
            return None
        for name in names:
            if value == name:
                following = args[i + 1] if i + 1 < len(args) else None
                if following is not None and following.value.startswith("-"):
                    following = None
                return word, following
            if value.startswith(name + "="):
                return word, word.tail(len(name) + 1)
    return None


def switch(simple: SimpleCommand, *names: str) -> Word | None:
    """The word of a boolean flag that is on (``-orphan``, ``-orphan=true``; Go's flag
    package, which Vault uses, reads ``-orphan=false`` as off)."""
    for word in simple.args:
        value = word.value
        if value == "--":
            return None
        for name in names:
            if value == name:
                return word
            if value.startswith(name + "="):
                return word if value[len(name) + 1 :].lower() in _TRUE else None
    return None


def span(first: Word, last: Word | None = None) -> tuple[int, int]:
    """Offsets covering ``first`` through ``last`` (a flag and its value)."""
    end = last.end if last is not None else first.end
    return first.start, max(first.end, end)


def through(
    simple: SimpleCommand, count: int, valued: frozenset[str] = frozenset()
) -> tuple[int, int]:
    """Offsets from the program word through its ``count``-th sub-command word (``aws iam
    create-access-key`` of ``aws --profile a iam create-access-key --user-name u``), so a
    finding on an operation starts where the command does (wrappers such as ``sudo`` and
    global options in between stay inside)."""
    program = simple.program
    words = simple.positionals(*valued)[:count]
    if program is None:
        return span(words[0], words[-1]) if words else (simple.start, simple.end)
    return program.start, max(program.end, words[-1].end if words else program.end)


def in_ci(command: Command) -> str | None:
    """The CI system the command runs in, or None for a script or Makefile run by hand."""
    system = command.step.job.pipeline.system
    return system if system in SYSTEM_NAMES else None


def ci_fix(command: Command, kind_id: str) -> str:
    """The sentence naming the CI system's keyless replacement, for a command in a CI file
    (`` Instead, in GitLab CI: add `id_tokens:` ...``); empty in a script run by hand.

    It is the credential-kinds table's federation for that system; where the table has none,
    its rotation advice, said as such.
    """
    system = in_ci(command)
    if system is None:
        return ""
    try:
        kind = credentials.by_id(kind_id)
    except KeyError:  # a row not in the table: the rule's own fix text still applies
        return ""
    federation = kind.federation.get(system)
    if federation:
        return f" Instead, in {SYSTEM_NAMES[system]}: {federation.strip().rstrip('.')}."
    return f" {kind.fix(system).strip().rstrip('.')}."
