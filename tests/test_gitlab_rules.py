"""LLC-GLC-001 and LLC-GLC-002 beyond their examples: a tree whose root includes local files,
shared templates reported once, severities, and what a job sets for itself."""

from __future__ import annotations

from pathlib import Path

from scanner.api import BASE32_UPPER, BASE64, fake_token
from scanner.config import Config
from scanner.findings import Finding, Severity
from scanner.pipeline import scan
from scanner.registry import get_rule
from scanner.testing import run_rule

GLC001 = get_rule("LLC-GLC-001")
GLC002 = get_rule("LLC-GLC-002")
assert GLC001 is not None
assert GLC002 is not None


def found(code: str, path: str = ".gitlab-ci.yml", rule: object = GLC001) -> list[Finding]:
    return list(run_rule(rule, code, path))  # type: ignore[arg-type]


def lines(code: str, path: str = ".gitlab-ci.yml", rule: object = GLC001) -> list[int]:
    return [f.location.line for f in found(code, path, rule)]


def test_a_tree_with_local_includes(tmp_path: Path) -> None:
    (tmp_path / "ci").mkdir()
    (tmp_path / ".gitlab-ci.yml").write_text(
        "include:\n  - local: ci/deploy.yml\n  - local: /ci/vault.yml\ntest:\n  script: [pytest]\n",
        encoding="utf-8",
    )
    (tmp_path / "ci" / "deploy.yml").write_text(
        'deploy:\n  script:\n    - terraform apply -var "secret=$ARM_CLIENT_SECRET"\n',
        encoding="utf-8",
    )
    (tmp_path / "ci" / "vault.yml").write_text(
        "login:\n  script:\n    - vault write auth/jwt/login role=ci jwt=$CI_JOB_JWT_V2\n",
        encoding="utf-8",
    )
    result = scan([tmp_path], Config(root=tmp_path), [GLC001, GLC002], jobs=1)  # type: ignore[list-item]
    got = sorted((f.rule_id, f.location.path, f.location.line) for f in result.findings)
    assert got == [("LLC-GLC-001", "ci/deploy.yml", 3), ("LLC-GLC-002", "ci/vault.yml", 3)]
    (deploy,) = [f for f in result.findings if f.rule_id == "LLC-GLC-001"]
    assert "included file" in deploy.message
    assert deploy.severity is Severity.MEDIUM


def test_literal_keys_are_critical_and_redacted() -> None:
    key = fake_token("AKIA", 16, BASE32_UPPER, seed=1201)
    secret = fake_token("", 40, BASE64, seed=1202)
    code = (
        f"deploy:\n  variables:\n    AWS_ACCESS_KEY_ID: {key}\n"
        f"    AWS_SECRET_ACCESS_KEY:\n      value: '{secret}'\n      description: prod\n"
        "  script: [aws s3 ls]\n"
    )
    results = found(code)
    assert [(f.location.line, f.severity) for f in results] == [
        (3, Severity.CRITICAL),
        (4, Severity.CRITICAL),
    ]
    assert all(secret not in f.snippet and key not in f.snippet for f in results)
    assert "Revoke the key now" in (results[0].fix or "")


def test_a_literal_in_a_template_extended_twice_is_one_finding() -> None:
    secret = fake_token("", 40, BASE64, seed=1203)
    code = (
        f".keys:\n  variables:\n    AWS_SECRET_ACCESS_KEY: {secret}\n"
        "a:\n  extends: .keys\n  script: [make a]\nb:\n  extends: .keys\n  script: [make b]\n"
    )
    assert lines(code) == [3]


def test_federated_jobs_and_jobs_that_set_the_variable_are_quiet() -> None:
    default = (
        "default:\n  id_tokens:\n    AWS_ID_TOKEN: {aud: sts.amazonaws.com}\n"
        "deploy:\n  script: ['aws s3 cp x s3://b --sse \"$AWS_SECRET_ACCESS_KEY\"']\n"
    )
    assert lines(default) == []
    # `inherit: default: false` drops the default's ID tokens.
    dropped = default.replace("deploy:\n", "deploy:\n  inherit:\n    default: false\n")
    assert lines(dropped) == [7]
    template = (
        ".oidc:\n  id_tokens:\n    VAULT_ID_TOKEN: {aud: https://vault.example.com}\n"
        "job:\n  extends: .oidc\n"
        "  script: ['curl -H \"X-Vault-Token: $VAULT_TOKEN\" $VAULT_ADDR']\n"
    )
    assert lines(template) == []
    made = (
        "job:\n  script:\n"
        "    - export VAULT_TOKEN=$(cat /run/secrets/vault-token)\n"
        '    - curl -H "X-Vault-Token: $VAULT_TOKEN" "$VAULT_ADDR/v1/kv/app"\n'
    )
    assert lines(made) == []
    # Read before it is set: the read is the project's variable.
    early = (
        "job:\n  script:\n"
        '    - vault token lookup "$VAULT_TOKEN"\n'
        "    - export VAULT_TOKEN=$(vault login -token-only -method=oidc)\n"
    )
    assert lines(early) == [3]


