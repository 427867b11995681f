"""LLC-GHA-006: npm publishing wired to a stored npm token."""

from __future__ import annotations

import re

from scanner.api import (
    Category,
    CiRule,
    Entry,
    FileKind,
    Invalid,
    Job,
    Pipeline,
    Precision,
    RuleMeta,
    Severity,
    Step,
    Valid,
    credentials,
)
from scanner.api.ci.github_actions import (
    STANDING,
    Origin,
    entry,
    given,
    lifetime,
    lives,
    origin,
    where,
)

_KIND = credentials.by_id("npm-token")
_SETUP_NODE = "actions/setup-node"
_NPM_PUBLISH = "js-devtools/npm-publish"
_CHANGESETS = "changesets/action"
_NPMJS = "registry.npmjs.org"
#: Commands that publish to the npm registry with the token in the env.
_PUBLISH = re.compile(
    r"\b(?:(?:npm|pnpm|pn)\s+(?:-\S+\s+)*publish|yarn\s+(?:npm\s+)?publish|semantic-release"
    r"|changeset\s+publish|lerna\s+publish)\b"
)
#: A publish behind a wrapper (`make publish`, `npm run publish:npm`): with an npm token in
#: the env it reaches the registry too, unless the command names another registry's tool.
_WRAPPED = re.compile(r"(?<![\w-])publish(?![\w-])")
_OTHER_TOOL = re.compile(
    r"\b(?:cargo|twine|poetry|uv|hatch|flit|pdm|gem|gradlew?|mvn|dotnet|nuget|docker|helm"
    r"|vsce|ovsx|goreleaser|jreleaser|dart|flutter|swift|pod)\b"
)
#: A token written into an ``.npmrc`` (``//registry.npmjs.org/:_authToken=...``).
_AUTH_LINE = re.compile(r":_authToken=\s*\$\{\{\s*(secrets\.\w+|vars\.\w+)\s*\}\}")


def _workflow(publish_env: str, *, permissions: str = "", registry: str = _NPMJS) -> str:
    return (
        "jobs:\n  release:\n    runs-on: ubuntu-latest\n"
        + permissions
        + "    steps:\n      - uses: actions/checkout@v4\n"
        + "      - uses: actions/setup-node@v4\n"
        + f"        with:\n          node-version: 22\n          registry-url: https://{registry}\n"
        + "      - run: npm ci\n"
        + "      - run: npm publish --provenance --access public\n"
        + publish_env
    )


