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
from dataclasses import dataclass
from functools import lru_cache

from scanner.credential_kind import EPHEMERAL, LIFETIME, SYSTEMS, CredentialKind, is_ephemeral
from scanner.credential_rows import KINDS

__all__ = [
    "EPHEMERAL",
    "KINDS",
    "LIFETIME",
    "SYSTEMS",
    "CredentialKind",
    "by_id",
    "for_env",
    "for_flag",
    "for_input",
    "for_path_env",
    "is_ephemeral",
]


@dataclass(frozen=True, slots=True)
class _Index:
    env: dict[str, CredentialKind]
    env_globs: tuple[tuple[re.Pattern[str], CredentialKind], ...]
    path_env: dict[str, CredentialKind]
    inputs: dict[tuple[str, str], CredentialKind]
    #: Steps named with a wildcard (``atlassian/aws-*``): (step pattern, input, kind).
    input_globs: tuple[tuple[re.Pattern[str], str, CredentialKind], ...]
    flags: dict[str, tuple[tuple[str, CredentialKind], ...]]


def _glob(pattern: str) -> re.Pattern[str]:
    return re.compile(fnmatch.translate(pattern))


@lru_cache(maxsize=1)
def _index() -> _Index:
    env: dict[str, CredentialKind] = {}
    globs: list[tuple[re.Pattern[str], CredentialKind]] = []
    path_env: dict[str, CredentialKind] = {}
    inputs: dict[tuple[str, str], CredentialKind] = {}
    input_globs: list[tuple[re.Pattern[str], str, CredentialKind]] = []
    flags: dict[str, list[tuple[str, CredentialKind]]] = {}
    for kind in KINDS:
        for name in kind.env:
            if "*" in name:
                globs.append((_glob(name), kind))
            else:
                env.setdefault(name, kind)
        for name in kind.path_env:
            path_env.setdefault(name, kind)
        for step, names in kind.inputs.items():
            for name in names:
                if "*" in step:
                    input_globs.append((_glob(step.lower()), name.lower(), kind))
                else:
                    inputs.setdefault((step.lower(), name.lower()), kind)
        for command, names in kind.flags.items():
            for name in names:
                flags.setdefault(command, []).append((name, kind))
    return _Index(
        env,
        tuple(globs),
        path_env,
        inputs,
        tuple(input_globs),
        {k: tuple(v) for k, v in flags.items()},
    )


def by_id(kind_id: str) -> CredentialKind:
    """The row with id ``kind_id`` (a KeyError names a typo in a rule at import)."""
    for kind in KINDS:
        if kind.id == kind_id:
            return kind
    raise KeyError(kind_id)


def for_env(name: str) -> CredentialKind | None:
    """The kind an env var of this name carries as its value (exact upper-case names first,
    then globs). Names whose value is a path (``KUBECONFIG``) are ``for_path_env``'s."""
    index = _index()
    upper = name.upper()
    found = index.env.get(upper)
    if found is not None:
        return found
    for pattern, kind in index.env_globs:
        if pattern.match(upper):
            return kind
    return None


def for_path_env(name: str) -> CredentialKind | None:
    """The kind held in the file an env var of this name points at (``KUBECONFIG``)."""
    return _index().path_env.get(name.upper())


def for_input(step: str, name: str) -> CredentialKind | None:
    """The kind an input ``name`` of reusable step ``step`` (no version) carries; both are
    compared case-insensitively."""
    index = _index()
    step, name = step.lower(), name.lower()
    found = index.inputs.get((step, name))
    if found is not None:
        return found
    for pattern, input_name, kind in index.input_globs:
        if input_name == name and pattern.match(step):
            return kind
    return None


def for_flag(command: str, flag: str) -> CredentialKind | None:
    """The kind a flag of ``command`` carries. ``command`` is the program and its leading
    words (``docker login``, ``az storage blob upload``): the longest listed prefix decides."""
    words = command.split()
    flags = _index().flags
    while words:
        for name, kind in flags.get(" ".join(words), ()):
            if name == flag:
                return kind
        words.pop()
    return None
