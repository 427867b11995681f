"""Path classes for the noise policy: which files hold tests, fixtures, examples or prose.

One copy, read by the secret rules (through ``sample_severity``), the fake-session rules
(through ``is_test_path``) and anything else that grades a finding by where it sits. The
grade depends on how much the value proves about itself (``Evidence``):
- a format a checksum or a provider's structure verifies (GitHub's CRC32 tokens, the
  provider-prefixed rows of the table) keeps its severity wherever it is: a live key in a
  test is still a live key;
- a shape nothing verifies (a PEM private key, a Google ``AIza`` key, an AWS key id with no
  secret beside it) is, in these paths, a generated test key or a documentation sample far
  more often than a leak: ``low``;
- a value found by its key's name or by a URL's shape (SRC-013, SRC-014, SRC-023) is graded
  ``info`` there (hidden unless ``--show-info``, never failing a run).
Prose files only count in their code.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from enum import Enum

from scanner.findings import Severity


class PathClass(Enum):
    """Why a path holds sample data rather than configuration a system runs with."""

    TEST = "test"
    FIXTURE = "fixture"
    EXAMPLE = "example"
    DOCS = "docs"


_DIRS: tuple[tuple[PathClass, frozenset[str]], ...] = (
    (PathClass.TEST, frozenset({"test", "tests", "testing", "__tests__", "spec", "specs", "e2e",
                                "integration-tests", "unittests", "unit_tests", "it"})),
    (PathClass.FIXTURE, frozenset({"fixture", "fixtures", "testdata", "test_data", "test-data",
                                   "mock", "mocks", "__mocks__", "stubs", "snapshots",
                                   "__snapshots__", "cassettes", "vcr"})),
    (PathClass.EXAMPLE, frozenset({"example", "examples", "sample", "samples", "demo", "demos",
                                   "tutorial", "tutorials", "quickstart", "playground"})),
    (PathClass.DOCS, frozenset({"doc", "docs", "documentation", "man", "site", "wiki",
                                "_docs", "website"})),
)
_REPO_SUFFIXES = ("-repo", "_repo")
_TEST_NAME = re.compile(
    r"(?i)^(?:test_.*|.*_test\.[a-z0-9]+|.*[._-](?:test|spec|tests)\.[a-z0-9]+|conftest\.py|"
    r".*tests?\.(?:cs|java|kt|scala|swift|php)|tests?\.[a-z0-9]+)$"
)
_EXAMPLE_NAME = re.compile(
    r"(?i)(?:^|[._-])(?:example|examples|sample|samples|template|dist|tmpl|tpl|demo)"
    r"(?:[._-]|$)"
)
#: Helm's named-template files (``_helpers.tpl``): rendered into every release, not samples.
_HELM_HELPERS = re.compile(r"(?i)^_[\w.-]*\.tpl$")
#: Prose: Markdown, reStructuredText, AsciiDoc, plain text, notebooks' rendered siblings.
PROSE_SUFFIXES = frozenset({".md", ".markdown", ".mdx", ".rst", ".txt", ".adoc", ".asciidoc",
                            ".textile", ".org", ".rdoc", ".pod"})


def _suffix(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 else ""


def path_class(path: str) -> PathClass | None:
    """The sample class of ``path`` (test, fixture, example, docs), or None for real code.

    Directories decide first (``tests/``, ``fixtures/``, ``examples/``, ``docs/``), then the
    file name (``test_x.py``, ``x_test.go``, ``x.spec.ts``, ``.env.example``,
    ``settings.sample.yaml``), and a prose file anywhere is documentation.
    """
    parts = path.replace("\\", "/").lower().split("/")
    # A whole sample repository kept in a tree (``fixtures/demo-repo/...``) is read as that
    # repository: its own paths decide, as they do when a user scans it on its own.
    nested = [i for i, part in enumerate(parts[:-1]) if part.endswith(_REPO_SUFFIXES)]
    if nested:
        parts = parts[nested[-1] + 1 :]
    for part in parts[:-1]:
        for cls, names in _DIRS:
            if part in names:
                return cls
    name = parts[-1]
    if _TEST_NAME.match(name):
        return PathClass.TEST
    if _EXAMPLE_NAME.search(name) and not _HELM_HELPERS.match(name):
        return PathClass.EXAMPLE
    if _suffix(name) in PROSE_SUFFIXES or name in ("readme", "changelog", "changes", "news"):
        return PathClass.DOCS
    return None


class Evidence(Enum):
    """How much a reported value proves about itself, which decides its grade in samples."""

    VERIFIED = "verified"  # a checksum or a provider's structure confirms the format
    SHAPE = "shape"  # a recognisable shape nothing confirms: private keys, AIza, AKIA alone
    NAME = "name"  # found by its key's name or a URL's shape


_SAMPLE_GRADE = {Evidence.VERIFIED: None, Evidence.SHAPE: Severity.LOW,
                 Evidence.NAME: Severity.INFO}


def sample_severity(path: str, evidence: Evidence) -> Severity | None:
    """The severity a finding on ``path`` gets for its ``evidence``; None keeps the rule's.

    Only test, fixture, example and documentation paths (``path_class``) change a grade. For
    a shape, a prose file counts as documentation only in a docs directory: a PEM block in
    ``keys/deploy_key.txt`` is a key dump, not a sample.
    """
    cls = path_class(path)
    if evidence is Evidence.VERIFIED or cls is None:
        return None
    if evidence is Evidence.SHAPE and cls is PathClass.DOCS and not _in_docs_dir(path):
        return None
    return _SAMPLE_GRADE[evidence]


def _in_docs_dir(path: str) -> bool:
    docs = dict(_DIRS)[PathClass.DOCS]
    return any(part in docs for part in path.replace("\\", "/").lower().split("/")[:-1])


def is_test_path(path: str) -> bool:
    """Test code: ``tests/``, ``test/``, ``test_*.py``, ``*_test.py``, ``conftest.py``.

    The fake-session rules grade findings here to ``info``; kept to the Python forms those
    rules have always used, so that fixture modules imported by production code still count.
    """
    parts = path.replace("\\", "/").split("/")
    name = parts[-1]
    return (
        any(p in ("tests", "test") for p in parts[:-1])
        or name.startswith("test_")
        or name.endswith("_test.py")
        or name == "conftest.py"
    )


def is_prose(path: str) -> bool:
    """A documentation file whose paragraphs are prose (``.md``, ``.rst``, ``.txt``, ...)."""
    return _suffix(path.replace("\\", "/").rsplit("/", 1)[-1]) in PROSE_SUFFIXES


_FENCE = re.compile(r"^\s*(```|~~~)")
_KEY_VALUE_LINE = re.compile(
    r"""^\s*(?:[-*+]\s+|export\s+|set\s+)?["']?[A-Za-z_][\w.-]*["']?\s*(?::=|=|:)\s*\S.*$"""
)


