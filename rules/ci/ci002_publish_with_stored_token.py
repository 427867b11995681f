"""LLC-CI-002: a package published with a stored registry token where trusted publishing exists."""

from __future__ import annotations

import re
from dataclasses import dataclass

from scanner.api import (
    Category,
    CiRule,
    Command,
    Entry,
    FileKind,
    Lifetime,
    Precision,
    RuleContext,
    RuleMeta,
    Severity,
    SimpleCommand,
    Step,
    Stored,
    Valid,
    Word,
    credentials,
    invalid_in,
    valid_in,
)
from scanner.api.ci.publishers import (
    AUTH_TOKEN,
    DEFERRED,
    NPM_URL,
    READ_ONLY,
    REGISTRIES,
    SYSTEM_NAMES,
    TRUSTED,
    Publisher,
    embedded,
    find_publisher,
    is_public,
    pypirc_tokens,
    sink_tokens,
)
from scanner.api.ci.sources import Origin, Resolver, Source, simple_commands, system
from scanner.api.ci.wrapped import publishes_visibly, quiet, wired, wrapper

#: The CI systems where a registry this rule knows offers trusted publishing (``META.kinds``).
_COVERED = ("github", "gitlab", "circleci")


def _valid(script: str, **kwargs: object) -> list[Valid]:
    """A VALID example in each covered system (elsewhere the rule does not run at all)."""
    return valid_in(script, systems=_COVERED, **kwargs)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class _Hit:
    """One token handed to a publish: the source, where to report, and how it is passed
    (a phrase for the message: " passed as `--token`", " in `TWINE_PASSWORD`")."""

    source: Source
    how: str
    target: object
    word: Word | None = None


