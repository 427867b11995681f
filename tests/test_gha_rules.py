"""What the LLC-GHA-002..009 examples cannot say: messages, fixes, lifetimes, related
locations, the table-derived triggers and the dedupe against the secret rules."""

from __future__ import annotations

import pytest

from scanner.api import BASE32_UPPER, fake_token
from scanner.config import Config
from scanner.engine import Engine
from scanner.findings import Finding, Severity
from scanner.registry import all_rules
from scanner.testing import run_rule

RULES = {r.META.id: r for r in all_rules()}
WORKFLOW = ".github/workflows/deploy.yml"


def _run(rule_id: str, code: str, path: str = WORKFLOW) -> tuple[Finding, ...]:
    return run_rule(RULES[rule_id], code, path)


def _job(body: str, *, head: str = "on: push\n", job: str = "") -> str:
    return head + "jobs:\n  deploy:\n    runs-on: ubuntu-latest\n" + job + "    steps:\n" + body


def test_gha002_pair_is_one_finding_with_the_other_key_related() -> None:
    code = _job(
        "      - run: aws s3 sync . s3://bucket\n        env:\n"
        "          AWS_ACCESS_KEY_ID: ${{ secrets.KEY_ID }}\n"
        "          AWS_SECRET_ACCESS_KEY: ${{ secrets.SECRET }}\n"
        "          AWS_REGION: eu-west-1\n"
    )
    (finding,) = _run("LLC-GHA-002", code)
    assert finding.location.line == 8
    assert [r.location.line for r in finding.related] == [9]
    assert finding.severity is Severity.HIGH
    assert str(finding.lifetime) == "static"
    assert "role-to-assume" in (finding.fix or "")
    assert "NHI9" not in finding.message


def test_gha002_workflow_level_env_notes_reuse() -> None:
    code = "on: push\nenv:\n  GOOGLE_CREDENTIALS: ${{ secrets.GCP_KEY }}\n" + _job(
        "      - run: terraform apply\n", head=""
    )
    (finding,) = _run("LLC-GHA-002", code)
    assert "NHI9" in finding.message
    assert "workload_identity_provider" in (finding.fix or "")


def test_gha002_literal_key_is_critical_and_wins_over_the_secret_rule() -> None:
    key = fake_token("AKIA", 16, BASE32_UPPER, seed=7)
    code = _job(f"      - run: aws s3 ls\n        env:\n          AWS_ACCESS_KEY_ID: {key}\n")
    (finding,) = _run("LLC-GHA-002", code)
    assert finding.severity is Severity.CRITICAL
    assert key not in finding.snippet
    everything = Engine(list(RULES.values()), Config()).scan_bytes(WORKFLOW, code.encode())
    on_line = [f for f in everything.findings if f.location.line == finding.location.line]
    assert [f.rule_id for f in on_line] == ["LLC-GHA-002"]


def test_gha002_client_secret_lifetime_comes_from_the_table() -> None:
    code = _job(
        "      - run: terraform plan\n", job="    env:\n      ARM_CLIENT_SECRET: ${{ secrets.S }}\n"
    )
    (finding,) = _run("LLC-GHA-002", code)
    assert str(finding.lifetime) == "P1Y"
    assert "one or two years" in finding.message
    assert "az CLI default" in finding.message
    assert "365 days" not in finding.message


@pytest.mark.parametrize(
    "trigger", ["aws_secret_access_key", "arm_client_secret", "tf_token_", "kube_config_data"]
)
def test_gha002_triggers_come_from_the_table(trigger: str) -> None:
    assert trigger in RULES["LLC-GHA-002"].META.triggers


def test_gha002_federation_free_kinds_are_medium() -> None:
    code = _job(
        "      - run: wrangler deploy\n        env:\n"
        "          CLOUDFLARE_API_TOKEN: ${{ secrets.CF }}\n"
    )
    (finding,) = _run("LLC-GHA-002", code)
    assert finding.severity is Severity.MEDIUM
    assert "no OIDC alternative" in finding.message


def test_gha004_literal_creds_reports_and_redacts_the_client_secret() -> None:
    secret = fake_token("Q8~", 37, seed=3)
    code = _job(
        "      - uses: azure/login@v2\n        with:\n"
        f'          creds: \'{{"clientId": "a", "clientSecret": "{secret}"}}\'\n'
    )
    (finding,) = _run("LLC-GHA-004", code)
    assert finding.severity is Severity.CRITICAL
    assert secret not in finding.snippet


