"""A hostile repository or a planted cache cannot steer the results cache (issue 8).

The cache lives outside the scanned tree, is never reached through a link, carries an HMAC
with a per-user key, and a damaged entry is a miss; concurrent runs merge instead of evicting.
Every hostile input here is built at run time in tmp_path.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.api import BASE32_UPPER, fake_token
from scanner.cache import CACHE_ENV, MAGIC, ResultCache, repo_id, stamp_of
from scanner.cache_codec import finding_to
from scanner.cli import main
from scanner.config import Config
from scanner.engine import Engine
from scanner.findings import ScanError
from scanner.pipeline import ScanResult, Stats
from scanner.registry import all_rules
from scanner.reporters import REPORTERS, ReportOptions

ROOT = Path(__file__).resolve().parent.parent
KEY_ID = fake_token("AKIA", 16, BASE32_UPPER, seed=77)
SECRET = fake_token("", 40, seed=76)
NOTES = f"aws_access_key_id = {KEY_ID}\naws_secret_access_key = {SECRET}\n"


def _tree(root: Path, files: int = 2) -> None:
    root.mkdir(parents=True, exist_ok=True)
    for i in range(files):
        (root / f"keys{i}.txt").write_text(NOTES, encoding="utf-8")
    (root / "clean.py").write_text("print('hello')\n", encoding="utf-8")


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    root = tmp_path / "repo"
    _tree(root)
    monkeypatch.chdir(root)
    return root


def _scan(*extra: str) -> tuple[int, str, str]:
    res = CliRunner().invoke(main, ["scan", "--format", "json", "--jobs", "1", *extra],
                             catch_exceptions=False)
    return res.exit_code, res.stdout, res.stderr


def _snapshot(where: Path) -> dict[str, tuple[bool, bytes, int]]:
    """Every entry under ``where`` (links not followed): is-link, content, mtime."""
    out = {}
    for path in sorted(where.rglob("*")):
        st = path.lstat()
        data = b"" if path.is_symlink() or path.is_dir() else path.read_bytes()
        out[str(path.relative_to(where))] = (path.is_symlink(), data, st.st_mtime_ns)
    return out


def _outside(tmp_path: Path) -> Path:
    """A directory the scan must never touch, with a file in it."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "precious.txt").write_text("keep me\n", encoding="utf-8")
    return outside


def _results_file(cache_root: Path) -> Path:
    (path,) = cache_root.glob("*/results-*.json")
    return path


def _body(path: Path) -> dict[str, Any]:
    header, _, body = path.read_bytes().partition(b"\n")
    assert header.startswith(MAGIC + b" ")
    data: dict[str, Any] = json.loads(body)
    return data


def _mac_ok(cache_root: Path, path: Path) -> bool:
    header, _, body = path.read_bytes().partition(b"\n")
    key = (cache_root / "key").read_bytes()
    context = f"{path.parent.name}\0{path.name}\0".encode()
    expected = hmac.new(key, context + body, hashlib.sha256).hexdigest().encode()
    return header == MAGIC + b" " + expected


def _seal(cache_root: Path, path: Path, data: object, key: bytes | None = None) -> None:
    """Write ``data`` as an authentic cache file (what a bug or an old version could leave)."""
    body = json.dumps(data).encode()
    key = key if key is not None else (cache_root / "key").read_bytes()
    context = f"{path.parent.name}\0{path.name}\0".encode()
    mac = hmac.new(key, context + body, hashlib.sha256).hexdigest().encode()
    path.write_bytes(MAGIC + b" " + mac + b"\n" + body)


# -- no writes outside the tree through links ----------------------------------------------------


@pytest.mark.parametrize("shape", ["dir-link", "gitignore-link"])
def test_a_committed_cache_link_writes_nothing_outside(
    repo: Path, tmp_path: Path, shape: str
) -> None:
    outside = _outside(tmp_path)
    planted = repo / ".outlive_cache"
    if shape == "dir-link":
        (outside / "results-0123456789abcdef01234567.json").write_text("{}", encoding="utf-8")
        planted.symlink_to(outside, target_is_directory=True)
    else:
        planted.mkdir()
        (planted / ".gitignore").symlink_to(outside / "created-by-outlive")
    before_tree, before_outside = _snapshot(repo), _snapshot(outside)
    code, out, _ = _scan()
    assert code == 1
    assert json.loads(out)["stats"]["findings"] == 2
    assert _snapshot(outside) == before_outside
    assert _snapshot(repo) == before_tree


