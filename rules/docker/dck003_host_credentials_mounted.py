"""LLC-DCK-003: compose or devcontainer giving a container a person's host credentials."""

from __future__ import annotations

from scanner.api import (
    BASE64,
    Category,
    FileKind,
    Invalid,
    Lifetime,
    Precision,
    RuleMeta,
    Severity,
    Valid,
    YamlDocument,
    YamlRule,
    fake_token,
)
from scanner.api import (
    yamlnodes as y,
)
from scanner.api.containers import credential_name, host_credential_path, literal_credential

_FIX = (
    "Give the container its own short-lived credentials: an SSO session profile "
    "(`AWS_PROFILE` with `aws sso login`), a role through a local metadata emulator, or "
    "secrets from compose `secrets:`; never the developer's long-term keys."
)
_SECRET = fake_token("", 40, BASE64, seed=1301)
_TOOLS = {
    ".aws": "AWS",
    ".config/gcloud": "gcloud",
    ".azure": "Azure CLI",
    ".kube": "kubectl",
    ".docker": "Docker registry",
    ".ssh": "SSH",
    ".npmrc": "npm",
    ".netrc": "netrc",
    ".pypirc": "PyPI",
    ".git-credentials": "git",
    ".config/gh": "GitHub CLI",
}
Node = y.Node