def test_gha005_message_says_oidc_is_already_there() -> None:
    code = _job(
        "      - uses: pypa/gh-action-pypi-publish@release/v1\n"
        "        with:\n          password: ${{ secrets.PYPI }}\n",
        job="    permissions:\n      id-token: write\n",
    )
    (finding,) = _run("LLC-GHA-005", code)
    assert "already has `id-token: write`" in finding.message
    assert "Trusted Publisher" in (finding.fix or "")


def test_gha006_lifetime_is_npm_cap() -> None:
    code = _job(
        "      - run: npm publish\n        env:\n          NODE_AUTH_TOKEN: ${{ secrets.NPM }}\n"
    )
    (finding,) = _run("LLC-GHA-006", code)
    assert str(finding.lifetime) == "P90D"
    assert "trusted publishing" in finding.message


def test_gha006_other_registry_is_quiet() -> None:
    code = _job(
        "      - uses: actions/setup-node@v4\n        with:\n"
        "          registry-url: https://npm.pkg.github.com\n"
        "      - run: npm publish\n        env:\n          NODE_AUTH_TOKEN: ${{ secrets.NPM }}\n"
    )
    assert _run("LLC-GHA-006", code) == ()


def test_gha007_method_from_an_expression_falls_back_to_the_token() -> None:
    code = _job(
        "      - uses: hashicorp/vault-action@v3\n        with:\n"
        "          method: ${{ inputs.method }}\n          token: ${{ secrets.VAULT }}\n"
    )
    (finding,) = _run("LLC-GHA-007", code)
    assert "Vault JWT auth" in finding.message


@pytest.mark.parametrize(
    ("value", "fires"),
    [
        ("${{ secrets.MY_GITHUB_TOKEN }}", True),
        ("${{ secrets.GH_PAT }}", True),
        ("${{ secrets.CODECOV_TOKEN }}", False),
        ("${{ secrets.GITHUB_TOKEN }}", False),
        ("${{ steps.app.outputs.token }}", False),
    ],
)
def test_gha008_pat_name_heuristic_for_unknown_actions(value: str, fires: bool) -> None:
    code = _job(f"      - uses: some-org/some-action@v1\n        with:\n          token: {value}\n")
    assert bool(_run("LLC-GHA-008", code)) is fires


def test_gha008_other_services_tokens_are_quiet() -> None:
    code = _job(
        "      - uses: slackapi/slack-github-action@v2\n        with:\n"
        "          token: ${{ secrets.RELEASE_BOT_TOKEN }}\n"
        "      - uses: some-org/notify@v1\n        with:\n"
        "          token: ${{ secrets.SLACK_BOT_TOKEN }}\n"
    )
    assert _run("LLC-GHA-008", code) == ()


def test_gha008_release_please_token_is_a_github_token() -> None:
    code = _job(
        "      - uses: googleapis/release-please-action@v4\n        with:\n"
        "          token: ${{ secrets.RELEASE_PLEASE }}\n"
    )
    assert len(_run("LLC-GHA-008", code)) == 1


def test_gha008_same_job_env_reported_once() -> None:
    code = _job(
        "      - run: gh pr list\n      - run: gh release list\n",
        job="    env:\n      GH_TOKEN: ${{ secrets.BOT }}\n",
    )
    (finding,) = _run("LLC-GHA-008", code)
    assert finding.location.line == 6
    assert str(finding.lifetime) == "static"


def test_gha009_lifetime_is_one_hour() -> None:
    code = _job(
        "      - uses: actions/create-github-app-token@v2\n        with:\n"
        "          app-id: '1'\n          private-key: ${{ secrets.K }}\n"
        "          skip-token-revoke: true\n"
    )
    (finding,) = _run("LLC-GHA-009", code)
    assert str(finding.lifetime) == "PT1H"


@pytest.mark.parametrize("rule_id", [f"LLC-GHA-00{n}" for n in range(2, 10)])
def test_rules_do_not_run_on_other_ci_files(rule_id: str) -> None:
    """GitHub syntax in a GitLab file is not a GitHub workflow."""
    code = "deploy:\n  script:\n    - echo ${{ secrets.GH_PAT }}\n"
    assert _run(rule_id, code, ".gitlab-ci.yml") == ()


def test_gha003_the_2020_setup_gcloud_action_is_covered() -> None:
    code = _job(
        "      - uses: GoogleCloudPlatform/github-actions/setup-gcloud@master\n"
        "        with:\n          service_account_key: ${{ secrets.GCP_SA_KEY }}\n"
    )
    assert len(_run("LLC-GHA-003", code)) == 1