@pytest.mark.parametrize("which", ["repo-dir", "cache-root"])
def test_a_linked_cache_directory_is_refused(repo: Path, tmp_path: Path, which: str) -> None:
    outside = _outside(tmp_path)
    cache_root = tmp_path / "given"
    if which == "repo-dir":
        cache_root.mkdir(mode=0o700)
        (cache_root / repo_id(repo.resolve())).symlink_to(outside, target_is_directory=True)
    else:
        cache_root.symlink_to(outside, target_is_directory=True)
    before = _snapshot(outside)
    cold = _scan("--no-cache")
    assert _scan("--cache-dir", str(cache_root)) == cold
    assert _scan("--cache-dir", str(cache_root)) == cold
    assert _snapshot(outside) == before


def test_a_planted_results_link_is_replaced_not_followed(repo: Path, tmp_path: Path) -> None:
    cache_root = tmp_path / "cache"
    cold = _scan()
    results = _results_file(cache_root)
    outside = _outside(tmp_path)
    results.unlink()
    results.symlink_to(outside / "precious.txt")
    before = _snapshot(outside)
    assert _scan() == cold
    assert _snapshot(outside) == before
    assert not results.is_symlink()
    assert results.is_file()
    assert _mac_ok(cache_root, results)  # the cache works again


def test_planted_links_inside_the_cache_are_not_followed(repo: Path, tmp_path: Path) -> None:
    cache_root = tmp_path / "cache"
    cold = _scan()
    results = _results_file(cache_root)
    outside = _outside(tmp_path)
    results.unlink()
    results.symlink_to(outside / "precious.txt")
    lock = results.parent / "lock"
    lock.unlink()
    lock.symlink_to(outside / "lock-created-by-outlive")
    before = _snapshot(outside)
    assert _scan() == cold
    assert _snapshot(outside) == before


def test_a_linked_key_is_refused(repo: Path, tmp_path: Path) -> None:
    """A key the attacker knows (a link to their file) would let them seal a cache: refused."""
    cache_root = tmp_path / "cache"
    cold = _scan("--no-cache")
    _scan()
    results = _results_file(cache_root)
    known = tmp_path / "attacker-key"
    known.write_bytes(b"k" * 32)
    known.chmod(0o600)
    (cache_root / "key").unlink()
    (cache_root / "key").symlink_to(known)
    hidden = _body(results)
    for entry in hidden["files"].values():
        entry["findings"] = []
    _seal(cache_root, results, hidden, key=b"k" * 32)
    assert _scan() == cold
    assert known.read_bytes() == b"k" * 32


def test_a_fifo_in_the_cache_does_not_hang(repo: Path, tmp_path: Path) -> None:
    cache_root = tmp_path / "cache"

    def scan_in_a_child() -> subprocess.CompletedProcess[str]:
        # Both scans in child processes: the cache key hashes outlive's own modules, and a
        # child may import them from elsewhere (site-packages) than this test process does.
        return subprocess.run(
            [sys.executable, "-m", "scanner.cli", "scan", "--format", "json", "--jobs", "1", "."],
            cwd=repo, capture_output=True, text=True, timeout=60,
            env={**os.environ, CACHE_ENV: str(cache_root)}, check=False,
        )

    scan_in_a_child()
    results = _results_file(cache_root)
    results.unlink()
    os.mkfifo(results)
    proc = scan_in_a_child()
    assert proc.returncode == 1, proc.stderr
    assert json.loads(proc.stdout)["stats"]["findings"] == 2
    assert results.is_file()  # replaced by a valid cache file
    assert _mac_ok(cache_root, results)


