"""LLC-GLC-001: GitLab CI using static cloud or registry credentials instead of `id_tokens`."""

from __future__ import annotations

import re

from scanner.api import (
    BASE32_UPPER,
    BASE64,
    Category,
    CiRule,
    Entry,
    FileKind,
    GitlabJob,
    Invalid,
    Job,
    Lifetime,
    Pipeline,
    Precision,
    RuleMeta,
    Severity,
    Valid,
    ValueKind,
    credential_shaped,
    credentials,
    fake_token,
    invalid_in,
    is_known_example,
    valid_in,
)
from scanner.api.ci.aws_script import (
    AWS_AUTH,
    EMULATORS,
    LOCAL_ENDPOINT,
    configures_key,
    implicit_cli,
    owned_by_login,
    sets_unknown,
    signs_in_with_key,
)
from scanner.api.ci.gitlab_reads import Read, assignments, job_commands, reads

#: Kinds a GitLab ID token replaces by federation: the clouds, and Vault's JWT auth. Package
#: registry tokens are LLC-CI-002's (trusted publishing), cluster credentials the agent's.
_FEDERATED_KINDS = frozenset(
    {
        "aws-access-key",
        "gcp-service-account-key",
        "azure-client-secret",
        "azure-storage-key",
        "vault-token",
        "vault-approle-secret-id",
    }
)
_WHOLE_REF = re.compile(r"\$(?:\{[A-Za-z_][A-Za-z0-9_]*\}|[A-Za-z_][A-Za-z0-9_]*)")


def _triggers() -> tuple[str, ...]:
    """Every credential variable name of the table, and the AWS CLI (which reads its key
    pair from the environment without naming it)."""
    words: set[str] = {"aws"}
    for kind in credentials.KINDS:
        for name in (*kind.env, *kind.path_env):
            words.add(max(name.split("*"), key=len).lower())
    return tuple(sorted(w for w in words if w))


def _federated_kind(name: str) -> credentials.CredentialKind | None:
    """The kind of a variable an ID token could replace (its value or the file it names)."""
    kind = credentials.for_env(name) or credentials.for_path_env(name)
    if kind is None or not kind.secret or kind.id not in _FEDERATED_KINDS:
        return None
    return kind


_KEY_ID = fake_token("AKIA", 16, BASE32_UPPER, seed=1101)
_SECRET = fake_token("", 40, BASE64, seed=1102)
_OIDC = """\
deploy:
  image: amazon/aws-cli:2.17.0
  id_tokens:
    AWS_ID_TOKEN:
      aud: sts.amazonaws.com
  script:
    - >
      export $(printf "AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s AWS_SESSION_TOKEN=%s"
      $(aws sts assume-role-with-web-identity --role-arn "$ROLE_ARN"
      --role-session-name "gitlab-$CI_JOB_ID" --web-identity-token "$AWS_ID_TOKEN"
      --duration-seconds 900 --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]'
      --output text))
    - aws s3 sync public/ "s3://$BUCKET" --delete
    - echo "session key ${AWS_ACCESS_KEY_ID:0:4}..."
"""