class PublishWithStoredToken(CiRule):
    """## What it does
    Flags a package publish (`twine upload`, `python -m twine upload`, `uv publish`,
    `poetry publish`, `hatch publish`, `flit publish`, `pdm publish`, `maturin publish` /
    `upload`, `npm publish`, `yarn publish`, `yarn npm publish`, `pnpm publish`, `gem push`,
    `cargo publish`, `dotnet nuget push`) to the public registry that is given a stored
    token: as an argument (`-p`, `--token`,
    `--api-key`), or through an env var the tool reads (`TWINE_PASSWORD`, `UV_PUBLISH_TOKEN`,
    `POETRY_PYPI_TOKEN_PYPI`, `NODE_AUTH_TOKEN`, `GEM_HOST_API_KEY`, `CARGO_REGISTRY_TOKEN`,
    ...) set at step, job or pipeline level, as a prefix assignment or by an earlier `export`
    in the script. It also flags a token written where the tools read it (an
    `//registry.npmjs.org/:_authToken=` line, `npm config set`, `poetry config pypi-token.pypi`,
    `cargo login`, `:rubygems_api_key:`, a `password =` written into `~/.pypirc`) in a job
    that publishes to that registry (a token kept for `npm dist-tag` or installs is out of
    trusted publishing's reach).

    A step that publishes through a wrapper (`run: scripts/publish`, `make release`,
    `nox -s publish`) is reported on its env entry, at medium since the publish itself is
    not seen: a stored token in an env var that only a publisher reads (`TWINE_PASSWORD`,
    `UV_PUBLISH_TOKEN`, `POETRY_PYPI_TOKEN_PYPI`, `CARGO_REGISTRY_TOKEN`,
    `GEM_HOST_API_KEY`; `NPM_TOKEN` and `NUGET_API_KEY` only when a command names a
    release), set on the step, or on a job whose only script is that step (a GitLab job's
    own `variables:`). A dry run, another index named in the step (a `--repository-url`,
    `TWINE_REPOSITORY_URL`, a `TWINE_USERNAME` other than `__token__`, a secret named for
    Nexus or Artifactory) or a publisher the command checks read keeps it quiet. TestPyPI
    supports trusted publishing too, so it counts.

    It fires only where the CI system can publish to that registry without a token: GitHub
    Actions (PyPI, npm, RubyGems.org, crates.io, nuget.org), GitLab CI (PyPI, npm,
    RubyGems.org, crates.io) and CircleCI (npm). npm publishing on GitHub Actions is left to
    LLC-GHA-006, which reads setup-node's `registry-url` and the job's `.npmrc` writes. A
    publish to another index (`--repository-url`, `--registry`, `--source`, `--host`
    elsewhere, or one the scanner cannot resolve) is quiet, and so are shell scripts and
    Makefiles: trusted publishing needs a CI identity, and the pipeline that runs the script
    is where the token is wired. A token minted in the job (a step output of
    `rust-lang/crates-io-auth-action` or `NuGet/login`, the GitLab ID-token exchange) is not
    stored and is quiet. A literal token is critical.

    ## Why is this bad?
    A registry publish token is the key to every user of the package: it does not expire, it
    is copied into CI secrets where every workflow that can read it can publish, and a leak
    (a log, a compromised dependency in the job) lets anyone push a malicious release until
    someone notices and revokes it. Trusted publishing exchanges the job's OIDC identity for a
    token that lives about 15 minutes and can publish only from the workflow you name
    (OWASP NHI7 Long-Lived Secrets, NHI6 Insecure Cloud Deployment Configurations).

    ## Example
    ```yaml
    # GitHub Actions
    - run: twine upload dist/*
      env: { TWINE_USERNAME: __token__, TWINE_PASSWORD: "${{ secrets.PYPI_TOKEN }}" }
    ```

    Use instead:
    ```yaml
    # GitHub Actions: a Trusted Publisher on the registry for this workflow and environment
    jobs:
      publish:
        environment: pypi
        permissions: { id-token: write, contents: read }
        steps:
          - uses: pypa/gh-action-pypi-publish@release/v1   # or: uv publish (no token)
          - run: npm publish                              # npm >= 11.5.1, no NODE_AUTH_TOKEN
          - uses: rust-lang/crates-io-auth-action@v1
            id: auth
          - run: cargo publish
            env: { CARGO_REGISTRY_TOKEN: "${{ steps.auth.outputs.token }}" }
    ```
    ```yaml
    # GitLab CI (GitLab.com): an ID token with the registry's audience
    publish:
      id_tokens:
        PYPI_ID_TOKEN: { aud: pypi }
        NPM_ID_TOKEN: { aud: "npm:registry.npmjs.org" }
      script:
        # PyPI: exchange the ID token for a 15-minute upload token
        - oidc_token=$(python -m id PYPI)
        - resp=$(curl -sX POST https://pypi.org/_/oidc/mint-token -d "{\"token\":\"$oidc_token\"}")
        - twine upload -u __token__ -p "$(jq -r .token <<< "$resp")" dist/*
        - npm publish         # npm >= 11.5.1 exchanges NPM_ID_TOKEN itself
    ```
    ```yaml
    # CircleCI (cloud): npm trusted publishing with the job's OIDC token
    - run: |
        export NPM_ID_TOKEN=$(circleci run oidc get --claims '{"aud": "npm:registry.npmjs.org"}')
        npm publish
    ```

    ## Fix
    `outlive fix` handles one case: `twine upload` in GitHub Actions with `TWINE_PASSWORD` in
    the step's or job's `env:` loses `TWINE_PASSWORD`/`TWINE_USERNAME`, and the job gains
    `permissions: id-token: write` (twine 6.1 and later use the Trusted Publisher then).
    Other publishers and systems are listed as having no automatic fix.

    ## References
    - PyPI, trusted publishers: https://docs.pypi.org/trusted-publishers/
    - npm, trusted publishing (GitHub, GitLab.com and CircleCI cloud runners): https://docs.npmjs.com/trusted-publishers
    - RubyGems.org, trusted publishing: https://guides.rubygems.org/trusted-publishing/
    - crates.io, trusted publishing: https://crates.io/docs/trusted-publishing
    - nuget.org, trusted publishing: https://learn.microsoft.com/en-us/nuget/nuget-org/trusted-publishing
    """

    META = RuleMeta(
        id="LLC-CI-002",
        name="publish-with-stored-token",
        summary="Package publish with a stored registry token where trusted publishing exists",
        category=Category.CI_STATIC_CREDENTIAL,
        severity=Severity.HIGH,
        precision=Precision.HIGH,
        owasp=("NHI7", "NHI6"),
        fix="Configure a Trusted Publisher on the registry for this pipeline, give only the "
        "publish job its OIDC token (bound to a protected environment), and delete the stored "
        "token.",
        # Only where the registries offer trusted publishing (see `_publishers.py`): elsewhere
        # there is no federated fix to point to, and scripts outside CI have no CI identity.
        kinds=frozenset({FileKind.GITHUB_ACTIONS, FileKind.GITLAB_CI, FileKind.CIRCLECI}),
        triggers=("twine", "publish", "gem push", "nuget push", "_authtoken", "pypi-token",
                  "cargo login", "rubygems_api_key", "maturin",
                  # the env vars a wrapped publish reads (``run: ./release.sh``)
                  "cargo_registry_token", "gem_host_api_key", "poetry_pypi_token",
                  "poetry_http_basic", "flit_password", "hatch_index_auth", "npm_token",
                  "npm_auth_token", "node_auth_token", "nuget_api_key", "pypirc"),
    )  # fmt: skip
    #: Only commands that mention a trigger are parsed and checked.
    COMMAND_WORDS = META.triggers

    VALID = [
        # Trusted publishing: the job can mint its OIDC token and no token is given.
        *_valid("uv publish\nnpm publish --provenance --access public\n", federated=True),
        # Another index (a private mirror, GitHub Packages, a GitLab project's registry).
        *_valid(
            "twine upload --repository-url https://nexus.example.com/repository/pypi/ dist/*\n"
            "npm publish --registry https://npm.pkg.github.com\n"
            'cargo publish --registry internal --token "$CARGO_TOKEN"\n',
            env={"TWINE_PASSWORD": Stored("NEXUS_PASSWORD"), "CARGO_TOKEN": Stored("CARGO")},
        ),
        # GitLab's documented exchange of an ID token for a PyPI upload token.
        *_valid(
            "oidc_token=$(python -m id PYPI)\n"
            "resp=$(curl -sX POST https://pypi.org/_/oidc/mint-token \\\n"
            '  -d "{\\"token\\":\\"$oidc_token\\"}")\n'
            'twine upload -u __token__ -p "$(jq -r .token <<< "$resp")" dist/*\n',
            federated=True,
        ),
        # A token minted in the job, a commented-out publish, a placeholder, a dry run.
        *_valid(
            'api_token=$(python -m id PYPI)\ntwine upload -u __token__ -p "$api_token" dist/*\n'
            '# poetry publish -u __token__ -p "$PYPI_TOKEN"\n'
            "cargo publish --dry-run\n"
            "gem push pkg/*.gem\n",
            env={"GEM_HOST_API_KEY": "<your-api-key>"},
        ),
        # A .pypirc for another index; a wrapper's dry run and one pointed at a private index.
        *_valid(
            'echo "password = $NEXUS_PW" >> ~/.pypirc\ntwine upload -r internal dist/*\n',
            env={"NEXUS_PW": Stored("NEXUS_PW")},
        ),
        *_valid(
            "scripts/publish --dry-run\n"
            "./release.sh --repository-url https://nexus.example.com/repository/pypi/\n",
            env={"TWINE_USERNAME": "__token__", "TWINE_PASSWORD": Stored("PYPI_TOKEN")},
        ),
    ]
    INVALID = [
        # A stored token through the env the tool reads.
        *invalid_in(
            "python -m twine upload dist/*  # expect: LLC-CI-002\n",
            env={"TWINE_USERNAME": "__token__", "TWINE_PASSWORD": Stored("PYPI_TOKEN")},
            systems=("github", "gitlab"),
        ),
        # A token argument.
        *invalid_in(
            'uv publish --token "$PYPI_TOKEN"  # expect: LLC-CI-002\n',
            env={"PYPI_TOKEN": Stored("PYPI_TOKEN")},
            systems=("github", "gitlab"),
        ),
        # A token written to .npmrc (on GitHub Actions, LLC-GHA-006 reports npm).
        *invalid_in(
            'echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > ~/.npmrc'
            "  # expect: LLC-CI-002\n"
            "npm publish\n",
            env={"NPM_TOKEN": Stored("NPM_TOKEN")},
            systems=("gitlab", "circleci"),
        ),
        # crates.io and RubyGems through an earlier export and a prefix assignment.
        *invalid_in(
            'export CARGO_REGISTRY_TOKEN="$CRATES_TOKEN"\n'
            "cargo publish  # expect: LLC-CI-002\n"
            'GEM_HOST_API_KEY="$RUBYGEMS_KEY" gem push pkg/outlive.gem  # expect: LLC-CI-002\n',
            env={"CRATES_TOKEN": Stored("CRATES_TOKEN"), "RUBYGEMS_KEY": Stored("RUBYGEMS")},
            systems=("github", "gitlab"),
        ),
        # npm on CircleCI: the token comes from a context, written to .npmrc.
        *invalid_in(
            'echo "//registry.npmjs.org/:_authToken=$NPM_TOKEN" >> ~/.npmrc'
            "  # expect: LLC-CI-002\n"
            "npm publish\n",
            systems=("circleci",),
        ),
        *invalid_in(
            'npm config set //registry.npmjs.org/:_authToken "$NPM_TOKEN"'
            "  # expect: LLC-CI-002\n"
            "pnpm publish --no-git-checks\n",
            systems=("circleci", "gitlab"),
            env={"NPM_TOKEN": Stored("NPM_TOKEN")},
        ),
        *invalid_in(
            "npm publish --//registry.npmjs.org/:_authToken=$NPM_TOKEN  # expect: LLC-CI-002\n",
            systems=("circleci",),
        ),
        # A PyPI token filled into a .pypirc template, then read by `twine upload`.
        *invalid_in(
            'sed "s~__pw__~$PYPI_TOKEN~" .pypirc.in > ~/.pypirc  # expect: LLC-CI-002\n'
            "twine upload dist/*\n",
            env={"PYPI_TOKEN": Stored("PYPI_TOKEN")},
            systems=("github", "gitlab"),
        ),
        # nuget.org from GitHub Actions with a stored API key.
        *invalid_in(
            'dotnet nuget push out/*.nupkg --api-key "$NUGET_KEY" '
            "--source https://api.nuget.org/v3/index.json  # expect: LLC-CI-002\n",
            env={"NUGET_KEY": Stored("NUGET_API_KEY")},
            systems=("github",),
        ),
    ]

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        #: (job, registry) pairs whose token a write in the job was already reported for.
        self._written: set[tuple[int, str]] = set()

    def check_step(self, step: Step) -> None:
        """A publish token wired into a step that publishes through a wrapper
        (``scripts/publish``, ``make release``): reported on the env entry, once."""
        ci = step.job.pipeline.system
        for found in wired(step):
            if not _covered(ci, found.registry) or publishes_visibly(found.scope, found.registry):
                continue
            run = wrapper(found.scope)
            if run is None:
                continue
            first = simple_commands(run)
            if not first:
                continue
            source = Resolver(run, first[0], self.context.is_placeholder).entry(found.entry)
            if not _counts(source) or quiet(found.scope, found.registry, source.what):
                continue
            if found.registry == "npm" and _npmrc_elsewhere(run):
                continue
            self._wrapped(run, found.registry, found.entry, source)
            return

    def _wrapped(self, run: Command, registry: str, entry: Entry, source: Source) -> None:
        kind = _kind(REGISTRIES[registry][0])
        ci = system(run)
        how = kind.fix(ci) if kind is not None else ""
        name, platform = REGISTRIES[registry][1], SYSTEM_NAMES.get(ci, ci)
        setup = f" ({how})" if how else ""
        literal = source.origin is Origin.LITERAL
        key, line = entry.key, run.text.splitlines()[0] if run.text else ""
        what = "a literal token" if literal else f"a stored token ({source.what})"
        self.report(
            entry.value_node if literal else entry.key_node,
            f"`{key}` hands {what} for {name} to a step that publishes through "
            f"`{line[:60]}`, whose publish the scanner does not read: a "
            f"long-lived token, where {platform} supports {name} trusted publishing with a "
            f"token minted per job{setup}.",
            lifetime=Lifetime.static(),
            value=source.value if literal else None,
            severity=Severity.CRITICAL if literal else Severity.MEDIUM,
            related=[(run.target(0, len(line)), "the step's publish runs here")],
            fix=f"Configure {name} trusted publishing for this {platform} pipeline{setup}, "
            f"have the wrapper publish without a token, then remove `{key}` and revoke it.",
        )

    def check_command(self, command: Command) -> None:
        ci = system(command)
        if not any(ci in systems for systems in TRUSTED.values()):
            return
        for simple in simple_commands(command):
            resolver = Resolver(command, simple, self.context.is_placeholder)
            self._sinks(command, simple, resolver, ci)
            found = find_publisher(simple)
            if found is None:
                continue
            publisher, effective = found
            if not _covered(ci, publisher.registry):
                continue
            if not _public(publisher, effective, resolver, command):
                continue
            if effective.has("--dry-run") or (publisher.program == "cargo" and effective.has("-n")):
                continue  # uploads nothing
            hit = self._token(command, publisher, effective, resolver)
            if hit is not None and hit.word is None and self._stored(command, publisher.registry):
                continue  # the token this env var holds was reported where it was written
            if hit is not None:
                self._report(command, publisher.registry, publisher.label, hit)

    # -- a token given to the publish ------------------------------------------------------

    def _token(
        self, command: Command, publisher: Publisher, simple: SimpleCommand, resolver: Resolver
    ) -> _Hit | None:
        kind_id = REGISTRIES[publisher.registry][0]
        flags = _kind_flags(kind_id, publisher.label)
        for flag in flags:
            word = simple.option(flag)
            if word is not None:
                source = resolver.word(word)
                if _counts(source):
                    return _Hit(source, f" passed as `{flag}`",
                                command.target(word.start, word.end), word)  # fmt: skip
        for word in simple.args:
            match = AUTH_TOKEN.search(word.value)
            if match and NPM_URL.match(match.group(1)):
                source = embedded(resolver, word, match.group(2))
                if _counts(source):
                    return _Hit(source, " in an `_authToken` option",
                                command.target(word.start, word.end), word)  # fmt: skip
        candidates: list[tuple[str, Source]] = []
        for name, assigned in resolver.exported().items():
            if _reads(publisher, kind_id, name):
                candidates.append((name, resolver.word(assigned)))
        seen = {name for name, _ in candidates}
        for name, entry in resolver.env.items():
            if name not in seen and _reads(publisher, kind_id, name):
                candidates.append((name, resolver.entry(entry)))
        counted = [(n, s) for n, s in candidates if _counts(s)]
        if not counted:
            return None
        name, source = max(counted, key=lambda pair: pair[1].origin)
        program = simple.program
        positionals = simple.positionals(*publisher.valued)
        last = positionals[len(publisher.words) - 1] if positionals else program
        if program is None or last is None:
            return None
        return _Hit(source, f" in `{name}`", command.target(program.start, last.end))

    # -- a token written where a publish will read it --------------------------------------

    def _sinks(self, command: Command, simple: SimpleCommand, resolver: Resolver, ci: str) -> None:
        written = pypirc_tokens(command.text, simple, resolver)
        pypirc = [("pypi", ".pypirc", word, source) for word, source in written]
        for registry, label, word, source in [*sink_tokens(simple, resolver), *pypirc]:
            if not _covered(ci, registry) or not _counts(source):
                continue
            if not _job_publishes(command, registry):
                continue  # for `npm dist-tag`, an install: trusted publishing covers publishes
            if label == ".pypirc" and not _job_publishes(command, "pypi-public"):
                continue  # `twine upload -r internal`: the file is for another index
            target = command.target(word.start, word.end)
            self._report(command, registry, label, _Hit(source, "", target, word), sink=True)
            self._written.add((id(command.step.job), registry))

    def _stored(self, command: Command, registry: str) -> bool:
        return (id(command.step.job), registry) in self._written

    # -- reporting -------------------------------------------------------------------------

    def _report(
        self, command: Command, registry: str, label: str, hit: _Hit, *, sink: bool = False
    ) -> None:
        ci = system(command)
        kind_id, name = REGISTRIES[registry]
        kind = _kind(kind_id)
        how = kind.fix(ci) if kind is not None else ""
        platform = SYSTEM_NAMES.get(ci, ci)
        source = hit.source
        oidc = command.step.job.federation.oidc
        already = " The job can already mint an OIDC token." if oidc else ""
        setup = f" ({how})" if how else ""
        fix = (
            f"Configure {name} trusted publishing for this {platform} pipeline{setup}, then "
            "remove the token from the job and revoke it."
        )
        related: list[tuple[object, str]] = []
        if source.entry is not None:
            related.append((source.entry.key_node, f"`{source.entry.key}` is set here"))
        what = "a literal token" if source.origin is Origin.LITERAL else source.what
        if sink:
            subject = f"`{label}` stores {what} for publishing to {name}"
        else:
            subject = f"`{label}` publishes to {name} with {what}{hit.how}"
        if source.origin is Origin.LITERAL:
            target = hit.target
            if hit.word is None and source.entry is not None:
                target = source.entry.value_node  # on the literal's own line
                related = [(hit.target, f"`{label}` publishes with it here")]
            self.report(
                target,
                f"{subject}: it is written in the file, readable by anyone with the "
                f"repository, where {platform} supports {name} trusted publishing{setup}.",
                lifetime=Lifetime.static(),
                value=source.value,
                severity=Severity.CRITICAL,
                related=related,
                fix=fix,
            )
            return
        self.report(
            hit.target,
            f"{subject}: a stored long-lived token, where {platform} supports {name} trusted "
            f"publishing with a token minted per job{setup}.{already}",
            lifetime=Lifetime.static(),
            related=related,
            fix=fix,
        )


