"""The Kubernetes view and the LLC-K8S rules: examples, Helm templates, kustomize, kubeconfigs.

The rule classes are imported directly (not through the registry) so these tests say what the
K8S family does whatever state the other families are in.
"""

from __future__ import annotations

import base64
from collections import Counter
from dataclasses import replace

import pytest
from outlive_rules.k8s.k8s001_service_account_token_secret import ServiceAccountTokenSecret
from outlive_rules.k8s.k8s002_service_account_token_secrets import ServiceAccountTokenSecrets
from outlive_rules.k8s.k8s003_projected_token_long_expiry import ProjectedTokenLongExpiry
from outlive_rules.k8s.k8s004_static_cloud_credentials_in_workload import (
    StaticCloudCredentialsInWorkload,
)
from outlive_rules.k8s.k8s005_secret_committed_values import SecretCommittedValues
from outlive_rules.k8s.k8s006_kubeconfig_embedded_credentials import KubeconfigEmbeddedCredentials

from scanner.api import BASE64, Rule, fake_token
from scanner.config import Config
from scanner.documents.k8s import build
from scanner.documents.k8s.helm import compose, mask
from scanner.documents.yaml import YamlDocument
from scanner.engine import Engine
from scanner.filekinds import FileKind, classify
from scanner.testing import default_path, run_example, run_rule

RULES: tuple[type[Rule], ...] = (
    ServiceAccountTokenSecret,
    ServiceAccountTokenSecrets,
    ProjectedTokenLongExpiry,
    StaticCloudCredentialsInWorkload,
    SecretCommittedValues,
    KubeconfigEmbeddedCredentials,
)
EXAMPLES = [
    pytest.param(rule, example, id=f"{rule.META.id}-{kind}-{i}")
    for rule in RULES
    for kind, examples in (("valid", rule.VALID), ("invalid", rule.INVALID))
    for i, example in enumerate(examples)
]


@pytest.mark.parametrize(("rule", "example"), EXAMPLES)
def test_examples(rule: type[Rule], example: object) -> None:
    run = run_example(rule, example)  # type: ignore[arg-type]
    assert run.lines == run.expected, [(f.line, f.message) for f in run.findings]


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.META.id)
def test_three_examples_each_way_per_kind(rule: type[Rule]) -> None:
    def kinds(examples: object) -> Counter[FileKind]:
        return Counter(
            classify(e.path or default_path(rule), e.code.encode()[:8192])
            for e in examples  # type: ignore[attr-defined]
        )

    valid, invalid = kinds(rule.VALID), kinds(rule.INVALID)
    short = {k.value: (valid[k], invalid[k]) for k in rule.META.kinds
             if valid[k] < 3 or invalid[k] < 3}
    assert not short, short
    assert rule.__doc__
    assert "Use instead:" in rule.__doc__


# -- the view ---------------------------------------------------------------------------------


def _view(text: str, rel: str = "k8s/all.yaml"):  # type: ignore[no-untyped-def]
    return build(rel, YamlDocument(rel, text).roots)


def test_pod_specs_of_every_workload_kind() -> None:
    pod = "containers: [ { name: c, image: i } ]"
    text = "\n---\n".join(
        [
            f"apiVersion: v1\nkind: Pod\nmetadata: {{ name: p }}\nspec: {{ {pod} }}",
            *(
                f"apiVersion: apps/v1\nkind: {kind}\nmetadata: {{ name: {kind.lower()} }}\n"
                f"spec:\n  template:\n    spec: {{ {pod} }}"
                for kind in ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet")
            ),
            f"apiVersion: batch/v1\nkind: Job\nmetadata: {{ name: j }}\n"
            f"spec:\n  template:\n    spec: {{ {pod} }}",
            f"apiVersion: batch/v1\nkind: CronJob\nmetadata: {{ name: cj }}\nspec:\n"
            f"  jobTemplate:\n    spec:\n      template:\n        spec: {{ {pod} }}",
        ]
    )
    view = _view(text)
    assert [p.owner.kind for p in view.pod_specs] == [
        "Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob",
    ]
    assert all(p.containers[0].name == "c" for p in view.pod_specs)


def test_env_entries_and_secret_data_positions() -> None:
    encoded = base64.b64encode(b"s3cr3t-value").decode()
    view = _view(
        "apiVersion: v1\nkind: Pod\nmetadata: { name: p }\nspec:\n  containers:\n"
        "    - name: c\n      env:\n        - { name: A, value: lit }\n"
        "        - name: B\n          valueFrom: { secretKeyRef: { name: s, key: k } }\n"
        "      envFrom: [ { secretRef: { name: s } } ]\n---\n"
        f"apiVersion: v1\nkind: Secret\nmetadata: {{ name: s }}\ndata:\n  k: {encoded}\n"
        "stringData: { plain: text }\n"
    )
    env = view.pod_specs[0].containers[0].env
    assert (env[0].name, env[0].text) == ("A", "lit")
    assert (env[1].secret_name, env[1].secret_key) == ("s", "k")
    assert view.pod_specs[0].containers[0].env_from[0].secret == "s"
    data, plain = view.secrets[0].entries
    assert (data.text, data.encoded, plain.text) == ("s3cr3t-value", True, "text")
    assert (data.value_node.start_mark.line, data.value_node.start_mark.column) == (16, 5)


def test_kustomize_literal_targets_the_value() -> None:
    view = _view("secretGenerator:\n  - name: app\n    literals:\n      - KEY=value123\n",
                 "base/kustomization.yaml")
    literal = view.generators[0].literals[0]
    assert (literal.key, literal.text) == ("KEY", "value123")
    assert (literal.target.start_mark.column, literal.target.end_mark.column) == (12, 20)


