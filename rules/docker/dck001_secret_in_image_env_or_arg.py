"""LLC-DCK-001: a secret baked into an image through Dockerfile ENV or ARG."""

from __future__ import annotations

import re

from scanner.api import (
    ALNUM,
    BASE64,
    Category,
    CiRule,
    Dockerfile,
    FileKind,
    Instruction,
    Invalid,
    Lifetime,
    Pipeline,
    Precision,
    RuleMeta,
    Severity,
    Valid,
    dockerfile_of,
    fake_token,
)
from scanner.api.containers import credential_name, literal_credential

_FIX = (
    "Pass the secret with a BuildKit secret mount (`RUN --mount=type=secret,id=npm,"
    "env=NPM_TOKEN npm ci`, built with `docker build --secret id=npm,env=NPM_TOKEN`), which "
    "never reaches a layer or the image config; at run time, give the container a workload "
    "identity instead of a secret in its environment."
)
_SECRET = fake_token("", 40, BASE64, seed=1101)
_NPM = fake_token("npm_", 36, ALNUM, seed=1102)


class SecretInImageEnvOrArg(CiRule):
    """## What it does
    Flags Dockerfile `ENV` and `ARG` instructions that carry a credential, by name (the
    credential-kinds table's env names, and names ending in `TOKEN`, `SECRET`, `PASSWORD`,
    `API_KEY`, `ACCESS_KEY`, `PRIVATE_KEY`, `CREDENTIALS`...):
    - a literal value that is a known credential format or looks generated (critical);
    - an `ENV` set from a build argument (`ENV NPM_TOKEN=$NPM_TOKEN`), which writes the
      secret into the image config of every container (high);
    - an `ARG` without a default followed by a `RUN` of its stage (medium): a build argument
      is in the environment of every later `RUN` (npm expands `${NPM_TOKEN}` in `.npmrc`
      without the Dockerfile naming it) and is recorded in the image history and the build
      cache. The related location is the `RUN` that reads it, or the first `RUN` after it.

    Names of files or places (`NPM_TOKEN_FILE`, `GOOGLE_APPLICATION_CREDENTIALS`), public
    identifiers (`AWS_ROLE_ARN`), placeholders, empty defaults and secrets passed with
    `RUN --mount=type=secret` are left alone.

    ## Why is this bad?
    Everything in `ENV` is in the image config, and build arguments are in its history: anyone
    who can pull the image reads the secret, for as long as the image exists, and the token
    cannot be rotated without rebuilding and re-pushing every tag (OWASP NHI2 Secret Leakage,
    NHI7 Long-Lived Secrets).

    ## Example
    ```dockerfile
    FROM node:20
    ARG NPM_TOKEN
    RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci
    ```

    Use instead:
    ```dockerfile
    # syntax=docker/dockerfile:1
    FROM node:20
    RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
    ```

    ## References
    - Docker, build secrets: https://docs.docker.com/build/building/secrets/
    - Docker, "Don't use build arguments for secrets": https://docs.docker.com/reference/build-checks/secrets-used-in-arg-or-env/
    - Trivy AVD-DS-0031 (secrets passed via build-args or envs)
    """

    META = RuleMeta(
        id="LLC-DCK-001",
        name="secret-in-image-env-or-arg",
        summary="Secret baked into an image through Dockerfile ENV or ARG",
        category=Category.STATIC_SECRET,
        severity=Severity.HIGH,
        precision=Precision.HIGH,
        owasp=("NHI2", "NHI7"),
        fix=_FIX,
        kinds=frozenset({FileKind.DOCKERFILE}),
        triggers=(
            "token", "secret", "passw", "key", "credential", "pwd", "auth", "_pat",
            "connection_string", "kube_config",
        ),
    )

    VALID = [
        # A front-end build's public variables: Vite and Next.js inline them into the bundle.
        Valid(
            "FROM node:20 AS ui\nARG VITE_AMPLITUDE_API_KEY=\"\"\n"
            "ENV VITE_AMPLITUDE_API_KEY=$VITE_AMPLITUDE_API_KEY\n"
            "ARG NEXT_PUBLIC_MAPS_API_KEY\nRUN npm run build\n"
        ),
        Valid(
            "# syntax=docker/dockerfile:1\nFROM node:20\n"
            "RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci\n"
        ),
        Valid(
            "FROM node:20\nARG NPM_TOKEN_FILE=/run/secrets/npm\n"
            "RUN --mount=type=secret,id=npm NPM_TOKEN=$(cat $NPM_TOKEN_FILE) npm ci\n"
        ),
        Valid(
            "FROM python:3.12\nARG PIP_TOKEN_PATH\nENV API_KEY=changeme\n"
            "ENV DB_PASSWORD=\nENV GOOGLE_APPLICATION_CREDENTIALS=/var/secrets/key.json\n"
            "ENV AWS_ROLE_ARN=arn:aws:iam::123456789012:role/app\nRUN pip install .\n"
        ),
        Valid(
            "FROM alpine:3.20\n"
            "# ENV GITHUB_TOKEN=" + "ghp_" + "Z" * 36 + "\n"
            "ARG GITHUB_TOKEN\n"
            "RUN --mount=type=secret,id=gh,env=GITHUB_TOKEN git clone "
            "https://x-access-token:${GITHUB_TOKEN}@github.com/acme/lib.git\n"
        ),
        Valid(
            "FROM localstack/localstack:3\nENV AWS_ACCESS_KEY_ID=test\n"
            "ENV AWS_SECRET_ACCESS_KEY=test\nENV PWD=/srv\n",
            path="docker/localstack.Dockerfile",
        ),
    ]
    # Dockerfiles have no trailing comments (`#` mid-line is an argument), so the INVALID
    # examples give their lines instead of `expect:` markers.
    INVALID = [
        Invalid(
            "FROM node:20\n"
            "ARG NPM_TOKEN\n"
            'RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci\n',
            lines=(2,),
        ),
        Invalid(
            "FROM python:3.12 AS app\n"
            f"ENV AWS_SECRET_ACCESS_KEY={_SECRET}\n"
            'CMD ["python", "app.py"]\n',
            lines=(2,),
        ),
        Invalid(
            "FROM node:20\nARG NPM_TOKEN\nENV NPM_TOKEN=${NPM_TOKEN}\nRUN npm ci\n",
            lines=(3,),
        ),
        Invalid(
            "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\n"
            f"ENV NPM_AUTH_TOKEN `\n    {_NPM}\n",
            path="windows/Dockerfile",
            lines=(4,),
        ),
        Invalid(
            "FROM golang:1.22 AS build\n"
            "ARG GITHUB_TOKEN\n"
            "RUN <<EOF\n"
            'git config --global url."https://${GITHUB_TOKEN}@github.com/".insteadOf '
            '"https://github.com/"\n'
            "go build ./...\nEOF\n",
            path="build/app.dockerfile",
            lines=(2,),
        ),
        Invalid(
            f"ARG DEPLOY_TOKEN={_NPM}\nFROM alpine:3.20\nRUN echo ok\n",
            lines=(1,),
        ),
        # npm expands `${NPM_TOKEN}` in the copied `.npmrc` from the build argument's env.
        Invalid(
            "FROM node:20-alpine\nARG NPM_TOKEN\nWORKDIR /app\nCOPY package.json ./\n"
            "RUN npm ci --omit=dev\n",
            lines=(2,),
        ),
    ]

    def check_pipeline(self, pipeline: Pipeline) -> None:
        doc = dockerfile_of(pipeline)
        if doc is None:
            return
        args: dict[tuple[int, str], Instruction] = {}
        copied: set[tuple[int, str]] = set()  # build arguments an ENV finding already names
        pending: list[tuple[Instruction, str, int, int]] = []
        for instruction in doc.of("ENV", "ARG"):
            for pair in instruction.pairs():
                if instruction.keyword == "ARG":
                    args[(instruction.stage, pair.name)] = instruction
                if not credential_name(pair.name):
                    continue
                value = pair.value
                if value and not pair.reference and self._secret(pair.name, value):
                    self.report(
                        instruction.target(pair.value_start, pair.value_end),
                        f"`{instruction.keyword} {pair.name}` bakes a literal credential "
                        "into the image: anyone who can pull it reads the secret, which "
                        "lives as long as the image does.",
                        lifetime=Lifetime.static(),
                        value=value,
                        severity=Severity.CRITICAL,
                    )
                elif instruction.keyword == "ENV" and pair.reference:
                    source = _from_arg(instruction, args, pair.value_start, pair.value_end)
                    if source is not None:
                        arg = args[(instruction.stage, source)]
                        copied.add((instruction.stage, source))
                        self.report(
                            instruction.target(pair.name_start, pair.value_end),
                            f"`ENV {pair.name}` copies the build argument `{source}` into "
                            "the image config: every container, and anyone who pulls the "
                            "image, gets the secret.",
                            lifetime=Lifetime.static(),
                            related=[(arg.node(), "the build argument")],
                        )
                elif instruction.keyword == "ARG" and (not value or self._placeholder(value)):
                    pending.append((instruction, pair.name, pair.name_start, pair.name_end))
        for arg, name, start, end in pending:
            if (arg.stage, name) not in copied:
                self._build_arg(doc, arg, name, start, end)

    def _build_arg(
        self, doc: Dockerfile, arg: Instruction, name: str, start: int, end: int
    ) -> None:
        """A credential build argument with no default, seen by a later ``RUN``."""
        run, reads = _first_run(doc, arg, name)
        if run is None:
            return
        how = (
            f"`RUN` (line {run.line}) reads it"
            if reads
            else f"every later `RUN` gets it in its environment, from line {run.line} on "
            "(npm and pip read it there)"
        )
        self.report(
            arg.target(start, end),
            f"Build argument `{name}` carries a secret into the build: {how}, and build "
            "arguments are recorded in the image history and the build cache.",
            lifetime=Lifetime.static(),
            severity=Severity.MEDIUM,
            related=[(run.node(), "the RUN that reads it" if reads else "the first RUN after it")],
        )

    def _placeholder(self, value: str) -> bool:
        return self.context.is_placeholder(value)

    def _secret(self, name: str, value: str) -> bool:
        return literal_credential(name, value, self.context.is_placeholder)


def _first_run(doc: Dockerfile, arg: Instruction, name: str) -> tuple[Instruction | None, bool]:
    """The first later ``RUN`` of the stage that reads ``$name`` (and True), else the first
    later ``RUN`` at all (and False): build arguments are in every ``RUN``'s environment. A
    ``RUN`` that mounts a BuildKit secret as that variable (``env=name``) is not given it."""
    reads = re.compile(rf"\$(?:\{{{re.escape(name)}(?=[}}:?+-])|{re.escape(name)}\b)")
    first: Instruction | None = None
    for run in doc.of("RUN"):
        if run.stage != arg.stage or run.start < arg.start:
            continue
        if any(f"env={name}" in m.split(",") for m in run.flag_values("mount")):
            continue
        if reads.search(doc.text[run.start : run.end]):
            return run, True
        first = first or run
    return first, False


def _from_arg(
    instruction: Instruction, args: dict[tuple[int, str], Instruction], start: int, end: int
) -> str | None:
    """The build argument of this stage, declared before, that a value reads."""
    for name in re.findall(r"\$\{?([A-Za-z_]\w*)", instruction.text[start:end]):
        if (instruction.stage, name) in args:
            return str(name)
    return None
