"""Credential kinds: what a standing credential is called in every CI system, as data.

The same AWS key pair reaches a pipeline as a GitHub action input, an ``env:`` entry, a GitLab
variable, a CircleCI orb parameter, a Jenkins binding or a ``--flag`` of a CLI. Each row of
``KINDS`` says once which env-var names, reusable-step inputs and CLI flags carry one kind of
credential, how long it lives, and what replaces it **in each CI system**, so the CI rules match
this vocabulary against the CI model (``documents/ci``) instead of each knowing the names.

Adding a credential kind is one row here (and examples in the rules that read it). The CI
systems are named as ``Pipeline.system`` names them: ``github``, ``gitlab``, ``circleci``,
``azure``, ``bitbucket``, ``jenkins``, and ``shell`` for scripts and Makefiles outside CI.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

#: The CI systems a fix can be written for, in the order messages and docs list them.
SYSTEMS: tuple[str, ...] = (
    "github",
    "gitlab",
    "circleci",
    "azure",
    "bitbucket",
    "jenkins",
    "shell",
)


@dataclass(frozen=True, slots=True)
class CredentialKind:
    """One kind of standing credential and every name that carries it.

    ``env`` holds upper-case env-var names; a ``*`` is a wildcard (``POETRY_PYPI_TOKEN_*``).
    ``inputs`` maps a reusable step (``owner/repo`` of a GitHub action, ``orb/command`` of a
    CircleCI orb, ``Task@N`` of Azure, ``atlassian/pipe-name`` of a Bitbucket pipe, all
    lower-case, no version) to the input names that carry the credential. ``flags`` maps a
    command (its first words, ``docker login``) to the flags whose value is the credential.
    ``lifetime`` is ``static`` (lives until revoked) or an ISO 8601 duration. ``federation``
    maps a system of ``SYSTEMS`` to the one-sentence session-scoped replacement there; a
    system with no entry has none the scanner can recommend (the message then says to scope
    and rotate the secret). ``secret`` is False for names that look like credentials but are
    public identifiers (a role ARN, a client id): they are listed so that rules can stay quiet.
    """

    id: str
    name: str
    lifetime: str
    owasp: tuple[str, ...]
    env: tuple[str, ...] = ()
    inputs: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    flags: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    federation: Mapping[str, str] = field(default_factory=dict)
    secret: bool = True
    #: One line: how to revoke or replace it when federation is not possible.
    rotate: str = ""

    def fix(self, system: str) -> str:
        """The replacement in ``system``, or the generic advice when it has none."""
        return (
            self.federation.get(system)
            or self.rotate
            or ("Scope the secret to one step and one protected environment, and rotate it.")
        )


KINDS: tuple[CredentialKind, ...] = (
    CredentialKind(
        id="aws-access-key",
        name="AWS long-term access key",
        lifetime="static",
        owasp=("NHI6", "NHI7"),
        env=("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"),
        inputs={
            "aws-actions/configure-aws-credentials": ("aws-access-key-id", "aws-secret-access-key"),
        },
        federation={
            "github": "grant the job `permissions: id-token: write` and use "
            "aws-actions/configure-aws-credentials with `role-to-assume` (GitHub OIDC)",
        },
        rotate="Deactivate and delete the IAM user's access key once the role is in use.",
    ),
)


@dataclass(frozen=True, slots=True)
class _Index:
    env: dict[str, CredentialKind]
    env_globs: tuple[tuple[re.Pattern[str], CredentialKind], ...]
    inputs: dict[tuple[str, str], CredentialKind]
    flags: dict[str, tuple[tuple[str, CredentialKind], ...]]


@lru_cache(maxsize=1)
def _index() -> _Index:
    env: dict[str, CredentialKind] = {}
    globs: list[tuple[re.Pattern[str], CredentialKind]] = []
    inputs: dict[tuple[str, str], CredentialKind] = {}
    flags: dict[str, list[tuple[str, CredentialKind]]] = {}
    for kind in KINDS:
        for name in kind.env:
            if "*" in name:
                globs.append((re.compile(fnmatch.translate(name)), kind))
            else:
                env.setdefault(name, kind)
        for step, names in kind.inputs.items():
            for name in names:
                inputs.setdefault((step, name.lower()), kind)
        for command, names in kind.flags.items():
            for name in names:
                flags.setdefault(command, []).append((name, kind))
    return _Index(env, tuple(globs), inputs, {k: tuple(v) for k, v in flags.items()})


def by_id(kind_id: str) -> CredentialKind:
    """The row with id ``kind_id`` (a KeyError names a typo in a rule at import)."""
    for kind in KINDS:
        if kind.id == kind_id:
            return kind
    raise KeyError(kind_id)


def for_env(name: str) -> CredentialKind | None:
    """The kind an env var of this name carries (exact upper-case names first, then globs)."""
    index = _index()
    upper = name.upper()
    found = index.env.get(upper)
    if found is not None:
        return found
    for pattern, kind in index.env_globs:
        if pattern.match(upper):
            return kind
    return None


def for_input(step: str, name: str) -> CredentialKind | None:
    """The kind an input ``name`` of reusable step ``step`` (lower-case, no version) carries."""
    return _index().inputs.get((step.lower(), name.lower()))


def for_flag(command: str, flag: str) -> CredentialKind | None:
    """The kind a flag of ``command`` (its first words, ``docker login``) carries."""
    for name, kind in _index().flags.get(command, ()):
        if name == flag:
            return kind
    return None
