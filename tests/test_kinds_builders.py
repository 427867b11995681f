"""The kind table, the document builders and the project pre-pass (issue 10, step 2).

One ``KindSpec`` row per kind that every per-kind table reads; documents built once per file
through ``BUILDERS``, only for the rules that name them; GitLab includes found once per scan.
"""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import ClassVar

import pytest

import scanner.documents.hcl as hcl_module
import scanner.documents.yaml as yaml_module
from scanner.api.rule import CiRule, IacRule, Rule, RuleMeta, TextRule, YamlRule
from scanner.comment_syntaxes import comment_syntax
from scanner.config import Config
from scanner.documents import BUILDERS, Documents, Source
from scanner.documents.ci import LOADERS
from scanner.documents.text import Span, TextDocument
from scanner.documents.yaml import YamlDocument
from scanner.engine import BATCHED, ENTRIES, Engine
from scanner.filekinds import KINDS, SPECS, YAML_KINDS, FileKind, classify, syntax_of
from scanner.findings import Category, Lifetime, Precision, ScanError, Severity
from scanner.project import ProjectFacts, survey
from scanner.registry import all_rules
from scanner.testing import DEFAULT_PATHS

K = FileKind

# -- the kind table -----------------------------------------------------------------------------


def test_one_row_per_kind() -> None:
    assert [s.kind for s in KINDS].count(K.TEXT) == 1
    assert set(SPECS) == set(FileKind)
    assert len(KINDS) == len(FileKind)


def test_every_example_path_is_of_its_kind() -> None:
    # Kinds that only their content decides need a head that says so.
    heads = {
        K.CLOUDFORMATION: b'AWSTemplateFormatVersion: "2010-09-09"\n',
        K.KUBERNETES: b"apiVersion: v1\nkind: Secret\n",
        K.IAM_POLICY: b'{"Statement": [{"Action": "sts:AssumeRoleWithWebIdentity"}]}',
    }
    for spec in KINDS:
        assert classify(spec.example, heads.get(spec.kind, b"")) is spec.kind, spec.example
    assert {s.kind: s.example for s in KINDS} == DEFAULT_PATHS
    assert list(DEFAULT_PATHS) == list(FileKind)  # the order default_path prefers


def test_comment_syntax_comes_from_the_row() -> None:
    for spec in KINDS:
        syntax = comment_syntax("some/file.unknown-suffix", spec.kind)
        assert syntax.name == (spec.comments or "text"), spec.kind


def test_yaml_kinds_are_the_yaml_rows() -> None:
    assert {s.kind for s in KINDS if s.syntax == "yaml"} == YAML_KINDS
    assert K.HELM in YAML_KINDS
    assert K.TERRAFORM not in YAML_KINDS


@pytest.mark.parametrize(
    ("kind", "path", "syntax"),
    [
        (K.TERRAFORM, "infra/main.tf", "hcl"),
        (K.TERRAFORM, "infra/main.tf.json", "yaml"),
        (K.PYTHON, "app/x.py", "python"),
        (K.GITHUB_ACTIONS, ".github/workflows/ci.yml", "yaml"),
        (K.MCP, ".mcp.json", "yaml"),
        (K.DOCKERFILE, "Dockerfile", "text"),
        (K.TEXT, "conf/settings.json", "text"),
    ],
)
def test_syntax_of(kind: FileKind, path: str, syntax: str) -> None:
    assert syntax_of(kind, path) == syntax


def test_glob_order_is_table_order() -> None:
    # Specific paths win over general ones: the row order says which.
    assert classify("docker/Dockerfile.py") is K.DOCKERFILE
    assert classify(".github/workflows/values.yaml") is K.GITHUB_ACTIONS
    assert classify("chart/templates/docker-compose.yml") is K.COMPOSE


def test_kubeconfig_and_kubernetes_sniffs_agree() -> None:
    # A kubeconfig has users, clusters or contexts; Skaffold's `kind: Config` has none of them.
    config = b"apiVersion: v1\nkind: Config\nusers: []\n"
    skaffold = b"apiVersion: skaffold/v4beta6\nkind: Config\n"
    assert classify("skaffold.yaml", skaffold) is K.KUBERNETES
    manifest = b"kind: List\napiVersion: v1\nitems:\n- kind: Config\n"
    assert classify("a.yaml", config) is K.KUBECONFIG
    assert classify("a.yaml", manifest) is K.KUBERNETES  # the first kind decides
    assert classify("a.yaml", b"kind: Config\n") is K.TEXT  # no apiVersion


