"""The import graph, stated as a table: each module's floor, and which way arrows may run.

A module may import modules of its own floor or lower, never higher (design: documents never
reach up into rules or the engine; rules see only ``scanner.api``). A new module must be given a
floor here, so every arrow the layout allows is written down once. Imports inside functions and
under ``TYPE_CHECKING`` are not arrows: they are how a lower floor names a higher one's type or
defers a costly import, and they cannot form an import-time cycle.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Longest matching prefix wins. Lower numbers are lower floors.
FLOORS: dict[str, int] = {
    # 0: plain data and leaf helpers, importing nothing of outlive's
    "scanner": 0,
    "scanner.findings": 0,
    "scanner.durations": 0,
    "scanner.comments": 0,
    "scanner.git": 0,
    "scanner.process": 0,
    "scanner.filekinds": 0,
    "scanner.credentials": 0,  # the credential-kinds table the CI rules read
    "scanner.credential_kind": 0,  # its schema
    "scanner.credential_rows": 0,  # its rows
    "scanner.rulemeta": 0,  # RuleMeta and RuleSpec: rule metadata without the rule bodies
    # 1: syntax parsers and typed views, secret formats, file listing
    "scanner.documents": 1,
    "scanner.secrets": 1,
    "scanner.comment_syntaxes": 1,
    "scanner.discovery": 1,
    "scanner.reading": 1,
    # 2: what the user configured or recorded
    "scanner.config": 2,
    "scanner.suppress": 2,
    "scanner.baseline": 2,
    "scanner.baseline_import": 2,  # detect-secrets and gitleaks records mapped to entries
    "scanner.cache_codec": 2,
    "scanner.project": 2,  # facts one file gives about others (GitLab includes), before a scan
    # 3: the rule API, the only part of scanner/ that rules see
    "scanner.api": 3,
    # 4: what works over the set of rules
    "scanner.registry": 4,
    "scanner.prefilter": 4,
    "scanner.docs": 4,
    "scanner.findings_build": 4,
    # 5: one file scanned
    "scanner.engine": 5,
    "scanner.cache": 5,
    "scanner.testing": 5,
    # 6: a whole scan
    "scanner.pipeline": 6,
    "scanner.roots": 6,
    "scanner.gitscan": 6,  # staged, diff and history scans: blobs from git through the pipeline
    # 7: output
    "scanner.reporters": 7,
    "scanner.console": 7,
    "scanner.fixes": 7,  # `outlive fix`: span edits on YAML, LibCST on Python, checked by a rescan
    "scanner.terminal": 7,  # progress bar on a terminal's stderr, --statistics, --quiet text
    # 8: the command line
    "scanner.cli": 8,
}
#: Rules import only the rule API (and their own package: ``outlive_rules``).
RULES_MAY_IMPORT = ("scanner.api",)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[0] == "rules":
        parts[0] = "outlive_rules"
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _top_level_imports(path: Path) -> Iterator[tuple[str, int]]:
    """Outlive modules imported when ``path`` is imported: top level, not under TYPE_CHECKING."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    pending: list[ast.stmt] = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.If):
            if "TYPE_CHECKING" not in ast.unparse(node.test):
                pending.extend(node.body)
            pending.extend(node.orelse)
        elif isinstance(node, ast.Try):
            pending.extend([*node.body, *node.orelse, *node.finalbody])
            for handler in node.handlers:
                pending.extend(handler.body)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module, node.lineno
            # `from scanner.documents import text` imports the submodule too; names that are
            # not modules are dropped by the callers, which look targets up among modules.
            for alias in node.names:
                yield f"{node.module}.{alias.name}", node.lineno


def _floor(module: str) -> int | None:
    best: tuple[int, int] | None = None
    for prefix, floor in FLOORS.items():
        # "scanner" is the package's __init__ alone: a new module must get its own row.
        matches = module == prefix or (prefix != "scanner" and module.startswith(prefix + "."))
        if matches and (best is None or len(prefix) > best[0]):
            best = (len(prefix), floor)
    return None if best is None else best[1]


def _modules() -> list[tuple[str, Path]]:
    files = sorted((ROOT / "scanner").rglob("*.py")) + sorted((ROOT / "rules").rglob("*.py"))
    return [(_module_name(p), p) for p in files]


def test_every_module_has_a_floor() -> None:
    missing = [m for m, _ in _modules() if m.startswith("scanner") and _floor(m) is None]
    assert missing == [], f"give these modules a floor in FLOORS: {missing}"


def test_no_arrow_runs_up() -> None:
    known = {m for m, _ in _modules()}
    wrong = []
    for module, path in _modules():
        if not module.startswith("scanner."):
            continue
        own = _floor(module)
        if own is None:  # reported by test_every_module_has_a_floor
            continue
        for target, line in _top_level_imports(path):
            if target.startswith("outlive_rules") or target == "rules":
                wrong.append(f"{module}:{line} imports the rules package {target}")
                continue
            if target not in known:
                continue
            floor = _floor(target)
            if floor is not None and floor > own:
                wrong.append(f"{module} (floor {own}):{line} imports {target} (floor {floor})")
    assert wrong == []


def test_documents_never_reach_up() -> None:
    banned = ("scanner.api", "scanner.engine", "scanner.registry", "scanner.pipeline")
    wrong = [
        f"{module}:{line} imports {target}"
        for module, path in _modules()
        if module.startswith("scanner.documents")
        for target, line in _top_level_imports(path)
        if target.startswith(banned) or target.split(".")[0] in ("outlive_rules", "rules")
    ]
    assert wrong == []


def test_rules_see_only_the_api() -> None:
    wrong = [
        f"{module}:{line} imports {target}"
        for module, path in _modules()
        if module.startswith("outlive_rules")
        for target, line in _top_level_imports(path)
        if target.split(".")[0] == "scanner" and not target.startswith(RULES_MAY_IMPORT)
    ]
    assert wrong == []


def test_no_import_cycle() -> None:
    graph = {
        module: {t for t, _ in _top_level_imports(path) if t.startswith("scanner")}
        for module, path in _modules()
        if module.startswith("scanner")
    }
    # A module imports its parent package's __init__ too; resolve `from scanner.x import y`
    # where y is a submodule as the package itself, which is what Python executes first.
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if nxt == node or nxt not in graph:
                continue
            if state.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt):], nxt] if nxt in stack else [node, nxt])
            elif nxt not in state:
                visit(nxt, [*stack, nxt])
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert cycles == []