def _covered(ci: str, registry: str) -> bool:
    """Whether this rule reports publishes to ``registry`` from CI system ``ci``: trusted
    publishing exists there, and no more specific rule owns the pair."""
    return ci in TRUSTED[registry] and (ci, registry) not in DEFERRED


def _counts(source: Source) -> bool:
    """A token worth reporting: stored or written in the file (not minted, not a placeholder),
    and not a read-only install token."""
    if source.origin not in (Origin.STORED, Origin.LITERAL):
        return False
    return not READ_ONLY.search(source.what)


def _kind(kind_id: str) -> credentials.CredentialKind | None:
    try:
        return credentials.by_id(kind_id)
    except KeyError:
        return None


def _kind_flags(kind_id: str, label: str) -> tuple[str, ...]:
    kind = _kind(kind_id)
    return tuple(kind.flags.get(label, ())) if kind is not None else ()


def _reads(publisher: Publisher, kind_id: str, name: str) -> bool:
    """Whether ``publisher`` reads a token for the public registry from env var ``name``."""
    upper = name.upper()
    if not any(upper == p or (p.endswith("_") and upper.startswith(p)) for p in publisher.env):
        return False
    kind = credentials.for_env(upper)
    if kind is None or kind.id != kind_id:
        return False
    if upper.startswith("POETRY_"):
        # POETRY_PYPI_TOKEN_<REPO>, POETRY_HTTP_BASIC_<REPO>_PASSWORD: PyPI's own repos only.
        return bool(re.match(r"POETRY_(?:PYPI_TOKEN_|HTTP_BASIC_)(?:PYPI|TESTPYPI)(?:_|$)", upper))
    return True