# -- the project pre-pass -----------------------------------------------------------------------


def _gitlab_tree(tmp_path: Path) -> Path:
    (tmp_path / ".gitlab-ci.yml").write_text(
        "include:\n  - local: /ci/deploy.yml\n  - 'ci/test.yaml'\n  - remote: https://x/y.yml\n"
    )
    return tmp_path


def test_survey_reads_gitlab_includes(tmp_path: Path) -> None:
    facts = survey(_gitlab_tree(tmp_path))
    assert facts.kinds == {"ci/deploy.yml": K.GITLAB_CI, "ci/test.yaml": K.GITLAB_CI}
    assert classify("ci/deploy.yml", b"", facts.kinds) is K.GITLAB_CI
    assert classify("./ci/test.yaml", b"", facts.kinds) is K.GITLAB_CI
    assert classify("ci/other.yml", b"", facts.kinds) is K.TEXT


def test_survey_without_a_gitlab_file(tmp_path: Path) -> None:
    facts = survey(tmp_path, ["a.py"])
    assert facts == ProjectFacts()
    assert facts.cache_part() == ""


def test_facts_are_immutable_picklable_and_keyed(tmp_path: Path) -> None:
    facts = survey(_gitlab_tree(tmp_path))
    assert pickle.loads(pickle.dumps(facts)) == facts  # noqa: S301  (to worker processes)
    assert hash(facts) == hash(ProjectFacts(facts.decided))
    with pytest.raises(AttributeError):
        facts.decided = ()  # type: ignore[misc]
    assert facts.cache_part() != ProjectFacts().cache_part()


# -- rules to watch the engine with -------------------------------------------------------------


def _meta(rule_id: str, kinds: set[FileKind], triggers: tuple[str, ...] = ()) -> RuleMeta:
    return RuleMeta(
        rule_id,
        "test-rule",
        "a test rule",
        Category.STATIC_SECRET,
        Severity.HIGH,
        Precision.HIGH,
        ("NHI2",),
        "fix it",
        kinds=frozenset(kinds),
        triggers=triggers,
    )


class FirstLine(TextRule):
    META = _meta("LLC-SRC-901", {K.GITLAB_CI})

    def check(self, doc: TextDocument) -> None:
        self.report(Span(0, 1), "first line", lifetime=Lifetime.static())


class RootKeys(YamlRule):
    META = _meta("LLC-GHA-901", set(YAML_KINDS), ("needle",))

    def check(self, doc: YamlDocument) -> None:
        for root in doc.roots:
            self.report(root, "a root", lifetime=Lifetime.static())


class SecondYaml(RootKeys):
    META = _meta("LLC-GHA-902", set(YAML_KINDS), ("needle",))


class SeesPipeline(CiRule):
    META = _meta("LLC-GHA-903", {K.GITHUB_ACTIONS}, ("needle",))
    seen: ClassVar[list[object]] = []

    def check_ci(self, workflow: object) -> None:  # type: ignore[override]
        SeesPipeline.seen.append(workflow)


