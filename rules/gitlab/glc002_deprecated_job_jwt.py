"""LLC-GLC-002: Deprecated shared CI job JWTs (`CI_JOB_JWT`, `CI_JOB_JWT_V1`, `CI_JOB_JWT_V2`)."""

from __future__ import annotations

import re

from scanner.api import (
    Category,
    CiRule,
    FileKind,
    GitlabJob,
    Invalid,
    Lifetime,
    Pipeline,
    Precision,
    RuleMeta,
    Severity,
    Valid,
    invalid_in,
    valid_in,
    yamlnodes,
)
from scanner.api.ci.gitlab_reads import place_in_scalar, reads, source_lines

_NAMES = frozenset({"CI_JOB_JWT", "CI_JOB_JWT_V1", "CI_JOB_JWT_V2"})
_MENTION = re.compile(r"(?<![A-Za-z0-9_])CI_JOB_JWT(?:_V[12])?(?![A-Za-z0-9_])")
_SCRIPT_KEYS = frozenset({"before_script", "script", "after_script"})
_FIX = (
    "Add `id_tokens:` to the job with the relying party's own `aud` (`VAULT_ID_TOKEN: {aud: "
    "https://vault.example.com}`) and read that variable instead."
)


class DeprecatedJobJwt(CiRule):
    """## What it does
    Flags reads of `CI_JOB_JWT`, `CI_JOB_JWT_V1` and `CI_JOB_JWT_V2` in GitLab CI files (in scripts,
    `variables:` values and `secrets:` settings) and in shell scripts and Makefiles, which no other
    CI system sets these names for. Quiet on comments, on single-quoted text, and where the file
    defines an `id_tokens:` entry or a variable of that name (a migration that kept the old name for
    an ID token with its own audience).

    ## Why is this bad?
    These JWTs were handed to every job with one fixed audience, so any service that accepted
    one (Vault, a cloud, a third party) could replay it against all the others while it lived.
    GitLab deprecated them in 15.9 and removed them in 17.0: a job reading them now gets an
    empty value, and teams tend to "fix" the broken login with a stored long-lived token
    (OWASP NHI4 Insecure Authentication, NHI6 Insecure Cloud Deployment Configurations).

    ## Example
    ```yaml
    read-secrets:
      script:
        - vault write -field=token auth/jwt/login role=ci jwt=$CI_JOB_JWT_V2 > .vault-token
    ```

    Use instead:
    ```yaml
    read-secrets:
      id_tokens:
        VAULT_ID_TOKEN:
          aud: https://vault.example.com
      script:
        - vault write -field=token auth/jwt/login role=ci jwt=$VAULT_ID_TOKEN > .vault-token
    ```

    ## References
    - GitLab, ID tokens replace `CI_JOB_JWT`: https://docs.gitlab.com/ci/secrets/id_token_authentication/
    - GitLab issue, removal of `CI_JOB_JWT` in 17.0: https://gitlab.com/gitlab-org/gitlab/-/issues/423106
    """

    META = RuleMeta(
        id="LLC-GLC-002",
        name="deprecated-job-jwt",
        summary="Deprecated shared CI job JWTs (`CI_JOB_JWT`, `CI_JOB_JWT_V1`, `CI_JOB_JWT_V2`)",
        category=Category.CI_STATIC_CREDENTIAL,
        severity=Severity.LOW,
        precision=Precision.VERY_HIGH,
        owasp=("NHI4", "NHI6"),
        fix=_FIX,
        kinds=frozenset({FileKind.GITLAB_CI, FileKind.SHELL}),
        triggers=("ci_job_jwt",),
    )

    VALID = [
        Valid(
            "read-secrets:\n  id_tokens:\n    VAULT_ID_TOKEN:\n      aud: https://vault.example.com\n"
            "  script:\n    - vault write auth/jwt/login role=ci jwt=$VAULT_ID_TOKEN\n"
        ),
        # Commented out, single-quoted, and a longer name.
        Valid(
            "job:\n  script:\n    # - vault write auth/jwt/login role=ci jwt=$CI_JOB_JWT_V2\n"
            '    - |\n      # curl -H "Authorization: Bearer $CI_JOB_JWT" https://x\n'
            "      echo 'CI_JOB_JWT was removed in GitLab 17.0'\n"
            '    - echo "$CI_JOB_JWT_FILE" "$CI_JOB_TOKEN"\n'
        ),
        # A migration that named the ID token after the old variable.
        Valid(
            "default:\n  id_tokens:\n    CI_JOB_JWT_V2:\n      aud: https://vault.example.com\n"
            "login:\n  script:\n    - vault write auth/jwt/login role=ci jwt=$CI_JOB_JWT_V2\n",
            path=".gitlab/ci/vault.yml",
        ),
        *valid_in(
            'vault write auth/jwt/login role=ci jwt="$VAULT_ID_TOKEN"',
            federated=True,
            systems=["gitlab", "shell", "make"],
        ),
        # Scripts: a comment, and a token file the job was given under a new name.
        *valid_in(
            "# was: vault write auth/jwt/login role=ci jwt=$CI_JOB_JWT\n"
            'vault write auth/jwt/login role=ci jwt="$(cat "$VAULT_ID_TOKEN_FILE")"',
            systems=["shell", "make"],
        ),
    ]
    INVALID = [
        *invalid_in(
            "vault write auth/jwt/login role=ci jwt=$CI_JOB_JWT_V2  # expect: LLC-GLC-002\n",
            systems=["gitlab", "shell", "make"],
        ),
        # A script the pipeline runs, sending the shared JWT to another service.
        *invalid_in(
            'curl -sf -H "Authorization: Bearer ${CI_JOB_JWT}" "$SVC/login"'
            "  # expect: LLC-GLC-002\n",
            systems=["shell", "make"],
        ),
        # A variable and a `secrets:` token in an included file.
        Invalid(
            "variables:\n  VAULT_JWT: ${CI_JOB_JWT}  # expect: LLC-GLC-002\n"
            "deploy:\n  secrets:\n    DB_PASSWORD:\n      vault: db/password@ops\n"
            "      token: $CI_JOB_JWT_V1  # expect: LLC-GLC-002\n  script: [./deploy.sh]\n",
            path=".gitlab/ci/deploy.yml",
        ),
        # A template's line, shared by two jobs: one finding.
        Invalid(
            ".auth:\n  before_script:\n"
            '    - \'curl -s -H "Authorization: Bearer ${CI_JOB_JWT_V1}" "$SVC/login"\''
            "  # expect: LLC-GLC-002\n"
            "a:\n  extends: .auth\n  script: [make a]\nb:\n  extends: .auth\n  script: [make b]\n"
        ),
    ]

    def check_pipeline(self, pipeline: Pipeline) -> None:
        kept = _kept_names(pipeline)
        seen: set[tuple[int, int]] = set()
        scripts: set[int] = set()
        for step in pipeline.steps():
            if step.script is not None:
                scripts.update(id(n) for n in step.script.nodes)
            for command in step.commands():
                for simple in command.simple():
                    for read in reads(command, simple):
                        if read.name in _NAMES and read.name not in kept and read.key not in seen:
                            seen.add(read.key)
                            self._report(read.node(), read.name)
        if isinstance(pipeline.root, yamlnodes.Node):
            lines = source_lines(pipeline.doc.text)
            self._scalars(pipeline.root, lines, scripts, kept, seen)

    def _scalars(
        self,
        root: yamlnodes.Node,
        lines: list[str],
        scripts: set[int],
        kept: set[str],
        seen: set[tuple[int, int]],
    ) -> None:
        """Values outside the jobs' scripts (``variables:``, ``secrets:``, templates no job
        extends): GitLab expands ``$VAR`` in them, or a script will."""
        for key, value in _values(root):
            if id(value) in scripts:
                continue
            text = yamlnodes.scalar(value)
            if text is None:
                continue
            for m in _MENTION.finditer(text):
                if m.group(0) in kept or m.start() == 0 or text[m.start() - 1] not in "${":
                    continue
                line = text[: m.start()].rsplit("\n", 1)[-1]
                if key in _SCRIPT_KEYS and line.lstrip().startswith("#"):
                    continue
                start = m.start() - (2 if text[m.start() - 1] == "{" else 1)
                end = m.end() + (1 if text[m.end() : m.end() + 1] == "}" else 0)
                target = place_in_scalar(lines, value, start, end)
                where = (int(target.start_mark.line), int(target.start_mark.column))
                if where not in seen:
                    seen.add(where)
                    self._report(target, m.group(0))

    def _report(self, node: object, name: str) -> None:
        self.report(
            node,
            f"`${name}` is the shared CI job JWT GitLab removed in 17.0: issued to every job with "
            "one fixed audience, so any service accepting it could replay it; use an "
            "`id_tokens:` entry with that service's own `aud`.",
            lifetime=Lifetime.unknown(),
        )


def _values(root: yamlnodes.Node) -> list[tuple[str | None, yamlnodes.Node]]:
    """Every value node with the key of the mapping entry (or list) that holds it."""
    out: list[tuple[str | None, yamlnodes.Node]] = []
    stack: list[tuple[str | None, yamlnodes.Node]] = [(None, root)]
    seen: set[int] = set()
    while stack and len(seen) < 200_000:
        key, node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        out.append((key, node))
        for name, _, value in yamlnodes.items(node):
            stack.append((name, value))
        for element in yamlnodes.elements(node):
            stack.append((key, element))
    return out


def _kept_names(pipeline: Pipeline) -> set[str]:
    """Old names the file itself defines (an ID token or a variable named ``CI_JOB_JWT_V2``)."""
    kept = set(pipeline.env) & _NAMES
    for job in pipeline.jobs:
        kept |= set(job.env) & _NAMES
        if isinstance(job, GitlabJob):
            kept |= set(job.id_tokens) & _NAMES
    return kept
