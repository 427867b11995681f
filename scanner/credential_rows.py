"""The rows of the credential-kinds table: which names carry which standing credential, and
what replaces it in each CI system.

Facts come from the providers' docs (checked December 2026); a name that is only a common
convention, read by no tool, says so in a comment, and so does any fact not confirmed.
Federation sentences are shared by cloud, since every credential of one cloud is replaced the
same way in a given CI system. Azure Pipelines tasks (``AzureCLI@2``, ``Docker@2``,
``TwineAuthenticate@1``) take a service connection's *name*, never the secret, so no task
appears under ``inputs``: there the credential sits in the service connection, outside the file.
"""

from __future__ import annotations

from scanner.credential_kind import CredentialKind

_ID_TOKEN = "grant the job `permissions: id-token: write` and "  # noqa: S105 - message text

_AWS = {
    "github": _ID_TOKEN + "use aws-actions/configure-aws-credentials with `role-to-assume` "
    "(GitHub OIDC)",
    "gitlab": "add `id_tokens:` with `aud: sts.amazonaws.com` to the job and exchange the token "
    "with `aws sts assume-role-with-web-identity` (or set `AWS_ROLE_ARN` and "
    "`AWS_WEB_IDENTITY_TOKEN_FILE`)",
    "circleci": "use the aws-cli orb's `setup` with `role_arn`: it exchanges "
    "`$CIRCLE_OIDC_TOKEN_V2` for a role session (CircleCI OIDC)",
    # AWS Toolkit for Azure DevOps: AWS service connections can use OIDC (since 2024).
    "azure": "switch the AWS service connection to OIDC (AWS Toolkit for Azure DevOps), so "
    "tasks assume a role with the pipeline's federated token",
    "bitbucket": "set `oidc: true` on the step and assume a role with "
    "`$BITBUCKET_STEP_OIDC_TOKEN` (write it to `AWS_WEB_IDENTITY_TOKEN_FILE`, set `AWS_ROLE_ARN`)",
    "jenkins": "give the agent an instance profile, IRSA or EKS Pod Identity role, and assume "
    "task roles per stage (`withAWS(role: ..., roleAccount: ...)`)",
}
_GCP = {
    "github": _ID_TOKEN + "use google-github-actions/auth with `workload_identity_provider` "
    "(Workload Identity Federation)",
    "gitlab": "add `id_tokens:` with the workload identity pool provider as `aud` and give "
    "gcloud an external_account credential config built from it (Workload Identity Federation)",
    "circleci": "trust the CircleCI OIDC issuer in a workload identity pool and give gcloud an "
    "external_account credential built from `$CIRCLE_OIDC_TOKEN_V2`",
    # Google's deployment-pipelines guide covers Azure DevOps: the ID token of an Entra
    # workload-identity-federation service connection, trusted by a workload identity pool.
    "azure": "trust the ID token of a workload identity federation service connection in a "
    "workload identity pool and give gcloud an external_account credential built from it",
    "bitbucket": "set `oidc: true` on the step and exchange `$BITBUCKET_STEP_OIDC_TOKEN` "
    "through a workload identity pool provider for the workspace",
    "jenkins": "run the agent on GCE or GKE with an attached service account (GKE Workload "
    "Identity) instead of a key file",
}
_AZURE = {
    "github": _ID_TOKEN + "use azure/login with `client-id`, `tenant-id` and "
    "`subscription-id` against a federated credential (Terraform: `ARM_USE_OIDC: true`)",
    "gitlab": "add `id_tokens:` with `aud: api://AzureADTokenExchange` and sign in with "
    "`az login --service-principal --federated-token` against a federated credential",
    "circleci": "add a federated credential for the CircleCI OIDC issuer and sign in with "
    '`az login --federated-token "$CIRCLE_OIDC_TOKEN_V2"`',
    "azure": "convert the Azure Resource Manager service connection to workload identity "
    "federation, then delete the client secret",
    "bitbucket": "set `oidc: true` on the step and sign in with `az login --federated-token "
    '"$BITBUCKET_STEP_OIDC_TOKEN"` against a federated credential',
    "jenkins": "give the agent a managed identity and sign in with `az login --identity`",
}
_VAULT = {
    "github": _ID_TOKEN + "use hashicorp/vault-action with `method: jwt` and a `role` bound "
    "to the repository's claims (Vault JWT auth)",
    "gitlab": "use the `secrets:` keyword with `vault:` and an `id_tokens:` entry whose `aud` "
    "is the Vault server (Vault JWT auth)",
    "circleci": "log in with Vault JWT auth using `$CIRCLE_OIDC_TOKEN_V2`",
    "bitbucket": "set `oidc: true` and log in with Vault JWT auth using "
    "`$BITBUCKET_STEP_OIDC_TOKEN`",
    "jenkins": "authenticate the agent with a Vault cloud (AWS, GCP, Azure) or Kubernetes auth "
    "method instead of a stored token",
}
_CLUSTER = {
    "github": "sign in to the cloud with OIDC, then fetch short-lived cluster credentials "
    "(`aws eks update-kubeconfig`, google-github-actions/get-gke-credentials, "
    "azure/aks-set-context)",
    "gitlab": "use the GitLab agent for Kubernetes (`ci_access`): the job gets a kubecontext "
    "authorised by its own job token",
    "circleci": "federate to the cloud with `$CIRCLE_OIDC_TOKEN_V2`, then fetch short-lived "
    "cluster credentials",
    "azure": "use a Kubernetes or Azure Resource Manager service connection with workload "
    "identity federation",
    "bitbucket": "set `oidc: true`, federate to the cloud, then fetch short-lived cluster "
    "credentials",
    "jenkins": "run the agent with a cloud identity (IRSA, GKE Workload Identity, managed "
    "identity) and fetch cluster credentials per build",
}
_REGISTRY = {
    "github": "push to GHCR with `${{ secrets.GITHUB_TOKEN }}` (`packages: write`), or to "
    "ECR, Artifact Registry or ACR after OIDC cloud sign-in (aws-actions/amazon-ecr-login)",
    "gitlab": "use the job's `$CI_REGISTRY_PASSWORD` for the GitLab registry, or a registry "
    "token minted after `id_tokens:` cloud federation",
    "circleci": "log in with a registry token minted after OIDC cloud federation "
    "(`$CIRCLE_OIDC_TOKEN_V2`)",
    "azure": "use a Docker registry service connection to ACR with workload identity federation",
    "bitbucket": "log in with a registry token minted after `oidc: true` cloud federation",
    "jenkins": "log in with a short-lived token from the agent's cloud identity "
    "(`aws ecr get-login-password`, `gcloud auth print-access-token`)",
}