def code_lines(text: str, path: str) -> Callable[[int], bool]:
    """For a prose file, a test ``line -> counts`` (1-based) that is true only for code.

    Code is a fenced block (```` ``` ````, ``~~~``), an indented block (four spaces or a tab,
    which is how reStructuredText ``::`` literal blocks and Markdown code look), or a whole
    ``key = value`` / ``key: value`` line. Other lines are prose: a sentence that names a
    password is not an assignment. For any other file every line counts.
    """
    if not is_prose(path):
        return _every_line
    found: list[set[int]] = []  # the lines, once a rule asks about one (most never do)

    def counts(line: int) -> bool:
        if not found:
            found.append(_code_line_numbers(text))
        return line in found[0]

    return counts


def _every_line(_line: int) -> bool:
    return True


def _code_line_numbers(text: str) -> set[int]:
    """The lines of a prose text that are code (``code_lines``). The last text's answer is
    kept: the secret rules of one file all ask of the same text."""
    global _LAST_CODE_LINES
    last = _LAST_CODE_LINES
    if last is not None and last[0] is text:
        return last[1]
    numbers: set[int] = set()
    fenced = False
    for number, line in enumerate(text.splitlines(), start=1):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if fenced or line.startswith(("    ", "\t")) or _KEY_VALUE_LINE.match(line):
            numbers.add(number)
    _LAST_CODE_LINES = (text, numbers)
    return numbers


_LAST_CODE_LINES: tuple[str, set[int]] | None = None
