"""Facts from other files of the tree: local Terraform modules and federated ServiceAccounts.

Each test builds a real directory tree and scans it through the command line, so the project
pre-pass, the rule API accessor, the related locations and the results cache are all in play.
"""

from __future__ import annotations

import json
import pickle
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from scanner.cli import main
from scanner.project import survey

USER_MODULE = """\
resource "aws_iam_user" "this" {
  count = var.create_user ? 1 : 0
  name  = var.name
}

resource "aws_iam_access_key" "this" {
  count   = var.create_user && var.create_iam_access_key && var.pgp_key != "" ? 1 : 0
  user    = aws_iam_user.this[0].name
  pgp_key = var.pgp_key
  status  = var.key_status
}

resource "aws_iam_access_key" "this_no_pgp" {
  count = var.create_user && var.create_iam_access_key && var.pgp_key == "" ? 1 : 0
  user  = aws_iam_user.this[0].name
  status = var.key_status
}
"""


def _variables(key_default: str) -> str:
    return (
        'variable "create_user" {\n  type    = bool\n  default = true\n}\n'
        f'variable "create_iam_access_key" {{\n  type    = bool\n  default = {key_default}\n}}\n'
        'variable "pgp_key" {\n  type    = string\n  default = ""\n}\n'
        'variable "name" {\n  type = string\n}\n'
        'variable "key_status" {\n  default = "Active"\n}\n'
    )


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _scan(root: Path, *extra: str) -> list[dict[str, Any]]:
    result = CliRunner().invoke(
        main, ["scan", "--format", "json", *extra, str(root)], catch_exceptions=False
    )
    assert result.exit_code in (0, 1), result.output
    findings: list[dict[str, Any]] = json.loads(result.stdout)["findings"]
    return findings


def _at(findings: list[dict[str, Any]], rule: str, path: str) -> list[dict[str, Any]]:
    return [f for f in findings if f["rule"] == rule and f["location"]["path"] == path]


@pytest.fixture
def aws_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "repo"
    _write(root, {
        "modules/iam-user/main.tf": USER_MODULE,
        "modules/iam-user/variables.tf": _variables("true"),
        "examples/iam-user/main.tf": (
            'module "ci" {\n  source = "../../modules/iam-user"\n  name   = "ci"\n'
            '  pgp_key = "keybase:ops"\n}\n'
        ),
        "examples/asked/main.tf": (
            'module "deploy" {\n  source                = "../../modules/iam-user"\n'
            '  name                  = "deploy"\n  create_iam_access_key = true\n}\n'
        ),
        "examples/no-key/main.tf": (
            'module "reader" {\n  source                = "../../modules/iam-user"\n'
            '  name                  = "reader"\n  create_iam_access_key = false\n}\n'
            'module "maybe" {\n  source                = "../../modules/iam-user"\n'
            '  name                  = "maybe"\n  create_iam_access_key = var.with_key\n}\n'
            'module "nobody" {\n  source      = "../../modules/iam-user"\n'
            '  name        = "nobody"\n  create_user = false\n}\n'
            'module "frozen" {\n  source                = "../../modules/iam-user"\n'
            '  name                  = "frozen"\n  create_iam_access_key = true\n'
            '  key_status            = "Inactive"\n}\n'
        ),
    })
    monkeypatch.chdir(root)
    return root


def test_an_input_that_mints_a_key_points_at_the_module_resource(aws_tree: Path) -> None:
    findings = _scan(aws_tree)
    asked = _at(findings, "LLC-IAC-001", "examples/asked/main.tf")
    assert [f["location"]["line"] for f in asked] == [4]
    related = asked[0]["related"]
    assert [(r["location"]["path"], r["location"]["line"], r["location"]["column"])
            for r in related] == [("modules/iam-user/main.tf", 6, 1),
                                  ("modules/iam-user/main.tf", 13, 1)]
    assert "aws_iam_access_key.this" in related[0]["message"]
    assert "modules/iam-user/main.tf:6" in asked[0]["message"]
    # The module's own resources are findings in the module, as before.
    assert [f["location"]["line"] for f in
            _at(findings, "LLC-IAC-001", "modules/iam-user/main.tf")] == [6, 13]


def test_a_key_the_module_makes_by_default_is_found_at_the_source(aws_tree: Path) -> None:
    findings = _scan(aws_tree)
    default = _at(findings, "LLC-IAC-001", "examples/iam-user/main.tf")
    assert [f["location"]["line"] for f in default] == [2]
    assert "by default" in default[0]["message"]
    assert {r["location"]["path"] for r in default[0]["related"]} == {"modules/iam-user/main.tf"}
    # Switched off, set from a variable (not known), its user not created, or the key made
    # inactive through the module's input: quiet.
    assert _at(findings, "LLC-IAC-001", "examples/no-key/main.tf") == []


