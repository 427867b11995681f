"""The documents rules read, and ``BUILDERS``: the name a rule's ``DOCUMENT`` gives -> its builder.

Floor 1 is one parser per syntax (``text``, ``yaml``, ``hcl``, ``python``); floor 2 builds typed
views on them (``ci``: the pipeline of a CI file, ``iac``: the parsed IaC file). The engine asks
``Documents.get(rule.DOCUMENT)`` for each rule that may fire on a file, so every document is
built at most once per file, and a document no selected rule names is never parsed. A builder
that cannot build (the file's syntax is not its own, or the parse failed) returns None; a parse
failure is reported once, as a scan error of the file, however many rules wanted the document.

Builders import their parser on first use: importing one document module does not import the
others (libcst, tree-sitter), and this package never imports ``api``, ``engine`` or rules.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from scanner.documents.text import Span, TextDocument
from scanner.filekinds import FileKind, syntax_of
from scanner.findings import Location, ScanError


@dataclass(frozen=True, slots=True)
class Source:
    """One decoded file as every builder sees it."""

    rel: str
    text: str
    kind: FileKind
    #: Scan time (Unix): documents that fold deadlines (Python's) measure from it.
    now: float


@dataclass(frozen=True, slots=True)
class Built:
    """A document, and how what rules report on it becomes a location."""

    doc: object
    #: Takes what the document's rules report (a Span, a LibCST node, a YAML or HCL node).
    locate: Callable[[Any], Location]


class Documents:
    """The documents of one file, each built on first request and kept, failures included."""

    def __init__(self, source: Source, errors: list[ScanError]) -> None:
        self.source = source
        self.syntax = syntax_of(source.kind, source.rel)
        self.text = TextDocument(source.rel, source.text)
        self._errors = errors
        self._built: dict[str, Built | None] = {}

    def get(self, name: str) -> Built | None:
        """The document ``name`` (a ``Rule.DOCUMENT``) of this file, or None if it has none."""
        if name in self._built:
            return self._built[name]
        built = self._built[name] = BUILDERS[name](self)
        return built

    def problem(self, message: str, line: int = 0) -> None:
        """A scan error of this file (a parse failure, or a parse that recovered)."""
        self._errors.append(ScanError(self.source.rel, message, line=line))


Builder = Callable[[Documents], "Built | None"]


def _text(docs: Documents) -> Built:
    text = docs.text

    def locate(target: object) -> Location:
        if isinstance(target, Span):
            return text.locate(target)
        raise TypeError(f"text rules report Span objects, not {type(target).__name__}")

    return Built(text, locate)


def _python(docs: Documents) -> Built | None:
    if docs.syntax != "python":
        return None
    import libcst as cst

    from scanner.documents.python import PythonDocument, PythonParseError
    from scanner.documents.python.guard import python_too_complex

    source = docs.source
    problem = python_too_complex(source.text)
    if problem is not None:
        docs.problem(f"could not parse Python: {problem}; raw-text rules only")
        return None
    try:
        doc = PythonDocument(source.rel, source.text, now=source.now)
    except PythonParseError as exc:
        docs.problem(f"could not parse Python: {exc}; raw-text rules only")
        return None
    except Exception as exc:
        docs.problem(f"could not parse Python ({type(exc).__name__})")
        return None

    def locate(node: object) -> Location:
        if not isinstance(node, cst.CSTNode):
            raise TypeError("Python rules report LibCST nodes")
        return doc.locate(node)

    return Built(doc, locate)


def _yaml(docs: Documents) -> Built | None:
    if docs.syntax != "yaml":
        return None
    from scanner.documents.yaml import YamlDocument, YamlError

    rel = docs.source.rel
    text = docs.source.text
    if docs.source.kind is FileKind.DEVCONTAINER:
        from scanner.documents.jsonc import strip_jsonc

        text = strip_jsonc(text)  # VS Code's JSON with comments, positions kept
    try:
        doc = YamlDocument(rel, text)
    except YamlError as exc:
        label = "JSON" if rel.lower().endswith(".json") else "YAML"
        docs.problem(f"could not parse {label}: {exc}; raw-text rules only")
        return None
    return Built(doc, doc.locate)


def _hcl(docs: Documents) -> Built | None:
    if docs.syntax != "hcl":
        return None
    from scanner.documents.hcl import HclDocument

    try:
        doc = HclDocument(docs.source.rel, docs.source.text)
    except Exception as exc:
        docs.problem(f"could not parse HCL ({exc}); raw-text rules only")
        return None
    if doc.has_error:
        docs.problem(
            f"HCL syntax error near line {doc.error_line}; the blocks that parsed were checked",
            line=doc.error_line or 0,
        )
    return Built(doc, doc.locate)


def _ci(docs: Documents) -> Built | None:
    """The pipeline of a CI file, by the loader of its kind (``documents.ci.LOADERS``)."""
    from scanner.documents.ci import LOADERS

    loader = LOADERS.get(docs.source.kind)
    if loader is None:
        return None
    base = docs.get(loader.document)
    if base is None:
        return None
    try:
        pipeline = loader.load(base.doc)
    except Exception as exc:  # a loader bug costs one file's CI rules, reported once
        docs.problem(
            f"could not read the CI configuration ({type(exc).__name__}: this is a bug in "
            "outlive, please report it); raw-text rules only"
        )
        return None
    if pipeline is None:
        return None
    return Built(pipeline, _mark_locate(docs.source.rel))


def _mark_locate(rel: str) -> Callable[[Any], Location]:
    """Locate anything with 0-based YAML-style marks (YAML nodes, and the span nodes that
    the text-based CI loaders build)."""

    def locate(node: Any) -> Location:  # noqa: ANN401 - any node with YAML-style marks
        start, end = node.start_mark, node.end_mark
        return Location(rel, start.line + 1, start.column + 1, end.line + 1, end.column + 1)

    return locate


def _iac(docs: Documents) -> Built | None:
    """A ``.tf`` file as HCL; CloudFormation, ``.tf.json`` and Ansible as composed YAML/JSON;
    a Python file that imports ``pulumi_*`` or ``aws_cdk`` as the Python document (a text check
    first: a Python file that mentions neither is never parsed for the IaC rules)."""
    if docs.syntax == "hcl":
        return docs.get("hcl")
    if docs.syntax == "yaml":
        return docs.get("yaml")
    if docs.syntax == "python":
        text = docs.source.text
        if not any(marker in text for marker in PULUMI_CDK_MARKERS):
            return None  # asked before importing the loader, which imports LibCST
        return docs.get("python")
    return None


#: Text markers of a Python program Pulumi or the CDK can declare resources in (the IaC
#: loader's cheap gate, ``pulumi_cdk.mentions``).
PULUMI_CDK_MARKERS = ("pulumi_", "aws_cdk")


def _k8s(docs: Documents) -> Built | None:
    """The Kubernetes view of a manifest stream, kubeconfig, Helm values file or Terraform
    ``kubernetes_*`` resources. A chart template is masked into YAML first, and what still does
    not parse is dropped quietly: a template is not YAML until rendered, so no scan error."""
    K = FileKind  # noqa: N806 - the kind table's own short name
    kind = docs.source.kind
    if kind is K.TERRAFORM and docs.syntax == "hcl":
        hcl = docs.get("hcl")
        if hcl is None:
            return None
        from scanner.documents.hcl import HclDocument
        from scanner.documents.k8s import terraform

        return Built(terraform.build(cast(HclDocument, hcl.doc)), _mark_locate(docs.source.rel))
    if kind is K.TERRAFORM and docs.syntax == "yaml":  # ``.tf.json``
        tfjson = docs.get("yaml")
        if tfjson is None:
            return None
        from scanner.documents.k8s import terraform
        from scanner.documents.yaml import YamlDocument

        roots = cast(YamlDocument, tfjson.doc).roots
        return Built(terraform.build_json(docs.source.rel, roots), tfjson.locate)
    if kind not in (K.KUBERNETES, K.HELM, K.KUBECONFIG) or docs.syntax != "yaml":
        return None
    from scanner.documents.k8s import build
    from scanner.documents.yaml import YamlDocument

    rel = docs.source.rel
    lowered = "/" + rel.lower()
    text = docs.source.text
    hint = "sops" in text or "ENC[" in text
    if kind is K.HELM and "/templates/" in lowered:
        if lowered.endswith(".tpl"):
            return None
        from scanner.documents.k8s.helm import compose

        view = build(rel, compose(text), template=True, sops_hint=hint)
        return Built(view, _mark_locate(rel))
    values = kind is K.HELM and lowered.rsplit("/", 1)[-1].startswith("values")
    if values and "{{" in text:  # a values file that is itself a template (helmfile)
        from scanner.documents.k8s.helm import compose

        view = build(rel, compose(text), values=True, template=True, sops_hint=hint)
        return Built(view, _mark_locate(rel))
    base = docs.get("yaml")
    if base is None:
        return None
    roots = cast(YamlDocument, base.doc).roots
    return Built(build(rel, roots, values=values, sops_hint=hint), base.locate)


#: ``Rule.DOCUMENT`` -> how to build that document for one file.
BUILDERS: dict[str, Builder] = {
    "text": _text,
    "python": _python,
    "yaml": _yaml,
    "hcl": _hcl,
    "ci": _ci,
    "iac": _iac,
    "k8s": _k8s,
}

__all__ = ["BUILDERS", "Builder", "Built", "Documents", "Source"]