class GitlabStaticCloudCredentials(CiRule):
    """## What it does
    Flags GitLab CI configuration (`.gitlab-ci.yml` and the local files it includes) that
    gives jobs standing cloud or Vault credentials:
    - a `variables:` entry (global, job or template) whose name carries a credential in the
      credential-kinds table (`AWS_SECRET_ACCESS_KEY`, `ARM_CLIENT_SECRET`, `VAULT_TOKEN`,
      registry passwords...) and whose value is a literal credential (critical);
    - a job without `id_tokens:` that reads a static cloud credential variable in its scripts
      (`$AWS_SECRET_ACCESS_KEY`, `$ARM_CLIENT_SECRET`, `$GOOGLE_APPLICATION_CREDENTIALS`,
      `$VAULT_TOKEN`...), which only project or group CI/CD variables can supply, or maps one
      onto such a name in `variables:` (`AWS_SECRET_ACCESS_KEY: $PROD_KEY`) (medium);
    - a job without `id_tokens:` or runner `tags:` that runs the AWS CLI with nothing in the
      file to authenticate it: on shared runners only key variables from the project's
      settings can (low).

    Quiet on placeholders, on jobs with `id_tokens:` (their own, a template's or `default:`'s:
    the variables then hold the session the job exchanged its ID token for), on variables the
    job sets itself (`export VAULT_TOKEN="$(vault write ...)"`, `export $(...)`, `eval`,
    `source`), on files where a federated job hands its session on as a dotenv report, on
    jobs that talk to an emulator (a LocalStack, MinIO or Azurite service, or a local
    endpoint), on GitLab's per-job tokens (`$CI_JOB_TOKEN`, `$CI_REGISTRY_PASSWORD`), and on
    the lines LLC-CI-003, LLC-CI-006 and LLC-CI-001 own (`aws configure set
    aws_secret_access_key "$AWS_SECRET_ACCESS_KEY"`, `gcloud auth activate-service-account`,
    `az login --service-principal -p`, a registry login given its password): one finding a
    line. In
    an included file, or a job extending a template defined elsewhere, the message says that
    the rest of the configuration may add `id_tokens:`.

    ## Why is this bad?
    A key in a CI/CD variable never expires, is readable by every maintainer and by every job
    of every branch that can reach it, and keeps working after it leaks from a job log or a
    compromised runner. GitLab's ID tokens are OIDC tokens minted per job, with an audience
    per relying party, that AWS, Google Cloud, Azure and Vault exchange for credentials lasting
    as long as the job (OWASP NHI6 Insecure Cloud Deployment Configurations, NHI7 Long-Lived
    Secrets). A literal key in the file is worse still: anyone with the repository has it.

    ## Example
    ```yaml
    deploy:
      script:
        - terraform apply -auto-approve -var "secret_key=$AWS_SECRET_ACCESS_KEY"
        - aws s3 sync public/ s3://docs-bucket
    ```

    Use instead:
    ```yaml
    deploy:
      id_tokens:
        AWS_ID_TOKEN:
          aud: sts.amazonaws.com
      variables:
        AWS_ROLE_ARN: arn:aws:iam::123456789012:role/gitlab-deploy
        AWS_WEB_IDENTITY_TOKEN_FILE: $CI_PROJECT_DIR/.aws-id-token
      script:
        - echo "$AWS_ID_TOKEN" > "$AWS_WEB_IDENTITY_TOKEN_FILE"
        - aws s3 sync public/ s3://docs-bucket
    ```
    Pin the role's trust policy to the project and branch
    (`project_path:<group>/<project>:ref_type:branch:ref:main`), and read Vault secrets with
    the `secrets:` keyword and an ID token whose `aud` is the Vault server.

    ## References
    - GitLab, OpenID Connect (OIDC) authentication using ID tokens: https://docs.gitlab.com/ci/secrets/id_token_authentication/
    - GitLab, configure OpenID Connect in AWS: https://docs.gitlab.com/ci/cloud_services/aws/
    - GitLab, `id_tokens` and `secrets` keywords: https://docs.gitlab.com/ci/yaml/#id_tokens
    """

    META = RuleMeta(
        id="LLC-GLC-001",
        name="static-cloud-credentials",
        summary="GitLab CI using static cloud or registry credentials instead of `id_tokens`",
        category=Category.CI_STATIC_CREDENTIAL,
        severity=Severity.MEDIUM,
        precision=Precision.HIGH,
        owasp=("NHI6", "NHI7"),
        fix="Give the job `id_tokens:` with an `aud` per cloud, trust GitLab's OIDC issuer in "
        "the cloud pinned to this project and branch, exchange the token for a session, and "
        "delete the stored key.",
        kinds=frozenset({FileKind.GITLAB_CI}),
        triggers=_triggers(),
    )

    VALID = [
        Valid(_OIDC),
        # The same job in an included file, the ID token coming from `default:`.
        Valid(
            "default:\n  id_tokens:\n    VAULT_ID_TOKEN:\n      aud: https://vault.example.com\n"
            "read-secrets:\n  secrets:\n    VAULT_TOKEN_FILE:\n      vault: ci/token@ops\n"
            "      token: $VAULT_ID_TOKEN\n  script:\n"
            '    - export VAULT_TOKEN="$(vault write -field=token auth/jwt/login '
            'role=ci jwt=$VAULT_ID_TOKEN)"\n'
            '    - curl -H "X-Vault-Token: $VAULT_TOKEN" https://vault.example.com/v1/kv/app\n',
            path=".gitlab/ci/secrets.yml",
        ),
        # Dummy keys against LocalStack and MinIO services.
        Valid(
            "integration:\n  services:\n    - name: localstack/localstack:3\n      alias: aws\n"
            "  variables:\n    AWS_ACCESS_KEY_ID: test\n    AWS_SECRET_ACCESS_KEY: test\n"
            "    AWS_ENDPOINT_URL: http://aws:4566\n  script:\n"
            '    - aws s3 mb s3://fixtures --endpoint-url "$AWS_ENDPOINT_URL"\n'
            "s3-tests:\n  services: [{name: minio/minio:latest, alias: minio}]\n"
            "  variables:\n    AWS_ACCESS_KEY_ID: minioadmin\n"
            f"    AWS_SECRET_ACCESS_KEY: {_SECRET}\n  script:\n"
            '    - pytest --s3-key "$AWS_SECRET_ACCESS_KEY"\n'
        ),
        # The job's own tokens, commented-out lines, single quotes and a key the job mints.
        Valid(
            "build:\n  script:\n"
            '    - echo "$CI_REGISTRY_PASSWORD" | docker login -u "$CI_REGISTRY_USER" '
            '--password-stdin "$CI_REGISTRY"\n'
            '    - curl --header "JOB-TOKEN: $CI_JOB_TOKEN" "$CI_API_V4_URL/projects"\n'
            '    # - aws configure set aws_secret_access_key "$AWS_SECRET_ACCESS_KEY"\n'
            "    - |\n      # export ARM_CLIENT_SECRET=$ARM_CLIENT_SECRET\n"
            "      echo 'set $AWS_SECRET_ACCESS_KEY in the project settings'\n"
            "    - export VAULT_TOKEN=$(vault login -token-only -method=oidc)\n"
            '    - vault kv get -address="$VAULT_ADDR" secret/app "$VAULT_TOKEN"\n'
        ),
        # Placeholders in variables, and variables that name no credential.
        Valid(
            "variables:\n  AWS_SECRET_ACCESS_KEY: ''\n  ARM_CLIENT_SECRET: <your-client-secret>\n"
            "  AWS_REGION: eu-west-1\n  GOOGLE_APPLICATION_CREDENTIALS: /tmp/wif.json\n"
            "lint:\n  script: [ruff check .]\n"
        ),
        *valid_in(
            'aws s3 cp "s3://$BUCKET/$CI_COMMIT_SHA.zip" . --region "$AWS_REGION"',
            federated=True,
            systems=["gitlab"],
        ),
        # Lines LLC-CI-003, LLC-CI-006 and LLC-CI-001 report: a stored key configured into
        # the CLI's profile, key sign-ins, a registry login given a service principal's secret.
        Valid(
            "deploy:\n  script:\n"
            '    - aws configure set aws_access_key_id "$AWS_ACCESS_KEY_ID"\n'
            '    - aws configure set aws_secret_access_key "$AWS_SECRET_ACCESS_KEY"\n'
            "    - aws s3 sync public/ s3://docs-bucket\n"
            "push:\n  script:\n"
            '    - docker login -u "$ARM_CLIENT_ID" -p "$ARM_CLIENT_SECRET" example.azurecr.io\n'
            "    - docker push example.azurecr.io/app:1\n"
            "gcp:\n  script:\n"
            "    - gcloud auth activate-service-account"
            ' --key-file="$GOOGLE_APPLICATION_CREDENTIALS"\n'
            '    - az login --service-principal -u "$ARM_CLIENT_ID" -p "$ARM_CLIENT_SECRET"'
            ' --tenant "$ARM_TENANT_ID"\n'
        ),
        # A runner of the project's own (tagged: it may have an instance role), a public
        # bucket, and CLI commands that call no AWS API.
        Valid(
            "deploy:\n  tags: [aws-deployer]\n  script: [aws s3 sync public/ s3://docs-bucket]\n"
            "open-data:\n  script:\n    - aws s3 ls --no-sign-request s3://noaa-ghcn-pds/\n"
            "    - aws --version\n    - aws help\n"
        ),
    ]
    INVALID = [
        Invalid(
            "variables:\n"
            f"  AWS_ACCESS_KEY_ID: {_KEY_ID}  # expect: LLC-GLC-001\n"
            f'  AWS_SECRET_ACCESS_KEY: "{_SECRET}"  # expect: LLC-GLC-001\n'
            "deploy:\n  script:\n    - aws s3 sync public/ s3://docs-bucket\n"
        ),
        *invalid_in(
            'terraform apply -auto-approve -var "client_secret=$ARM_CLIENT_SECRET"'
            "  # expect: LLC-GLC-001\n"
            'curl -H "X-Vault-Token: $VAULT_TOKEN" https://vault.example.com/v1/kv/app\n',
            systems=["gitlab"],
        ),
        # An included file: a template maps a project variable onto the key's name, and a job
        # that drops `default:` (and its ID tokens) reads a key file.
        Invalid(
            ".azure:\n  variables:\n"
            "    ARM_CLIENT_SECRET: $PROD_ARM_CLIENT_SECRET  # expect: LLC-GLC-001\n"
            "plan:\n  extends: .azure\n  script: [terraform plan]\n"
            "gcp:\n  inherit:\n    default: false\n  script:\n"
            '    - gsutil -o "Credentials:gs_service_key_file=$GOOGLE_APPLICATION_CREDENTIALS"'
            " cp -r dist gs://example-bucket  # expect: LLC-GLC-001\n",
            path=".gitlab/ci/deploy.yml",
        ),
        # A key exported from a differently named project variable, in a template's
        # before_script that two jobs share: one finding.
        Invalid(
            ".aws:\n  before_script:\n"
            "    - export AWS_ACCESS_KEY_ID=$PROD_KEY_ID  # expect: LLC-GLC-001\n"
            "    - export AWS_SECRET_ACCESS_KEY=$PROD_SECRET\n"
            "a:\n  extends: .aws\n  script: [aws s3 ls]\n"
            "b:\n  extends: .aws\n  script: [aws s3 ls]\n"
        ),
        # The AWS CLI with nothing in the file to authenticate it, on shared runners: the key
        # pair can only come from the project's CI/CD variables (low).
        Invalid(
            "deploy:\n  image: amazon/aws-cli:2.17.0\n  script:\n"
            '    - aws s3 sync public/ "s3://$DOCS_BUCKET" --delete  # expect: LLC-GLC-001\n'
            "    - aws cloudfront create-invalidation --distribution-id $CF_DIST --paths '/*'\n"
        ),
    ]

    #: Places already reported in this file: a template's line is shared by its jobs.
    _seen: set[tuple[int, int]]
    _handed_over: bool

    def check_pipeline(self, pipeline: Pipeline) -> None:
        self._seen = set()
        # A federated job passing its session on as a dotenv report: later jobs read it.
        self._handed_over = any(
            j.federation.oidc is True and isinstance(j, GitlabJob) and j.dotenv
            for j in pipeline.jobs
        )
        emulated = any(_emulated(job) for job in pipeline.jobs)
        for job in pipeline.jobs:
            for entry in job.env.values():
                global_ = pipeline.env.get(entry.key) is entry
                self._literal(entry, emulated if global_ else _emulated(job))
        for entry in pipeline.env.values():
            self._literal(entry, emulated)

    def check_job(self, job: Job) -> None:
        if job.federation.oidc is True or _emulated(job) or self._handed_over:
            return
        self._mapped(job)
        self._script_reads(job)

    def _once(self, node: object) -> bool:
        mark = node.start_mark  # type: ignore[attr-defined]
        key = (int(mark.line), int(mark.column))
        if key in self._seen:
            return False
        self._seen.add(key)
        return True

    def _literal(self, entry: Entry, emulated: bool) -> None:
        """(a) a credential written in `variables:`."""
        value = entry.value
        if entry.kind is not ValueKind.LITERAL or not value or emulated:
            return
        kind = credentials.for_env(entry.key)
        if kind is None or not kind.secret or credentials.is_ephemeral("gitlab", entry.key):
            return
        value = value.strip()
        if (
            self.context.is_placeholder(value)
            or is_known_example(value)
            or not credential_shaped(value, 16)
        ):
            return
        if not self._once(entry.key_node):
            return
        self.report(
            entry.key_node,
            f"`{entry.key}` in `variables:` is a literal {kind.name}: readable by anyone with "
            "the repository, and valid until someone revokes it.",
            lifetime=Lifetime.static(),
            value=value,
            severity=Severity.CRITICAL,
            fix=_fix(kind, literal=True),
        )

    def _mapped(self, job: Job) -> None:
        """(b) `variables:` copying project variables onto a credential's names: one finding
        per kind (a key id and its secret are one key), where the first is set."""
        by_kind: dict[str, list[Entry]] = {}
        for entry in job.env.values():
            kind = _federated_kind(entry.key)
            if kind is None or entry.kind is not ValueKind.EXPRESSION or not entry.refs:
                continue
            if all(_platform(r.lstrip("$")) for r in entry.refs):
                continue
            if credentials.for_path_env(entry.key) is not None and not _WHOLE_REF.fullmatch(
                (entry.value or "").strip()
            ):
                continue  # a path in the work tree (`$CI_PROJECT_DIR/wif.json`), not a variable
            by_kind.setdefault(kind.id, []).append(entry)
        for kind_id, entries in by_kind.items():
            first, rest = entries[0], entries[1:]
            if not self._once(first.key_node):
                continue
            kind = credentials.by_id(kind_id)
            refs = ", ".join(f"`{r}`" for r in first.refs)
            self.report(
                first.key_node,
                f"`{first.key}` ({kind.name}) is set from {refs}, kept in the project's CI/CD "
                f"variables, and job `{job.job_id}` has no `id_tokens:`"
                f"{_undecided(job)}: a standing credential where a per-job ID token would do.",
                lifetime=Lifetime.static(),
                related=[(e.key_node, f"`{e.key}` is set here too") for e in rest],
                fix=_fix(kind),
            )

    def _script_reads(self, job: Job) -> None:
        """(b) a script reading a credential variable that only project settings supply."""
        # An empty `variables:` entry is a slot the project's settings fill (they win over
        # the file), not a value the job has.
        defined = {k for k, e in job.env.items() if _filled(e)}
        if isinstance(job, GitlabJob):
            defined |= set(job.secrets)
        made: set[str] = set()
        found: list[tuple[Read, credentials.CredentialKind]] = []
        for command, simple in job_commands(job):
            if sets_unknown(simple):
                break  # what follows may read what this set
            if configures_key(simple) or signs_in_with_key(simple) or owned_by_login(command):
                continue  # LLC-CI-003's, LLC-CI-006's or LLC-CI-001's line: one finding a line
            for read in reads(command, simple):
                kind = _federated_kind(read.name)
                if kind is not None and read.name not in defined | made:
                    found.append((read, kind))
            for assignment in assignments(simple):
                kind = _federated_kind(assignment.name)
                if kind is None or assignment.computed:
                    made.add(assignment.name)
                elif assignment.name not in defined | made:
                    word = assignment.word
                    read = Read(assignment.name, command, word.start, word.end, word.text)
                    found.append((read, kind))
        if not found:
            self._implicit_aws(job)
            return
        fresh = [(r, k) for r, k in found if r.key not in self._seen]
        if not fresh:
            return
        (first, kind), rest = fresh[0], fresh[1:]
        self._seen.update(r.key for r, _ in fresh)
        others = [(r.node(), f"{_what(r)} here too") for r, _ in rest if r.name != first.name]
        self.report(
            first.node(),
            f"Job `{job.job_id}` {_what(first)} ({kind.name}), which only the project's CI/CD "
            f"variables can supply, and has no `id_tokens:`{_undecided(job)}: a standing "
            "credential where a per-job ID token would do.",
            lifetime=Lifetime.static(),
            related=others[:3],
            fix=_fix(kind),
        )

    def _implicit_aws(self, job: Job) -> None:
        """(b, low) the AWS CLI with nothing in the file that gives it a session: on shared
        runners (no ``tags:``) only key variables from the project's settings can."""
        if not isinstance(job, GitlabJob) or job.tags or job.missing:
            return
        if any(k in AWS_AUTH and _filled(e) for k, e in job.env.items()):
            return
        target = implicit_cli(c for step in job.steps for c in step.commands())
        if target is None or not self._once(target):
            return
        kind = credentials.by_id("aws-access-key")
        self.report(
            target,
            f"Job `{job.job_id}` runs the AWS CLI with no `id_tokens:`{_undecided(job)} and "
            "no runner `tags:`: on shared runners it can only authenticate with a static key "
            "(`AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` in the project's CI/CD variables).",
            lifetime=Lifetime.static(),
            severity=Severity.LOW,
            fix=_fix(kind),
        )