class NpmPublishWithToken(CiRule):
    """## What it does
    Flags a job that publishes to the npm registry (`npm publish`, `pnpm publish`,
    `yarn npm publish`, `semantic-release`, `changeset publish`, `lerna publish`) with an npm
    token in its env (`NODE_AUTH_TOKEN`, `NPM_TOKEN`, `YARN_NPM_AUTH_TOKEN`) from a stored
    secret, a variable, an input or a literal; a job that writes such a token into an
    `.npmrc` (`//registry.npmjs.org/:_authToken=${{ secrets.NPM_TOKEN }}`) and publishes; and
    `JS-DevTools/npm-publish` given `token`. The finding sits on the entry that hands the
    token over, once however many steps publish with it.

    It stays quiet on npm trusted publishing (no token, `id-token: write`), on publishing to
    GitHub Packages with the job's `GITHUB_TOKEN` (or any registry other than npmjs.org set by
    `actions/setup-node`), on `--dry-run`, on steps that only install, and on commented-out
    steps. A job with `if: false` is still reported. `always-auth` on setup-node is not
    reported by itself: it exposes no token unless one is given.

    ## Why is this bad?
    A write token for the npm registry lets whoever holds it publish any version of the
    package: the route of the 2025 npm supply-chain worms. Since late 2025 npm caps write
    tokens at 90 days, which still outlives every publish job by months. With trusted
    publishing (npm CLI 11.5.1 or later) the registry accepts the job's GitHub OIDC token for
    one publish, bound to the repository and workflow (OWASP NHI7 Long-Lived Secrets, NHI6
    Insecure Cloud Deployment Configurations).

    ## Example
    ```yaml
    - uses: actions/setup-node@v4
      with: { node-version: 22, registry-url: https://registry.npmjs.org }
    - run: npm publish
      env:
        NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}
    ```

    Use instead:
    ```yaml
    permissions:
      id-token: write
      contents: read
    steps:
      - uses: actions/setup-node@v4
        with: { node-version: 24, registry-url: https://registry.npmjs.org }
      - run: npm publish
    ```

    ## References
    - npm, trusted publishing for npm packages: https://docs.npmjs.com/trusted-publishers
    - GitHub changelog, npm classic tokens revoked (December 2025): https://github.blog/changelog/2025-12-09-npm-classic-tokens-revoked-session-based-auth-and-cli-token-management-now-available/
    - zizmor `use-trusted-publishing`: https://docs.zizmor.sh/audits/#use-trusted-publishing
    """

    META = RuleMeta(
        id="LLC-GHA-006",
        name="npm-publish-with-token",
        summary="npm publish wired to a long-lived token",
        category=Category.CI_STATIC_CREDENTIAL,
        severity=Severity.HIGH,
        precision=Precision.HIGH,
        owasp=("NHI7", "NHI6"),
        fix="Configure npm trusted publishing for the package (organisation or user, "
        "repository, workflow file), grant the publish job `permissions: id-token: write`, "
        "remove the token from the job, then set the package to disallow tokens.",
        kinds=frozenset({FileKind.GITHUB_ACTIONS}),
        triggers=("publish",),
        requires=("npm", "node_auth_token", "_authtoken", "yarn"),
    )

    VALID = [
        # Trusted publishing: id-token: write, no token.
        Valid(_workflow("", permissions="    permissions:\n      id-token: write\n")),
        # GitHub Packages with the job token.
        Valid(
            _workflow(
                "        env:\n          NODE_AUTH_TOKEN: ${{ secrets.GITHUB_TOKEN }}\n",
                registry="npm.pkg.github.com",
            )
        ),
        # A dry run, an install that reads a token, and a commented-out publish.
        Valid(
            "jobs:\n  check:\n    runs-on: ubuntu-latest\n    steps:\n"
            "      - run: npm ci\n"
            "        env:\n          NPM_TOKEN: ${{ secrets.NPM_READ_TOKEN }}\n"
            "      - run: npm publish --dry-run\n"
            "        env:\n          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}\n"
            "      # - run: npm publish\n"
        ),
    ]
    INVALID = [
        Invalid(
            _workflow(
                "        env:\n"
                "          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}  # expect: LLC-GHA-006\n"
            )
        ),
        # The token written into .npmrc, then a publish, in a job that is switched off.
        Invalid(
            "jobs:\n  release:\n    if: false\n    runs-on: ubuntu-latest\n    steps:\n"
            "      - run: |\n"
            '          echo "//registry.npmjs.org/:_authToken=${{ secrets.NPM_TOKEN }}" > .npmrc'
            "  # expect: LLC-GHA-006\n"
            "          pnpm publish --no-git-checks\n"
        ),
        # The action's token input, and job-level env used by semantic-release (reported once).
        Invalid(
            "jobs:\n  release:\n    runs-on: ubuntu-latest\n"
            "    env:\n      NPM_TOKEN: ${{ secrets.NPM_TOKEN }}  # expect: LLC-GHA-006\n"
            "    steps:\n      - run: npx semantic-release\n"
            "      - run: npx semantic-release --branches next\n"
            "      - uses: JS-DevTools/npm-publish@v3\n"
            "        with:\n          token: ${{ secrets.NPM_TOKEN }}  # expect: LLC-GHA-006\n"
        ),
    ]

    def check_pipeline(self, pipeline: Pipeline) -> None:
        self._seen: set[int] = set()  # env entries already reported (workflow env is shared)

    def check_job(self, job: Job) -> None:
        if not self._npmjs(job):
            return
        tokens: list[tuple[Entry, Origin]] = []
        for step in job.steps:
            if step.action() == _NPM_PUBLISH:
                self._action_token(step)
            if not self._publishes(step):
                continue
            for name, value in step.scoped_env().items():
                if credentials.for_env(name) is not _KIND or id(value) in self._seen:
                    continue
                found = origin(value, self.context)
                if found is not None and found in STANDING:
                    self._seen.add(id(value))
                    tokens.append((value, found))
        if tokens:
            first, found = tokens[0]
            self._report(
                first,
                found,
                job,
                f"`{first.key}`",
                related=[(e.key_node, f"`{e.key}` carries a token too") for e, _ in tokens[1:]],
            )
        for step in job.steps:
            self._npmrc(step, job)

    def _publishes(self, step: Step) -> bool:
        if step.action() == _CHANGESETS and given(step, "publish"):
            return True
        script = step.script.text if step.script is not None else ""
        if "publish" not in script and "semantic-release" not in script:
            return False  # no need to split the script into commands
        return any(
            "--dry-run" not in c.text
            and (
                _PUBLISH.search(c.text) is not None
                or (_WRAPPED.search(c.text) is not None and not _OTHER_TOOL.search(c.text))
            )
            for c in step.commands()
        )

    def _npmrc(self, step: Step, job: Job) -> None:
        if step.script is None or ":_authToken=" not in step.script.text:
            return
        if not any(self._publishes(s) for s in job.steps):
            return
        for command in step.commands():
            match = _AUTH_LINE.search(command.text)
            if match is None or match.group(1) == "secrets.GITHUB_TOKEN":
                continue
            found = Origin.SECRET if match.group(1).startswith("secrets.") else Origin.VARIABLE
            self.report(
                command.target(match.start(), match.end()),
                f"An `.npmrc` gets an npm token from {where(found)}, which {lives(_KIND)}, "
                f"and the job publishes with it instead of npm trusted publishing."
                f"{self._already(job)}",
                lifetime=lifetime(_KIND),
            )

    def _action_token(self, step: Step) -> None:
        registry = (getattr(entry(step, "registry"), "value", None) or "").strip().lower()
        token = entry(step, "token")
        dry_run = (getattr(entry(step, "dry-run"), "value", None) or "").strip().lower()
        if token is None or (registry and _NPMJS not in registry) or dry_run == "true":
            return
        found = origin(token, self.context)
        if found is not None and found in STANDING:
            self._report(token, found, step.job, "JS-DevTools/npm-publish `token`")

    def _report(
        self,
        value: Entry,
        found: Origin,
        job: Job,
        what: str,
        related: list[tuple[object, str]] | None = None,
    ) -> None:
        self.report(
            value.key_node,
            f"{what} publishes to npm with a token from {where(found)}, which {lives(_KIND)}, "
            f"instead of npm trusted publishing.{self._already(job)}",
            lifetime=lifetime(_KIND),
            value=value.value if found is Origin.LITERAL else None,
            severity=Severity.CRITICAL if found is Origin.LITERAL else None,
            related=related or [],
        )

    @staticmethod
    def _already(job: Job) -> str:
        if job.federation.oidc:
            return " The job already has `id-token: write`: npm 11.5.1+ needs no token."
        return ""

    @staticmethod
    def _npmjs(job: Job) -> bool:
        """Whether the job publishes to npmjs.org: no setup-node says another registry."""
        urls = [
            (e.value or "").lower()
            for s in job.steps
            if s.action() == _SETUP_NODE
            for e in (entry(s, "registry-url"),)
            if e is not None and (e.value or "").strip()
        ]
        return not urls or any(_NPMJS in u for u in urls)
