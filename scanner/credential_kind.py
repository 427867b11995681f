"""The schema of the credential-kinds table (``scanner.credentials``): one row's fields, the
CI systems a fix is written for, and the platform-issued job credentials no rule should report.

Kept apart from the rows (``credential_rows``) and the lookups (``credentials``) so the table
can grow past one module without an import cycle; rules read all three through
``scanner.api.credentials``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

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

#: ``static`` (lives until revoked) or an ISO 8601 duration (``P90D``, ``PT1H``).
LIFETIME = re.compile(
    r"^(static|P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?)$"
)

_GENERIC_FIX = "Scope the secret to one step and one protected environment, and rotate it."


@dataclass(frozen=True, slots=True)
class CredentialKind:
    """One kind of standing credential and every name that carries it.

    ``env`` holds upper-case env-var names whose *value* is the credential; a ``*`` is a
    wildcard (``POETRY_PYPI_TOKEN_*``). ``path_env`` holds env-var names whose value is the
    *path* of a file holding it (``KUBECONFIG``): a rule must not read such a value as a
    secret. ``inputs`` maps a reusable step (``owner/repo`` of a GitHub action, ``orb/command``
    of a CircleCI orb, ``Task@N`` of Azure, ``atlassian/pipe-name`` of a Bitbucket pipe, all
    lower-case, no version; a ``*`` is a wildcard, ``atlassian/aws-*``) to the input names
    that carry the credential. ``flags`` maps a command (its first words, ``docker login``) to
    the flags whose value is the credential. ``lifetime`` is ``static`` (lives until revoked)
    or the ISO 8601 duration the credential lives when created with the provider's defaults
    (or its enforced maximum). ``federation`` maps a system of ``SYSTEMS`` to the one-sentence
    session-scoped replacement there; a system with no entry has none the scanner can
    recommend (the message then says ``rotate``, or to scope and rotate the secret).
    ``secret`` is False for names that look like credentials but are public identifiers (a
    role ARN, a client id): they are listed so that rules can stay quiet on them.
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
    path_env: tuple[str, ...] = ()

    def fix(self, system: str) -> str:
        """The replacement in ``system``, or the generic advice when it has none."""
        return self.federation.get(system) or self.rotate or _GENERIC_FIX

    @property
    def static(self) -> bool:
        """Lives until someone revokes it."""
        return self.lifetime == "static"


#: Credentials each CI system issues to one job and revokes after it, as the system names
#: them (GitHub as expression references, the others as variable names). A rule reading one
#: of these reports at most argv exposure, never a standing credential.
EPHEMERAL: Mapping[str, frozenset[str]] = {
    # GITHUB_TOKEN expires when the job ends (at most 24 hours on self-hosted runners); the
    # ACTIONS_* pair is what a step uses to request the job's OIDC token.
    "github": frozenset(
        {
            "secrets.GITHUB_TOKEN",
            "github.token",
            "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
            "ACTIONS_RUNTIME_TOKEN",
        }
    ),
    # CI_REGISTRY_PASSWORD and CI_DEPENDENCY_PROXY_PASSWORD hold the job token. Not
    # CI_DEPLOY_PASSWORD: that is a project deploy token, which lives until revoked.
    "gitlab": frozenset({"CI_JOB_TOKEN", "CI_REGISTRY_PASSWORD", "CI_DEPENDENCY_PROXY_PASSWORD"}),
    "circleci": frozenset({"CIRCLE_OIDC_TOKEN", "CIRCLE_OIDC_TOKEN_V2"}),
    # $(System.AccessToken) is the job's access token (SYSTEM_ACCESSTOKEN once mapped to env).
    "azure": frozenset({"System.AccessToken", "SYSTEM_ACCESSTOKEN"}),
    "bitbucket": frozenset({"BITBUCKET_STEP_OIDC_TOKEN"}),
    "jenkins": frozenset(),
    "shell": frozenset(),
}


def is_ephemeral(system: str, name: str) -> bool:
    """Whether ``name`` (``secrets.GITHUB_TOKEN``, ``CI_JOB_TOKEN``) is ``system``'s job token.

    GitHub secret names are case-insensitive, so ``secrets.github_token`` is the job token too.
    """
    names = EPHEMERAL.get(system, frozenset())
    if name in names:
        return True
    if system == "github" and name.lower().startswith("secrets."):
        return "secrets." + name.split(".", 1)[1].upper() in names
    return False
