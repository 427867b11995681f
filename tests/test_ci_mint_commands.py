"""LLC-CI-003 to LLC-CI-006 on the spellings real scripts use: every duration form, flag order,
wrapper, continuation and CI system, and the look-alikes that must stay quiet."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from outlive_rules.ci.ci003_aws_cli_long_credentials import AwsCliLongCredentials
from outlive_rules.ci.ci004_kubectl_long_token import KubectlLongToken
from outlive_rules.ci.ci005_vault_cli_unbounded_token import VaultCliUnboundedToken
from outlive_rules.ci.ci006_cloud_cli_long_lived_key import CloudCliLongLivedKey

from scanner.api import Stored, Thresholds, credentials
from scanner.api.ci_examples import PATHS, render
from scanner.config import Config
from scanner.findings import Finding, Severity
from scanner.testing import run_rule

RULES = {
    "aws": AwsCliLongCredentials,
    "kubectl": KubectlLongToken,
    "vault": VaultCliUnboundedToken,
    "cloud": CloudCliLongLivedKey,
}


def _scan(
    rule: str, script: str, system: str = "shell", config: Config | None = None, **kw: object
) -> tuple[Finding, ...]:
    text = render(system, script, **kw)  # type: ignore[arg-type]
    return run_rule(RULES[rule], text, PATHS[system], config)


def _one(rule: str, script: str, system: str = "shell", **kw: object) -> Finding:
    found = _scan(rule, script, system, **kw)
    assert len(found) == 1, [(f.location.line, f.message) for f in found]
    return found[0]


# -- what fires, with which lifetime and severity ---------------------------------------------

FIRES = [
    # LLC-CI-003: AWS
    ("aws", "aws iam create-access-key --user-name ci", "static", Severity.HIGH),
    (
        "aws",
        "KEY=$(aws iam create-access-key --user-name ci --query AccessKey)",
        "static",
        Severity.HIGH,
    ),
    ("aws", "aws --profile admin iam create-access-key", "static", Severity.HIGH),
    ("aws", "aws sts get-session-token --duration-seconds 129600", "P1DT12H", Severity.MEDIUM),
    ("aws", "aws sts get-session-token", "PT12H", Severity.MEDIUM),
    ("aws", "aws sts get-session-token --duration-seconds 900", "PT15M", Severity.LOW),
    (
        "aws",
        "aws sts get-session-token --duration-seconds=7200 --output json",
        "PT2H",
        Severity.MEDIUM,
    ),
    (
        "aws",
        "aws sts assume-role --role-arn r --role-session-name s --duration-seconds 7200",
        "PT2H",
        Severity.LOW,
    ),
    (
        "aws",
        "aws sts assume-role --duration-seconds 43200 --role-arn r --role-session-name s",
        "PT12H",
        Severity.MEDIUM,
    ),
    # scanner.api.session_severity: low up to four times the threshold, medium above it.
    (
        "aws",
        "aws --region eu-west-1 sts assume-role --role-arn r --duration-seconds=14400",
        "PT4H",
        Severity.LOW,
    ),
    (
        "aws",
        "aws --region eu-west-1 sts assume-role --role-arn r --duration-seconds=14401",
        "PT4H1S",
        Severity.MEDIUM,
    ),
    (
        "aws",
        "sudo -E aws sts assume-role --role-arn r --duration-seconds 7200",
        "PT2H",
        Severity.LOW,
    ),
    (
        "aws",
        "env AWS_PROFILE=ci aws sts assume-role --role-arn r --duration-seconds 7200",
        "PT2H",
        Severity.LOW,
    ),
    (
        "aws",
        "aws sts assume-role --role-arn r \\\n  --role-session-name s \\\n"
        "  --duration-seconds 7200",
        "PT2H",
        Severity.LOW,
    ),
    (
        "aws",
        "aws sts assume-role-with-web-identity --role-arn r --web-identity-token t"
        " --duration-seconds 43200",
        "PT12H",
        Severity.MEDIUM,
    ),
    ("aws", 'aws configure set aws_secret_access_key "$SECRET"', "static", Severity.MEDIUM),
    (
        "aws",
        "aws configure set default.aws_access_key_id $KEY_ID --profile ci",
        "static",
        Severity.MEDIUM,
    ),
    ("aws", "aws configure import --csv file://credentials.csv", "static", Severity.MEDIUM),
    # LLC-CI-004: kubectl
    ("kubectl", "kubectl create token ci --duration=8760h", "P365D", Severity.HIGH),
    # The OpenShift CLI mints the same tokens, and its deprecated legacy-token commands.
    ("kubectl", "oc create token ctl --duration=8760h", "P365D", Severity.HIGH),
    ("kubectl", "oc -n ci create token ctl --duration 48h", "P2D", Severity.MEDIUM),
    ("kubectl", 'TOKEN="$(oc sa get-token deployer)"', "none", Severity.MEDIUM),
    ("kubectl", "oc serviceaccounts get-token deployer -n ci", "none", Severity.MEDIUM),
    ("kubectl", "oc sa new-token deployer", "none", Severity.HIGH),
    (
        "kubectl",
        "oc create secret generic t --type=kubernetes.io/service-account-token",
        "none",
        Severity.HIGH,
    ),
    ("kubectl", "kubectl create token ci --duration 8760h", "P365D", Severity.HIGH),
    ("kubectl", "kubectl create token --duration=48h ci", "P2D", Severity.MEDIUM),
    ("kubectl", "kubectl create token ci --duration 720h", "P30D", Severity.MEDIUM),
    ("kubectl", "kubectl create token ci --duration 721h", "P30DT1H", Severity.HIGH),
    ("kubectl", "kubectl create token ci --duration 25h", "P1DT1H", Severity.MEDIUM),
    ("kubectl", "kubectl create token ci --duration 2h", "PT2H", Severity.LOW),
    ("kubectl", "kubectl create token ci --duration=1h30m", "PT1H30M", Severity.LOW),
    ("kubectl", "kubectl create token ci --duration 172800s", "P2D", Severity.MEDIUM),
    ("kubectl", "kubectl create token ci --duration 5400000ms", "PT1H30M", Severity.LOW),
    (
        "kubectl",
        "kubectl --kubeconfig k -n ns create token ci --duration=48h",
        "P2D",
        Severity.MEDIUM,
    ),
    ("kubectl", "sudo kubectl create token ci \\\n  --duration=48h", "P2D", Severity.MEDIUM),
    (
        "kubectl",
        "kubectl create token ci --duration 8760h --bound-object-kind Pod --bound-object-name p",
        "P365D",
        Severity.MEDIUM,
    ),
    (
        "kubectl",
        "kubectl create secret generic t --type kubernetes.io/service-account-token",
        "none",
        Severity.HIGH,
    ),
    (
        "kubectl",
        "kubectl create secret generic t --type='kubernetes.io/service-account-token'",
        "none",
        Severity.HIGH,
    ),
    # LLC-CI-005: Vault
    ("vault", "vault token create -ttl=0", "unknown", Severity.MEDIUM),
    ("vault", "vault token create -ttl 0 -policy=ci", "unknown", Severity.MEDIUM),
    ("vault", "vault token create -policy ci -ttl=0s", "unknown", Severity.MEDIUM),
    ("vault", "vault token create -period=768h", "none", Severity.HIGH),
    ("vault", "vault token create -period 768h -policy=ci", "none", Severity.HIGH),
    ("vault", "vault token create --period=768h", "none", Severity.HIGH),
    ("vault", 'vault token create -period="$PERIOD"', "none", Severity.HIGH),
    ("vault", "vault token create -period=768h -explicit-max-ttl=8760h", "P365D", Severity.HIGH),
    ("vault", "vault token create -orphan", "unknown", Severity.HIGH),
    ("vault", "vault token create -orphan=true -policy=ci", "unknown", Severity.HIGH),
    ("vault", "vault token create -orphan -ttl=0", "unknown", Severity.HIGH),
    ("vault", "vault token create -ttl=768h", "P32D", Severity.MEDIUM),
    ("vault", "vault token create -ttl=90000", "P1DT1H", Severity.MEDIUM),
    ("vault", "vault token create -ttl=30d", "P30D", Severity.MEDIUM),
    ("vault", "vault -namespace=ci token create -period=24h", "none", Severity.HIGH),
    ("vault", "vault token-create -period=24h", "none", Severity.HIGH),
    ("vault", "vault write auth/token/create period=24h policies=ci", "none", Severity.HIGH),
    ("vault", "vault write auth/token/create-orphan policies=ci", "unknown", Severity.HIGH),
    ("vault", "vault write auth/token/roles/ci period=72h", "none", Severity.HIGH),
    ("vault", "vault write auth/token/roles/ci token_period=259200", "none", Severity.HIGH),
    ("vault", "vault write auth/approle/role/ci secret_id_ttl=0", "none", Severity.HIGH),
    (
        "vault",
        'vault write auth/approle/role/ci "secret_id_ttl=0s" token_ttl=1h',
        "none",
        Severity.HIGH,
    ),
    ("vault", "vault write -f auth/approle/role/ci/secret-id", "unknown", Severity.MEDIUM),
    (
        "vault",
        "vault write -force auth/ci-approle/role/deploy/secret-id",
        "unknown",
        Severity.MEDIUM,
    ),
    ("vault", "vault write auth/approle/role/ci/secret-id ttl=0", "unknown", Severity.MEDIUM),
    (
        "vault",
        "vault write auth/approle/role/ci/custom-secret-id secret_id=$S",
        "unknown",
        Severity.MEDIUM,
    ),
    (
        "vault",
        "bao write auth/approle/role/ci token_policies=ci secret_id_ttl=0",
        "none",
        Severity.HIGH,
    ),
    ("vault", "vault write auth/approle/role/ci token_period=20m", "none", Severity.HIGH),
    (
        "vault",
        "vault write auth/kubernetes/role/app period=768h policies=app",
        "none",
        Severity.HIGH,
    ),
    ("vault", "bao token create -period=24h", "none", Severity.HIGH),
    # LLC-CI-006: gcloud and az
    (
        "cloud",
        "gcloud iam service-accounts keys create k.json --iam-account=sa",
        "static",
        Severity.HIGH,
    ),
    (
        "cloud",
        "gcloud --project p iam service-accounts keys create k.json --iam-account sa",
        "static",
        Severity.HIGH,
    ),
    (
        "cloud",
        "gcloud beta iam service-accounts keys create - --iam-account=sa",
        "static",
        Severity.HIGH,
    ),
    (
        "cloud",
        "gcloud auth activate-service-account --key-file key.json",
        "static",
        Severity.MEDIUM,
    ),
    (
        "cloud",
        "gcloud auth activate-service-account sa@p --key-file=key.json --project p",
        "static",
        Severity.MEDIUM,
    ),
    ("cloud", "az ad sp create-for-rbac --name ci", "P365D", Severity.HIGH),
    ("cloud", "az ad sp create-for-rbac -n ci --years 3", "P1095D", Severity.HIGH),
    ("cloud", "az ad sp create-for-rbac --name ci --create-password true", "P365D", Severity.HIGH),
    ("cloud", 'az ad app credential reset --id "$APP"', "P365D", Severity.MEDIUM),
    ("cloud", "az ad app credential reset --id a --years 2 --append", "P730D", Severity.HIGH),
    ("cloud", "az ad sp credential reset --id s --years=1", "P365D", Severity.MEDIUM),
    (
        "cloud",
        'az login --service-principal -u "$ID" -p "$SECRET" --tenant t',
        "static",
        Severity.MEDIUM,
    ),
    (
        "cloud",
        "az login --service-principal --username $ID --password=$SECRET -t t",
        "static",
        Severity.MEDIUM,
    ),
    (
        "cloud",
        "az login --tenant t -u $ID --service-principal -p $(cat secret.txt)",
        "static",
        Severity.MEDIUM,
    ),
]


@pytest.mark.parametrize(("rule", "script", "lifetime", "severity"), FIRES)
def test_fires(rule: str, script: str, lifetime: str, severity: Severity) -> None:
    found = _one(rule, script + "\n")
    assert found.lifetime.value == lifetime
    assert found.severity is severity


def test_end_date_is_measured_from_now() -> None:
    late = (date.today() + timedelta(days=200)).isoformat()
    soon = (date.today() + timedelta(days=60)).isoformat()
    found = _one("cloud", f"az ad app credential reset --id a --end-date {late}\n")
    assert found.severity is Severity.MEDIUM
    assert found.lifetime.value in ("P199D", "P200D")
    assert _scan("cloud", f"az ad app credential reset --id a --end-date {soon}T12:00:00Z\n") == ()
    far = (date.today() + timedelta(days=800)).isoformat()
    assert _one("cloud", f"az ad sp credential reset --id s --end-date={far}\n").severity is (
        Severity.HIGH
    )


# -- what stays quiet -------------------------------------------------------------------------

QUIET = [
    # AWS
    ("aws", "aws sts assume-role --role-arn r --role-session-name s"),
    ("aws", "aws sts assume-role --role-arn r --duration-seconds 3600"),
    ("aws", 'aws sts assume-role --role-arn r --duration-seconds "$DURATION"'),
    (
        "aws",
        "aws sts assume-role-with-web-identity --role-arn r --web-identity-token t"
        " --duration-seconds 900",
    ),
    ("aws", "aws sts get-session-token --serial-number arn:aws:iam::1:mfa/me --token-code 123456"),
    ("aws", "# aws iam create-access-key --user-name ci"),
    ("aws", "echo aws iam create-access-key --user-name ci"),
    ("aws", "aws iam list-access-keys; aws iam delete-access-key --access-key-id x"),
    (
        "aws",
        "aws configure set aws_access_key_id test\naws configure set aws_secret_access_key test",
    ),
    ("aws", "aws configure set aws_access_key_id AKIAIOSFODNN7EXAMPLE"),
    ("aws", "aws configure set region us-east-1"),
    ("aws", 'aws configure set aws_access_key_id "$K"\naws configure set aws_session_token "$T"'),
    ("aws", "aws configure get aws_secret_access_key"),
    (
        "aws",
        "aws configure set aws_access_key_id minioadmin\n"
        "aws configure set aws_secret_access_key minioadmin\n"
        "aws --endpoint-url http://minio:9000 s3 ls",
    ),
    (
        "aws",
        'aws configure set aws_secret_access_key "$R2_SECRET"\n'
        "aws s3 cp dist s3://b --recursive --endpoint-url https://a.r2.cloudflarestorage.com",
    ),
    # kubectl
    ("kubectl", "kubectl create token ci"),
    ("kubectl", "kubectl create token ci --duration=0s"),
    ("kubectl", "kubectl create token ci --duration 0"),
    ("kubectl", "kubectl create token ci --duration 1h"),
    (
        "kubectl",
        "kubectl create token ci --duration 10m --bound-object-kind Pod --bound-object-name p",
    ),
    ("kubectl", "kubectl create token ci --duration 1y"),
    ("kubectl", "kubectl create token ci --duration 30d"),
    ("kubectl", "kubectl create token ci --duration 3600"),
    ("kubectl", 'kubectl create token ci --duration "$TTL"'),
    ("kubectl", "kubectl create secret generic t --type=Opaque --from-literal=a=b"),
    ("kubectl", "kubectl get secrets --field-selector type=kubernetes.io/service-account-token"),
    ("kubectl", "# kubectl create token ci --duration=8760h"),
    ("kubectl", "kubectl apply -f - <<EOF\nkind: ConfigMap\ndata:\n  a: b\nEOF"),
    ("kubectl", "oc create token ctl --duration=10m"),
    ("kubectl", "oc create token ctl"),
    ("kubectl", "oc whoami -t > token.txt"),
    ("kubectl", "oc sa get deployer -o yaml && oc get sa token-reader"),
    ("kubectl", "# oc sa get-token deployer"),
    # Vault
    ("vault", "vault token create -policy=ci -ttl=15m -explicit-max-ttl=1h"),
    ("vault", "vault token create -policy=ci -ttl=24h"),
    ("vault", "vault token create -policy=ci"),
    ("vault", "vault token create -orphan -ttl=30m"),
    ("vault", "vault token create -orphan=false"),
    ("vault", "vault token create -period=0"),
    ("vault", "vault token create -period=768h -explicit-max-ttl=1h"),
    ("vault", "vault token create -role=ci"),
    ("vault", "vault token lookup -accessor x"),
    ("vault", "vault write auth/token/roles/ci allowed_policies=ci"),
    ("vault", "vault write auth/token/roles/ci period=72h token_explicit_max_ttl=24h"),
    ("vault", "vault write auth/approle/role/ci secret_id_ttl=10m"),
    ("vault", "vault write auth/approle/role/ci/secret-id ttl=10m"),
    ("vault", 'vault write auth/approle/role/ci/secret-id ttl="$TTL"'),
    (
        "vault",
        "vault write auth/approle/role/ci secret_id_ttl=1h\n"
        "vault write -f auth/approle/role/ci/secret-id",
    ),
    (
        "vault",
        "vault write auth/approle/role/ci secret_id_ttl=1h\n"
        "vault write auth/approle/role/ci/secret-id ttl=0",
    ),
    ("vault", "vault write auth/approle/login role_id=$R secret_id=$S"),
    ("vault", "vault write secret/data/app period=24h ttl=0"),
    ("vault", "vault read auth/approle/role/ci/role-id"),
    ("vault", "# vault token create -period=768h"),
    ("vault", "vault write auth/approle/role/ci token_period=20m token_explicit_max_ttl=1h"),
    ("vault", "vault write auth/kubernetes/role/app token_ttl=20m policies=app"),
    # gcloud and az
    ("cloud", "gcloud auth login --cred-file=wif-config.json"),
    ("cloud", "gcloud iam service-accounts keys list --iam-account=sa"),
    ("cloud", "gcloud iam service-accounts create ci"),
    ("cloud", "gcloud auth print-access-token"),
    ("cloud", "az ad sp create-for-rbac --name ci --create-password false"),
    ("cloud", "az ad sp create-for-rbac --name ci --create-password=false"),
    ("cloud", "az ad sp create-for-rbac --name ci --cert @cert.pem"),
    ("cloud", "az ad sp create-for-rbac --name ci --create-cert"),
    ("cloud", 'az ad sp create-for-rbac --name ci --years "$YEARS"'),
    ("cloud", "az ad app credential reset --id a --create-cert"),
    ("cloud", 'az ad app credential reset --id a --end-date "$END"'),
    ("cloud", "az ad app credential list --id a"),
    ("cloud", 'az login --service-principal -u "$ID" --federated-token "$TOKEN" --tenant t'),
    ("cloud", 'az login --service-principal -u "$ID" -p /tmp/cert.pem --tenant t'),
    ("cloud", "az login --service-principal -u id -p '<secret>' --tenant t"),
    ("cloud", "az login --identity"),
    ("cloud", 'az login -u me@example.com -p "$PW"'),
    ("cloud", "# az ad sp create-for-rbac --name ci"),
]


@pytest.mark.parametrize(("rule", "script"), QUIET)
def test_quiet(rule: str, script: str) -> None:
    assert _scan(rule, script + "\n") == ()


# -- places, values and messages --------------------------------------------------------------


def test_reports_on_the_flag_after_a_continuation() -> None:
    script = (
        "aws sts assume-role --role-arn r \\\n  --role-session-name s --duration-seconds 7200\n"
    )
    found = _one("aws", script)
    assert found.location.line == 4  # shebang, set -euo, then the two lines
    assert found.location.column == len("  --role-session-name s ") + 1


@pytest.mark.parametrize(
    ("rule", "script", "start"),
    [
        ("aws", "aws iam create-access-key --user-name ci", "aws iam create-access-key"),
        (
            "aws",
            "sudo aws --profile a iam create-access-key",
            "aws --profile a iam create-access-key",
        ),
        ("aws", "aws configure import --csv file://c.csv", "aws configure import"),
        ("aws", "aws sts get-session-token > s.json", "aws sts get-session-token"),
        (
            "cloud",
            "gcloud beta iam service-accounts keys create k.json --iam-account=sa",
            "gcloud beta iam service-accounts keys create",
        ),
        ("cloud", "az ad sp create-for-rbac --name ci", "az ad sp create-for-rbac"),
    ],
)
def test_operation_span_runs_from_the_program_through_the_sub_command(
    rule: str, script: str, start: str
) -> None:
    found = _one(rule, script + "\n")
    column = script.index(start) + 1
    assert (found.location.column, found.location.end_column) == (column, column + len(start))


def test_key_deleted_later_in_the_job_is_low() -> None:
    script = (
        "aws iam create-access-key --user-name ci > k.json\n"
        "./deploy.sh k.json\n"
        "aws iam delete-access-key --user-name ci \\\n"
        '  --access-key-id "$(jq -r .AccessKey.AccessKeyId k.json)"\n'
    )
    for system in ("shell", "github", "gitlab"):
        found = _one("aws", script, system)
        assert found.severity is Severity.LOW
        assert "unless the run is cancelled or fails" in found.message
        assert "if: always()" in found.message
        assert "trap" in found.message
        assert len(found.related) == 1
    # Another user's key, or a delete before the create, does not count.
    other = script.replace("delete-access-key --user-name ci", "delete-access-key --user-name x")
    assert _one("aws", other).severity is Severity.HIGH
    before = "aws iam delete-access-key --user-name ci --access-key-id a\n" + script.split("\n")[0]
    assert _one("aws", before + "\n").severity is Severity.HIGH


def test_literal_key_is_critical_and_carries_the_value() -> None:
    secret = "wJal" + "rXUtnFEMIxK7MDENGxbPxRfiCYzzzzzzzzzzzzzz"[:36]
    found = _one("aws", f"aws configure set aws_secret_access_key {secret}\n")
    assert found.severity is Severity.CRITICAL
    assert secret not in found.snippet
    literal = "Q8b~" + "a1B2c3D4" * 4 + "zzzz"
    found = _one("cloud", f"az login --service-principal -u id -p {literal} --tenant t\n")
    assert found.severity is Severity.CRITICAL


def test_one_finding_for_a_key_pair() -> None:
    script = (
        'aws configure set aws_access_key_id "$K"\naws configure set aws_secret_access_key "$S"\n'
    )
    found = _one("aws", script)
    assert found.location.line == 3
    assert len(found.related) == 1


@pytest.mark.parametrize(
    ("rule", "script", "kind"),
    [
        ("aws", "aws iam create-access-key --user-name ci\n", "aws-access-key"),
        ("kubectl", "kubectl create token ci --duration 8760h\n", "kubernetes-token"),
        ("vault", "vault token create -period=768h\n", "vault-token"),
        ("vault", "vault write -f auth/approle/role/ci/secret-id\n", "vault-approle-secret-id"),
        (
            "cloud",
            "gcloud iam service-accounts keys create k.json --iam-account=sa\n",
            "gcp-service-account-key",
        ),
        ("cloud", "az ad sp create-for-rbac --name ci\n", "azure-client-secret"),
    ],
)
@pytest.mark.parametrize(
    "system", ["github", "gitlab", "circleci", "azure", "bitbucket", "jenkins"]
)
def test_ci_context_names_the_systems_federation(
    rule: str, script: str, kind: str, system: str
) -> None:
    found = _one(rule, script, system)
    row = credentials.by_id(kind)
    expected = row.federation.get(system) or row.fix(system)
    assert expected.strip().rstrip(".") in found.message


@pytest.mark.parametrize("system", ["shell", "make"])
def test_scripts_get_no_ci_advice(system: str) -> None:
    found = _one("aws", "aws iam create-access-key --user-name ci\n", system)
    assert "Instead, in" not in found.message


def test_stored_secret_in_github_env() -> None:
    found = _one(
        "cloud",
        'az login --service-principal -u "$ID" -p "$SP_SECRET" --tenant t\n',
        "github",
        env={"SP_SECRET": Stored("SP_SECRET")},
    )
    assert found.severity is Severity.MEDIUM
    assert "azure/login" in found.message


def test_thresholds_come_from_the_config() -> None:
    relaxed = Config(
        thresholds=Thresholds(role_session_max_seconds=7200, k8s_token_max_seconds=172800)
    )
    aws = "aws sts assume-role --role-arn r --duration-seconds 7200\n"
    assert _scan("aws", aws, config=relaxed) == ()
    assert _scan("kubectl", "kubectl create token ci --duration=48h\n", config=relaxed) == ()
    assert len(_scan("kubectl", "kubectl create token ci --duration=49h\n", config=relaxed)) == 1


def test_secret_id_of_a_role_written_without_ttl_is_high() -> None:
    script = (
        "vault write auth/approle/role/ci token_policies=ci\n"
        "vault write -f auth/approle/role/ci/secret-id\n"
    )
    found = _one("vault", script)
    assert found.severity is Severity.HIGH
    assert found.lifetime.value == "none"
    assert found.location.line == 4


def test_secret_id_with_bounded_uses_is_medium() -> None:
    script = (
        "vault write auth/approle/role/ci token_policies=ci secret_id_num_uses=5\n"
        "vault write -f auth/approle/role/ci/secret-id\n"
        "vault write auth/approle/role/ci/secret-id num_uses=1\n"
    )
    found = _scan("vault", script)
    assert [(f.location.line, f.severity) for f in found] == [
        (4, Severity.MEDIUM),
        (5, Severity.MEDIUM),
    ]
    assert all("works only" in f.message for f in found)


def test_heredoc_secret_reports_the_type_line() -> None:
    script = (
        "kubectl apply -f - <<'EOF'\n"
        "apiVersion: v1\n"
        "kind: Secret\n"
        "metadata: {name: t}\n"
        "type: kubernetes.io/service-account-token\n"
        "EOF\n"
    )
    found = _one("kubectl", script)
    assert found.location.line == 7
    assert found.lifetime.value == "none"