def _job_publishes(command: Command, registry: str) -> bool:
    """Whether any script of the job publishes to ``registry``: a token written to a config
    file matters to this rule only when a publish in the job can read it."""
    cache = command.step.job.pipeline.cache
    key = f"ci002-publishes:{id(command.step.job)}"
    found = cache.get(key)
    if not isinstance(found, frozenset):
        registries: set[str] = set()
        for step in command.step.job.steps:
            for other in step.commands():
                for simple in simple_commands(other):
                    hit = find_publisher(simple)
                    if hit is not None:
                        registries.add(hit[0].registry)
                        target = hit[1].option(*hit[0].target_flags)
                        if hit[0].registry == "pypi" and (
                            target is None or (target.literal and is_public("pypi", target.value))
                        ):
                            registries.add("pypi-public")
        found = frozenset(registries)
        cache[key] = found
    return registry in found


def _public(
    publisher: Publisher, simple: SimpleCommand, resolver: Resolver, command: Command
) -> bool:
    """Whether the publish goes to the public registry (no option or env points elsewhere)."""
    for flag in publisher.target_flags:
        word = simple.option(flag)
        if word is not None:
            return word.literal and is_public(publisher.registry, word.value)
    env = {**resolver.env}
    assigned = resolver.exported()
    for name in publisher.target_env:
        if name in assigned:
            word = assigned[name]
            return word.literal and is_public(publisher.registry, word.value)
        entry = env.get(name)
        if entry is not None:
            value = entry.value
            return value is not None and is_public(publisher.registry, value)
    if publisher.registry == "npm":
        return not _npmrc_elsewhere(command)
    return True


#: An ``.npmrc`` line pointing npm (or a scope) at a registry: ``registry=URL``.
_NPMRC_REGISTRY = re.compile(r"(?:^|[\s'\"])(?:@[\w.-]+:)?registry\s*=\s*['\"]?([^\s'\"]+)")


def _npmrc_elsewhere(command: Command) -> bool:
    """Whether the job points npm at another registry in an ``.npmrc`` it writes (an
    ``_authToken`` or ``registry=`` line for GitHub Packages, a GitLab project, a proxy): the
    token in the env then goes there, not to npmjs."""
    for step in command.step.job.steps:
        for other in step.commands():
            for simple in simple_commands(other):
                words = [*simple.args]
                if simple.heredoc_word is not None:
                    words.append(simple.heredoc_word)
                for word in words:
                    for match in AUTH_TOKEN.finditer(word.value):
                        if not NPM_URL.match(match.group(1)):
                            return True
                    for match in _NPMRC_REGISTRY.finditer(word.value):
                        if not NPM_URL.match(match.group(1).replace("https:", "")):
                            return True
    return False