def _platform(name: str) -> bool:
    """A variable GitLab itself sets for the job (``CI_PROJECT_DIR``, ``CI_JOB_TOKEN``)."""
    return name.startswith(("CI_", "GITLAB_")) or credentials.is_ephemeral("gitlab", name)


def _filled(entry: Entry) -> bool:
    return entry.value is None or entry.value.strip() != ""


def _emulated(job: Job) -> bool:
    """A job testing against a local emulator: any dummy key works there."""
    if isinstance(job, GitlabJob):
        images = (*job.services, job.image or "")
        if any(e in image.lower() for image in images for e in EMULATORS):
            return True
    for entry in job.env.values():
        if "ENDPOINT" in entry.key.upper() and entry.value and LOCAL_ENDPOINT.search(entry.value):
            return True
    return False


def _what(read: Read) -> str:
    if read.copied_from is not None:
        return f"sets `{read.name}` from `{read.copied_from}`"
    return f"reads `${read.name}`"


def _undecided(job: Job) -> str:
    if job.federation.oidc is None:
        return f" (as far as this file says: {job.federation.reason})"
    return ""


def _fix(kind: credentials.CredentialKind, *, literal: bool = False) -> str:
    replace = kind.fix("gitlab").rstrip(".")
    if literal:
        return f"Revoke the key now, since the repository has it; then {replace}."
    return f"{replace[:1].upper()}{replace[1:]}."
