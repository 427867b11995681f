"""The credential-kinds table: its schema holds for every row, and the lookups rules use find
the right row (and none for look-alikes)."""

from __future__ import annotations

import pytest

from scanner import credentials as c
from scanner.api import OWASP_IDS
from scanner.durations import parse_duration

#: Ids the CI rules were promised (preamble of the CI work); more rows may exist.
PROMISED = (
    "aws-access-key",
    "gcp-service-account-key",
    "azure-client-secret",
    "pypi-token",
    "npm-token",
    "rubygems-api-key",
    "crates-token",
    "nuget-api-key",
    "docker-registry-password",
    "vault-token",
    "vault-approle-secret-id",
    "github-pat",
    "github-app-private-key",
    "kubeconfig",
    "kubernetes-token",
    "terraform-cloud-token",
    "digitalocean-token",
    "cloudflare-api-token",
    "hcloud-token",
)


def test_ids_unique_and_promised_ones_present() -> None:
    ids = [k.id for k in c.KINDS]
    assert len(ids) == len(set(ids))
    assert set(PROMISED) <= set(ids)


@pytest.mark.parametrize("kind", c.KINDS, ids=lambda k: k.id)
def test_row_schema(kind: c.CredentialKind) -> None:
    assert kind.id == kind.id.lower()
    assert " " not in kind.id
    assert kind.name
    assert c.LIFETIME.match(kind.lifetime), kind.lifetime
    if not kind.static:
        assert parse_duration(kind.lifetime), kind.lifetime
    assert kind.owasp
    assert all(o in OWASP_IDS for o in kind.owasp)
    assert len(set(kind.owasp)) == len(kind.owasp)
    assert set(kind.federation) <= set(c.SYSTEMS)
    assert "shell" not in kind.federation  # outside CI nothing federates: the generic advice
    for name in (*kind.env, *kind.path_env):
        assert name == name.upper(), name
    for step in kind.inputs:
        assert step == step.lower(), step
        assert "@" not in step, step
    for command, flags in kind.flags.items():
        assert command == command.strip()
        assert flags
        assert all(f.startswith("-") for f in flags), flags
    for text in (*kind.federation.values(), kind.rotate):
        assert not text.endswith(" ")
    if not kind.secret:
        assert not kind.federation
        assert not kind.flags
    assert kind.fix("shell")
    for system in c.SYSTEMS:
        assert kind.fix(system)


def test_no_name_in_two_rows() -> None:
    seen: dict[str, str] = {}
    inputs: dict[tuple[str, str], str] = {}
    flags: dict[tuple[str, str], str] = {}
    for kind in c.KINDS:
        for name in (*kind.env, *kind.path_env):
            assert name not in seen, f"{name} in {seen.get(name)} and {kind.id}"
            seen[name] = kind.id
        for step, names in kind.inputs.items():
            for name in names:
                key = (step, name.lower())
                assert key not in inputs, f"{key} in {inputs.get(key)} and {kind.id}"
                inputs[key] = kind.id
        for command, names in kind.flags.items():
            for name in names:
                assert (command, name) not in flags, (command, name)
                flags[command, name] = kind.id


def test_globs_do_not_shadow_exact_names() -> None:
    """A wildcard row must not also match another row's exact name."""
    exact = {name: k.id for k in c.KINDS for name in k.env if "*" not in name}
    for name, kind_id in exact.items():
        found = c.for_env(name)
        assert found is not None
        assert found.id == kind_id


def test_by_id() -> None:
    assert c.by_id("aws-access-key").name.startswith("AWS")
    with pytest.raises(KeyError):
        c.by_id("aws-acess-key")


@pytest.mark.parametrize(
    ("name", "kind_id"),
    [
        ("AWS_SECRET_ACCESS_KEY", "aws-access-key"),
        ("aws_access_key_id", "aws-access-key"),
        ("GOOGLE_CREDENTIALS", "gcp-service-account-key"),
        ("GCLOUD_SERVICE_KEY", "gcp-service-account-key"),
        ("ARM_CLIENT_SECRET", "azure-client-secret"),
        ("TWINE_PASSWORD", "pypi-token"),
        ("POETRY_PYPI_TOKEN_PYPI", "pypi-token"),
        ("POETRY_HTTP_BASIC_INTERNAL_PASSWORD", "pypi-token"),
        ("NODE_AUTH_TOKEN", "npm-token"),
        ("CARGO_REGISTRIES_MY_REG_TOKEN", "crates-token"),
        ("TF_TOKEN_app_terraform_io", "terraform-cloud-token"),
        ("VAULT_TOKEN", "vault-token"),
        ("KUBE_CONFIG_DATA", "kubeconfig"),
        ("GITHUB_TOKEN", "github-job-token"),
        ("ARM_CLIENT_ID", "azure-federated-identity"),
    ],
)
def test_for_env(name: str, kind_id: str) -> None:
    found = c.for_env(name)
    assert found is not None
    assert found.id == kind_id


@pytest.mark.parametrize(
    "name", ["AWS_REGION", "TWINE_USERNAME", "KUBECONFIG", "GOOGLE_APPLICATION_CREDENTIALS", "PATH"]
)
def test_for_env_none(name: str) -> None:
    """Usernames, regions and path variables carry no credential value."""
    assert c.for_env(name) is None


def test_path_env() -> None:
    kube = c.for_path_env("KUBECONFIG")
    assert kube is not None
    assert kube.id == "kubeconfig"
    adc = c.for_path_env("google_application_credentials")
    assert adc is not None
    assert adc.id == "gcp-service-account-key"
    assert c.for_path_env("KUBE_CONFIG_DATA") is None