def test_an_unusable_cache_dir_is_no_error(repo: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory\n", encoding="utf-8")
    cold = _scan("--no-cache")
    assert _scan("--cache-dir", str(blocker / "cache")) == cold


def test_cleanup_removes_only_our_stale_files(repo: Path, tmp_path: Path) -> None:
    cache_root = tmp_path / "cache"
    _scan()
    results = _results_file(cache_root)
    folder = results.parent
    outside = _outside(tmp_path)
    old = time.time() - 3 * 86400
    stale = folder / "results-aaaaaaaaaaaaaaaaaaaaaaaa.json"
    stale_temp = folder / "results-aaaaaaaaaaaaaaaaaaaaaaaa.json.0123456789abcdef.tmp"
    young = folder / "results-bbbbbbbbbbbbbbbbbbbbbbbb.json"  # a concurrent run's config
    foreign = folder / "notes-of-someone.json"
    linked = folder / "results-cccccccccccccccccccccccc.json"
    for path in (stale, stale_temp, young, foreign):
        path.write_text("x", encoding="utf-8")
    linked.symlink_to(outside / "precious.txt")
    for path in (stale, stale_temp, foreign):
        os.utime(path, (old, old))
    os.utime(linked, (old, old), follow_symlinks=False)
    other_repo = cache_root / ("f" * 32)
    other_repo.mkdir()
    (other_repo / stale.name).write_text("x", encoding="utf-8")
    os.utime(other_repo / stale.name, (old, old))
    before = _snapshot(outside)
    (repo / "new.txt").write_text(NOTES, encoding="utf-8")  # a miss, so the scan saves
    assert _scan()[0] == 1
    assert not stale.exists()
    assert not stale_temp.exists()
    assert young.exists()
    assert foreign.exists()
    assert linked.is_symlink()
    assert (other_repo / stale.name).exists()
    assert _snapshot(outside) == before


# -- integrity -------------------------------------------------------------------------------------


@pytest.mark.parametrize("forgery", ["old-mac", "plain-sha256", "no-header"])
def test_an_edited_cache_does_not_hide_a_finding(repo: Path, tmp_path: Path, forgery: str) -> None:
    cache_root = tmp_path / "cache"
    cold = _scan()
    assert cold[0] == 1
    results = _results_file(cache_root)
    assert _mac_ok(cache_root, results)
    header = results.read_bytes().partition(b"\n")[0]
    data = _body(results)
    for entry in data["files"].values():
        entry["findings"] = []
        entry["errors"] = []
    body = json.dumps(data).encode()
    if forgery == "old-mac":
        results.write_bytes(header + b"\n" + body)
    elif forgery == "plain-sha256":
        results.write_bytes(MAGIC + b" " + hashlib.sha256(body).hexdigest().encode() + b"\n" + body)
    else:
        results.write_bytes(body)
    assert _scan() == cold


def _damaged(entry: dict[str, Any], rel: str) -> list[dict[str, Any]]:
    """Authentic-looking entries of the wrong shape, each of which must be a miss."""
    good = entry["findings"][0]

    def finding(**change: object) -> dict[str, Any]:
        out = copy.deepcopy(entry)
        out["findings"][0] = {**good, **change}
        return out

    def whole(**change: object) -> dict[str, Any]:
        return {**copy.deepcopy(entry), **change}

    def drop(key: str) -> dict[str, Any]:
        out = copy.deepcopy(entry)
        out["findings"][0].pop(key, None)
        return out

    loc = good["l"]
    return [
        whole(findings="none"), whole(findings=[1]), whole(findings=[{}]), whole(findings=None),
        whole(errors=[[rel, "m", "fatal", "parse", 0]]), whole(errors=[[1, 2, 3]]),
        whole(errors={"a": 1}), whole(stamp=[*entry["stamp"][:2], True]),
        finding(l=[loc[0], -1, 1, 1, 1]), finding(l=[loc[0], 1, 1]),
        finding(l=["elsewhere.txt", *loc[1:]]), finding(l=[loc[0], "1", 1, 1, 1]),
        finding(l=[loc[0], 10**30, 1, 1, 1]),
        finding(c="nope"), finding(s=None), finding(p=3), finding(id="LLC-NOPE-999"),
        finding(r=[[1]]), finding(r=[[loc, 5]]), finding(sp=["bogus", "x"]),
        finding(sp=["external"]),
        finding(o="A"), finding(o=[None]), finding(no=[1]), finding(lt=7), finding(m=["x"]),
        finding(sn=None), finding(fp=1.5), finding(fx={}), finding(n=False),
        drop("fp"), drop("l"),
    ]


def test_authentic_entries_of_the_wrong_shape_are_misses(repo: Path, tmp_path: Path) -> None:
    """Even with a valid MAC (a bug, an older outlive), a damaged entry is rescanned: the
    output equals --no-cache and nothing raises, in the pipeline or in any reporter."""
    cache_root = tmp_path / "cache"
    probe = _damaged({"stamp": [0, 0, 0], "findings": [{"l": ["x", 1, 1, 1, 1]}],
                      "errors": []}, "x")
    _tree(repo, files=len(probe))
    _scan()
    results = _results_file(cache_root)
    data = _body(results)
    rels = sorted(rel for rel, entry in data["files"].items() if entry["findings"])
    assert len(rels) == len(probe)
    for rel in rels:
        assert data["files"][rel]["stamp"] == list(stamp_of(repo / rel) or ())
    for i, rel in enumerate(rels):
        data["files"][rel] = _damaged(data["files"][rel], rel)[i]
    _seal(cache_root, results, data)
    for fmt in ("json", "sarif", "text", "github"):
        expected = _scan("--no-cache", "--format", fmt)
        assert expected[0] == 1
        _seal(cache_root, results, data)
        assert _scan("--format", fmt) == expected, fmt


@pytest.mark.parametrize("top", [[], "x", 3, None, {"format": 2}, {"format": 2, "files": []},
                                 {"format": 1, "files": {}}, {"format": 2, "files": {"a": []}}])
def test_authentic_files_of_the_wrong_shape_are_misses(
    repo: Path, tmp_path: Path, top: object
) -> None:
    cache_root = tmp_path / "cache"
    cold = _scan()
    _seal(cache_root, _results_file(cache_root), top)
    assert _scan() == cold


# -- a property: any mutation of a real entry is a miss or a renderable hit ----------------------

_RULES = all_rules()
_RULE_IDS = tuple(r.META.id for r in _RULES)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner,
                                                                 max_size=3),
    max_leaves=8,
)


