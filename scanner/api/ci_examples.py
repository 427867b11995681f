"""One shell snippet written out as a pipeline of every CI system, for rule examples.

A command rule (``LLC-CI-*``) must be proven in each place a command can live: a GitHub
``run:``, a GitLab ``script:``, a CircleCI ``run: command:``, an Azure ``script:``, a Bitbucket
step, a Jenkins ``sh`` step, a shell script, a Makefile recipe and a Dockerfile ``RUN``.
Writing each by hand would be nine copies of one idea; ``in_systems`` writes them, so every
loader is exercised by every command rule, and an ``expect:`` marker on a command line stays on
its line in each system.

``env`` gives variables the step runs with: a ``str`` is a literal written in the file, a
``Stored("NAME")`` a value from that system's secret store, written as the system refers to
one (``${{ secrets.NAME }}``, ``$NAME``, ``$(NAME)``, ``credentials('name')``; a CircleCI
context, a Bitbucket repository variable and a script's caller hold it outside the file, so
there it is left out). ``federated`` gives the job its system's OIDC switch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from scanner.api.rule import Invalid, Valid


@dataclass(frozen=True, slots=True)
class Stored:
    """A value read from the CI system's secret store under ``name``."""

    name: str


Env = Mapping[str, "str | Stored"]

#: Where each system's example file lives.
PATHS: dict[str, str] = {
    "github": ".github/workflows/deploy.yml",
    "gitlab": ".gitlab-ci.yml",
    "circleci": ".circleci/config.yml",
    "azure": "azure-pipelines.yml",
    "bitbucket": "bitbucket-pipelines.yml",
    "jenkins": "Jenkinsfile",
    "shell": "scripts/deploy.sh",
    "make": "Makefile",
    "dockerfile": "Dockerfile",
}
SYSTEMS: tuple[str, ...] = tuple(PATHS)
#: The CI systems proper (not scripts run by hand or by make).
CI_SYSTEMS: tuple[str, ...] = SYSTEMS[:6]


def _indent(script: str, spaces: int) -> str:
    pad = " " * spaces
    return "".join(f"{pad}{line}\n" if line.strip() else "\n" for line in script.splitlines())


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _github(script: str, env: Env, federated: bool) -> str:
    out = "name: deploy\non: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n"
    if federated:
        out += "    permissions:\n      id-token: write\n      contents: read\n"
    out += "    steps:\n      - uses: actions/checkout@v4\n      - name: deploy\n"
    if env:
        out += "        env:\n"
        for key, value in env.items():
            text = (
                f"${{{{ secrets.{value.name} }}}}" if isinstance(value, Stored) else _quote(value)
            )
            out += f"          {key}: {text}\n"
    return out + "        run: |\n" + _indent(script, 10)


def _gitlab(script: str, env: Env, federated: bool) -> str:
    out = "stages: [deploy]\n\ndeploy:\n  stage: deploy\n  image: alpine:3.20\n"
    if federated:
        out += "  id_tokens:\n    CLOUD_ID_TOKEN:\n      aud: https://gitlab.example.com\n"
    if env:
        out += "  variables:\n"
        for key, value in env.items():
            text = f"${value.name}" if isinstance(value, Stored) else _quote(value)
            out += f"    {key}: {text}\n"
    return out + "  script:\n    - |\n" + _indent(script, 6)


def _circleci(script: str, env: Env, federated: bool) -> str:
    out = "version: 2.1\njobs:\n  deploy:\n    docker:\n      - image: cimg/base:current\n"
    literals = {k: v for k, v in env.items() if not isinstance(v, Stored)}
    if literals:
        out += "    environment:\n"
        for key, value in literals.items():
            out += f"      {key}: {_quote(value)}\n"
    out += "    steps:\n      - checkout\n      - run:\n          name: deploy\n"
    out += "          command: |\n" + _indent(script, 12)
    out += "workflows:\n  main:\n    jobs:\n      - deploy"
    stored = any(isinstance(v, Stored) for v in env.values())
    # Contexts hold CircleCI's stored secrets, and a job with a context gets an OIDC token.
    return out + (":\n          context: [deploy]\n" if stored or federated else "\n")


def _azure(script: str, env: Env, federated: bool) -> str:
    out = "trigger:\n  - main\npool:\n  vmImage: ubuntu-latest\nsteps:\n"
    out += "  - script: |\n" + _indent(script, 6)
    if env:
        out += "    env:\n"
        for key, value in env.items():
            text = f"$({value.name})" if isinstance(value, Stored) else _quote(value)
            out += f"      {key}: {text}\n"
    return out + "    displayName: deploy\n"