KINDS: tuple[CredentialKind, ...] = (
    CredentialKind(
        id="aws-access-key",
        name="AWS long-term access key",
        lifetime="static",
        owasp=("NHI6", "NHI7"),
        env=("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"),
        inputs={
            "aws-actions/configure-aws-credentials": ("aws-access-key-id", "aws-secret-access-key"),
            # The aws-cli orb's parameters are env_var_name: the value names the variable
            # holding the key (default AWS_ACCESS_KEY_ID). v4+ underscores, v3 hyphens.
            "aws-cli/setup": (
                "aws_access_key_id",
                "aws_secret_access_key",
                "aws-access-key-id",
                "aws-secret-access-key",
            ),
            "atlassian/aws-*": ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"),
        },
        federation=_AWS,
        rotate="Deactivate and delete the IAM user's access key once the role is in use.",
    ),
    CredentialKind(
        id="gcp-service-account-key",
        name="Google Cloud service-account key (JSON)",
        lifetime="static",
        owasp=("NHI6", "NHI7"),
        # GOOGLE_CREDENTIALS and GOOGLE_CLOUD_KEYFILE_JSON: the Terraform google provider (it
        # also takes a path there). GCLOUD_SERVICE_KEY: the CircleCI gcp-cli orb's default.
        # GOOGLE_APPLICATION_CREDENTIALS_JSON and GCP_SA_KEY are conventions.
        env=(
            "GOOGLE_CREDENTIALS",
            "GOOGLE_CLOUD_KEYFILE_JSON",
            "GOOGLE_APPLICATION_CREDENTIALS_JSON",
            "GCP_SA_KEY",
            "GCLOUD_SERVICE_KEY",
        ),
        # A path, and the file may be an external_account (federated) config, not a key.
        path_env=("GOOGLE_APPLICATION_CREDENTIALS",),
        inputs={
            "google-github-actions/auth": ("credentials_json",),
            # setup-gcloud v0 only; v1 removed it in favour of google-github-actions/auth.
            "google-github-actions/setup-gcloud": ("service_account_key",),
            "googlecloudplatform/github-actions/setup-gcloud": ("service_account_key",),
            "gcp-cli/setup": ("gcloud_service_key", "gcloud-service-key"),
            "atlassian/google-*": ("KEY_FILE",),  # base64 key file of the google-* pipes
        },
        federation=_GCP,
        rotate="Delete the key (`gcloud iam service-accounts keys delete`) and block new ones "
        "with the `iam.disableServiceAccountKeyCreation` org policy.",
    ),
    CredentialKind(
        id="azure-client-secret",
        name="Entra ID service-principal client secret",
        # `az ad sp create-for-rbac` defaults to one year; the portal allows up to two years
        # and Microsoft Graph any end date.
        lifetime="P1Y",
        owasp=("NHI6", "NHI7"),
        env=("ARM_CLIENT_SECRET", "AZURE_CLIENT_SECRET"),
        inputs={
            "azure/login": ("creds",),  # the create-for-rbac JSON, clientSecret included
            "atlassian/azure-*": ("AZURE_PASSWORD",),  # the azure-* pipes' client secret
        },
        flags={"az login": ("-p", "--password")},
        federation=_AZURE,
        rotate="Remove the client secret from the app registration once a federated "
        "credential or managed identity is in use.",
    ),
    CredentialKind(
        id="azure-storage-key",
        name="Azure storage account key or connection string",
        lifetime="static",
        owasp=("NHI7", "NHI6"),
        # AZURE_STORAGE_*: the az CLI; ARM_ACCESS_KEY: the Terraform azurerm backend.
        env=("AZURE_STORAGE_KEY", "AZURE_STORAGE_CONNECTION_STRING", "ARM_ACCESS_KEY"),
        flags={"az storage": ("--account-key", "--connection-string")},
        federation={
            "github": _ID_TOKEN + "sign in with azure/login (OIDC) and use Entra ID data access "
            "(`--auth-mode login`; Terraform backend `use_oidc = true`)",
            "azure": "run the command in AzureCLI@2 on a workload identity federation service "
            "connection with `--auth-mode login`",
        },
        rotate="Rotate both account keys and disable shared-key access on the account.",
    ),
    CredentialKind(
        id="azure-publish-profile",
        name="Azure App Service publish profile",
        lifetime="static",
        owasp=("NHI6", "NHI7"),
        inputs={
            "azure/webapps-deploy": ("publish-profile",),
            "azure/functions-action": ("publish-profile",),
        },
        federation={
            "github": _ID_TOKEN + "run azure/login with OIDC before the deploy action and drop "
            "`publish-profile`",
        },
        rotate="Reset the publish profile and turn off basic-auth publishing on the app.",
    ),
    CredentialKind(
        id="pypi-token",
        name="PyPI API token",
        lifetime="static",
        owasp=("NHI7", "NHI6"),
        env=(
            "TWINE_PASSWORD",
            "UV_PUBLISH_TOKEN",
            "UV_PUBLISH_PASSWORD",
            "POETRY_PYPI_TOKEN_*",
            "POETRY_HTTP_BASIC_*_PASSWORD",
            "FLIT_PASSWORD",
            "HATCH_INDEX_AUTH",
            "PDM_PUBLISH_PASSWORD",
            "MATURIN_PYPI_TOKEN",
            "MATURIN_PASSWORD",
        ),
        inputs={"pypa/gh-action-pypi-publish": ("password",)},
        flags={
            "twine upload": ("-p", "--password"),
            "uv publish": ("-t", "--token", "-p", "--password"),
            "poetry publish": ("-p", "--password"),
            "hatch publish": ("-a", "--auth"),
            "pdm publish": ("-P", "--password"),
            "maturin publish": ("-p", "--password"),
            "maturin upload": ("-p", "--password"),
        },
        # PyPI Trusted Publishers: GitHub Actions, GitLab CI/CD, Google Cloud, ActiveState.
        federation={
            "github": _ID_TOKEN + "publish through a PyPI Trusted Publisher "
            "(pypa/gh-action-pypi-publish without `password`, or `uv publish`)",
            "gitlab": "add `id_tokens:` with `aud: pypi` and publish through a PyPI Trusted "
            "Publisher for GitLab CI/CD",
        },
        rotate="Use a token scoped to the one project, and delete it once trusted publishing "
        "works.",
    ),
    CredentialKind(
        id="npm-token",
        name="npm access token",
        # Since December 2025 npm has revoked classic tokens; granular tokens with write
        # access expire within 90 days at most (seven days by default).
        lifetime="P90D",
        owasp=("NHI7", "NHI6"),
        # NODE_AUTH_TOKEN: actions/setup-node's .npmrc; YARN_NPM_AUTH_TOKEN: Yarn 2+.
        # NPM_TOKEN and NPM_AUTH_TOKEN are conventions an .npmrc interpolates.
        env=("NODE_AUTH_TOKEN", "NPM_TOKEN", "NPM_AUTH_TOKEN", "YARN_NPM_AUTH_TOKEN"),
        inputs={"js-devtools/npm-publish": ("token",), "atlassian/npm-publish": ("NPM_TOKEN",)},
        # npm trusted publishing (npm CLI 11.5.1+): GitHub Actions, GitLab CI/CD, CircleCI.
        federation={
            "github": _ID_TOKEN + "configure npm Trusted Publishing for the workflow (npm CLI "
            "11.5.1 or later), so `npm publish` needs no `NODE_AUTH_TOKEN`",
            "gitlab": "add an `id_tokens:` entry for npm and configure npm Trusted Publishing "
            "for GitLab CI/CD (npm CLI 11.5.1 or later)",
            "circleci": "configure npm Trusted Publishing for CircleCI (npm CLI 11.5.1 or "
            "later), so `npm publish` needs no token",
        },
        rotate="Use a granular token limited to the package, then set the package to "
        "disallow tokens once trusted publishing works.",
    ),
    CredentialKind(
        id="rubygems-api-key",
        name="RubyGems.org API key",
        lifetime="static",  # an expiry is optional
        owasp=("NHI7", "NHI6"),
        env=("GEM_HOST_API_KEY",),
        # `gem push --key NAME` names an entry of ~/.gem/credentials, not the key itself.
        federation={
            "github": _ID_TOKEN + "publish with rubygems/release-gem (or "
            "rubygems/configure-rubygems-credentials) through a RubyGems trusted publisher",
            "gitlab": "add an `id_tokens:` entry for RubyGems.org and publish through a "
            "RubyGems trusted publisher for GitLab CI/CD",
        },
        rotate="Scope the key to push for the one gem, give it an expiry, and revoke it once "
        "trusted publishing works.",
    ),
    CredentialKind(
        id="crates-token",
        name="crates.io API token",
        lifetime="static",  # an expiry is optional
        owasp=("NHI7", "NHI6"),
        env=("CARGO_REGISTRY_TOKEN", "CARGO_REGISTRIES_*_TOKEN"),
        flags={"cargo publish": ("--token",)},
        federation={
            "github": _ID_TOKEN + "mint a short-lived token with "
            "rust-lang/crates-io-auth-action (crates.io Trusted Publishing)",
            # In public beta since November 2025.
            "gitlab": "add an `id_tokens:` entry and publish through crates.io Trusted "
            "Publishing for GitLab CI/CD",
        },
        rotate="Scope the token to publish-update for the one crate and give it an expiry.",
    ),
    CredentialKind(
        id="nuget-api-key",
        name="nuget.org API key",
        lifetime="P365D",  # nuget.org keys expire after at most 365 days
        owasp=("NHI7", "NHI6"),
        # NUGET_API_KEY is a convention; NUGET_AUTH_TOKEN is read by actions/setup-dotnet.
        env=("NUGET_API_KEY", "NUGET_AUTH_TOKEN"),
        flags={"dotnet nuget push": ("-k", "--api-key"), "nuget push": ("-ApiKey",)},
        federation={
            "github": _ID_TOKEN + "mint a short-lived key with NuGet/login under a nuget.org "
            "trusted publishing policy",
        },
        rotate="Scope the key to push for the package glob and shorten its expiry.",
    ),
    CredentialKind(
        id="docker-registry-password",
        name="Container registry password or access token",
        lifetime="static",
        owasp=("NHI7", "NHI2"),
        # Conventions, read by no tool, except DOCKER_AUTH_CONFIG (GitLab Runner's pull auth).
        env=(
            "DOCKER_PASSWORD",
            "DOCKERHUB_TOKEN",
            "DOCKERHUB_PASSWORD",
            "DOCKER_HUB_TOKEN",
            "DOCKER_HUB_PASSWORD",
            "REGISTRY_PASSWORD",
            "DOCKER_AUTH_CONFIG",
        ),
        inputs={"docker/login-action": ("password",), "azure/docker-login": ("password",)},
        flags={
            "docker login": ("-p", "--password"),
            "podman login": ("-p", "--password"),
            "buildah login": ("-p", "--password"),
            "helm registry login": ("-p", "--password"),
            "oras login": ("-p", "--password"),
            "nerdctl login": ("-p", "--password"),
            "skopeo login": ("-p", "--password"),
            "crane auth login": ("-p", "--password"),
        },
        federation=_REGISTRY,
        rotate="Use a read/write-scoped access token with an expiry, fed through "
        "`--password-stdin`, and revoke the account password.",
    ),
    CredentialKind(
        id="vault-token",
        name="HashiCorp Vault token",
        # Its TTL is set when created; a token stored for CI is periodic, orphan or long-TTL
        # by construction (a root token never expires), so the table treats it as static.
        lifetime="static",
        owasp=("NHI6", "NHI7"),
        env=("VAULT_TOKEN",),
        inputs={"hashicorp/vault-action": ("token",)},
        # `vault login TOKEN` takes the token as a positional argument, not a flag.
        federation=_VAULT,
        rotate="Revoke the token and issue per-job tokens with a TTL of minutes.",
    ),
    CredentialKind(
        id="vault-approle-secret-id",
        name="Vault AppRole secret ID",
        lifetime="static",  # secret_id_ttl defaults to 0: no expiry
        owasp=("NHI6", "NHI7"),
        env=("VAULT_SECRET_ID",),  # a convention; the vault CLI reads no such variable
        inputs={"hashicorp/vault-action": ("secretId", "password")},  # password: userpass/ldap
        federation=_VAULT,
        rotate="Destroy the secret ID and set `secret_id_ttl` and `secret_id_num_uses` on "
        "the role.",
    ),
    CredentialKind(
        id="vault-approle-role-id",
        name="Vault AppRole role ID (an identifier, not a secret)",
        lifetime="static",
        owasp=("NHI6",),
        env=("VAULT_ROLE_ID",),
        inputs={"hashicorp/vault-action": ("roleId",)},
        secret=False,
    ),
    CredentialKind(
        id="github-pat",
        name="GitHub personal access token",
        lifetime="static",  # classic tokens may have no expiration
        owasp=("NHI7", "NHI10", "NHI5"),
        # GITHUB_PAT: R's remotes/gh packages; GH_ENTERPRISE_TOKEN and GITHUB_ENTERPRISE_TOKEN:
        # the gh CLI for GHES. Not GITHUB_TOKEN/GH_TOKEN: those usually hold the job token
        # (row github-job-token), and the value decides.
        env=("GITHUB_PAT", "GH_ENTERPRISE_TOKEN", "GITHUB_ENTERPRISE_TOKEN"),
        inputs={
            "hashicorp/vault-action": ("githubToken",),  # Vault's github auth takes a PAT
            # v3 `token`; it writes to another repository (a tap), beyond the job token's reach.
            "mislav/bump-homebrew-formula-action": ("token",),
        },
        federation={
            "github": "use `${{ secrets.GITHUB_TOKEN }}` with an explicit `permissions:` "
            "block, or, for other repositories, an installation token from "
            "actions/create-github-app-token",
        },
        rotate="Replace it with a GitHub App installation token minted per job, or a "
        "fine-grained token with an expiry, scoped to the repositories it needs.",
    ),
    CredentialKind(
        id="github-job-token",
        name="GitHub Actions job token (GITHUB_TOKEN)",
        # Expires when the job ends: at most 6 hours on hosted runners, 24 on self-hosted.
        lifetime="PT24H",
        owasp=("NHI5",),
        # These slots usually carry the job token; a PAT stored under another secret name
        # in them is LLC-GHA-008's business.
        env=("GITHUB_TOKEN", "GH_TOKEN"),
        inputs={
            "actions/checkout": ("token",),
            "actions/github-script": ("github-token",),
            "peter-evans/create-pull-request": ("token",),
            "peter-evans/repository-dispatch": ("token",),
            "peter-evans/rebase": ("token",),
            "peter-evans/create-or-update-comment": ("token",),
            "peter-evans/enable-pull-request-automerge": ("token",),
            "softprops/action-gh-release": ("token",),
            "ncipollo/release-action": ("token",),
            "googleapis/release-please-action": ("token",),
        },
        rotate="Set `permissions:` to what the job needs.",
    ),
    CredentialKind(
        id="github-app-private-key",
        name="GitHub App private key",
        lifetime="static",
        owasp=("NHI7", "NHI2"),
        inputs={
            "actions/create-github-app-token": ("private-key",),
            "tibdex/github-app-token": ("private_key",),
        },
        rotate="Keep the key in one protected environment, mint installation tokens scoped "
        "with `repositories:`, and rotate the key.",
    ),
    CredentialKind(
        id="github-app-token",
        name="GitHub App installation token",
        lifetime="PT1H",  # installation tokens expire one hour after they are created
        owasp=("NHI7", "NHI5"),
        rotate="Let actions/create-github-app-token revoke it in its post step.",
    ),
    CredentialKind(
        id="kubeconfig",
        name="kubeconfig with embedded cluster credentials",
        lifetime="static",
        owasp=("NHI7", "NHI6"),
        # KUBE_CONFIG_DATA: kubeconfig-as-secret actions; KUBE_CONFIG: the atlassian
        # kubectl-run pipe's variable and a common convention. Both hold the content.
        env=("KUBE_CONFIG_DATA", "KUBE_CONFIG"),
        path_env=("KUBECONFIG",),
        inputs={
            "azure/k8s-set-context": ("kubeconfig",),  # the content, not a path
            "atlassian/kubectl-run": ("KUBE_CONFIG",),
        },
        federation=_CLUSTER,
        rotate="Replace the embedded token or client certificate with an exec plugin that "
        "fetches short-lived credentials.",
    ),
    CredentialKind(
        id="kubernetes-token",
        name="Kubernetes service-account token",
        lifetime="static",  # a kubernetes.io/service-account-token Secret never expires
        owasp=("NHI7", "NHI6"),
        env=("KUBE_TOKEN",),  # GitLab's certificate-based cluster integration (removed)
        inputs={"azure/k8s-set-context": ("k8s-secret",)},
        flags={"kubectl": ("--token",), "helm": ("--kube-token",)},
        federation=_CLUSTER,
        rotate="Delete the token Secret and use `kubectl create token --duration` for short, "
        "bound tokens.",
    ),
    CredentialKind(
        id="terraform-cloud-token",
        name="HCP Terraform / Terraform Enterprise API token",
        lifetime="static",  # an expiry is optional
        owasp=("NHI7", "NHI5"),
        # TF_TOKEN_<host> (the CLI, e.g. TF_TOKEN_app_terraform_io), TFE_TOKEN (the tfe
        # provider), TF_API_TOKEN (HashiCorp's tfc-workflows tooling).
        env=("TF_TOKEN_*", "TFE_TOKEN", "TF_API_TOKEN"),
        inputs={"hashicorp/setup-terraform": ("cli_config_credentials_token",)},
        rotate="Use a team token with an expiry, scoped to the workspaces it runs; dynamic "
        "provider credentials keep cloud keys out of the workspace.",
    ),
    CredentialKind(
        id="digitalocean-token",
        name="DigitalOcean personal access token",
        lifetime="static",  # an expiry can be chosen, "no expiry" included
        owasp=("NHI7",),
        env=("DIGITALOCEAN_ACCESS_TOKEN", "DIGITALOCEAN_TOKEN"),  # doctl; Terraform provider
        inputs={"digitalocean/action-doctl": ("token",)},
        flags={"doctl": ("-t", "--access-token")},
        rotate="Create the token with custom scopes and an expiry, and rotate it.",
    ),
    CredentialKind(
        id="cloudflare-api-token",
        name="Cloudflare API token or global API key",
        lifetime="static",  # a token's TTL is optional; the global key never expires
        owasp=("NHI7", "NHI5"),
        # CF_*: older wrangler and provider spellings; *_API_KEY: the global API key.
        env=("CLOUDFLARE_API_TOKEN", "CF_API_TOKEN", "CLOUDFLARE_API_KEY", "CF_API_KEY"),
        inputs={
            "cloudflare/wrangler-action": ("apiToken",),
            "cloudflare/pages-action": ("apiToken",),
        },
        rotate="Use an API token (never the global key) scoped to one zone and permission, "
        "with a TTL and client IP filtering.",
    ),
    CredentialKind(
        id="hcloud-token",
        name="Hetzner Cloud API token",
        lifetime="static",  # Hetzner Cloud tokens have no expiry
        owasp=("NHI7",),
        env=("HCLOUD_TOKEN",),
        rotate="Scope the token to one project, read-only where possible, and rotate it.",
    ),
    CredentialKind(
        id="heroku-api-key",
        name="Heroku API key",
        lifetime="static",
        owasp=("NHI7", "NHI10"),
        env=("HEROKU_API_KEY",),
        inputs={"akhileshns/heroku-deploy": ("heroku_api_key",)},
        rotate="Use an authorization with an expiry (`heroku authorizations:create "
        "--expires-in`) instead of the account's API key.",
    ),
    # Identifiers that look like credentials: listed so rules stay quiet on them.
    CredentialKind(
        id="aws-role",
        name="AWS IAM role ARN (an identifier, not a secret)",
        lifetime="PT1H",  # the session it yields, by default
        owasp=("NHI6",),
        env=("AWS_ROLE_ARN",),
        inputs={
            "aws-actions/configure-aws-credentials": ("role-to-assume",),
            "aws-cli/setup": ("role_arn", "role-arn"),
        },
        secret=False,
    ),
    CredentialKind(
        id="azure-federated-identity",
        name="Entra ID client, tenant and subscription ids (identifiers, not secrets)",
        lifetime="PT1H",  # the access token a federated sign-in yields, about an hour
        owasp=("NHI6",),
        env=(
            "ARM_CLIENT_ID",
            "AZURE_CLIENT_ID",
            "ARM_TENANT_ID",
            "AZURE_TENANT_ID",
            "ARM_SUBSCRIPTION_ID",
            "AZURE_SUBSCRIPTION_ID",
        ),
        inputs={"azure/login": ("client-id", "tenant-id", "subscription-id")},
        secret=False,
    ),
    CredentialKind(
        id="gcp-workload-identity",
        name="Google workload identity provider and service account (identifiers)",
        lifetime="PT1H",  # the access token federation yields, by default
        owasp=("NHI6",),
        inputs={"google-github-actions/auth": ("workload_identity_provider", "service_account")},
        secret=False,
    ),
)