def test_a_variable_mapped_from_another_is_reported_where_it_is_set() -> None:
    code = (
        "variables:\n  ARM_CLIENT_SECRET: $PROD_ARM_SECRET\n"
        "plan:\n  script: [terraform plan]\n"
        "apply:\n  script: [terraform apply]\n"
        "docs:\n  inherit:\n    variables: false\n  script: [mkdocs build]\n"
    )
    results = found(code)
    assert [f.location.line for f in results] == [2]
    assert "`$PROD_ARM_SECRET`" in results[0].message
    # The job token, mapped onto a name, is not a standing credential.
    assert lines("variables:\n  VAULT_TOKEN: $CI_JOB_TOKEN\njob:\n  script: [x]\n") == []
    # Every job that inherits it is federated: nothing to report.
    federated = code.replace(
        "variables:\n", "default:\n  id_tokens:\n    A: {aud: x}\nvariables:\n", 1
    )
    assert lines(federated) == []


def test_emulators_and_local_endpoints() -> None:
    secret = fake_token("", 40, BASE64, seed=1204)
    endpoint = (
        f"variables:\n  AWS_SECRET_ACCESS_KEY: {secret}\n"
        "test:\n  variables:\n    AWS_ENDPOINT_URL: http://localhost:4566\n"
        '  script: [aws s3 ls --endpoint-url "$AWS_ENDPOINT_URL"]\n'
    )
    assert lines(endpoint) == []
    azurite = (
        "test:\n  services: [mcr.microsoft.com/azure-storage/azurite]\n"
        '  script: [pytest --key "$AZURE_STORAGE_KEY"]\n'
    )
    assert lines(azurite) == []
    flag = "test:\n  script: [aws --endpoint-url http://127.0.0.1:9000 s3 ls]\n"
    assert lines(flag) == []


def test_the_aws_cli_alone_is_low_and_needs_shared_runners() -> None:
    code = "deploy:\n  script:\n    - aws s3 sync . s3://b\n    - aws s3 ls\n"
    results = found(code)
    assert [(f.location.line, f.location.column, f.severity) for f in results] == [
        (3, 7, Severity.LOW)
    ]
    assert lines(code.replace("  script:", "  tags: [ec2]\n  script:")) == []
    assert lines(code.replace("  script:", "  variables:\n    AWS_PROFILE: ci\n  script:")) == []
    configured = code.replace("    - aws s3 ls\n", "").replace(
        "  script:\n", "  script:\n    - aws configure import --csv file://creds.csv\n"
    )
    assert lines(configured) == []
    # A template from another file may set everything up.
    assert lines("deploy:\n  extends: .aws-from-elsewhere\n  script: [aws s3 ls]\n") == []


def test_job_jwts_in_values_and_templates() -> None:
    code = (
        "variables:\n  OLD: $CI_JOB_JWT\n  NAMED: CI_JOB_JWT\n"
        ".unused:\n  script:\n    - |\n      # echo $CI_JOB_JWT_V2\n      echo ok\n"
        ".used:\n  script:\n    - |\n      echo start\n      login $CI_JOB_JWT_V1\n"
    )
    assert lines(code, rule=GLC002) == [2, 13]
    (shell,) = found(
        '#!/bin/sh\ncurl -H "Authorization: Bearer $CI_JOB_JWT" https://svc/login\n',
        "scripts/login.sh",
        GLC002,
    )
    assert (shell.location.line, shell.location.column, shell.severity) == (2, 32, Severity.LOW)
    shim = "job:\n  variables:\n    CI_JOB_JWT: $MY_ID_TOKEN\n  script: [login $CI_JOB_JWT]\n"
    assert lines(shim, rule=GLC002) == []