def _bitbucket(script: str, env: Env, federated: bool) -> str:
    out = "image: atlassian/default-image:4\npipelines:\n  default:\n    - step:\n"
    out += "        name: deploy\n"
    if federated:
        out += "        oidc: true\n"
    out += "        script:\n"
    for key, value in env.items():
        if not isinstance(value, Stored):
            out += f"          - export {key}={_quote(value)}\n"
    return out + "          - |\n" + _indent(script, 12)


def _jenkins(script: str, env: Env, federated: bool) -> str:
    out = "pipeline {\n  agent any\n"
    if env:
        out += "  environment {\n"
        for key, value in env.items():
            text = (
                f"credentials('{value.name.lower().replace('_', '-')}')"
                if isinstance(value, Stored)
                else "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
            )
            out += f"    {key} = {text}\n"
        out += "  }\n"
    body = script.replace("\\", "\\\\").replace("'''", "\\'\\'\\'")
    out += "  stages {\n    stage('deploy') {\n      steps {\n        sh '''\n"
    out += _indent(body, 10)
    return out + "        '''\n      }\n    }\n  }\n}\n"


def _shell(script: str, env: Env, federated: bool) -> str:
    out = "#!/usr/bin/env bash\nset -euo pipefail\n"
    for key, value in env.items():
        if not isinstance(value, Stored):
            out += f"export {key}={_quote(value)}\n"
    return out + script + ("\n" if not script.endswith("\n") else "")


def _make(script: str, env: Env, federated: bool) -> str:
    out = ".PHONY: deploy\n"
    for key, value in env.items():
        if not isinstance(value, Stored):
            out += f"export {key} := {value}\n"
    out += "deploy:\n"
    for line in script.splitlines():
        out += ("\t" + line.replace("$", "$$") + "\n") if line.strip() else "\n"
    return out


def _dockerfile(script: str, env: Env, federated: bool) -> str:
    """A build stage running the script: a one-command script is one ``RUN`` line (its
    continuations kept), a longer one a ``RUN <<SCRIPT`` heredoc, so that its commands share
    one shell as in a CI step (separate ``RUN`` lines would not see each other's variables).
    Literal env values are ``ENV``; a stored value is a build argument supplied from outside,
    left out as for a script."""
    out = "FROM alpine:3.20\n"
    for key, value in env.items():
        if not isinstance(value, Stored):
            quoted = value.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$")
            out += f'ENV {key}="{quoted}"\n'
    lines = [line for line in script.splitlines() if line.strip()]
    commands = [
        i
        for i, line in enumerate(lines)
        if not line.lstrip().startswith("#")
        and (i == 0 or not lines[i - 1].rstrip().endswith("\\"))
    ]
    if len(commands) == 1 and "<<" not in script:
        first = commands[0]
        out += "".join(line.lstrip() + "\n" for line in lines[:first])
        out += "RUN " + lines[first].strip() + "\n"
        return out + "".join("    " + line.strip() + "\n" for line in lines[first + 1 :])
    return out + "RUN <<SCRIPT\n" + script.rstrip("\n") + "\nSCRIPT\n"


_WRITERS: dict[str, Callable[[str, Env, bool], str]] = {
    "github": _github,
    "gitlab": _gitlab,
    "circleci": _circleci,
    "azure": _azure,
    "bitbucket": _bitbucket,
    "jenkins": _jenkins,
    "shell": _shell,
    "make": _make,
    "dockerfile": _dockerfile,
}


def render(system: str, script: str, env: Env | None = None, *, federated: bool = False) -> str:
    """``script`` as the text of ``system``'s file (``PATHS[system]``)."""
    return _WRITERS[system](script, env or {}, federated)


def _texts(
    script: str, env: Env | None, federated: bool, systems: Iterable[str]
) -> list[tuple[str, str]]:
    out = []
    for system in systems:
        if system == "make" and "<<" in script:
            continue  # make runs each recipe line in its own shell: no heredocs
        out.append((render(system, script, env, federated=federated), PATHS[system]))
    return out


def valid_in(
    script: str,
    *,
    env: Env | None = None,
    federated: bool = False,
    systems: Iterable[str] = SYSTEMS,
) -> list[Valid]:
    """One ``Valid`` example per system: ``script`` must give no finding in any of them."""
    return [Valid(text, path) for text, path in _texts(script, env, federated, systems)]


def invalid_in(
    script: str,
    *,
    env: Env | None = None,
    federated: bool = False,
    systems: Iterable[str] = SYSTEMS,
) -> list[Invalid]:
    """One ``Invalid`` example per system, firing on the ``expect:`` lines in each."""
    return [Invalid(text, path) for text, path in _texts(script, env, federated, systems)]
