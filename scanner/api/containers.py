"""What the container rules (LLC-DCK-*) share: which names carry credentials, which literal
values are ones, and which host paths hold a person's standing credentials.

A Dockerfile ``ENV``, a compose ``environment:`` entry and a devcontainer ``containerEnv``
are the same ``NAME=value`` pair; one judgement here keeps the three rules in agreement.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from scanner import credentials
from scanner.secrets import CREDENTIAL_KEYWORDS, credential_format, generated_secret

#: The LLC-IAC-010 key names: a name ending in a credential word (``NPM_TOKEN``,
#: ``DB_PASSWORD``), not one naming a file or place that holds it (``NPM_TOKEN_FILE``).
_KEY = re.compile(rf"(?i)(?:^|[_.-])(?:{CREDENTIAL_KEYWORDS})$")
#: Shell names that end like credentials and are not (the working directory).
_NOT_SECRET = frozenset({"PWD", "OLDPWD"})

#: A person's home directory as compose, a shell or a devcontainer writes it (``~``,
#: ``$HOME``, ``${HOME:-/root}``, ``${localEnv:HOME}${localEnv:USERPROFILE}``, the older
#: ``${env:HOME}``, ``/home/me``).
_HOME = (
    r"(?:~|\$HOME|\$\{HOME(?::?-[^}]*)?\}|\$USERPROFILE|\$\{USERPROFILE(?::?-[^}]*)?\}"
    r"|%USERPROFILE%|\$\{(?:localEnv|env):(?:HOME|USERPROFILE)(?::[^}]*)?\}"
    r"|/home/[^/:]+|/Users/[^/:]+"
    r"|/root)+"
)
#: The directories and files where CLIs keep a person's long-lived credentials.
_CREDENTIAL_HOME = re.compile(
    rf"^(?P<path>{_HOME}[/\\](?P<dir>\.aws|\.config/gcloud|\.azure|\.kube|\.docker|\.ssh"
    r"|\.npmrc|\.netrc|\.pypirc|\.git-credentials|\.config/gh)(?P<sub>[/\\][^:,]*)?)(?=$|[:,])"
)
#: Paths under those that hold no secret.
_HARMLESS = re.compile(r"(?i)known_hosts|\.pub$|^[/\\]config$|^[/\\]buildx|^[/\\]cli-plugins")


#: Prefixes front-end build tools reserve for values they inline into the client bundle
#: (Vite, Next.js, Create React App, Nuxt, Expo, Gatsby): public by design, not secrets.
_PUBLIC_BUILD_VAR = re.compile(
    r"(?i)^(?:VITE_|NEXT_PUBLIC_|REACT_APP_|NUXT_PUBLIC_|EXPO_PUBLIC_|GATSBY_|PUBLIC_)"
)


def credential_name(name: str) -> bool:
    """Whether an env name (``ENV``, ``ARG``, ``environment:``) carries a credential as its
    value: the credential-kinds table's secret names, and names ending in a credential word;
    never a name of a path (``GOOGLE_APPLICATION_CREDENTIALS``) or a public identifier."""
    if name.upper() in _NOT_SECRET or credentials.for_path_env(name) is not None:
        return False
    if _PUBLIC_BUILD_VAR.match(name):
        return False  # a front-end build's public variable: bundled into the browser by design
    kind = credentials.for_env(name)
    if kind is not None:
        return kind.secret
    return _KEY.search(name) is not None


def literal_credential(name: str, value: str, is_placeholder: Callable[[str], bool]) -> bool:
    """A literal ``value`` under a credential ``name`` that is a credential: a provider
    format, or generated-looking (LLC-IAC-010 semantics); placeholders never are."""
    if not value or is_placeholder(value):
        return False
    return credential_format(value) is not None or generated_secret(name, value, is_placeholder)


def host_credential_path(source: str) -> tuple[str, str] | None:
    """``(path, directory)`` when a bind-mount ``source`` is a person's credential directory
    or file (``~/.aws``, ``${HOME}/.kube/config``), else None."""
    match = _CREDENTIAL_HOME.match(source.strip())
    if match is None:
        return None
    sub = match.group("sub") or ""
    directory = match.group("dir")
    kube_config = directory == ".kube" and sub.strip("/\\") == "config"
    if sub and _HARMLESS.search(sub) and not kube_config:
        return None
    if directory == ".docker" and sub and "config.json" not in sub:
        return None
    return match.group("path"), directory