def _real_entry() -> dict[str, Any]:
    engine = Engine(_RULES, Config(root=ROOT))
    result = engine.scan_bytes("keys.txt", NOTES.encode())
    assert result.findings
    errors = [ScanError("keys.txt", "a note", "note", "skipped", 0)]
    return {"stamp": [len(NOTES), 1, 2], "findings": [finding_to(f) for f in result.findings],
            "errors": [[e.path, e.message, e.level, e.kind, e.line] for e in errors]}


_ENTRY = _real_entry()


def _paths(value: object, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*prefix, index))


@pytest.fixture(scope="module")
def fuzz_cache(tmp_path_factory: pytest.TempPathFactory) -> ResultCache:
    base = tmp_path_factory.mktemp("fuzz")
    return ResultCache(base / "repo", "0" * 24, cache_dir=base / "cache", rule_ids=_RULE_IDS)


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_mutated_entries_never_raise(fuzz_cache: ResultCache, data: st.DataObject) -> None:
    entry = copy.deepcopy(_ENTRY)
    where = data.draw(st.sampled_from(list(_paths(entry))[1:]))
    parent: Any = entry
    for step in where[:-1]:
        parent = parent[step]
    if isinstance(parent, dict) and data.draw(st.booleans()):
        del parent[where[-1]]
    else:
        parent[where[-1]] = data.draw(_JSON)
    fuzz_cache._entries = {"keys.txt": entry}
    hit = fuzz_cache.get("keys.txt", (len(NOTES), 1, 2))
    if hit is None:
        return
    findings, errors, _ = hit
    result = ScanResult(ROOT, findings, errors, _RULES, Stats(1, 0, len(NOTES)))
    for reporter in REPORTERS.values():
        reporter(result, ReportOptions(show_suppressed=True, color=False, sarif_absolute=False,
                                       fail_on="low"))


