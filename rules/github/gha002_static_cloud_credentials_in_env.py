"""LLC-GHA-002: static cloud credentials exported as environment variables."""

from __future__ import annotations

from collections.abc import Mapping

from scanner.api import (
    BASE32_UPPER,
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
    fake_token,
    yamlnodes,
)
from scanner.api.ci.github_actions import (
    STANDING,
    Origin,
    a,
    lifetime,
    lives,
    origin,
    sentence,
    where,
)

#: The credential kinds this rule reports in ``env:``: cloud, cluster, secret-manager and
#: hosting credentials. Registry tokens (LLC-GHA-005/006, LLC-CI-002), registry passwords
#: (LLC-CI-001) and GitHub tokens (LLC-GHA-008) have rules of their own.
KIND_IDS = (
    "aws-access-key",
    "gcp-service-account-key",
    "azure-client-secret",
    "azure-storage-key",
    "digitalocean-token",
    "cloudflare-api-token",
    "hcloud-token",
    "heroku-api-key",
    "terraform-cloud-token",
    "vault-token",
    "vault-approle-secret-id",
    "kubeconfig",
    "kubernetes-token",
)
_KINDS = frozenset(KIND_IDS)
#: Images of local stand-ins for cloud services: keys given to them are dummies.
_EMULATORS = ("localstack", "minio", "moto", "azurite", "fake-gcs", "gcloud-emulator", "vault")
_LOCAL = ("localhost", "127.0.0.1", "localstack", "minio", "[::1]", "0.0.0.0")  # noqa: S104
_KEY_ID = fake_token("AKIA", 16, BASE32_UPPER, seed=22)


def _triggers() -> tuple[str, ...]:
    """Every env name of the reported kinds, lower-cased (a glob's fixed prefix)."""
    names = {
        name.split("*", 1)[0].lower()
        for kind_id in KIND_IDS
        for name in credentials.by_id(kind_id).env
    }
    # A reusable workflow's secrets are often spelt with hyphens (`aws-secret-access-key`).
    names |= {n.replace("_", "-") for n in names}
    return tuple(sorted(n for n in names if n))


def _workflow(env: str, *, permissions: str = "", job_env: str = "") -> str:
    return (
        "name: deploy\non: push\n"
        + permissions
        + "jobs:\n  deploy:\n    runs-on: ubuntu-latest\n"
        + job_env
        + "    steps:\n      - uses: actions/checkout@v4\n"
        + "      - run: terraform apply -auto-approve\n"
        + env
    )