class SeesIac(IacRule):
    META = _meta("LLC-IAC-901", {K.TERRAFORM}, ("needle",))
    seen: ClassVar[list[str]] = []

    def check_hcl(self, doc: object) -> None:  # type: ignore[override]
        SeesIac.seen.append("hcl")

    def check_yaml(self, doc: object) -> None:  # type: ignore[override]
        SeesIac.seen.append("yaml")


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every YAML and HCL parse, by path: the builders import the classes at call time."""
    calls: list[str] = []
    yaml_init = yaml_module.YamlDocument.__init__
    hcl_init = hcl_module.HclDocument.__init__

    def counting_yaml(self: YamlDocument, path: str, text: str) -> None:
        calls.append(f"yaml:{path}")
        yaml_init(self, path, text)

    def counting_hcl(self: object, path: str, text: str) -> None:
        calls.append(f"hcl:{path}")
        hcl_init(self, path, text)  # type: ignore[arg-type]

    monkeypatch.setattr(yaml_module.YamlDocument, "__init__", counting_yaml)
    monkeypatch.setattr(hcl_module.HclDocument, "__init__", counting_hcl)
    return calls


WORKFLOW = b"on: push  # needle\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: make\n"

# -- the builders -------------------------------------------------------------------------------


def test_every_rule_document_has_a_builder_and_an_entry() -> None:
    for rule in all_rules():
        assert rule.DOCUMENT in BUILDERS, rule.META.id
        assert rule.DOCUMENT in ENTRIES or rule.DOCUMENT == BATCHED, rule.META.id


def test_a_document_is_built_once_for_all_its_rules(parses: list[str]) -> None:
    SeesPipeline.seen.clear()
    engine = Engine([RootKeys, SecondYaml, SeesPipeline], Config())
    result = engine.scan_bytes(".github/workflows/ci.yml", WORKFLOW)
    assert parses == ["yaml:.github/workflows/ci.yml"]
    assert [f.rule_id for f in result.findings] == ["LLC-GHA-901", "LLC-GHA-902"]
    assert len(SeesPipeline.seen) == 1
    assert type(SeesPipeline.seen[0]).__name__ == "GithubWorkflow"  # the model, loaded once


def test_no_document_without_a_rule_that_needs_it(parses: list[str]) -> None:
    engine = Engine([RootKeys, SeesIac], Config())
    engine.scan_bytes(".github/workflows/ci.yml", b"on: push\n")  # no trigger: no rule
    engine.scan_bytes("infra/main.tf", b"# nothing to see\n")
    engine.scan_bytes("README.md", b"needle\n")  # not a kind of these rules
    assert parses == []


def test_a_parse_error_is_reported_once(parses: list[str]) -> None:
    engine = Engine([RootKeys, SecondYaml, SeesPipeline], Config())
    result = engine.scan_bytes(".github/workflows/ci.yml", b"on: [push  # needle\n")
    assert parses == ["yaml:.github/workflows/ci.yml"]
    parse_errors = [e for e in result.errors if e.kind == "parse"]
    assert len(parse_errors) == 1
    assert parse_errors[0].message.startswith("could not parse YAML")
    assert result.findings == ()


def test_iac_rules_get_hcl_or_json_by_syntax(parses: list[str]) -> None:
    SeesIac.seen.clear()
    engine = Engine([SeesIac], Config())
    engine.scan_bytes("infra/main.tf", b'resource "x" "y" {} # needle\n')
    engine.scan_bytes("infra/main.tf.json", b'{"needle": 1}\n')
    assert SeesIac.seen == ["hcl", "yaml"]
    assert parses == ["hcl:infra/main.tf", "yaml:infra/main.tf.json"]


def test_rules_of_a_kind_decided_by_the_project(tmp_path: Path) -> None:
    facts = survey(_gitlab_tree(tmp_path))
    assert Engine([FirstLine], Config()).scan_bytes("ci/deploy.yml", b"a: 1\n").findings == ()
    found = Engine([FirstLine], Config(), project=facts).scan_bytes("ci/deploy.yml", b"a: 1\n")
    assert [f.rule_id for f in found.findings] == ["LLC-SRC-901"]


def test_a_loader_that_fails_is_a_rule_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(doc: YamlDocument) -> object:
        raise RuntimeError("loader bug")

    monkeypatch.setitem(LOADERS, K.GITHUB_ACTIONS, broken)
    result = Engine([SeesPipeline, RootKeys], Config()).scan_bytes(
        ".github/workflows/ci.yml", WORKFLOW
    )
    failures = [e for e in result.errors if e.kind == "rule"]
    assert [e.message.split()[1] for e in failures] == ["LLC-GHA-903"]
    assert failures[0].level == "error"
    assert [f.rule_id for f in result.findings] == ["LLC-GHA-901"]  # the others still ran


def test_an_unknown_document_is_refused() -> None:
    class Odd(Rule):
        META = _meta("LLC-SRC-902", {K.TEXT})
        DOCUMENT = "spreadsheet"

    with pytest.raises(ValueError, match="spreadsheet"):
        Engine([Odd], Config())


def test_documents_cache_failures_and_successes() -> None:
    errors: list[ScanError] = []
    docs = Documents(Source("a.yml", "a: [1\n", K.GITHUB_ACTIONS, 0.0), errors)
    assert docs.get("yaml") is None
    assert docs.get("ci") is None
    assert docs.get("iac") is None
    assert len(errors) == 1
    ok = Documents(Source("a.py", "x = 1\n", K.PYTHON, 0.0), errors)
    assert ok.get("yaml") is None  # not this file's syntax: no error
    built = ok.get("python")
    assert built is not None
    assert ok.get("python") is built
    assert len(errors) == 1
