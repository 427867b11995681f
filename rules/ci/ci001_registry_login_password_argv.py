"""LLC-CI-001: a container or artifact registry login given its password on the command line."""

from __future__ import annotations

import re
from dataclasses import dataclass

from scanner.api import (
    ALNUM,
    COMMAND_KINDS,
    Category,
    CiRule,
    Command,
    Lifetime,
    Precision,
    RuleMeta,
    Severity,
    SimpleCommand,
    Stored,
    Word,
    credentials,
    fake_token,
    invalid_in,
    valid_in,
)
from scanner.api.ci.sources import Origin, Resolver, Source, simple_commands, system

_PASSWORD = fake_token("", 24, ALNUM, seed=11)


@dataclass(frozen=True, slots=True)
class _Login:
    """One registry client's login command: the words naming it and its options."""

    program: str
    words: tuple[str, ...]
    #: Global options of the program that take a value (before the subcommand).
    global_valued: frozenset[str] = frozenset()

    @property
    def label(self) -> str:
        return " ".join((self.program, *self.words))


_DOCKER_GLOBAL = frozenset(
    {"--config", "-c", "--context", "-H", "--host", "-l", "--log-level", "--tlscacert",
     "--tlscert", "--tlskey", "--url", "--connection", "--root", "--runroot", "--storage-driver",
     "--namespace", "-n", "--address", "-a", "--registry-config", "--kube-context",
     "--kubeconfig"}
)  # fmt: skip
_LOGINS = (
    _Login("docker", ("login",), _DOCKER_GLOBAL),
    _Login("podman", ("login",), _DOCKER_GLOBAL),
    _Login("buildah", ("login",), _DOCKER_GLOBAL),
    _Login("nerdctl", ("login",), _DOCKER_GLOBAL),
    _Login("skopeo", ("login",)),
    _Login("helm", ("registry", "login"), _DOCKER_GLOBAL),
    _Login("oras", ("login",)),
    _Login("crane", ("auth", "login")),
)
_STDIN_FLAG = "--password-stdin"
#: Options of the login commands that take a value, so the registry positional is found.
_LOGIN_VALUED = ("-u", "--username", "-p", "--password", "--authfile", "--cert-dir",
                 "--registry-config", "--ca-file", "--cert-file", "--key-file",
                 "--identity-token", "--plain-http-config")  # fmt: skip

#: Registries reached only from the runner itself (test registries, emulators).
_LOCAL = re.compile(
    r"^(?:https?://)?(?:localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\]|host\.docker\.internal|kind-registry)(?::\d+)?(?:/|$)"
)


@dataclass(frozen=True, slots=True)
class _Registry:
    """A registry that takes a per-job token, and the command that gets one."""

    pattern: re.Pattern[str]
    name: str
    #: System -> how to log in without a stored password there; "*" for any system.
    fixes: dict[str, str]
    #: A cloud registry: a stored secret piped to its stdin is a cloud credential (a service
    #: principal secret, a key) that OIDC federation replaces. GHCR and the GitLab registry
    #: take the job token instead; a stored token for them is the PAT rules' concern.
    cloud: bool = True


_REGISTRIES = (
    _Registry(
        re.compile(r"\.dkr\.ecr(?:-fips)?\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?(?:/|:|$)|^public\.ecr\.aws"),
        "Amazon ECR",
        {"*": "`aws ecr get-login-password | docker login --username AWS --password-stdin "
              "<registry>`, with AWS credentials from the CI system's OIDC federation"},
    ),
    _Registry(
        re.compile(r"(?:^|//|\.)(?:[a-z0-9-]+-docker\.pkg\.dev|(?:[a-z]+\.)?gcr\.io)(?:/|:|$)"),
        "Google Artifact Registry",
        {"*": "`gcloud auth print-access-token | docker login -u oauth2accesstoken "
              "--password-stdin https://<registry>`, after Workload Identity Federation"},
    ),
    _Registry(
        re.compile(r"\.azurecr\.(?:io|cn|us)(?:/|:|$)"),
        "Azure Container Registry",
        {"*": "`az acr login --name <registry>` (or `--expose-token` piped to "
              "`--password-stdin`), after a federated `az login`"},
    ),
    _Registry(
        re.compile(r"(?:^|//)ghcr\.io(?:/|:|$)"),
        "GitHub Container Registry",
        {"github": "`echo \"${{ secrets.GITHUB_TOKEN }}\" | docker login ghcr.io -u "
                   "${{ github.actor }} --password-stdin`, with `permissions: packages: write`"},
        cloud=False,
    ),
    _Registry(
        re.compile(r"^\$\{?CI_REGISTRY\}?$|(?:^|//)registry\.gitlab\.com(?:/|:|$)"),
        "the GitLab container registry",
        {"gitlab": "`echo \"$CI_REGISTRY_PASSWORD\" | docker login -u \"$CI_REGISTRY_USER\" "
                   "--password-stdin \"$CI_REGISTRY\"` (the job's own registry credentials)"},
        cloud=False,
    ),
)  # fmt: skip
#: Usernames that mean the password is a Google service-account key file.
_KEY_FILE_USERS = ("_json_key", "_json_key_base64")