class StaticCloudCredentialsInEnv(CiRule):
    """## What it does
    Flags an `env:` entry, at workflow, job or step level or in a job's `container.env`,
    whose name carries a static cloud, cluster or secret-manager credential
    (`AWS_SECRET_ACCESS_KEY`, `GOOGLE_CREDENTIALS`, `ARM_CLIENT_SECRET`, `VAULT_TOKEN`,
    `KUBE_CONFIG_DATA`, `DIGITALOCEAN_ACCESS_TOKEN`, `CLOUDFLARE_API_TOKEN`, `HCLOUD_TOKEN`
    and the rest of the credential-kinds table) and whose value is a stored secret, a
    configuration variable or a literal (critical). A pair from one provider in one mapping
    (key id and secret) is one finding. Workflow-level `env:` hands the credential to every
    job of the file, which the message notes as NHI9 (NHI Reuse).

    It stays quiet on identifiers that only look like credentials (`AWS_ROLE_ARN`,
    `ARM_CLIENT_ID`, `ARM_TENANT_ID`, even from `secrets.*`), on values computed during the run
    (a step output such as configure-aws-credentials' `output-credentials`), on names whose
    value is a *path* (`KUBECONFIG`, `GOOGLE_APPLICATION_CREDENTIALS`), on placeholders, and
    on literal keys in a job that runs a local emulator (LocalStack, MinIO, Azurite, a Vault
    dev server) or points the SDK at localhost. A job with `if: false` is still reported: the
    secret is configured and one edit away from running.

    A Sentry DSN is not reported (judgment call): the DSN is the public client key that
    Sentry's browser SDKs ship to every visitor and it can only submit events, so it grants no
    access worth a finding. `SENTRY_AUTH_TOKEN` is a credential, but not a cloud one.

    ## Why is this bad?
    The job authenticates to the cloud with a credential that never expires, copied into a
    repository or organisation secret and readable by every step (and every action) of the
    jobs it reaches. GitHub's OIDC provider gives each job a token that AWS, Google Cloud,
    Azure and Vault exchange for credentials lasting only as long as the job (OWASP NHI6
    Insecure Cloud Deployment Configurations, NHI7 Long-Lived Secrets; NHI9 NHI Reuse when
    one secret serves every job).

    ## Example
    ```yaml
    jobs:
      apply:
        runs-on: ubuntu-latest
        env:
          ARM_CLIENT_ID: ${{ vars.ARM_CLIENT_ID }}
          ARM_CLIENT_SECRET: ${{ secrets.ARM_CLIENT_SECRET }}
        steps:
          - run: terraform apply -auto-approve
    ```

    Use instead:
    ```yaml
    jobs:
      apply:
        runs-on: ubuntu-latest
        permissions:
          id-token: write
          contents: read
        env:
          ARM_USE_OIDC: "true"
          ARM_CLIENT_ID: ${{ vars.ARM_CLIENT_ID }}
          ARM_TENANT_ID: ${{ vars.ARM_TENANT_ID }}
        steps:
          - run: terraform apply -auto-approve
    ```

    ## References
    - GitHub, OpenID Connect in cloud providers: https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect
    - Terraform azurerm provider, OIDC (`ARM_USE_OIDC`): https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/guides/service_principal_oidc
    - zizmor `secrets-outside-env`: https://docs.zizmor.sh/audits/#secrets-outside-env
    - Sentry, DSN explainer (DSNs are safe to keep public): https://docs.sentry.io/concepts/key-terms/dsn-explainer/
    """

    META = RuleMeta(
        id="LLC-GHA-002",
        name="static-cloud-credentials-in-env",
        summary="Static cloud credentials exported as environment variables",
        category=Category.CI_STATIC_CREDENTIAL,
        severity=Severity.HIGH,
        precision=Precision.HIGH,
        # NHI9 (NHI Reuse) holds only for workflow-level env, so only that message names it.
        owasp=("NHI6", "NHI7"),
        fix="Federate the job with GitHub OIDC (`permissions: id-token: write`, then "
        "`role-to-assume`, `workload_identity_provider`, azure/login `client-id` or Vault JWT "
        "auth) and delete the stored key; scope any secret that must stay to one step and "
        "one protected environment.",
        kinds=frozenset({FileKind.GITHUB_ACTIONS}),
        triggers=_triggers(),
    )

    VALID = [
        # OIDC done right: identifiers from secrets.* or vars.* are not credentials.
        Valid(
            _workflow(
                "",
                permissions="permissions:\n  id-token: write\n  contents: read\n",
                job_env="    env:\n      ARM_USE_OIDC: 'true'\n"
                "      ARM_CLIENT_ID: ${{ secrets.ARM_CLIENT_ID }}\n"
                "      ARM_TENANT_ID: ${{ secrets.ARM_TENANT_ID }}\n"
                "      AWS_ROLE_ARN: ${{ secrets.ROLE_ARN }}\n",
            )
        ),
        # Keys computed during the run by OIDC federation, and a path variable.
        Valid(
            _workflow(
                "        env:\n"
                "          AWS_ACCESS_KEY_ID: ${{ steps.aws.outputs.aws-access-key-id }}\n"
                "          AWS_SECRET_ACCESS_KEY: ${{ steps.aws.outputs.aws-secret-access-key }}\n"
                "          GOOGLE_APPLICATION_CREDENTIALS: "
                "${{ steps.auth.outputs.credentials_file_path }}\n"
                "          KUBECONFIG: /tmp/kubeconfig\n"
            )
        ),
        # Dummy keys for LocalStack, placeholders, a commented-out secret and a Sentry DSN.
        Valid(
            "jobs:\n  test:\n    runs-on: ubuntu-latest\n"
            "    services:\n      localstack:\n        image: localstack/localstack:3\n"
            "    env:\n      AWS_ACCESS_KEY_ID: test\n      AWS_SECRET_ACCESS_KEY: test\n"
            "      AWS_ENDPOINT_URL: http://localhost:4566\n"
            "    steps:\n      - run: pytest\n"
            "        env:\n          VAULT_TOKEN: ''\n"
            "          # HCLOUD_TOKEN: ${{ secrets.HCLOUD_TOKEN }}\n"
            "          SENTRY_DSN: ${{ secrets.SENTRY_DSN }}\n"
        ),
        # No OIDC exists for Hetzner Cloud: one step of a job bound to a protected
        # environment is the scoping the fix asks for.
        Valid(
            "jobs:\n  release:\n    runs-on: ubuntu-latest\n    environment: production\n"
            "    steps:\n      - run: hcloud server list\n        env:\n"
            "          HCLOUD_TOKEN: ${{ secrets.HCLOUD_TOKEN }}\n"
        ),
        # MinIO's documented root credentials against a local server.
        Valid(
            "jobs:\n  it:\n    runs-on: ubuntu-latest\n    steps:\n"
            "      - run: aws s3 ls\n        env:\n"
            "          AWS_ACCESS_KEY_ID: minioadmin\n          AWS_SECRET_ACCESS_KEY: minioadmin\n"
            "          AWS_ENDPOINT_URL_S3: http://127.0.0.1:9000\n"
        ),
        # A local reusable workflow is reported where it uses the key; identifiers and the
        # job token passed to a remote one are not credentials of this rule.
        Valid(
            "on: push\njobs:\n  plan:\n    uses: ./.github/workflows/plan.yml\n"
            "    secrets:\n      ARM_CLIENT_SECRET: ${{ secrets.ARM_CLIENT_SECRET }}\n"
            "  apply:\n    uses: my-org/platform/.github/workflows/apply.yml@v3\n"
            "    secrets:\n      ARM_TENANT_ID: ${{ secrets.ARM_TENANT_ID }}\n"
            "      GITHUB-TOKEN: ${{ secrets.GITHUB_TOKEN }}\n"
            "  other:\n    uses: my-org/platform/.github/workflows/x.yml@v3\n"
            "    secrets: inherit\n"
        ),
    ]
    INVALID = [
        # Step-level pair: one finding on the first of the two.
        Invalid(
            _workflow(
                "        env:\n"
                "          AWS_ACCESS_KEY_ID: ${{ secrets.AWS_KEY_ID }}  # expect: LLC-GHA-002\n"
                "          AWS_SECRET_ACCESS_KEY: ${{ secrets.AWS_SECRET_ACCESS_KEY }}\n"
            )
        ),
        # Workflow-level env (every job gets it) and a job that is switched off still counts.
        Invalid(
            "on: push\nenv:\n"
            "  ARM_CLIENT_SECRET: ${{ secrets.ARM_CLIENT_SECRET }}  # expect: LLC-GHA-002\n"
            "jobs:\n  plan:\n    if: false\n    runs-on: ubuntu-latest\n"
            "    env:\n      VAULT_TOKEN: ${{ secrets.VAULT_TOKEN }}  # expect: LLC-GHA-002\n"
            "    steps:\n      - run: terraform plan\n"
        ),
        # A literal key in a container's env, a kubeconfig in a plain variable.
        Invalid(
            "jobs:\n  deploy:\n    runs-on: ubuntu-latest\n"
            "    container:\n      image: amazon/aws-cli:2.17.0\n      env:\n"
            f"        AWS_ACCESS_KEY_ID: {_KEY_ID}  # expect: LLC-GHA-002\n"
            "    steps:\n      - run: kubectl apply -f k8s/\n        env:\n"
            "          KUBE_CONFIG_DATA: ${{ vars.KUBE_CONFIG_DATA }}  # expect: LLC-GHA-002\n"
        ),
        # Composite action: the caller's secret arrives as an input.
        Invalid(
            "name: deploy\nruns:\n  using: composite\n  steps:\n"
            "    - run: doctl apps create-deployment $APP\n      shell: bash\n      env:\n"
            "        DIGITALOCEAN_ACCESS_TOKEN: ${{ inputs.do-token }}  # expect: LLC-GHA-002\n",
            path="action.yml",
        ),
        # Secrets handed to a remote reusable workflow, which logs in with them there.
        Invalid(
            "on: push\njobs:\n  infra:\n"
            "    uses: my-org/platform/.github/workflows/terraform.yml@v3\n"
            "    with:\n      workspace: prod\n    secrets:\n"
            "      ARM_CLIENT_ID: ${{ secrets.ARM_CLIENT_ID }}\n"
            "      ARM_CLIENT_SECRET: ${{ secrets.ARM_CLIENT_SECRET }}  # expect: LLC-GHA-002\n"
            "      aws-access-key-id: ${{ secrets.AWS_KEY_ID }}  # expect: LLC-GHA-002\n"
            "      aws-secret-access-key: ${{ secrets.AWS_SECRET }}\n"
        ),
    ]

    def check_pipeline(self, pipeline: Pipeline) -> None:
        self._scope(pipeline.env, None, "workflow")

    def check_job(self, job: Job) -> None:
        self._scope(job.env, job, "job")
        self._scope(job.container_env, job, "container")

    def check_step(self, step: Step) -> None:
        self._scope(step.env, step.job, "step")
        # A call of a remote reusable workflow: the key is handed to a file this scan does
        # not see. A local one (`./.github/workflows/x.yml`) is reported where it uses it.
        if step.secrets and step.uses and not step.uses.strip().startswith("./"):
            self._scope(step.secrets, step.job, "call")

    def _scope(self, env: Mapping[str, Entry], job: Job | None, level: str) -> None:
        groups: dict[str, list[tuple[Entry, Origin]]] = {}
        for name, entry in env.items():
            kind = credentials.for_env(name.replace("-", "_") if level == "call" else name)
            if kind is None or not kind.secret or kind.id not in _KINDS:
                continue
            found = origin(entry, self.context)
            if found is None or found not in STANDING:
                continue
            if found is Origin.LITERAL and self._emulated(env, job):
                continue
            groups.setdefault(kind.id, []).append((entry, found))
        for kind_id, given in groups.items():
            self._report(credentials.by_id(kind_id), given, job, level)

    def _report(
        self,
        kind: credentials.CredentialKind,
        given: list[tuple[Entry, Origin]],
        job: Job | None,
        level: str,
    ) -> None:
        first, found = given[0]
        literals = [e.value for e, o in given if o is Origin.LITERAL and e.value]
        federates = "github" in kind.federation
        if not literals and not federates and level == "step" and job and job.environment:
            return  # already scoped as the fix asks: one step, one protected environment
        reuse = (
            " Set at workflow level, it reaches every job of the file (NHI9 NHI Reuse)."
            if level == "workflow"
            else ""
        )
        instead = (
            "where GitHub OIDC would mint a credential per job"
            if federates
            else "with no OIDC alternative: keep it to one step and one protected environment"
        )
        whom = "the called workflow" if level == "call" else "the job"
        message = (
            f"`{first.key}` gives {whom} {a(kind.name)} from {where(found)}, which "
            f"{lives(kind)}, {instead}.{reuse}"
        )
        severity = Severity.CRITICAL if literals else (None if federates else Severity.MEDIUM)
        self.report(
            first.key_node,
            message,
            lifetime=lifetime(kind),
            value=literals[0] if literals else None,
            secrets=literals[1:],
            severity=severity,
            related=[(e.key_node, f"`{e.key}` is set here too") for e, _ in given[1:]],
            fix=sentence(kind.fix("github")),
        )

    def _emulated(self, env: Mapping[str, Entry], job: Job | None) -> bool:
        """Whether literal keys here go to a local stand-in, not to the cloud."""
        scoped: dict[str, Entry] = {}
        if job is not None:
            scoped.update(job.pipeline.env)
            scoped.update(job.env)
        scoped.update(env)
        for name, entry in scoped.items():
            if "ENDPOINT" in name.upper() or name.upper().endswith("_ADDR"):
                text = (entry.value or "").lower()
                if any(host in text for host in _LOCAL):
                    return True
        if job is None:
            return False
        for _, _, service in yamlnodes.items(yamlnodes.get(job.node, "services")):
            image = (yamlnodes.scalar(yamlnodes.get(service, "image")) or "").lower()
            if any(e in image for e in _EMULATORS):
                return True
        container = yamlnodes.get(yamlnodes.get(job.node, "container"), "image")
        own = (yamlnodes.scalar(container) or "").lower()
        return any(e in own for e in _EMULATORS)
