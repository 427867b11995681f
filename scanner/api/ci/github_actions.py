"""What the GitHub Actions credential rules (LLC-GHA-002 to LLC-GHA-009) share.

Every one of them asks the same first question of an input or env value: where does it come
from? A literal in the file, a stored secret, a plain configuration variable, a composite
action's input, the job's own token, or something computed during the run (a step output
minted by OIDC). The answer decides whether a rule fires at all and how severe it is, so it is
answered once here; the rules then only know their action and its inputs.
"""

from __future__ import annotations

import enum

from scanner.api import (
    Entry,
    Job,
    Lifetime,
    RuleContext,
    Step,
    ValueKind,
    credentials,
    describe_duration,
    parse_duration,
)


class Origin(enum.Enum):
    """Where an input or env value comes from, from worst to harmless."""

    #: Written in the file: readable by anyone who can read the repository.
    LITERAL = "literal"
    #: A repository, environment or organisation secret (``secrets.X``, not the job token).
    SECRET = "secret"  # noqa: S105 - the name of an origin, not a password
    #: A configuration variable (``vars.X``): stored in plain text, shown unmasked in logs.
    VARIABLE = "variable"
    #: A composite action's or reusable workflow's input: whatever the caller stored.
    INPUT = "input"
    #: The job's own token (``secrets.GITHUB_TOKEN``, ``github.token``): expires with the job.
    EPHEMERAL = "ephemeral"
    #: Computed during the run (a step output, ``env.X``): often a token minted by OIDC.
    COMPUTED = "computed"


#: Origins that put a standing credential in the job.
STANDING = frozenset({Origin.LITERAL, Origin.SECRET, Origin.VARIABLE, Origin.INPUT})

_WHERE = {
    Origin.LITERAL: "a literal in the workflow file",
    Origin.SECRET: "a stored secret",
    Origin.VARIABLE: "a configuration variable (`vars.*`, stored in plain text)",
    Origin.INPUT: "an input the caller fills from its secrets",
}


def origin(entry: Entry, context: RuleContext) -> Origin | None:
    """Where ``entry``'s value comes from; None when it hands over nothing (empty, a
    placeholder, or not a scalar)."""
    if entry.kind is ValueKind.OTHER:
        return None
    if entry.kind is ValueKind.LITERAL:
        text = (entry.value or "").strip()
        if not text or context.is_placeholder(text):
            return None
        return Origin.LITERAL
    if any(not credentials.is_ephemeral("github", f"secrets.{n}") for n in entry.secrets):
        return Origin.SECRET
    if any(r.startswith("vars.") for r in entry.refs):
        return Origin.VARIABLE
    if any(r.startswith("inputs.") for r in entry.refs):
        return Origin.INPUT
    if entry.secrets or "github.token" in entry.refs:
        return Origin.EPHEMERAL
    return Origin.COMPUTED


def where(found: Origin) -> str:
    """How a message names an origin."""
    return _WHERE.get(found, found.value)


def lifetime(kind: credentials.CredentialKind) -> Lifetime:
    """The finding's lifetime for a credential of ``kind``."""
    return Lifetime.static() if kind.static else Lifetime(kind.lifetime)


#: How long credentials whose lifetime the creator chooses really live, said honestly: the
#: table's single value is a default, not a cap.
_LIVES = {
    "azure-client-secret": "stays valid until its end date, often one or two years (the az "
    "CLI default is one year; the portal offers up to two, the API any date a tenant policy "
    "allows)",
    "vault-token": "must be long-lived to be worth storing (a periodic token renewed for ever, "
    "or one with a long TTL), so it outlives every job",
}


def lives(kind: credentials.CredentialKind) -> str:
    """How a message says how long a credential of ``kind`` lives."""
    if kind.id in _LIVES:
        return _LIVES[kind.id]
    seconds = None if kind.static else parse_duration(kind.lifetime)
    if seconds is None:
        return "lives until someone revokes it"
    return f"stays valid for up to {describe_duration(seconds)}"


def a(name: str) -> str:
    """``name`` with its indefinite article (an AWS key, a kubeconfig, an HCP token)."""
    vowel = name[:1].upper() in "AEIOU" or name.startswith(("HCP", "NHI"))
    return ("an " if vowel else "a ") + name


def given(step: Step, *names: str) -> list[Entry]:
    """The inputs of ``step`` among ``names`` (case-insensitive) that hold a non-empty value."""
    wanted = {n.lower() for n in names}
    return [
        e
        for key, e in step.with_.items()
        if key.lower() in wanted and (e.value is None or e.value.strip() != "")
    ]


def entry(step: Step, name: str) -> Entry | None:
    """The input ``name`` of ``step``, case-insensitively."""
    for key, e in step.with_.items():
        if key.lower() == name.lower():
            return e
    return None


def sentence(text: str) -> str:
    """A table fragment (``grant the job ...``) as a sentence of a finding's fix."""
    text = text.strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def federated_note(job: Job) -> str:
    """A clause for messages when the job could already mint an OIDC token."""
    return " The job already has `id-token: write`." if job.federation.oidc else ""