class HostCredentialsMounted(YamlRule):
    """## What it does
    Flags docker-compose services and `.devcontainer/devcontainer.json` that bind-mount a
    person's credential directories into a container: `~/.aws`, `~/.config/gcloud`,
    `~/.azure`, `~/.kube`, `~/.docker` (or its `config.json`), `~/.ssh`, `~/.npmrc`, and the
    `.netrc`, `.pypirc`, `.git-credentials` and `~/.config/gh` files that hold tokens too,
    however the home is written (`~`, `$HOME`, `${HOME:-/root}`, `${localEnv:HOME}`,
    `/home/<user>`). Compose `volumes:` in short and long syntax, devcontainer `mounts` and
    `runArgs` (`-v`, `--mount`) are read. Also flags literal credentials in a service's
    `environment:` (and a devcontainer's `containerEnv`/`remoteEnv`): a provider format or a
    generated-looking value under a credential name, as LLC-IAC-010 judges them.

    A compose service with `deploy:` is high (it is meant to run beyond a laptop); a
    devcontainer is low (the container is the developer's own session, but every extension
    and `postCreateCommand` in it gets the keys). `known_hosts`, public keys, `~/.ssh/config`,
    `~/.aws/config`, the Docker socket and `${VAR}` references are left alone.

    ## Why is this bad?
    The container runs with a human's standing credentials: whatever runs inside it (a
    dependency, a compromised image) can read and copy long-term keys that work from anywhere
    and never expire, and what the workload does is logged as the person (OWASP NHI9 NHI
    Reuse, NHI8 Environment Isolation).

    ## Example
    ```yaml
    services:
      worker:
        image: acme/worker
        volumes:
          - ~/.aws:/root/.aws:ro
    ```

    Use instead:
    ```yaml
    services:
      worker:
        image: acme/worker
        environment:
          AWS_PROFILE: dev-sso   # short sessions from `aws sso login`
        secrets: [worker_token]
    secrets:
      worker_token:
        environment: WORKER_TOKEN
    ```

    ## References
    - Docker Compose, secrets: https://docs.docker.com/compose/how-tos/use-secrets/
    - AWS CLI, IAM Identity Center (SSO) profiles: https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-sso.html
    """

    META = RuleMeta(
        id="LLC-DCK-003",
        name="host-credentials-mounted",
        summary="Compose or devcontainer mounts host credentials into a container",
        category=Category.STATIC_SECRET,
        severity=Severity.MEDIUM,
        precision=Precision.HIGH,
        owasp=("NHI9", "NHI8"),
        fix=_FIX,
        kinds=frozenset({FileKind.COMPOSE, FileKind.DEVCONTAINER}),
        triggers=(
            ".aws", "gcloud", ".azure", ".kube", ".docker", ".ssh", ".npmrc", ".netrc",
            ".pypirc", ".git-credentials", "/gh", "environment", "containerenv", "remoteenv",
        ),
    )

    VALID = [
        Valid(
            "services:\n  app:\n    image: acme/app\n    environment:\n"
            "      AWS_PROFILE: dev-sso\n      API_TOKEN: ${API_TOKEN}\n"
            "      POSTGRES_PASSWORD: postgres\n    volumes:\n"
            "      - ./src:/app/src\n      - /var/run/docker.sock:/var/run/docker.sock\n"
            "      - ~/.ssh/known_hosts:/root/.ssh/known_hosts:ro\n"
        ),
        Valid(
            "services:\n  minio:\n    image: minio/minio\n    environment:\n"
            "      - MINIO_ROOT_USER=minioadmin\n      - MINIO_ROOT_PASSWORD=minioadmin\n"
            "    secrets: [token]\n    # volumes: [\"~/.aws:/root/.aws\"]\n"
            "secrets:\n  token:\n    file: ./secrets/token.txt\n",
            path="deploy/compose.yaml",
        ),
        Valid(
            '{\n  // forward the agent instead of mounting keys\n  "name": "dev",\n'
            '  "image": "mcr.microsoft.com/devcontainers/base:ubuntu",\n'
            '  "mounts": ["source=${localWorkspaceFolder}/.cache,target=/cache,type=bind"],\n'
            '  "containerEnv": {"AWS_PROFILE": "dev-sso"},\n}\n',
            path=".devcontainer/devcontainer.json",
        ),
        # Compose: a named volume and a tmpfs, not host paths; the token comes from the shell.
        Valid(
            "services:\n  cache:\n    image: redis:7\n    volumes:\n"
            "      - type: volume\n        source: aws\n        target: /root/.aws\n"
            "      - type: tmpfs\n        target: /root/.docker\n"
            "    environment:\n      - GITHUB_TOKEN\n      - NPM_TOKEN_FILE=/run/secrets/npm\n"
            "volumes:\n  aws: {}\n",
            path="docker-compose.yml",
        ),
        # Devcontainers: features that log in (SSO, gh) instead of host mounts; placeholders.
        Valid(
            '{\n  "image": "mcr.microsoft.com/devcontainers/base:bookworm",\n'
            '  "features": {"ghcr.io/devcontainers/features/aws-cli:1": {}},\n'
            '  "mounts": [{"source": "devcontainer-aws", "target": "/home/vscode/.aws",'
            ' "type": "volume"}],\n'
            '  "remoteEnv": {"GITHUB_TOKEN": "${localEnv:GITHUB_TOKEN}"},\n'
            '  "postCreateCommand": "aws sso login --profile dev"\n}\n',
            path=".devcontainer/devcontainer.json",
        ),
        Valid(
            '{\n  "name": "api",\n  "dockerComposeFile": "compose.yaml",\n'
            '  "runArgs": ["--env-file", ".devcontainer/devcontainer.env"],\n'
            '  "containerEnv": {"API_TOKEN": "your-token-here",\n'
            '                   "KUBECONFIG": "/workspace/.kube/kind.yaml"}\n}\n',
            path=".devcontainer/api/devcontainer.json",
        ),
    ]
    INVALID = [
        Invalid(
            "services:\n  worker:\n    image: acme/worker\n    volumes:\n"
            '      - "~/.aws:/root/.aws:ro"  # expect: LLC-DCK-003\n'
            "      - ${HOME}/.kube/config:/root/.kube/config  # expect: LLC-DCK-003\n"
        ),
        Invalid(
            "services:\n  api:\n    image: acme/api\n    deploy:\n      replicas: 2\n"
            "    volumes:\n      - type: bind\n"
            "        source: ${HOME:-/root}/.config/gcloud  # expect: LLC-DCK-003\n"
            "        target: /root/.config/gcloud\n    environment:\n"
            f"      AWS_SECRET_ACCESS_KEY: {_SECRET}  # expect: LLC-DCK-003\n",
            path="docker-compose.prod.yml",
        ),
        Invalid(
            "services:\n  bot:\n    image: acme/bot\n    environment:\n"
            f"      - SLACK_BOT_TOKEN={'xoxb-' + '2' * 12 + '-' + '3' * 12 + '-' + 'q' * 24}"
            "  # expect: LLC-DCK-003\n",
            path="compose.yml",
        ),
        Invalid(
            '{\n  "name": "dev",\n  "image": "mcr.microsoft.com/devcontainers/python:3.12",\n'
            '  // reuse the host login\n  "mounts": [\n'
            '    "source=${localEnv:HOME}${localEnv:USERPROFILE}/.aws,target=/home/vscode/.aws,'
            'type=bind",\n'
            '    {"source": "${localEnv:HOME}/.ssh", "target": "/home/vscode/.ssh", '
            '"type": "bind"},\n  ],\n'
            '  "runArgs": ["-v", "${localEnv:HOME}/.azure:/home/vscode/.azure"],\n}\n',
            path=".devcontainer/devcontainer.json",
            lines=(6, 7, 9),
        ),
        Invalid(
            '{\n  "image": "mcr.microsoft.com/devcontainers/go:1.22",\n'
            '  "runArgs": ["--mount",\n'
            '    "type=bind,source=${localEnv:HOME}/.kube,target=/home/vscode/.kube"],\n'
            '  "mounts": ["source=${localEnv:HOME}/.config/gh,target=/home/vscode/.config/gh,'
            'type=bind,consistency=cached"]\n}\n',
            path=".devcontainer/devcontainer.json",
            lines=(4, 5),
        ),
        Invalid(
            '{\n  "name": "deploy",\n  "image": "mcr.microsoft.com/devcontainers/base",\n'
            '  "containerEnv": {\n'
            f'    "AWS_SECRET_ACCESS_KEY": "{_SECRET}",\n'
            '    "AWS_REGION": "eu-west-1"\n  }\n}\n',
            path=".devcontainer.json",
            lines=(5,),
        ),
    ]

    def check(self, doc: YamlDocument) -> None:
        path = "/" + doc.path.replace("\\", "/").lower()
        # A compose file beside a devcontainer runs the developer's own container: low.
        dev = "/.devcontainer/" in path
        for root in doc.roots:
            if path.endswith(".json"):
                self._devcontainer(root)
            else:
                self._compose(root, dev)

    # -- compose ---------------------------------------------------------------------------

    def _compose(self, root: Node, dev: bool) -> None:
        for name, _, service in y.items(y.get(root, "services")):
            deployed = y.get(service, "deploy") is not None
            severity = Severity.HIGH if deployed else Severity.LOW if dev else None
            for volume in y.elements(y.get(service, "volumes")):
                source = y.scalar(volume)
                node = volume
                if source is None:
                    node = y.get(volume, "source") or volume
                    if (y.scalar(y.get(volume, "type")) or "bind") != "bind":
                        continue
                    source = y.scalar(node)
                if source is not None:
                    self._mount(node, source, f"service `{name}`", severity)
            self._environment(y.get(service, "environment"), f"service `{name}`", deployed)

    # -- devcontainer ----------------------------------------------------------------------

    def _devcontainer(self, root: Node) -> None:
        where = "the devcontainer"
        for mount in y.elements(y.get(root, "mounts")):
            text = y.scalar(mount)
            if text is not None:
                source = _option(text, "source", "src")
                if source is not None and (_option(text, "type") or "bind") == "bind":
                    self._mount(mount, source, where, Severity.LOW)
                continue
            node = y.get(mount, "source")
            if node is not None and (y.scalar(y.get(mount, "type")) or "bind") == "bind":
                self._mount(node, y.scalar(node) or "", where, Severity.LOW)
        args = list(y.elements(y.get(root, "runArgs")))
        for i, arg in enumerate(args):
            value = y.scalar(arg) or ""
            for flag in ("-v", "--volume", "--mount"):
                if value == flag and i + 1 < len(args):
                    self._run_arg(args[i + 1], y.scalar(args[i + 1]) or "", flag, where)
                elif value.startswith(flag + "="):
                    self._run_arg(arg, value[len(flag) + 1 :], flag, where)
        for key in ("containerEnv", "remoteEnv"):
            self._environment(y.get(root, key), where, False)

    def _run_arg(self, node: Node, value: str, flag: str, where: str) -> None:
        source = _option(value, "source", "src") if flag == "--mount" else value
        if source is not None:
            self._mount(node, source, where, Severity.LOW)

    # -- shared ----------------------------------------------------------------------------

    def _mount(self, node: Node, source: str, where: str, severity: Severity | None) -> None:
        found = host_credential_path(source)
        if found is None:
            return
        path, directory = found
        self.report(
            node,
            f"{where.capitalize()} mounts the host's `{path}`: the container gets a person's "
            f"standing {_TOOLS.get(directory, directory)} credentials, which never expire "
            "and are used in that person's name.",
            lifetime=Lifetime.static(),
            severity=severity,
        )

    def _environment(self, env: Node | None, where: str, deployed: bool) -> None:
        for name, value, node in _env_entries(env):
            if not credential_name(name) or not literal_credential(
                name, value, self.context.is_placeholder
            ):
                continue
            self.report(
                node,
                f"{where.capitalize()} sets `{name}` to a literal credential: it is in the "
                "repository and in every container's environment, and never expires.",
                lifetime=Lifetime.static(),
                value=value,
                severity=Severity.CRITICAL if deployed else Severity.HIGH,
            )


def _option(text: str, *names: str) -> str | None:
    """The value of ``name=value`` in a ``--mount``-style comma list."""
    for part in text.split(","):
        key, sep, value = part.partition("=")
        if sep and key.strip().lower() in names:
            return value.strip()
    return None


def _env_entries(env: Node | None) -> list[tuple[str, str, Node]]:
    """``(name, literal value, value node)`` of a mapping or a ``NAME=value`` list."""
    out: list[tuple[str, str, Node]] = []
    for name, _, value in y.items(env):
        text = y.scalar(value)
        if text is not None and y.is_literal_string(value):
            out.append((name, text, value))
    for item in y.elements(env):
        text = y.scalar(item)
        if text is not None and "=" in text:
            key, _, literal = text.partition("=")
            out.append((key.strip(), literal.strip(), item))
    return out