def test_gha006_npm_publish_action_dry_run_is_quiet() -> None:
    code = _job(
        "      - uses: JS-DevTools/npm-publish@v4\n        with:\n"
        "          token: ${{ secrets.NPM_TOKEN }}\n          dry-run: true\n"
    )
    assert _run("LLC-GHA-006", code) == ()


def test_gha007_cert_auth_client_key() -> None:
    code = _job(
        "      - uses: hashicorp/vault-action@v3\n        with:\n"
        "          method: cert\n          clientCertificate: ${{ secrets.CERT }}\n"
        "          clientKey: ${{ secrets.KEY }}\n"
    )
    (finding,) = _run("LLC-GHA-007", code)
    assert "TLS client key" in finding.message


@pytest.mark.parametrize(("seconds", "severity"), [(7200, Severity.LOW), (43200, Severity.MEDIUM)])
def test_gha001_long_session_is_graded_by_the_shared_session_scale(
    seconds: int, severity: Severity
) -> None:
    code = _job(
        "      - uses: aws-actions/configure-aws-credentials@v4\n        with:\n"
        "          role-to-assume: arn:aws:iam::123456789012:role/ci\n"
        f"          role-duration-seconds: {seconds}\n",
        job="    permissions:\n      id-token: write\n",
    )
    (finding,) = _run("LLC-GHA-001", code)
    assert finding.severity is severity


def test_gha001_env_ref_resolves_to_the_literal_it_reads() -> None:
    key = fake_token("AKIA", 16, BASE32_UPPER, seed=31)
    code = _job(
        "      - uses: aws-actions/configure-aws-credentials@v4\n        with:\n"
        "          aws-access-key-id: ${{ env.KEY_ID }}\n          aws-region: eu-west-1\n",
        job=f"    env:\n      KEY_ID: {key}\n",
    )
    (finding,) = _run("LLC-GHA-001", code)
    assert finding.severity is Severity.CRITICAL
    assert [r.location.line for r in finding.related] == [6]


def test_gha001_run_time_env_without_federation_or_earlier_step_still_fires() -> None:
    code = _job(
        "      - run: ./load-keys.sh\n"
        "      - uses: aws-actions/configure-aws-credentials@v4\n        with:\n"
        "          aws-access-key-id: ${{ env.AWS_ACCESS_KEY_ID }}\n"
    )
    (finding,) = _run("LLC-GHA-001", code)
    assert finding.location.line == 9


def test_gha002_and_gha007_vault_token_lifetime_is_said_honestly() -> None:
    code = _job(
        "      - uses: hashicorp/vault-action@v3\n        with:\n"
        "          token: ${{ secrets.VAULT }}\n"
        "      - run: vault kv get secret/app\n        env:\n"
        "          VAULT_TOKEN: ${{ secrets.VAULT_TOKEN }}\n"
    )
    for rule_id in ("LLC-GHA-002", "LLC-GHA-007"):
        (finding,) = _run(rule_id, code)
        assert "long-lived to be worth storing" in finding.message
        assert "revokes" not in finding.message


def test_gha002_meta_owasp_leaves_reuse_to_the_workflow_level_message() -> None:
    assert RULES["LLC-GHA-002"].META.owasp == ("NHI6", "NHI7")


def test_gha002_reusable_workflow_secret_names_the_called_workflow() -> None:
    code = (
        "on: push\njobs:\n  infra:\n    uses: o/p/.github/workflows/tf.yml@v1\n"
        "    secrets:\n      ARM_CLIENT_SECRET: ${{ secrets.ARM_CLIENT_SECRET }}\n"
    )
    (finding,) = _run("LLC-GHA-002", code)
    assert finding.location.line == 6
    assert "gives the called workflow" in finding.message


def test_gha008_reusable_workflow_token_message_and_action_env() -> None:
    code = (
        "on: push\njobs:\n  release:\n    uses: o/p/.github/workflows/release.yml@v1\n"
        "    secrets:\n      github-token: ${{ secrets.ORG_BOT_PAT }}\n"
        "  cla:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: contributor-assistant/github-action@v2.6.1\n        env:\n"
        "          PERSONAL_ACCESS_TOKEN: ${{ secrets.PERSONAL_ACCESS_TOKEN }}\n"
        "      - run: ./sync-azure-devops.sh\n        env:\n"
        "          PERSONAL_ACCESS_TOKEN: ${{ secrets.AZDO_TOKEN }}\n"
    )
    first, second = _run("LLC-GHA-008", code)
    assert first.location.line == 6
    assert "passed to o/p/.github/workflows/release.yml" in first.message
    assert "secrets.ORG_BOT_PAT" in first.message
    assert second.location.line == 12