def test_aliases_that_loop_are_read_once() -> None:
    text = ("apiVersion: v1\nkind: List\nitems: &a\n  - apiVersion: v1\n    kind: List\n"
            "    items: *a\n")
    assert [m.kind for m in _view(text).manifests] == ["List", "List"]
    values = "aws: &a\n  secretKey: x\n  again: *a\n"
    assert run_rule(StaticCloudCredentialsInWorkload, values, "chart/values.yaml") == ()


def test_sops_files_are_marked() -> None:
    text = ("apiVersion: v1\nkind: Secret\nmetadata: { name: s }\n"
            "stringData: { k: 'ENC[AES256_GCM,data:abc,type:str]' }\n")
    assert build("s.yaml", YamlDocument("s.yaml", text).roots, sops_hint=True).sops


# -- Helm templates ---------------------------------------------------------------------------

TEMPLATE = """\
{{- if .Values.serviceAccount.create -}}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "app.serviceAccountName" . }}
  labels:
    {{- include "app.labels" . | nindent 4 }}
secrets:
  - name: {{ .Release.Name }}-token
{{- end }}
---
{{ broken: [ yaml
---
apiVersion: v1
kind: Secret
type: kubernetes.io/service-account-token
metadata: { name: x }
"""


def test_mask_keeps_positions() -> None:
    masked = mask(TEMPLATE)
    assert masked.count("\n") == TEMPLATE.count("\n")
    for before, after in zip(TEMPLATE.splitlines(), masked.splitlines(), strict=True):
        if "{{" not in before:
            assert before == after
        elif before.strip().startswith("{{") and before.strip().endswith("}}"):
            assert after == ""  # an action alone on its line is removed
        elif before.rstrip().endswith("}}") and ": {{" in before:
            assert after == before[: before.index("{{")]  # a key's whole value: removed
        else:  # inside a line: the same length, the rest in place
            assert len(after) == len(before)
            assert after[:8] == before[:8]
    assert masked.count("{{") == 1  # only the unclosed one of the broken document


def test_template_documents_that_parse_are_kept() -> None:
    roots = compose(TEMPLATE)
    assert len(roots) == 2  # the broken middle document is dropped
    assert roots[1].start_mark.line == 13


def test_template_that_does_not_parse_is_quiet() -> None:
    engine = Engine(list(RULES), Config())
    text = "{{- define \"x\" }}\nsecrets: [ {{ .a }\n  - : : ]\n{{- end }}\n"
    result = engine.scan_bytes("chart/templates/broken.yaml", text.encode())
    assert result.errors == ()
    assert result.findings == ()


def test_template_findings_have_exact_lines() -> None:
    lines = [f.location.line for f in run_rule(ServiceAccountTokenSecrets, TEMPLATE,
                                      "chart/templates/sa.yaml")]
    assert lines == [8]
    lines = [f.location.line for f in run_rule(ServiceAccountTokenSecret, TEMPLATE,
                                      "chart/templates/sa.yaml")]
    assert lines == [16]


def test_helpers_tpl_is_not_read() -> None:
    text = "{{- define \"x\" -}}\nkind: Secret\ntype: kubernetes.io/service-account-token\n"
    assert run_rule(ServiceAccountTokenSecret, text, "chart/templates/_helpers.tpl") == ()


# -- severities, lifetimes, values ------------------------------------------------------------


def test_literal_is_critical_and_reference_medium() -> None:
    findings = run_rule(StaticCloudCredentialsInWorkload, StaticCloudCredentialsInWorkload
                        .INVALID[1].code, "k8s/job.yaml")
    assert [(f.severity.value, str(f.lifetime)) for f in findings] == [
        ("critical", "static"), ("medium", "static")]


def test_projected_token_lifetime_is_the_duration() -> None:
    first = ProjectedTokenLongExpiry.INVALID[0]
    (finding,) = run_rule(ProjectedTokenLongExpiry, first.code, first.path)
    assert str(finding.lifetime) == "P365D"


def test_threshold_is_configurable() -> None:
    config = Config()
    config = replace(config, thresholds=replace(config.thresholds, k8s_token_max_seconds=86400))
    code = ProjectedTokenLongExpiry.INVALID[2].code  # 7200 s
    assert run_rule(ProjectedTokenLongExpiry, code, "chart/templates/statefulset.yaml",
                    config) == ()


def test_secret_value_is_passed_for_dedupe() -> None:
    token = fake_token("", 30, BASE64, seed=9)
    code = ("apiVersion: v1\nkind: Secret\nmetadata: { name: s }\ndata:\n"
            f"  password: {base64.b64encode(token.encode()).decode()}\n")
    (finding,) = run_rule(SecretCommittedValues, code, "k8s/s.yaml")
    assert finding.location.line == 5
    assert finding.severity.value == "high"


# -- file kinds -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "head", "kind"),
    [
        ("overlays/prod/kustomization.yaml", b"resources: [../../base]\n", FileKind.KUBERNETES),
        ("base/kustomization.yml", b"", FileKind.KUBERNETES),
        ("skaffold.yaml", b"apiVersion: skaffold/v4beta6\nkind: Config\nbuild: {}\n",
         FileKind.KUBERNETES),
        ("deploy/cluster.yaml", b"apiVersion: v1\nkind: Config\nusers: []\n",
         FileKind.KUBECONFIG),
        ("k8s/all.yaml", b"# generated\nfoo: 1\n---\napiVersion: v1\nkind: Secret\n",
         FileKind.KUBERNETES),
    ],
)
def test_kinds(path: str, head: bytes, kind: FileKind) -> None:
    assert classify(path, head) is kind
