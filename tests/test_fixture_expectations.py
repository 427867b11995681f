"""The demo repository's findings, exactly: a lost finding and an extra one both fail.

``fixtures/demo-repo`` is the first thing a new user scans (the README's Quickstart), so its
files carry no test markers: what outlive must report there is the table below, one row per
finding, ``(path inside the demo, line, rule, severity)``. The scan is the user's: the real
command line, every rule, ``--show-info`` so that the info-level documentation key counts too.
Every directory under ``fixtures/`` needs a table here, so a new fixture cannot go unchecked.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from scanner.cli import main
from scanner.registry import all_rules

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"

Row = tuple[str, int, str, str]

EXPECTED: dict[str, frozenset[Row]] = {
    "demo-repo": frozenset(
        {
            # A stored AWS key handed to configure-aws-credentials where OIDC exists.
            (".github/workflows/deploy.yml", 13, "LLC-GHA-001", "high"),
            # An agent's MCP server given a literal API key.
            (".mcp.json", 8, "LLC-AGT-001", "high"),
            # The fake session: a refresh grant, repeated for ever by a background thread.
            ("app/ledger_sync.py", 37, "LLC-FS-001", "medium"),
            ("app/ledger_sync.py", 63, "LLC-FS-003", "high"),
            # AWS's documentation key: info only, never a failure.
            ("app/settings.py", 8, "LLC-SRC-001", "info"),
            # reporting_token() mints a JWT without `exp`; service_token() above it is fine.
            ("app/tokens.py", 21, "LLC-PY-001", "high"),
            # A committed private key (its body is base64 of an English sentence).
            ("deploy/ledger-sync-deploy.key", 1, "LLC-SRC-007", "critical"),
            # A broker password inside a URL in the systemd unit.
            ("deploy/ledger-sync.service", 10, "LLC-SRC-013", "high"),
            # Long-term IAM access keys created by CloudFormation and Terraform.
            ("infra/legacy-stack.yaml", 11, "LLC-IAC-001", "high"),
            ("infra/main.tf", 12, "LLC-IAC-001", "high"),
            # One of reporting_token()'s tokens, pasted into the report job's config.
            ("reporting/nightly.env", 4, "LLC-SRC-012", "high"),
        }
    ),
    # Terraform modules for AWS, GCP, Azure and Vault: keys, long sessions, far end dates,
    # unbounded Vault tokens and roles, unrotated stored secrets; the federated forms are quiet.
    "iac-terraform": frozenset(
        {
            # The call of the local gcp-ci module, which always mints its jenkins key.
            ("envs/prod/main.tf", 6, "LLC-IAC-003", "high"),
            ("envs/prod/main.tf", 26, "LLC-IAC-001", "high"),
            ("envs/prod/vault.tf.json", 17, "LLC-IAC-006", "medium"),
            ("modules/aws-ci/main.tf", 18, "LLC-IAC-002", "medium"),
            ("modules/aws-ci/main.tf", 34, "LLC-IAC-009", "medium"),
            ("modules/azure-app/main.tf", 19, "LLC-IAC-004", "high"),
            ("modules/azure-app/main.tf", 42, "LLC-IAC-009", "medium"),
            ("modules/gcp-ci/main.tf", 26, "LLC-IAC-003", "high"),
            ("modules/gcp-ci/main.tf", 31, "LLC-IAC-003", "high"),
            ("modules/vault-auth/main.tf", 22, "LLC-IAC-006", "high"),
            ("modules/vault-auth/main.tf", 41, "LLC-IAC-005", "high"),
        }
    ),
    # Provider and backend credentials, and literals in Terraform, CloudFormation, Ansible
    # and serverless.yml; references, random_password and secret-manager reads are quiet.
    "iac-config": frozenset(
        {
            ("api/serverless.yml", 13, "LLC-IAC-010", "high"),
            ("cfn/stack.yaml", 9, "LLC-IAC-010", "high"),
            ("envs/prod.tfvars", 4, "LLC-IAC-010", "high"),
            ("infra/main.tf", 23, "LLC-IAC-010", "high"),
            ("infra/main.tf", 31, "LLC-IAC-010", "high"),
            ("infra/providers.tf", 30, "LLC-IAC-007", "high"),
            ("infra/providers.tf", 35, "LLC-IAC-007", "medium"),
            ("infra/providers.tf", 41, "LLC-IAC-007", "critical"),
            ("infra/variables.tf", 18, "LLC-IAC-010", "high"),
            ("playbooks/deploy.yml", 5, "LLC-IAC-010", "high"),
        }
    ),
    # Federation trust: open or org-wide `sub` conditions in Terraform, CloudFormation, a
    # policy file and a GCP pool; pinned subjects are quiet.
    "iac-trust": frozenset(
        {
            ("cloudformation/github-oidc.yaml", 41, "LLC-IAC-008", "critical"),
            ("iam/gitlab-deploy-trust.json", 16, "LLC-IAC-008", "high"),
            ("terraform/eks-irsa.tf", 55, "LLC-IAC-008", "medium"),
            ("terraform/gcp-wif.tf", 19, "LLC-IAC-008", "critical"),
            ("terraform/github-oidc.tf", 48, "LLC-IAC-008", "high"),
            ("terraform/github-oidc.tf", 60, "LLC-IAC-008", "critical"),
            ("terraform/github-oidc.tf", 72, "LLC-IAC-002", "low"),
        }
    ),
    # A Helm chart, kustomize overlays, manifests and a kubeconfig; IRSA, projected short
    # tokens, ExternalSecrets and exec plugins are quiet.
    "k8s-helm": frozenset(
        {
            ("charts/webapp/templates/deployment.yaml", 40, "LLC-K8S-003", "low"),
            ("charts/webapp/templates/legacy-token.yaml", 9, "LLC-K8S-001", "high"),
            ("charts/webapp/values-onprem.yaml", 4, "LLC-SRC-001", "info"),
            ("charts/webapp/values-onprem.yaml", 5, "LLC-K8S-004", "critical"),
            ("kubeconfig/ci.kubeconfig.yaml", 14, "LLC-K8S-006", "critical"),
            ("kustomize/base/deployment.yaml", 16, "LLC-K8S-004", "medium"),
            ("kustomize/base/serviceaccount.yaml", 5, "LLC-K8S-002", "medium"),
            ("kustomize/overlays/prod/kustomization.yaml", 9, "LLC-K8S-005", "high"),
            ("manifests/db-secret.yaml", 8, "LLC-K8S-005", "high"),
            ("manifests/vault-agent.yaml", 15, "LLC-K8S-004", "medium"),
            ("manifests/vault-agent.yaml", 25, "LLC-K8S-003", "medium"),
        }
    ),
    # Dockerfiles (build-arg secrets, a copied key, a login in RUN), compose files and a
    # devcontainer mounting host credentials; secret mounts and dev-only passwords are quiet.
    "docker-compose-app": frozenset(
        {
            (".devcontainer/devcontainer.json", 7, "LLC-DCK-003", "low"),
            ("api/Dockerfile", 5, "LLC-DCK-001", "medium"),
            ("docker-compose.prod.yml", 8, "LLC-DCK-003", "critical"),
            ("docker-compose.prod.yml", 11, "LLC-DCK-003", "high"),
            ("docker-compose.yml", 18, "LLC-DCK-003", "medium"),
            ("worker/Dockerfile", 3, "LLC-DCK-001", "medium"),
            ("worker/Dockerfile", 6, "LLC-CI-001", "medium"),
            ("worker/Dockerfile", 9, "LLC-DCK-002", "high"),
        }
    ),
    # A Pulumi program and its stack config: an access key, a 12-hour session, an unrotated
    # secret, a GCP key, a far Entra end date, a periodic Vault token, a plain config secret.
    "iac-pulumi": frozenset(
        {
            ("Pulumi.prod.yaml", 6, "LLC-IAC-010", "high"),
            ("__main__.py", 28, "LLC-IAC-001", "high"),
            ("__main__.py", 35, "LLC-IAC-002", "medium"),
            ("__main__.py", 48, "LLC-IAC-009", "medium"),
            ("identity.py", 27, "LLC-IAC-003", "high"),
            ("identity.py", 33, "LLC-IAC-004", "high"),
            ("identity.py", 38, "LLC-IAC-005", "high"),
        }
    ),
    # A CDK app: an access key, a long session, a secret without rotation; the OIDC role,
    # the one-hour session and the rotated secret are quiet.
    "iac-cdk": frozenset(
        {
            ("stacks/ci_stack.py", 12, "LLC-IAC-001", "high"),
            ("stacks/ci_stack.py", 27, "LLC-IAC-002", "medium"),
            ("stacks/ci_stack.py", 37, "LLC-IAC-009", "medium"),
        }
    ),
    # Each CI fixture holds the static form and the federated form of the same jobs: only the
    # static ones may be reported (the `-oidc`/`-wif` files and jobs stay quiet).
    "ci-azure": frozenset(
        {
            # `az login --service-principal -p` with a secret from the variable group.
            ("azure-pipelines.yml", 29, "LLC-CI-006", "medium"),
            # The same secret handed to Terraform through step env, and the connection's key
            # exported by an AzureCLI@2 inline script.
            ("azure-pipelines.yml", 36, "LLC-AZP-001", "medium"),
            ("azure-pipelines.yml", 45, "LLC-AZP-001", "medium"),
        }
    ),
    "ci-bitbucket": frozenset(
        {
            # The S3 pipe given repository-variable keys in a step without `oidc: true`.
            ("bitbucket-pipelines.yml", 26, "LLC-BBP-001", "high"),
        }
    ),
    "ci-circleci": frozenset(
        {
            # aws-cli/setup given the context's IAM-user keys instead of `role_arn`. The twine
            # publish stays quiet: PyPI has no trusted publishing for CircleCI.
            (".circleci/config.yml", 24, "LLC-CCI-001", "high"),
        }
    ),
    "ci-github": frozenset(
        {
            # Workflow-level env puts an Entra ID client secret into every job.
            (".github/workflows/deploy.yml", 9, "LLC-GHA-002", "high"),
            (".github/workflows/deploy.yml", 26, "LLC-GHA-004", "high"),
            (".github/workflows/deploy.yml", 35, "LLC-GHA-003", "high"),
            (".github/workflows/deploy.yml", 47, "LLC-GHA-007", "high"),
            # twine and the PyPI action with stored tokens, npm with NODE_AUTH_TOKEN.
            (".github/workflows/release.yml", 19, "LLC-CI-002", "high"),
            (".github/workflows/release.yml", 32, "LLC-GHA-005", "high"),
            (".github/workflows/release.yml", 48, "LLC-GHA-006", "high"),
            (".github/workflows/release.yml", 56, "LLC-CI-001", "medium"),
            (".github/workflows/release.yml", 65, "LLC-GHA-008", "medium"),
            (".github/workflows/release.yml", 71, "LLC-GHA-009", "medium"),
        }
    ),
    "ci-gitlab": frozenset(
        {
            # The AWS CLI on shared runners with neither `id_tokens:` nor anything else in the
            # file to authenticate it: only project-variable keys can.
            ("ci/deploy.yml", 5, "LLC-GLC-001", "low"),
            ("ci/deploy.yml", 19, "LLC-CI-002", "high"),
            ("ci/deploy.yml", 27, "LLC-GLC-002", "low"),
        }
    ),
    "ci-jenkins": frozenset(
        {
            ("Jenkinsfile", 22, "LLC-CI-001", "medium"),
            ("Jenkinsfile", 31, "LLC-JNK-001", "medium"),
        }
    ),
    "ci-scripts": frozenset(
        {
            # Run by hand or by make: no CI context, so no trusted-publishing advice (the twine
            # line is quiet) but the argv password and the minted credentials are findings.
            ("Makefile", 8, "LLC-CI-001", "medium"),
            ("Makefile", 12, "LLC-CI-003", "medium"),
            ("scripts/bootstrap-ci-user.sh", 8, "LLC-CI-003", "high"),
            ("scripts/bootstrap-ci-user.sh", 10, "LLC-CI-005", "high"),
            ("scripts/bootstrap-ci-user.sh", 14, "LLC-CI-004", "high"),
            ("scripts/bootstrap-ci-user.sh", 16, "LLC-CI-006", "high"),
        }
    ),
}


def _scan(fixture: str, monkeypatch: pytest.MonkeyPatch) -> dict:
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(
        main,
        ["scan", "--no-cache", "--jobs", "1", "--show-info", "--format", "json",
         f"fixtures/{fixture}"],
        catch_exceptions=False,
    )
    assert result.exit_code == 1, result.output
    return json.loads(result.stdout)


def _inside(path: str, fixture: str) -> str:
    """A finding's path relative to the fixture, whichever root the report is relative to."""
    prefix = f"fixtures/{fixture}/"
    return path[len(prefix):] if path.startswith(prefix) else path


