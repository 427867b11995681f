"""LLC-AZP-001 beyond its examples: where it stays quiet (CI-006's commands, WIF, comments,
env already reported) and that each definition is reported once."""

from __future__ import annotations

import pytest
from outlive_rules.azure.azp001_azure_service_principal_secret import ServicePrincipalSecret

from scanner.api import BASE64, fake_token
from scanner.findings import Severity
from scanner.testing import run_rule

AWS_KEY = "AKIA" + fake_token("", 16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", seed=5)
AWS_SECRET = fake_token("", 40, BASE64, seed=6)


def lines(code: str) -> list[tuple[int, Severity]]:
    return [(f.location.line, f.severity) for f in run_rule(ServicePrincipalSecret, code)]


def cli(script: str, *, kind: str = "bash") -> str:
    body = "".join(f"        {line}\n" for line in script.splitlines())
    return (
        "steps:\n  - task: AzureCLI@2\n    inputs:\n      azureSubscription: prod\n"
        f"      scriptType: {kind}\n      scriptLocation: inlineScript\n"
        f"      addSpnToEnvironment: true\n      inlineScript: |\n{body}"
    )


def test_env_mapping_is_reported_once_not_again_in_the_script() -> None:
    code = (
        "variables:\n  - group: sp\n"
        "steps:\n  - bash: |\n      terraform init\n"
        '      python auth.py "$ARM_CLIENT_SECRET"\n'
        "    env:\n      ARM_CLIENT_SECRET: $(ARM_CLIENT_SECRET)\n"
    )
    assert lines(code) == [(8, Severity.MEDIUM)]


def test_stage_variables_are_reported_once_for_all_their_jobs() -> None:
    code = (
        "stages:\n  - stage: s\n    variables:\n      ARM_CLIENT_SECRET: $(sp-secret)\n"
        "    jobs:\n      - job: a\n        steps: [{script: make}]\n"
        "      - job: b\n        steps: [{script: make}]\n"
    )
    assert lines(code) == [(4, Severity.MEDIUM)]


def test_literal_credentials_of_any_kind_in_variables_are_critical() -> None:
    code = (
        "variables:\n"
        f"  AWS_ACCESS_KEY_ID: {AWS_KEY}\n"
        f"  AWS_SECRET_ACCESS_KEY: {AWS_SECRET}\n"
        "  AWS_REGION: eu-west-1\n"
        "  ARM_CLIENT_SECRET: dummy\n"
        "steps:\n  - script: aws s3 ls\n"
    )
    assert lines(code) == [(2, Severity.CRITICAL), (3, Severity.CRITICAL)]


@pytest.mark.parametrize(
    "script",
    [
        # LLC-CI-006's command.
        "az login --service-principal -u $servicePrincipalId -p $servicePrincipalKey "
        "--tenant $tenantId",
        # Commented out, and the WIF token beside it.
        "#export ARM_CLIENT_SECRET=$servicePrincipalKey\nexport ARM_OIDC_TOKEN=$idToken",
        # Single-quoted: no expansion.
        "echo 'set $ARM_CLIENT_SECRET in the library'",
        "echo $servicePrincipalId $tenantId",
    ],
)
def test_quiet_scripts(script: str) -> None:
    assert lines(cli(script)) == []


@pytest.mark.parametrize(
    ("script", "shell"),
    [
        ("export ARM_CLIENT_SECRET=$servicePrincipalKey", "bash"),
        ('TF_VAR_secret="${servicePrincipalKey}" terraform apply', "bash"),
        ("$env:ARM_CLIENT_SECRET = $env:servicePrincipalKey", "pscore"),
        ('Write-Output "key: ${env:servicePrincipalKey}"', "ps"),
        ("terraform apply -var secret=${{ variables.ARM_CLIENT_SECRET }}", "bash"),
        ("terraform apply -var secret=$[ variables['azure_client_secret'] ]", "pscore"),
        ("set ARM_CLIENT_SECRET=%servicePrincipalKey%\nazcopy login %ARM_CLIENT_SECRET%", "batch"),
    ],
)
def test_scripts_handing_on_the_key(script: str, shell: str) -> None:
    found = lines(cli(script, kind=shell))
    assert found == [(9, Severity.MEDIUM)], found


def test_powershell_comments_and_escapes_do_not_read() -> None:
    script = (
        "Write-Output 'no $env:ARM_CLIENT_SECRET here'  # $env:servicePrincipalKey\n"
        'Write-Output "`$env:servicePrincipalKey is escaped"'
    )
    assert lines(cli(script, kind="pscore")) == []


def test_a_step_on_a_federated_connection_stays_quiet() -> None:
    wif = cli("export ARM_OIDC_TOKEN=$idToken")
    other = (
        "  - task: AzureCLI@2\n    inputs:\n      azureSubscription: prod\n"
        "      scriptType: bash\n      scriptLocation: inlineScript\n"
        "      inlineScript: export ARM_CLIENT_SECRET=$servicePrincipalKey\n"
    )
    assert lines(wif + other) == []
    assert lines(wif + other.replace("prod", "legacy-secret")) == [(15, Severity.MEDIUM)]


def test_template_files_are_read_too() -> None:
    code = "steps:\n  - bash: echo\n    env:\n      AZURE_CLIENT_SECRET: $(sp)\n"
    found = run_rule(ServicePrincipalSecret, code, "azure-pipelines/templates/deploy.yml")
    assert [f.location.line for f in found] == [4]