def test_every_real_entry_is_a_hit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Validation is not stricter than what outlive writes: on the demo repository a warm
    scan finds every file in the cache."""
    repo = tmp_path / "demo"
    shutil.copytree(ROOT / "fixtures" / "demo-repo", repo, symlinks=True)
    monkeypatch.chdir(repo)
    cache_root = tmp_path / "cache"
    assert _scan("--cache-dir", str(cache_root), "--show-info")[0] == 1
    results = _results_file(cache_root)
    entries = _body(results)["files"]
    assert sum(bool(e["findings"]) for e in entries.values()) >= 3
    key = results.name[len("results-"):-len(".json")]
    cache = ResultCache(repo, key, cache_dir=cache_root, rule_ids=_RULE_IDS)
    assert len(cache) == len(entries)
    for rel in entries:
        assert cache.get(rel, stamp_of(repo / rel)) is not None, rel


# -- concurrency and interrupts --------------------------------------------------------------------


def test_runs_on_disjoint_files_keep_each_others_entries(repo: Path, tmp_path: Path) -> None:
    cache_root = tmp_path / "cache"
    _scan("keys0.txt")
    _scan("keys1.txt", "clean.py")
    assert set(_body(_results_file(cache_root))["files"]) == {"keys0.txt", "keys1.txt",
                                                               "clean.py"}


def test_interleaved_saves_merge(tmp_path: Path) -> None:
    """Three runs load the same (empty) cache, then save in turn: none evicts the others."""
    root, cache_root = tmp_path / "repo", tmp_path / "cache"
    _tree(root, files=3)
    caches = [ResultCache(root, "1" * 24, cache_dir=cache_root) for _ in range(3)]
    for i, cache in enumerate(caches):
        cache.put(f"keys{i}.txt", stamp_of(root / f"keys{i}.txt"), (), ())
    for cache in caches:
        cache.save()
        cache.close()
    fresh = ResultCache(root, "1" * 24, cache_dir=cache_root)
    assert len(fresh) == 3
    assert all(fresh.get(f"keys{i}.txt", stamp_of(root / f"keys{i}.txt")) for i in range(3))


def test_concurrent_processes_keep_a_valid_complete_cache(tmp_path: Path) -> None:
    root, cache_root = tmp_path / "repo", tmp_path / "cache"
    _tree(root, files=6)
    env = {**os.environ, CACHE_ENV: str(cache_root)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "scanner.cli", "scan", "--jobs", "1", "--format", "json",
             f"keys{i}.txt", f"keys{i + 3}.txt"],
            cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        for i in range(3)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 1, err
    results = _results_file(cache_root)
    assert _mac_ok(cache_root, results)
    assert set(_body(results)["files"]) == {f"keys{i}.txt" for i in range(6)}
    assert not list(results.parent.glob("*.tmp"))


def test_an_interrupted_save_leaves_the_old_cache_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, cache_root = tmp_path / "repo", tmp_path / "cache"
    _tree(root)
    cache = ResultCache(root, "2" * 24, cache_dir=cache_root)
    cache.put("keys0.txt", stamp_of(root / "keys0.txt"), (), ())
    cache.save()
    good = _results_file(cache_root).read_bytes()
    cache.put("keys1.txt", stamp_of(root / "keys1.txt"), (), ())
    real_write = os.write

    def interrupted(fd: int, data: bytes) -> int:
        real_write(fd, bytes(data[:10]))
        raise KeyboardInterrupt

    monkeypatch.setattr("scanner.cache.os.write", interrupted)
    with pytest.raises(KeyboardInterrupt):
        cache.save()
    monkeypatch.undo()
    cache.close()
    results = _results_file(cache_root)
    assert results.read_bytes() == good
    assert _mac_ok(cache_root, results)
    assert not list(results.parent.glob("*.tmp"))