@pytest.mark.parametrize("fixture", sorted(EXPECTED))
def test_fixture_findings_are_exactly_the_table(fixture: str,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    report = _scan(fixture, monkeypatch)
    # Notes (a file skipped on purpose) may come and go; nothing may be left unread.
    problems = [e for e in report["errors"] if e["level"] != "note"]
    assert problems == [], problems
    messages = {
        (_inside(f["location"]["path"], fixture), f["location"]["line"], f["rule"],
         f["severity"]): f["message"]
        for f in report["findings"]
    }
    assert len(messages) == len(report["findings"]), "two findings share a row"
    found = set(messages)
    expected = EXPECTED[fixture]
    lines = []
    for row in sorted(expected - found):
        lines.append(f"missing:    {row}")
    for row in sorted(found - expected):
        lines.append(f"unexpected: {row} {messages[row]}")
    assert not lines, "\n" + "\n".join(lines)


def test_every_fixture_directory_has_a_table() -> None:
    directories = {p.name for p in FIXTURES.iterdir() if p.is_dir()}
    assert directories == set(EXPECTED), (
        "each directory under fixtures/ needs its expected findings in EXPECTED"
    )


def test_table_names_real_rules_and_files() -> None:
    known = {r.META.id for r in all_rules()}
    for fixture, rows in EXPECTED.items():
        for path, line, rule, severity in rows:
            assert rule in known, rule
            assert severity in {"critical", "high", "medium", "low", "info"}, severity
            file = FIXTURES / fixture / path
            assert file.is_file(), file
            assert 1 <= line <= len(file.read_text(encoding="utf-8").splitlines()), (path, line)


def test_fixtures_carry_no_test_markers() -> None:
    """The demo is a demo: no `expect:` comment for a reader to wonder about."""
    marked = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted(FIXTURES.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
        for number, line in enumerate(
            path.read_bytes().decode("utf-8", "replace").splitlines(), start=1
        )
        if "expect:" in line
    ]
    assert not marked, marked


def test_demo_readme_names_every_flagged_file() -> None:
    """The demo's README says what is flagged: it must not drift from the table."""
    readme = (FIXTURES / "demo-repo" / "README.md").read_text(encoding="utf-8")
    unnamed = sorted(
        path
        for path, _, _, severity in EXPECTED["demo-repo"]
        if severity != "info"
        and f"`{path}`" not in readme
        and f"`{path.split('/', 1)[0]}/`" not in readme
    )
    assert not unnamed, unnamed