class RegistryLoginPasswordArgv(CiRule):
    """## What it does
    Flags a registry login (`docker`, `podman`, `buildah`, `nerdctl`, `skopeo` and `oras login`,
    `helm registry login`, `crane auth login`) given its password with `-p` / `--password` /
    `--password=`, in any CI system's script, a shell script or a Makefile recipe. A literal
    password is critical, a stored secret or any other reference medium, and the platform's
    own short-lived token (`$CI_JOB_TOKEN`, `$CI_REGISTRY_PASSWORD`, `secrets.GITHUB_TOKEN`,
    `github.token`, `$(System.AccessToken)`, or the output of `aws ecr get-login-password`,
    `gcloud auth print-access-token`, `az acr login --expose-token`) low: only the exposure on
    the command line remains. A password for the Google key-file users (`-u _json_key`,
    `_json_key_base64`) is a service-account key that never expires: medium when stored,
    critical when literal, with Artifact Registry's federated login as the fix.

    With `--password-stdin` nothing is on the command line. The rule then reports only two
    cases: a literal piped in (critical), and a stored secret piped into a cloud registry
    that accepts a token minted from OIDC federation instead (ECR, Artifact Registry, ACR), or
    a Google key file (`-u _json_key`), at medium: the stored secret is a long-lived cloud
    credential there. A stored Docker Hub or self-hosted registry password piped to stdin is
    quiet, since those registries offer no federated login to move to; so is a stored token
    for GHCR or the GitLab registry, whose job-token alternative the PAT rules cover.
    Registries on the runner itself (`localhost:5000`, `kind-registry`) and placeholders are
    quiet.

    ## Why is this bad?
    A command line is not a secret: other processes on the runner read it from `/proc`, shell
    tracing (`set -x`, `bash -x`) prints it, and `docker login` itself warns that `--password`
    is insecure. A registry password stored in CI settings is usually a personal or robot
    account password that never expires and is shared by every pipeline that can read it
    (OWASP NHI2 Secret Leakage, NHI7 Long-Lived Secrets).

    ## Example
    ```yaml
    # GitHub Actions
    - run: docker login -u deploy -p "${{ secrets.REGISTRY_PASSWORD }}" registry.example.com
    ```

    Use instead:
    ```yaml
    # GitHub Actions: the job token for GHCR, OIDC for a cloud registry
    permissions: { contents: read, packages: write, id-token: write }
    steps:
      - run: |
          echo "${{ secrets.GITHUB_TOKEN }}" \
            | docker login ghcr.io -u "${{ github.actor }}" --password-stdin
      - uses: aws-actions/configure-aws-credentials@v4
        with: { role-to-assume: "arn:aws:iam::123456789012:role/push", aws-region: eu-west-1 }
      - run: |
          aws ecr get-login-password \
            | docker login -u AWS --password-stdin 123456789012.dkr.ecr.eu-west-1.amazonaws.com
    ```
    ```yaml
    # GitLab CI: the job's own registry credentials
    script:
      - echo "$CI_REGISTRY_PASSWORD"
          | docker login -u "$CI_REGISTRY_USER" --password-stdin "$CI_REGISTRY"
    ```
    ```yaml
    # CircleCI (context with OIDC), Bitbucket (`oidc: true`): a cloud registry token per job
    - run: aws ecr get-login-password | docker login -u AWS --password-stdin "$ECR_REGISTRY"
    ```
    ```yaml
    # Azure Pipelines: the Docker@2 task with a (workload identity) service connection
    - task: Docker@2
      inputs: { command: login, containerRegistry: my-acr-connection }
    ```
    ```groovy
    // Jenkinsfile: keep the password off argv
    withCredentials([usernamePassword(credentialsId: 'registry',
                                      usernameVariable: 'U', passwordVariable: 'P')]) {
      sh 'echo "$P" | docker login -u "$U" --password-stdin registry.example.com'
    }
    ```
    ```sh
    # Shell scripts and Makefiles
    printf '%s' "$REGISTRY_PASSWORD" | docker login -u deploy --password-stdin registry.example.com
    ```

    ## References
    - docker login, `--password-stdin`: https://docs.docker.com/reference/cli/docker/login/
    - GitHub, publishing images to GHCR with `GITHUB_TOKEN`: https://docs.github.com/en/packages/managing-github-packages-using-github-actions-workflows/publishing-and-installing-a-package-with-github-actions
    - GitLab, authenticating with the container registry (`CI_REGISTRY_PASSWORD`): https://docs.gitlab.com/user/packages/container_registry/authenticate_with_container_registry/
    - Amazon ECR, `get-login-password`: https://docs.aws.amazon.com/AmazonECR/latest/userguide/registry_auth.html
    """

    META = RuleMeta(
        id="LLC-CI-001",
        name="registry-login-password-argv",
        summary="Registry login with a password on the command line",
        category=Category.CI_STATIC_CREDENTIAL,
        severity=Severity.MEDIUM,
        precision=Precision.HIGH,
        owasp=("NHI2", "NHI7"),
        fix="Pass the password on stdin (`--password-stdin`), and log in with a token minted "
        "for the job (the CI job token, or a cloud registry token from OIDC federation) "
        "instead of a stored registry password.",
        kinds=COMMAND_KINDS,
        triggers=("login",),
    )
    #: Only commands that mention a trigger are parsed and checked.
    COMMAND_WORDS = META.triggers

    VALID = [
        # A token minted from OIDC-federated cloud credentials, piped to stdin.
        *valid_in(
            "aws ecr get-login-password --region us-east-1 \\\n"
            "  | docker login --username AWS --password-stdin "
            "123456789012.dkr.ecr.us-east-1.amazonaws.com\n",
            federated=True,
        ),
        # A stored Docker Hub token on stdin: off argv, and Docker Hub has no federated login.
        *valid_in(
            'echo "$DOCKERHUB_TOKEN" | docker login -u octo --password-stdin\n'
            "gcloud auth print-access-token | helm registry login -u oauth2accesstoken "
            "--password-stdin https://europe-docker.pkg.dev\n",
            env={"DOCKERHUB_TOKEN": Stored("DOCKERHUB_TOKEN")},
        ),
        # Commented out, a credential helper, a placeholder and a local test registry.
        *valid_in(
            '# docker login -u ci -p "$REGISTRY_PASSWORD" registry.example.com\n'
            "docker login registry.example.com\n"
            "docker login -u admin -p '<password>' registry.example.com\n"
            "docker login -u testuser -p hunter2hunter2 localhost:5000\n"
            "docker logout registry.example.com\n"
        ),
    ]
    INVALID = [
        # A stored registry password on argv: medium in every system.
        *invalid_in(
            'docker login -u deploy -p "$REGISTRY_PASSWORD" registry.example.com'
            "  # expect: LLC-CI-001\n",
            env={"REGISTRY_PASSWORD": Stored("REGISTRY_PASSWORD")},
        ),
        # A literal password (critical), in the `=` form and behind sudo.
        *invalid_in(
            f"sudo podman login -u ci --password={_PASSWORD} quay.io  # expect: LLC-CI-001\n"
        ),
        # The platform's job token, or a minted ECR token, still on argv: low.
        *invalid_in(
            'docker login -u gitlab-ci-token -p "$CI_JOB_TOKEN" "$CI_REGISTRY"'
            "  # expect: LLC-CI-001\n"
            "docker login -u AWS 123456789012.dkr.ecr.eu-west-1.amazonaws.com \\\n"
            '  -p "$(aws ecr get-login-password --region eu-west-1)"  # expect: LLC-CI-001\n'
        ),
        # A stored service-principal secret piped into ACR, which takes a federated login.
        *invalid_in(
            'echo "$ACR_PASSWORD" | docker login myregistry.azurecr.io -u "$SP_ID" '
            "--password-stdin  # expect: LLC-CI-001\n"
            'helm registry login registry.example.com --username ci --password "$HELM_PW"'
            "  # expect: LLC-CI-001\n",
            env={"ACR_PASSWORD": Stored("ACR_PASSWORD"), "HELM_PW": Stored("HELM_PW")},
        ),
    ]

    def check_command(self, command: Command) -> None:
        for simple in simple_commands(command):
            login = _login(simple)
            if login is None:
                continue
            resolver = Resolver(command, simple, self.context.is_placeholder)
            registry = _registry_word(simple, login)
            if registry is not None and _LOCAL.match(registry.value):
                continue
            password = simple.option(*_password_flags(login), attached=True)
            if password is not None:
                self._argv(command, simple, login, password, resolver.word(password), registry)
            elif simple.has(_STDIN_FLAG):
                self._stdin(command, simple, login, resolver, registry)

    def _argv(
        self,
        command: Command,
        simple: SimpleCommand,
        login: _Login,
        password: Word,
        source: Source,
        registry: Word | None,
    ) -> None:
        if source.origin is Origin.NONE:
            return
        target = command.target(password.start, password.end)
        related = _related(source)
        fix = _fix(command, registry)
        where = "in the file" if source.entry is None else "in the CI file's env"
        if _username(simple) in _KEY_FILE_USERS and source.origin is not Origin.EPHEMERAL:
            self._key_file(command, login, target, source, related)
            return
        if source.origin is Origin.LITERAL:
            if source.entry is not None:
                # On the literal's own line, where the secret rules find it too.
                related = [(target, f"`{login.label}` gets it on the command line here")]
                target = source.entry.value_node
            self.report(
                target,
                f"`{login.label}` is given a literal registry password {where}, on the "
                "command line: anyone with the repository can read it, and the runner's "
                "process list shows it.",
                lifetime=Lifetime.static(),
                value=source.value,
                severity=Severity.CRITICAL,
                related=related,
                fix=fix,
            )
        elif source.origin is Origin.EPHEMERAL:
            self.report(
                target,
                f"`{login.label}` passes {source.what} on the command line; the token is "
                "short-lived, but other processes and shell tracing see argv: pipe it to "
                "`--password-stdin`.",
                lifetime=Lifetime.unknown(),
                severity=Severity.LOW,
                related=related,
                fix="Pipe the token to `--password-stdin` instead of passing `-p`.",
            )
        else:
            stored = source.origin is Origin.STORED
            self.report(
                target,
                f"`{login.label}` passes the registry password {source.what} on the command "
                "line, where the runner's process list and shell tracing show it"
                + (
                    "; it is a stored password that lives until someone rotates it."
                    if stored
                    else "."
                ),
                lifetime=Lifetime.static() if stored else Lifetime.unknown(),
                related=related,
                fix=fix,
            )

    def _key_file(
        self,
        command: Command,
        login: _Login,
        target: object,
        source: Source,
        related: list[tuple[object, str]],
    ) -> None:
        """``-u _json_key -p "$KEY"``: the password is a Google service-account key (JSON),
        worse than a registry password, since the key also signs in to Google Cloud."""
        literal = source.origin is Origin.LITERAL
        what = "written in the file" if literal else source.what
        if literal and source.entry is not None:
            related = [(target, f"`{login.label}` gets it on the command line here")]
            target = source.entry.value_node
        self.report(
            target,
            f"`{login.label}` is given a Google service-account key ({what}) as the registry "
            "password on the command line: a service-account key that never expires, which "
            "the runner's process list and shell tracing show, where Artifact Registry "
            "accepts a token minted for the job.",
            lifetime=Lifetime.static(),
            value=source.value if literal else None,
            severity=Severity.CRITICAL if literal else Severity.MEDIUM,
            related=related,
            fix=_GAR_FIX,
        )

    def _stdin(
        self,
        command: Command,
        simple: SimpleCommand,
        login: _Login,
        resolver: Resolver,
        registry: Word | None,
    ) -> None:
        fed = _stdin_words(simple)
        if not fed:
            return
        sources = [(word, resolver.word(word)) for word in fed]
        word, source = max(sources, key=lambda pair: pair[1].origin)
        if source.origin is Origin.LITERAL:
            self.report(
                command.target(word.start, word.end),
                f"A literal registry password is piped into `{login.label}`: anyone with the "
                "repository can read it.",
                lifetime=Lifetime.static(),
                value=source.value,
                severity=Severity.CRITICAL,
                related=_related(source),
                fix=_fix(command, registry),
            )
            return
        if source.origin is not Origin.STORED:
            return
        known = _known_registry(command, registry)
        if known is not None and not known.cloud:
            known = None
        key_file = _username(simple) in _KEY_FILE_USERS
        if known is None and not key_file:
            return
        name = known.name if known is not None else "Google Artifact Registry"
        credential = "a Google service-account key" if key_file else "a stored password"
        self.report(
            command.target(word.start, word.end),
            f"`{login.label}` logs in to {name} with {credential} ({source.what}), a "
            "credential that never expires, where the registry accepts a token minted for "
            "the job.",
            lifetime=Lifetime.static(),
            related=_related(source),
            fix=_fix(command, registry) if known is not None else _GAR_FIX,
        )


