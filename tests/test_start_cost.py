"""Start-up pays only for what runs: the rule index is honest, ``scanner.api`` loads names on
first use, and ``--version``, ``rules`` and a small scan import neither LibCST nor rule bodies.

These are behaviour tests (which modules a process imported), not timing tests.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from scanner import registry

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("libcst", "yaml", "tree_sitter", "tree_sitter_bash", "tree_sitter_hcl", "sarif_om")

#: Run the CLI in a fresh interpreter and print, at exit, the modules it imported. The index
#: is one built now (rules other work is changing would make the checked-in one stale, and a
#: stale index is, rightly, not trusted: ``test_the_index_is_current`` reports that).
_PROBE = """
import atexit, json, sys
from pathlib import Path
atexit.register(lambda: print("MODULES=" + json.dumps(sorted(sys.modules)), file=sys.stderr))
import scanner.registry
INDEX = Path(sys.argv[2])
scanner.registry.index_path = lambda: INDEX
sys.argv = ["outlive", *json.loads(sys.argv[1])]
from scanner.cli import main
main()
"""


@pytest.fixture(scope="module")
def fresh_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return registry.write_index(tmp_path_factory.mktemp("index") / registry.INDEX_NAME)


def _imported(args: list[str], cwd: Path, index: Path) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(args), str(index)],
        cwd=cwd, capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    line = next(x for x in done.stderr.splitlines() if x.startswith("MODULES="))
    return set(json.loads(line.removeprefix("MODULES=")))


def _heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in HEAVY)


def _rule_modules(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if m.startswith("outlive_rules.") and m.count(".") == 2)


# -- the index ------------------------------------------------------------------------------


def test_the_index_is_current() -> None:
    """rules/_index.json is what the rules say now. When this fails you added or changed a
    rule (or a provider row): regenerate the index with ``python -m scanner.registry`` (or
    run this test with ``OUTLIVE_UPDATE_SNAPSHOTS=1``, which rewrites it with the snapshots)."""
    if os.environ.get("OUTLIVE_UPDATE_SNAPSHOTS"):
        registry.write_index()
    built = registry.build_index()
    stored = json.loads(registry.index_path().read_text(encoding="utf-8"))
    hint = f"rules/_index.json is stale: run `{registry.REGENERATE}` and commit the result"
    assert stored["stamp"] == built["stamp"], hint
    assert stored["rules"] == built["rules"], hint


def test_index_metadata_equals_every_rule_meta() -> None:
    infos = {info.META.id: info for info in registry.catalogue()}
    classes = {cls.META.id: cls for cls in registry.all_rules()}
    assert sorted(infos) == sorted(classes), f"run `{registry.REGENERATE}`"
    for rule_id, cls in classes.items():
        info = infos[rule_id]
        assert info.META == cls.META, f"{rule_id}: run `{registry.REGENERATE}`"
        assert info.DOCUMENT == cls.DOCUMENT
        assert info.__doc__ == cls.__doc__
        assert info.load() is cls


def test_a_stale_index_is_not_trusted(monkeypatch: pytest.MonkeyPatch) -> None:
    """A rule edited since the index was built (its size differs): the rules are imported."""
    real = registry.source_stamp()
    changed = {**real, "rules/secrets/src001_aws_access_key.py": -1}
    monkeypatch.setattr(registry, "source_stamp", lambda: changed)
    assert registry._read_index() is None
    registry.catalogue.cache_clear()
    try:
        rules = registry.catalogue()
        assert all(info._cls is not None for info in rules)  # built from the classes
        assert [r.META.id for r in rules] == [c.META.id for c in registry.all_rules()]
    finally:
        registry.catalogue.cache_clear()


# -- scanner.api loads on first use ---------------------------------------------------------


def _api_module() -> tuple[ast.Module, dict[str, tuple[str, str]]]:
    import scanner.api as api

    tree = ast.parse((ROOT / "scanner" / "api" / "__init__.py").read_text(encoding="utf-8"))
    return tree, dict(api._LAZY)


def test_api_lazy_table_matches_its_type_checking_imports() -> None:
    """Each exported name is in the TYPE_CHECKING block (for type checkers) and in ``_LAZY``
    (for the run), naming the same module; ``__all__`` lists exactly them."""
    import scanner.api as api

    tree, lazy = _api_module()
    block = next(
        n for n in tree.body
        if isinstance(n, ast.If) and isinstance(n.test, ast.Name) and n.test.id == "TYPE_CHECKING"
    )
    declared = {
        (alias.asname or alias.name): (node.module or "", alias.name)
        for node in block.body if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    assert declared == lazy, (
        "add the name to both scanner/api/__init__.py's block and scanner/api/exports.py's LAZY"
    )
    assert sorted(api.__all__) == sorted(lazy)
    top_level = [
        n.module for n in tree.body
        if isinstance(n, ast.ImportFrom) and (n.module or "").startswith("scanner")
        and n.module != "scanner.api.exports"  # the table itself: plain data
    ]
    assert top_level == [], "import rule-API names lazily (_LAZY), not at the top level"


def test_every_api_name_resolves() -> None:
    import scanner.api as api

    for name in api.__all__:
        assert getattr(api, name) is not None, name


# -- what a process imports -----------------------------------------------------------------


def test_version_imports_no_scanner(tmp_path: Path, fresh_index: Path) -> None:
    modules = _imported(["--version"], tmp_path, fresh_index)
    assert _heavy(modules) == []
    assert _rule_modules(modules) == []
    assert "scanner.pipeline" not in modules
    assert "scanner.engine" not in modules


def test_rules_listing_imports_no_rule_body(tmp_path: Path, fresh_index: Path) -> None:
    for args in (["rules"], ["rules", "--format", "json"], ["explain", "LLC-PY-001"]):
        modules = _imported(args, tmp_path, fresh_index)
        assert _heavy(modules) == [], args
        assert _rule_modules(modules) == [], args


def test_scanning_plain_files_imports_no_parser_and_no_idle_rule(
    tmp_path: Path, fresh_index: Path
) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    for n in range(10):
        (tree / f"notes{n}.txt").write_text(f"Meeting notes {n}: ship the release on Friday.\n")
        (tree / f"calc{n}.py").write_text(f"def area_{n}(w, h):\n    return w * h * {n}\n")
    modules = _imported(["scan", "--no-cache", str(tree)], tmp_path, fresh_index)
    assert _heavy(modules) == []
    # No file holds any rule's trigger, so no rule module runs, and none is imported.
    assert _rule_modules(modules) == []


#: What a plain scan of files never runs, so never imports: the git scans (``--staged``,
#: ``--diff``, ``--history``), the ``baseline`` commands and their importer of other tools'
#: baselines, the baseline itself (none is given), the results cache (``--no-cache``), the
#: fixers and ``init``, and the TOML parser (there is no config file to read).
NOT_ON_A_PLAIN_SCAN = (
    "scanner.gitscan",
    "scanner.cli.baseline",
    "scanner.baseline_import",
    "scanner.baseline",
    "scanner.cache",
    "scanner.cli.fix",
    "scanner.fixes",
    "scanner.cli.init",
    "tomllib",
)


def test_a_plain_scan_imports_no_git_scan_baseline_cache_or_fixer(
    tmp_path: Path, fresh_index: Path
) -> None:
    """A scan of ordinary files of mixed kinds, no config, no baseline, ``--no-cache``: each
    module above is imported where it is used (a git mode, ``baseline``, ``fix``, a config
    file), so one imported at the top of a module on the scan's path again fails here."""
    tree = tmp_path / "tree"
    (tree / "src").mkdir(parents=True)
    (tree / "README.md").write_text("# inventory\n\nTracks stock levels; see `docs/`.\n")
    (tree / "src" / "models.py").write_text("def stock(moves):\n    return sum(moves)\n")
    (tree / "settings.yaml").write_text("report:\n  currency: EUR\n  rounding: 2\n")
    (tree / "items.json").write_text('[{"id": 1, "name": "bolt"}]\n')
    (tree / "build.sh").write_text("#!/bin/sh\nset -eu\npython -m build\n")
    (tree / "notes.txt").write_text("Ship the release on Friday.\n")
    modules = _imported(["scan", "--no-cache", str(tree)], tmp_path, fresh_index)
    assert "scanner.pipeline" in modules  # the probe did scan
    assert sorted(m for m in NOT_ON_A_PLAIN_SCAN if m in modules) == []
    assert _heavy(modules) == []


