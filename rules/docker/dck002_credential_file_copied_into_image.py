"""LLC-DCK-002: a credential file copied into an image."""

from __future__ import annotations

import re

from scanner.api import (
    Category,
    CiRule,
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
)

#: The catalogue's credential file names, read on the path's last segments.
_CREDENTIAL_FILE = re.compile(
    r"(?i)(?:^|/)\.aws/credentials$|(?:^|/)\.docker/config\.json$|(?:^|/)\.npmrc$"
    r"|(?:^|/)\.pypirc$|(?:^|/)\.netrc$|(?:^|/)id_(?:rsa|ed25519|ecdsa|dsa)$"
    r"|\.p12$|\.pfx$|(?:^|/)kubeconfig$|(?:^|/)\.kube/config$|(?:^|/)gha-creds-[^/]*\.json$"
    r"|(?:^|/)(?:[^/]*[-_.])?(?:sa|service[-_]?account|credentials?|key|keyfile)"
    r"(?:[-_.][^/]*)?\.json$"
)
#: A ``.pem`` file is a credential when it holds a key, not a certificate or a CA bundle.
_PEM = re.compile(r"(?i)\.pem$")
_PEM_CERTIFICATE = re.compile(
    r"(?i)(?:^|[-_./])(?:ca|cas|cacert|cert|certs|certificate|chain|fullchain|bundle|root|"
    r"trust|public|pub|rds-combined|global-bundle|dhparams?)(?:[-_.\d]|$)"
)
#: Stand-ins shipped beside the real file (`credentials.example.json`, `key.json.template`).
_STAND_IN = re.compile(r"(?i)example|sample|template|dummy|fake|placeholder|\.dist(?:\.|$)")
#: Files that usually only point at a registry (`registry=`), or read a token from the env.
_CONFIG_ONLY = re.compile(r"(?i)(?:^|/)\.(?:npmrc|pypirc|yarnrc\.yml)$")
_FIX = (
    "Keep the file out of the build context (`.dockerignore`) and out of the image: mount "
    "it for the one `RUN` that needs it (`RUN --mount=type=secret,id=npmrc,target=/root/"
    ".npmrc npm ci`), and at run time fetch credentials with the workload's identity."
)


def credential_path(path: str) -> bool:
    """Whether ``path`` (a COPY source or destination) names a credential file."""
    path = path.rstrip("/")
    if _STAND_IN.search(path.rsplit("/", 1)[-1]):
        return False
    if _CREDENTIAL_FILE.search(path):
        return True
    if _PEM.search(path):
        base = path.rsplit("/", 1)[-1]
        return not _PEM_CERTIFICATE.search(base)
    return False