def test_a_key_pair_passed_on_from_project_variables_is_one_finding() -> None:
    # Project variables re-declared so that service containers see them too.
    code = (
        "variables:\n  AWS_ACCESS_KEY_ID: $AWS_ACCESS_KEY_ID\n  AWS_REGION: eu-west-1\n"
        "  AWS_SECRET_ACCESS_KEY: ${AWS_SECRET_ACCESS_KEY}\n"
        "deploy:\n  before_script:\n"
        "    - serverless config credentials --provider aws --key ${AWS_ACCESS_KEY_ID}"
        " --secret ${AWS_SECRET_ACCESS_KEY}\n"
        "  script: [npx serverless deploy]\n"
    )
    (finding,) = found(code)
    assert finding.location.line == 2
    assert [r.location.line for r in finding.related] == [4]


def test_a_job_that_federates_itself_is_not_the_aws_cli_alone() -> None:
    code = (
        "assume:\n  image: {name: amazon/aws-cli, entrypoint: ['']}\n  script:\n"
        '    - >\n      export $(printf "AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s"\n'
        "      $(aws sts assume-role-with-web-identity --role-arn $ROLE\n"
        "      --role-session-name gl --web-identity-token $CI_JOB_JWT_V2\n"
        "      --query 'Credentials.[AccessKeyId,SecretAccessKey]' --output text))\n"
        "    - aws sts get-caller-identity\n"
    )
    assert lines(code) == []
    assert lines(code, rule=GLC002) == [7]


def test_sessions_set_by_the_script_or_handed_over_by_a_job() -> None:
    exported = (
        "job:\n  script:\n    - export $(cat session.env | xargs)\n"
        '    - aws s3 cp x "s3://b" --sse-kms-key-id "$AWS_ACCESS_KEY_ID"\n'
    )
    assert lines(exported) == []
    evaluated = 'job:\n  script:\n    - eval "$(./login.sh)"\n    - aws s3 ls\n'
    assert lines(evaluated) == []
    handed = (
        "credentials:\n  id_tokens:\n    AWS_ID: {aud: sts.amazonaws.com}\n"
        "  script: [./assume-role.sh > aws.env]\n"
        "  artifacts:\n    reports:\n      dotenv: aws.env\n"
        "deploy:\n  needs: [credentials]\n"
        "  script: ['terraform apply -var \"key=$AWS_SECRET_ACCESS_KEY\"']\n"
    )
    assert lines(handed) == []
    assert lines(handed.replace("      dotenv: aws.env\n", "      junit: r.xml\n")) == [10]


def test_paths_and_platform_variables_are_not_stored_credentials() -> None:
    code = (
        "variables:\n  GOOGLE_APPLICATION_CREDENTIALS: $CI_PROJECT_DIR/gcp-wif.json\n"
        "  VAULT_TOKEN: ${CI_JOB_TOKEN}\n"
        "job:\n  script: [gcloud storage ls]\n"
    )
    assert lines(code) == []
    file_variable = (
        "variables:\n  GOOGLE_APPLICATION_CREDENTIALS: $GCP_KEY_FILE\njob:\n  script: [x]\n"
    )
    assert lines(file_variable) == [2]


def test_lines_ci_001_003_and_006_own_are_one_finding() -> None:
    from scanner.engine import Engine
    from scanner.registry import get_rule

    code = (
        "deploy:\n  script:\n"
        '    - aws configure set aws_access_key_id "$AWS_ACCESS_KEY_ID"\n'
        '    - aws configure set aws_secret_access_key "$AWS_SECRET_ACCESS_KEY"\n'
        "    - aws s3 sync public/ s3://docs-bucket\n"
        "push:\n  script:\n"
        '    - docker login -u "$ARM_CLIENT_ID" -p "$ARM_CLIENT_SECRET" example.azurecr.io\n'
        '    - terraform apply -var "secret=$ARM_CLIENT_SECRET"\n'
        "gcp:\n  script:\n"
        '    - gcloud auth activate-service-account --key-file="$GOOGLE_APPLICATION_CREDENTIALS"\n'
        "session:\n  script:\n    - aws sts get-session-token > s.json\n"
    )
    rules = [GLC001, *(get_rule(f"LLC-CI-00{n}") for n in (1, 3, 6))]
    result = Engine(rules, Config()).scan_bytes(".gitlab-ci.yml", code.encode())  # type: ignore[arg-type]
    got = sorted((f.location.line, f.rule_id) for f in result.findings)
    # The job still reading the secret elsewhere is reported there, once.
    assert got == [
        (3, "LLC-CI-003"),
        (8, "LLC-CI-001"),
        (9, "LLC-GLC-001"),
        (12, "LLC-CI-006"),
        (15, "LLC-CI-003"),
    ]
