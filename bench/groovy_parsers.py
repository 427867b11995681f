"""Measure the two ways outlive can read a Jenkinsfile: tree-sitter-groovy against a careful
pattern matcher (``scanner/documents/ci/groovy_lite.py``: exact tokens, then calls and closures
by bracket structure), for correctness on declarative and scripted pipelines and for speed.

``python bench/groovy_parsers.py [DIR]`` runs the Jenkins loader with each reader on the
labelled cases below (tricky shapes with known stages and shell steps), then, if DIR is
given, on every Jenkinsfile and ``.groovy`` file under it, where the two are compared with
each other (no labels there: read the files they disagree on), and prints files/s.

Measured (December 2026, one shared core, tree-sitter-groovy 0.1.2):

- labelled cases: tree-sitter 12/17, groovy_lite 17/17. The grammar loses everything after an
  empty ``''`` string (the file becomes one ``ERROR``), ``sh`` steps inside ``try {}``,
  ``switch`` and closures with parameters (``{ n -> sh ... }``), and the next stage after
  ``v = sh script: 'x'``.
- jenkinsci/pipeline-examples (54 files): agree on 50; the pipeline-model-definition plugin's
  test pipelines (425 files, declarative, many deliberately invalid): agree on 403. All 26
  disagreements were read by hand: each time the grammar had lost stages or steps (22 of them
  the ``''`` bug) and groovy_lite was right. Where they agree, every command has the same text,
  span and marks (the string decoding is shared).
- speed: tree-sitter 4,200 to 4,800 files/s (4 to 7 MB/s), groovy_lite 2,000 to 2,800
  files/s (2 to 4 MB/s): well under a millisecond for a typical Jenkinsfile either way.

Decision (``scanner/documents/ci/jenkins.py``): groovy_lite; tree-sitter stays selectable
(``jenkins.load_with(doc, "tree-sitter")``) for this comparison.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from scanner.documents.ci import jenkins  # noqa: E402
from scanner.documents.text import TextDocument  # noqa: E402

Result = tuple[tuple[str, ...], tuple[tuple[str, str], ...]]


@dataclass(frozen=True)
class Case:
    name: str
    text: str
    stages: tuple[str, ...]
    #: ``(job, script)`` of every shell step, in order.
    steps: tuple[tuple[str, str], ...]


CASES = (
    Case(
        "declarative",
        "pipeline {\n agent any\n stages {\n  stage('a') { steps { sh 'x' } }\n"
        "  stage('b') { steps { sh \"y\" } }\n }\n}\n",
        ("a", "b"),
        (("a", "x"), ("b", "y")),
    ),
    Case(
        "scripted",
        "node {\n stage('a') {\n  sh 'x'\n }\n stage('b') { bat 'y' }\n}\n",
        ("a", "b"),
        (("a", "x"), ("b", "y")),
    ),
    Case(
        "comments",
        "node {\n // sh 'no'\n /* stage('c') { sh 'no' } */\n"
        " stage('a') { sh 'x' // sh 'no'\n }\n}\n",
        ("a",),
        (("a", "x"),),
    ),
    Case(
        "brace in a gstring",
        'node {\n stage(\'a\') {\n  sh """\n   echo ${m.collect { it }}\n  """\n }\n'
        " stage('b') { sh 'y' }\n}\n",
        ("a", "b"),
        (("a", "\n   echo ${m.collect { it }}\n  "), ("b", "y")),
    ),
    Case(
        "quotes in triple quotes",
        "node {\n stage('a') {\n  sh '''\n   echo 'it' \"q\" }\n  '''\n }\n}\n",
        ("a",),
        (("a", "\n   echo 'it' \"q\" }\n  "),),
    ),
    Case(
        "parallel map",
        "node {\n parallel a: { stage('x') { sh 'x' } }, b: { stage('y') { sh 'y' } }\n}\n",
        ("x", "y"),
        (("x", "x"), ("y", "y")),
    ),
    Case(
        "nested stages",
        "pipeline {\n agent any\n stages {\n  stage('o') {\n   parallel {\n"
        "    stage('i') { steps { sh 'x' } }\n    stage('j') { stages { stage('k') {"
        " steps { sh 'y' } } } }\n   }\n  }\n }\n}\n",
        ("i", "k"),
        (("i", "x"), ("k", "y")),
    ),
    Case(
        "named script",
        "node {\n stage('a') {\n  def v = sh(returnStdout: true,\n"
        "           script: 'git rev-parse HEAD').trim()\n  sh label: 'l', script: 'y'\n }\n}\n",
        ("a",),
        (("a", "git rev-parse HEAD"), ("a", "y")),
    ),
    Case(
        "dollar slashy",
        "node {\n stage('a') {\n  def r = $/a\\b/$\n  sh 'x'\n }\n stage('b') { sh 'y' }\n}\n",
        ("a", "b"),
        (("a", "x"), ("b", "y")),
    ),
    Case(
        "variable script",
        "node {\n stage('a') {\n  def cmd = 'make'\n  sh(script: cmd)\n  sh 'x'\n }\n}\n",
        ("a",),
        (("a", None), ("a", "x")),  # type: ignore[arg-type]
    ),
    Case(
        "unclosed block",
        "pipeline {\n agent any\n stages {\n  stage('a') { steps { sh 'x' }\n"
        "  stage('b') { steps { sh 'y' } }\n }\n}\n",
        ("a", "b"),
        (("a", "x"), ("b", "y")),
    ),
    Case(
        "empty string argument",
        "pipeline {\n agent any\n parameters { string(name: 'V', defaultValue: '') }\n"
        " stages { stage('a') { steps { sh 'x' } } }\n}\n",
        ("a",),
        (("a", "x"),),
    ),
    Case(
        "try catch finally",
        "node {\n stage('a') {\n  try {\n   sh 'x'\n  } catch (e) {\n   sh 'y'\n"
        "  } finally {\n   cleanWs deleteDirs: true\n  }\n }\n}\n",
        ("a",),
        (("a", "x"), ("a", "y")),
    ),
    Case(
        "switch",
        "node {\n stage('a') {\n  switch (env.X) {\n   case 'p': sh 'x'; break\n"
        "   default: sh 'y'\n  }\n }\n}\n",
        ("a",),
        (("a", "x"), ("a", "y")),
    ),
    Case(
        "closure parameters",
        "node {\n stage('a') {\n  ['p', 'q'].each { n -> sh \"make ${n}\" }\n }\n}\n",
        ("a",),
        (("a", "make ${n}"),),
    ),
    Case(
        "command expression assigned",
        "node {\n stage('a') {\n  v = sh script: 'x', returnStdout: true\n }\n"
        " stage('b') { sh 'y' }\n}\n",
        ("a", "b"),
        (("a", "x"), ("b", "y")),
    ),
    Case(
        "escaped quote",
        "node {\n stage('a') { sh 'echo \\'q\\' }' }\n stage('b') { sh 'y' }\n}\n",
        ("a", "b"),
        (("a", "echo 'q' }"), ("b", "y")),
    ),
)


def read(text: str, parser: str) -> Result:
    """Stages and shell steps as the loader sees them with ``parser``."""
    pipeline = jenkins.load_with(TextDocument("Jenkinsfile", text), parser)
    if pipeline is None:
        return (), ()
    stages = tuple(j.job_id for j in pipeline.jobs if j.job_id != jenkins.LOOSE_JOB)
    steps = tuple(
        (s.job_id, s.run)  # type: ignore[misc]
        for s in pipeline.steps()
        if s.uses is None
    )
    return stages, steps


def tree_sitter_read(text: str) -> Result:
    return read(text, "tree-sitter")


def pattern_read(text: str) -> Result:
    return read(text, "lite")


def main() -> int:
    for label, reader in (("tree-sitter", tree_sitter_read), ("groovy_lite", pattern_read)):
        good = 0
        for case in CASES:
            stages, steps = reader(case.text)
            ok = stages == case.stages and steps == case.steps
            good += ok
            if not ok:
                print(f"  {label} wrong on {case.name!r}: {stages} {steps}")
        print(f"{label}: {good}/{len(CASES)} labelled cases")
    if len(sys.argv) < 2:
        return 0
    root = Path(sys.argv[1])
    files = sorted(
        p
        for p in root.rglob("*")
        if p.is_file() and (p.name.lower().startswith("jenkinsfile") or p.suffix == ".groovy")
    )
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in files]
    agree = sum(tree_sitter_read(t) == pattern_read(t) for t in texts)
    print(f"{len(files)} files under {root}: the two agree on {agree}")
    for path, text in zip(files, texts, strict=True):
        if tree_sitter_read(text) != pattern_read(text):
            print(f"  differ: {path.relative_to(root)}")
    for label, reader in (("tree-sitter", tree_sitter_read), ("groovy_lite", pattern_read)):
        start = time.perf_counter()
        rounds = 5
        for _ in range(rounds):
            for text in texts:
                reader(text)
        elapsed = time.perf_counter() - start
        size = sum(len(t.encode()) for t in texts) * rounds / 1e6
        print(f"{label}: {len(texts) * rounds / elapsed:8.0f} files/s, {size / elapsed:6.2f} MB/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