class CredentialFileCopiedIntoImage(CiRule):
    """## What it does
    Flags `COPY` and `ADD` instructions whose source, or destination (`ADD config.json
    /root/.docker/config.json`), is a credential file:
    AWS `credentials`, Docker `config.json`, `.npmrc`, `.pypirc`, `.netrc`, SSH private keys
    (`id_rsa`, `id_ed25519`, ...), `.p12`/`.pfx` keystores, `.pem` keys (certificates and CA
    bundles are left alone), kubeconfigs, `gha-creds-*.json` and service-account key JSON
    (`sa-key.json`, `credentials.json`); stand-ins (`credentials.example.json`, templates)
    are left alone. `COPY --from=<stage>` copies out of another stage,
    not the build context, and is left alone; a file copied into a build stage the final image
    does not include is medium (it stays in that stage's layers and cache); `.npmrc` and
    `.pypirc`, which often only name a registry, are medium.

    ## Why is this bad?
    A file copied into a layer is in the image forever, even if a later `RUN rm` deletes it:
    every layer is pulled with the image. A key in an image is readable by anyone who can pull
    it, for as long as any copy of the image exists (OWASP NHI2 Secret Leakage, NHI7
    Long-Lived Secrets).

    ## Example
    ```dockerfile
    FROM python:3.12
    COPY deploy-sa-key.json /app/key.json
    ENV GOOGLE_APPLICATION_CREDENTIALS=/app/key.json
    ```

    Use instead:
    ```dockerfile
    FROM python:3.12
    # no key in the image: on GKE, Cloud Run or GCE the workload's service account
    # (workload identity) gives Application Default Credentials at run time
    COPY --from=build /app/dist /app
    ```

    ## References
    - Docker, build secrets: https://docs.docker.com/build/building/secrets/
    - Docker, `.dockerignore`: https://docs.docker.com/build/concepts/context/#dockerignore-files
    """

    META = RuleMeta(
        id="LLC-DCK-002",
        name="credential-file-copied-into-image",
        summary="Credential file copied into an image",
        category=Category.STATIC_SECRET,
        severity=Severity.HIGH,
        precision=Precision.HIGH,
        owasp=("NHI2", "NHI7"),
        fix=_FIX,
        kinds=frozenset({FileKind.DOCKERFILE}),
        triggers=("copy", "add"),
    )

    VALID = [
        Valid("FROM node:20 AS build\nCOPY . .\nRUN npm ci && npm run build\n"
              "FROM nginx:1.27\nCOPY --from=build /app/dist /usr/share/nginx/html\n"),
        Valid("FROM alpine:3.20\nCOPY certs/ca.pem /usr/local/share/ca-certificates/ca.crt\n"
              "COPY rds-combined-ca-bundle.pem /etc/ssl/\nCOPY package.json keymap.json ./\n"
              "COPY config/credentials.example.json /app/config/\n"),
        Valid("FROM node:20\n"
              "RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci\n"
              "# COPY .npmrc /root/.npmrc\n"),
        Valid("FROM builder AS keys\nCOPY --from=vault /secrets/sa-key.json /tmp/\n"
              "FROM alpine:3.20\nCOPY --from=keys /etc/hostname /x\n",
              path="ops/Containerfile"),
    ]
    INVALID = [
        Invalid("FROM python:3.12\nCOPY deploy-sa-key.json /app/key.json\n"
                "ENV GOOGLE_APPLICATION_CREDENTIALS=/app/key.json\n", lines=(2,)),
        Invalid("FROM golang:1.22\nCOPY id_rsa /root/.ssh/id_rsa\nRUN go mod download\n",
                lines=(2,)),
        Invalid("FROM alpine:3.20\nADD --chown=app:app config.json /home/app/.docker/config.json\n"
                "COPY [\"certs/client-key.pem\", \"/etc/app/tls/\"]\n", lines=(2, 3)),
        Invalid("FROM golang:1.22 AS build\nCOPY .netrc /root/.netrc\nRUN go build -o /app\n"
                "FROM gcr.io/distroless/base\nCOPY --from=build /app /app\n",
                path="svc/build.dockerfile", lines=(2,)),
        Invalid("FROM node:20\nWORKDIR /app\nCOPY .npmrc package.json ./\nRUN npm ci\n",
                lines=(3,)),
    ]

    def check_pipeline(self, pipeline: Pipeline) -> None:
        doc = dockerfile_of(pipeline)
        if doc is None:
            return
        last = max((s.index for s in doc.stages), default=-1)
        for instruction in doc.of("COPY", "ADD"):
            if instruction.flag("from") is not None:
                continue
            for value, start, end in _paths(instruction):
                if value.startswith(("http://", "https://", "git@")) or value.startswith("<<"):
                    continue
                if not credential_path(value):
                    continue
                self._report(instruction, value, start, end, instruction.stage < last)
                break

    def _report(
        self, instruction: Instruction, value: str, start: int, end: int, intermediate: bool
    ) -> None:
        severity = None
        where = "the image"
        if intermediate:
            severity = Severity.MEDIUM
            where = "a build stage's layers (and the build cache), though not the final image"
        elif _CONFIG_ONLY.search(value.rstrip("/")):
            severity = Severity.MEDIUM
        self.report(
            instruction.target(start, end),
            f"`{instruction.keyword}` puts the credential file `{value}` into {where}: every "
            "layer is pulled with the image, so the key outlives any later `rm`.",
            lifetime=Lifetime.static(),
            severity=severity,
        )


def _paths(instruction: Instruction) -> list[tuple[str, int, int]]:
    """Sources and destination of a COPY/ADD, with their places in the instruction."""
    exec_form = instruction.exec_form()
    if exec_form is not None:
        return exec_form
    return [(w.value, w.start, w.end) for w in instruction.words()]