def test_a_file_that_needs_a_rule_imports_that_rule_only(tmp_path: Path, fresh_index: Path) -> None:
    (tmp_path / "deploy.txt").write_text("key id: AKIA" + "Q" * 16 + "\n")
    args = ["scan", "--no-cache", "--format", "json", "deploy.txt"]
    modules = _imported(args, tmp_path, fresh_index)
    loaded = _rule_modules(modules)
    assert "outlive_rules.secrets.src001_aws_access_key" in loaded
    assert not any(m.startswith(("outlive_rules.python.", "outlive_rules.github.")) for m in loaded)
    assert _heavy(modules) == []


def test_sarif_descriptors_come_from_the_index(tmp_path: Path, fresh_index: Path) -> None:
    (tmp_path / "notes.txt").write_text("nothing here\n")
    args = ["scan", "--no-cache", "--format", "sarif", "notes.txt"]
    modules = _imported(args, tmp_path, fresh_index)
    assert _rule_modules(modules) == []
    assert "libcst" not in modules


def test_the_cache_stamp_walk_finds_what_rglob_finds(tmp_path: Path) -> None:
    """``cache.code_stamp`` walks with ``os.scandir`` (the pathlib walk cost every warm scan 4 ms):
    the same entries in the same order as ``sorted(Path.rglob("*.py"))``, hidden files, a folder
    named ``*.py`` and a linked file included, a linked folder not entered."""
    from scanner.cache import _python_files

    pkg, other = tmp_path / "pkg", tmp_path / "other"
    for folder in ("a", "a-b", "sub.py", ".hid", "B", "deep/er"):
        (pkg / folder).mkdir(parents=True)
    other.mkdir()
    for rel in ("x.py", ".h.py", "a/b.py", "a-b.py", "a-b/c.py", "sub.py/inner.py", ".hid/z.py",
                "B/Q.py", "b.py", "deep/er/w.py", "notes", "a/b.pyc"):
        (pkg / rel).write_text(rel)
    (other / "o.py").write_text("o")
    (pkg / "linked").symlink_to(other, target_is_directory=True)
    (pkg / "link.py").symlink_to(other / "o.py")
    expected = [str(p) for p in sorted(pkg.rglob("*.py"))]
    assert [path for _, _, path in sorted(_python_files(str(pkg)))] == expected
    assert [name for _, name, _ in sorted(_python_files(str(pkg)))] == [
        Path(p).name for p in expected
    ]