_GAR_FIX = (
    "Log in to Artifact Registry with Workload Identity Federation: `gcloud auth "
    "print-access-token | docker login -u oauth2accesstoken --password-stdin "
    "https://<region>-docker.pkg.dev`, and delete the service-account key."
)


def _login(simple: SimpleCommand) -> _Login | None:
    for login in _LOGINS:
        if simple.name != login.program:
            continue
        words = simple.positionals(*login.global_valued, *_LOGIN_VALUED)
        if tuple(w.value for w in words[: len(login.words)]) == login.words:
            return login
    return None


def _registry_word(simple: SimpleCommand, login: _Login) -> Word | None:
    words = simple.positionals(*login.global_valued, *_LOGIN_VALUED)
    rest = words[len(login.words) :]
    return rest[0] if rest else None


def _username(simple: SimpleCommand) -> str | None:
    word = simple.option("-u", "--username", attached=True)
    return word.value if word is not None else None


def _stdin_words(simple: SimpleCommand) -> tuple[Word, ...]:
    """The words whose value reaches stdin: ``echo``/``printf`` arguments piped in, or a
    herestring. A file (``cat pw.txt``) or a minting command yields nothing to judge here."""
    if simple.heredoc_word is not None:
        return (simple.heredoc_word,)
    feeder = simple.piped_from
    if feeder is None or feeder.name not in ("echo", "printf"):
        return ()
    words = [w for w in feeder.args if not (w.literal and w.value.startswith("-"))]
    if feeder.name == "printf" and words and "%" in words[0].value:
        words = words[1:]
    return tuple(words)