def test_non_secret_rows_are_marked() -> None:
    for name in ("AWS_ROLE_ARN", "AZURE_TENANT_ID", "VAULT_ROLE_ID"):
        found = c.for_env(name)
        assert found is not None
        assert not found.secret
    role = c.for_input("aws-actions/configure-aws-credentials", "role-to-assume")
    assert role is not None
    assert not role.secret
    wif = c.for_input("google-github-actions/auth", "workload_identity_provider")
    assert wif is not None
    assert not wif.secret


@pytest.mark.parametrize(
    ("step", "name", "kind_id"),
    [
        ("aws-actions/configure-aws-credentials", "aws-secret-access-key", "aws-access-key"),
        ("AWS-Actions/Configure-AWS-Credentials", "AWS-Access-Key-Id", "aws-access-key"),
        ("aws-cli/setup", "aws_access_key_id", "aws-access-key"),
        ("aws-cli/setup", "aws-secret-access-key", "aws-access-key"),
        ("atlassian/aws-s3-deploy", "AWS_SECRET_ACCESS_KEY", "aws-access-key"),
        ("google-github-actions/auth", "credentials_json", "gcp-service-account-key"),
        ("google-github-actions/setup-gcloud", "service_account_key", "gcp-service-account-key"),
        ("azure/login", "creds", "azure-client-secret"),
        ("pypa/gh-action-pypi-publish", "password", "pypi-token"),
        ("js-devtools/npm-publish", "token", "npm-token"),
        ("hashicorp/vault-action", "token", "vault-token"),
        ("hashicorp/vault-action", "secretId", "vault-approle-secret-id"),
        ("docker/login-action", "password", "docker-registry-password"),
        ("actions/create-github-app-token", "private-key", "github-app-private-key"),
        ("azure/k8s-set-context", "kubeconfig", "kubeconfig"),
        ("hashicorp/setup-terraform", "cli_config_credentials_token", "terraform-cloud-token"),
        ("actions/checkout", "token", "github-job-token"),
    ],
)
def test_for_input(step: str, name: str, kind_id: str) -> None:
    found = c.for_input(step, name)
    assert found is not None
    assert found.id == kind_id


def test_for_input_none() -> None:
    assert c.for_input("docker/login-action", "username") is None
    assert c.for_input("aws-actions/configure-aws-credentials", "aws-region") is None
    assert c.for_input("atlassian/aws-s3-deploy", "AWS_DEFAULT_REGION") is None
    assert c.for_input("someone/aws-action", "aws_access_key_id") is None


@pytest.mark.parametrize(
    ("command", "flag", "kind_id"),
    [
        ("docker login", "-p", "docker-registry-password"),
        ("helm registry login", "--password", "docker-registry-password"),
        ("twine upload", "--password", "pypi-token"),
        ("uv publish", "--token", "pypi-token"),
        ("cargo publish", "--token", "crates-token"),
        ("dotnet nuget push", "-k", "nuget-api-key"),
        ("az login", "-p", "azure-client-secret"),
        ("az storage blob upload", "--account-key", "azure-storage-key"),
        ("kubectl get pods", "--token", "kubernetes-token"),
        ("doctl compute droplet list", "-t", "digitalocean-token"),
    ],
)
def test_for_flag(command: str, flag: str, kind_id: str) -> None:
    found = c.for_flag(command, flag)
    assert found is not None
    assert found.id == kind_id


def test_for_flag_none() -> None:
    assert c.for_flag("docker login", "-u") is None
    assert c.for_flag("docker", "-p") is None  # `docker run -p 80:80` publishes a port
    assert c.for_flag("az", "-p") is None
    assert c.for_flag("gem push", "--key") is None  # names a credentials entry, not the key


def test_fix_per_system() -> None:
    aws = c.by_id("aws-access-key")
    assert "role-to-assume" in aws.fix("github")
    assert "id_tokens" in aws.fix("gitlab")
    assert "CIRCLE_OIDC_TOKEN_V2" in aws.fix("circleci")
    assert "oidc: true" in aws.fix("bitbucket")
    assert aws.fix("shell") == aws.rotate
    assert "workload identity federation" in c.by_id("azure-client-secret").fix("azure")
    assert "Trusted Publish" in c.by_id("pypi-token").fix("github")
    # No federation and no rotate line: the generic advice.
    assert "rotate" in c.CredentialKind("x", "x", "static", ("NHI7",)).fix("github")


@pytest.mark.parametrize(
    ("system", "name", "expected"),
    [
        ("github", "secrets.GITHUB_TOKEN", True),
        ("github", "secrets.github_token", True),
        ("github", "github.token", True),
        ("github", "secrets.GH_PAT", False),
        ("gitlab", "CI_JOB_TOKEN", True),
        ("gitlab", "CI_REGISTRY_PASSWORD", True),
        ("gitlab", "CI_DEPLOY_PASSWORD", False),
        ("circleci", "CIRCLE_OIDC_TOKEN_V2", True),
        ("bitbucket", "BITBUCKET_STEP_OIDC_TOKEN", True),
        ("azure", "System.AccessToken", True),
        ("jenkins", "CI_JOB_TOKEN", False),
    ],
)
def test_is_ephemeral(system: str, name: str, expected: bool) -> None:
    assert c.is_ephemeral(system, name) is expected


def test_api_exposes_the_table() -> None:
    from scanner.api import credentials

    assert credentials.by_id is c.by_id
    assert credentials.for_path_env is c.for_path_env