def test_the_cache_follows_a_change_in_the_module(aws_tree: Path) -> None:
    first = _at(_scan(aws_tree), "LLC-IAC-001", "examples/asked/main.tf")
    assert first[0]["related"][0]["location"]["line"] == 6
    module = aws_tree / "modules/iam-user/main.tf"
    module.write_text("# the user and its keys\n\n" + USER_MODULE, encoding="utf-8")
    second = _at(_scan(aws_tree), "LLC-IAC-001", "examples/asked/main.tf")
    assert second[0]["related"][0]["location"]["line"] == 8
    # The default turned off: the call that relied on it no longer mints a key, though the
    # calling file did not change.
    assert _at(_scan(aws_tree), "LLC-IAC-001", "examples/iam-user/main.tf") != []
    (aws_tree / "modules/iam-user/variables.tf").write_text(_variables("false"), "utf-8")
    assert _at(_scan(aws_tree), "LLC-IAC-001", "examples/iam-user/main.tf") == []


def test_a_key_input_named_by_the_module_and_a_local(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    _write(root, {
        "infra/modules/bot/main.tf": (
            'locals {\n  mint = var.enabled && var.enable_deploy_key\n}\n'
            'resource "aws_iam_user" "bot" {\n  name = "bot"\n}\n'
            'resource "aws_iam_access_key" "bot" {\n  count = local.mint ? 1 : 0\n'
            '  user  = aws_iam_user.bot.name\n}\n'
        ),
        "infra/modules/bot/variables.tf": (
            'variable "enabled" {\n  default = true\n}\n'
            'variable "enable_deploy_key" {\n  default = false\n}\n'
        ),
        "infra/main.tf": (
            'module "bot" {\n  source            = "./modules/bot"\n'
            '  enable_deploy_key = true\n}\n'
        ),
    })
    found = _at(_scan(root, "--no-cache"), "LLC-IAC-001", "infra/main.tf")
    assert [f["location"]["line"] for f in found] == [3]
    assert found[0]["related"][0]["location"]["path"] == "infra/modules/bot/main.tf"
    assert found[0]["related"][0]["location"]["line"] == 7


def test_a_gcp_module_in_the_tree(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    _write(root, {
        "modules/sa/main.tf": (
            'resource "google_service_account" "this" {\n  for_each   = toset(var.names)\n'
            '  account_id = each.value\n}\n'
            'resource "google_service_account_key" "keys" {\n'
            '  for_each           = var.generate_keys ? toset(var.names) : toset([])\n'
            '  service_account_id = google_service_account.this[each.value].email\n}\n'
        ),
        "modules/sa/variables.tf": (
            'variable "names" {\n  type = list(string)\n}\n'
            'variable "generate_keys" {\n  type    = bool\n  default = false\n}\n'
        ),
        "envs/prod/main.tf": (
            'module "sa" {\n  source        = "../../modules/sa"\n  names         = ["ci"]\n'
            '  generate_keys = true\n}\n'
            'module "quiet" {\n  source = "../../modules/sa"\n  names  = ["web"]\n}\n'
        ),
    })
    found = _at(_scan(root, "--no-cache"), "LLC-IAC-003", "envs/prod/main.tf")
    assert [f["location"]["line"] for f in found] == [4]
    assert found[0]["related"][0]["location"] == {
        "path": "modules/sa/main.tf", "line": 5, "column": 1, "end_line": 8, "end_column": 2,
    }


# -- federated ServiceAccounts in other files ---------------------------------------------------

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      serviceAccountName: web
      containers:
        - name: web
          image: web:1
          env:
            - name: AWS_SECRET_ACCESS_KEY
              valueFrom:
                secretKeyRef: {name: web-aws, key: secret}
"""
ACCOUNT = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web\n"
IRSA = (
    "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web\n  annotations:\n"
    "    eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/web\n"
)


@pytest.fixture
def kustomize_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "repo"
    _write(root, {
        "apps/web/base/kustomization.yaml": "resources:\n  - deployment.yaml\n  - sa.yaml\n",
        "apps/web/base/deployment.yaml": DEPLOYMENT,
        "apps/web/base/sa.yaml": ACCOUNT,
        "apps/web/overlays/prod/kustomization.yaml": (
            "namespace: web\nresources:\n  - ../../base\npatches:\n  - path: sa-patch.yaml\n"
        ),
        "apps/web/overlays/prod/sa-patch.yaml": IRSA,
        # Another application with an account of the same name, federated nowhere.
        "apps/api/deployment.yaml": DEPLOYMENT,
    })
    monkeypatch.chdir(root)
    return root


def test_an_overlay_that_federates_the_account_quiets_the_base(kustomize_tree: Path) -> None:
    findings = _scan(kustomize_tree)
    assert _at(findings, "LLC-K8S-004", "apps/web/base/deployment.yaml") == []
    assert len(_at(findings, "LLC-K8S-004", "apps/api/deployment.yaml")) == 1


def test_the_cache_follows_a_change_in_the_account_file(kustomize_tree: Path) -> None:
    assert _at(_scan(kustomize_tree), "LLC-K8S-004", "apps/web/base/deployment.yaml") == []
    (kustomize_tree / "apps/web/overlays/prod/sa-patch.yaml").write_text(ACCOUNT, "utf-8")
    again = _at(_scan(kustomize_tree), "LLC-K8S-004", "apps/web/base/deployment.yaml")
    assert [f["location"]["line"] for f in again] == [13]


def test_a_literal_key_is_never_quiet_and_namespaces_must_agree(tmp_path: Path) -> None:
    literal = DEPLOYMENT.replace(
        "              valueFrom:\n                secretKeyRef: {name: web-aws, key: secret}\n",
        "              value: " + "wJalr" + "XUtnFEMI/K7MDENG/bPxRfiCY" + "Q" * 15 + "\n",
    )
    root = tmp_path / "repo"
    _write(root, {
        "k8s/accounts.yaml": IRSA.replace("name: web\n", "name: web\n  namespace: prod\n"),
        "k8s/web/deployment.yaml": DEPLOYMENT,
        "k8s/web/literal.yaml": literal.replace("name: web\nspec", "name: lit\nspec"),
        "k8s/staging/deployment.yaml": DEPLOYMENT.replace(
            "name: web\nspec", "name: web\n  namespace: staging\nspec"),
    })
    findings = _scan(root, "--no-cache")
    assert _at(findings, "LLC-K8S-004", "k8s/web/deployment.yaml") == []
    assert len(_at(findings, "LLC-K8S-004", "k8s/web/literal.yaml")) == 1
    assert len(_at(findings, "LLC-K8S-004", "k8s/staging/deployment.yaml")) == 1


def test_an_account_below_the_workload_or_in_a_template_does_not_count(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    _write(root, {
        "deploy/deployment.yaml": DEPLOYMENT,
        "deploy/other/sa.yaml": IRSA,
        "chart/Chart.yaml": "apiVersion: v2\nname: web\nversion: 1.0.0\n",
        "chart/templates/sa.yaml": IRSA.replace("name: web\n", "name: {{ .Release.Name }}\n"),
    })
    assert len(_at(_scan(root, "--no-cache"), "LLC-K8S-004", "deploy/deployment.yaml")) == 1


def test_the_facts_are_small_picklable_and_keyed(kustomize_tree: Path) -> None:
    files = [str(p.relative_to(kustomize_tree)) for p in kustomize_tree.rglob("*") if p.is_file()]
    facts = survey(kustomize_tree, files)
    assert [a.location.path for a in facts.accounts] == ["apps/web/overlays/prod/sa-patch.yaml"]
    assert "apps/web/base" in facts.accounts[0].builds
    assert pickle.loads(pickle.dumps(facts)) == facts  # noqa: S301 - our own bytes
    assert "sa-patch.yaml" in facts.cache_part()
    assert survey(kustomize_tree, ["apps/api/deployment.yaml"]).accounts == ()


def test_terraform_accounts_serve_their_own_module(tmp_path: Path) -> None:
    account = (
        'resource "kubernetes_service_account_v1" "app" {\n  metadata {\n    name = "app"\n'
        '    annotations = {\n      "eks.amazonaws.com/role-arn" = aws_iam_role.app.arn\n'
        "    }\n  }\n}\n"
    )
    deployment = (
        'resource "kubernetes_deployment_v1" "app" {\n  metadata { name = "app" }\n'
        "  spec {\n    template {\n      metadata {}\n      spec {\n"
        '        service_account_name = "app"\n        container {\n'
        '          name  = "app"\n          image = "app:1"\n          env {\n'
        '            name = "AWS_SECRET_ACCESS_KEY"\n            value_from {\n'
        '              secret_key_ref {\n                name = "legacy"\n'
        '                key  = "secret"\n              }\n            }\n          }\n'
        "        }\n      }\n    }\n  }\n}\n"
    )
    root = tmp_path / "repo"
    _write(root, {"k8s/sa.tf": account, "k8s/app.tf": deployment,
                  "k8s/other/app.tf": deployment})
    findings = _scan(root, "--no-cache")
    assert _at(findings, "LLC-K8S-004", "k8s/app.tf") == []
    assert len(_at(findings, "LLC-K8S-004", "k8s/other/app.tf")) == 1


def test_an_optional_key_secret_is_a_low_fallback(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    _write(root, {"deploy/controller.yaml": DEPLOYMENT.replace(
        "key: secret}", "key: secret, optional: true}")})
    found = _at(_scan(root, "--no-cache"), "LLC-K8S-004", "deploy/controller.yaml")
    assert [(f["severity"], f["location"]["line"]) for f in found] == [("low", 13)]
    assert "optional: true" in found[0]["message"]


def test_the_module_types_agree_with_the_credential_table() -> None:
    from scanner.documents.iac.credential_resources import credential_resource
    from scanner.project import MODULE_CREDENTIAL_TYPES

    for native, canonical in MODULE_CREDENTIAL_TYPES:
        assert native in credential_resource(canonical).natives["terraform"]