def _known_registry(command: Command, registry: Word | None) -> _Registry | None:
    text = registry.value if registry is not None else ""
    ci = system(command)
    for known in _REGISTRIES:
        if known.pattern.search(text) and ("*" in known.fixes or ci in known.fixes):
            return known
    return None


def _fix(command: Command, registry: Word | None) -> str:
    known = _known_registry(command, registry)
    if known is not None:
        how = known.fixes.get(system(command)) or known.fixes["*"]
        return f"Log in to {known.name} with a per-job token: {how}."
    kind = _kind()
    advice = kind.fix(system(command)) if kind is not None else ""
    base = "Pipe the password to `--password-stdin` instead of passing `-p`"
    if not advice:
        return base + ", and rotate the stored password."
    return f"{base}. {advice[:1].upper()}{advice[1:].rstrip('.')}."


def _password_flags(login: _Login) -> tuple[str, ...]:
    """The flags that carry the password, from the credential-kinds table."""
    kind = _kind()
    flags = kind.flags.get(login.label, ()) if kind is not None else ()
    return tuple(flags) or ("-p", "--password")


def _kind() -> credentials.CredentialKind | None:
    try:
        return credentials.by_id("docker-registry-password")
    except KeyError:
        return None


def _related(source: Source) -> list[tuple[object, str]]:
    if source.entry is None:
        return []
    return [(source.entry.key_node, f"`{source.entry.key}` is set here")]
