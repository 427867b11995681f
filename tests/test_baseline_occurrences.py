"""A baseline hides exactly the findings it recorded, and every output shows one fingerprint.

Identical code flagged twice in one file (two ``jwt.encode`` calls without ``exp``) gives two
findings with the same (path, rule, fingerprint) key; a baseline used to hide every finding of a
known key, so a new, identical call passed the gate. Entries now carry a ``count``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from scanner.api import BASE32_UPPER, fake_token
from scanner.baseline import (
    BASELINE_VERSION,
    DEFAULT_BASELINE,
    Entry,
    dump,
    entries_for,
    hide_known,
    load,
    updated,
)
from scanner.cli import main
from scanner.config import Config
from scanner.findings import Finding, Suppression
from scanner.pipeline import scan as pipeline_scan
from scanner.registry import select_rules

RULE = "LLC-PY-001"
HEADER = "import jwt\n"
#: The same flagged code in a function of its own: each copy is one more identical finding.
CALL = (
    '\n\ndef mint_{i}(user, key):\n    return jwt.encode({{"sub": user}}, key, algorithm="HS256")\n'
)
KEY = fake_token("AKIA", 16, BASE32_UPPER, seed=77)


def cli(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert "Traceback" not in result.stdout + result.stderr
    return result


def scan(*args: str) -> Result:
    return cli("scan", "--no-cache", "--select", RULE, "--select", "LLC-SRC-001", *args)


def findings(*args: str) -> list[dict]:
    result = scan("--format", "json", "--show-suppressed", *args)
    assert result.exit_code in (0, 1), result.stderr
    return json.loads(result.stdout)["findings"]


def active(*args: str) -> list[dict]:
    return [f for f in findings(*args) if f["suppression"] is None]


def write_calls(root: Path, n: int, name: str = "app/tokens.py") -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER + "".join(CALL.format(i=i) for i in range(n)), encoding="utf-8")
    return path


def create(*args: str) -> dict:
    result = cli("baseline", "create", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(Path(DEFAULT_BASELINE).read_text(encoding="utf-8"))


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def entries_of(doc: dict) -> list[dict]:
    return [r for r in doc["results"] if r["rule"] == RULE]


# -- counts --------------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 2, 3])
def test_one_more_identical_occurrence_is_exactly_one_new_finding(repo: Path, n: int) -> None:
    write_calls(repo, n)
    assert len(active()) == n
    doc = create()
    assert doc["version"] == BASELINE_VERSION == 2
    [entry] = entries_of(doc)
    assert entry["count"] == n
    assert scan("--baseline", DEFAULT_BASELINE).exit_code == 0

    write_calls(repo, n + 1)  # a new call with the same text
    result = scan("--baseline", DEFAULT_BASELINE)
    assert result.exit_code == 1
    [new] = active("--baseline", DEFAULT_BASELINE)
    assert new["rule"] == RULE
    # Deterministic: the findings are hidden in report order, so the last one stays active.
    assert new["location"]["line"] == max(f["location"]["line"] for f in findings())
    assert any(f"records {n} finding" in note and f"found {n + 1}" in note for note in new["notes"])
    shown = findings("--baseline", DEFAULT_BASELINE)
    assert [f["suppression"]["kind"] for f in shown if f["suppression"]] == ["external"] * n

    write_calls(repo, max(n - 1, 0))  # one fewer than recorded: nothing is new
    assert active("--baseline", DEFAULT_BASELINE) == []
    assert scan("--baseline", DEFAULT_BASELINE).exit_code == 0


def test_the_same_hidden_findings_for_any_jobs(repo: Path) -> None:
    write_calls(repo, 2)
    create()
    write_calls(repo, 3)
    for extra in range(80):  # past the parallel threshold, so --jobs 2 really forks
        (repo / f"pad/{extra}.txt").parent.mkdir(exist_ok=True)
        (repo / f"pad/{extra}.txt").write_text("nothing here\n", encoding="utf-8")
    one = scan("--baseline", DEFAULT_BASELINE, "--jobs", "1", "--format", "json")
    two = scan("--baseline", DEFAULT_BASELINE, "--jobs", "2", "--format", "json")
    assert one.exit_code == two.exit_code == 1
    assert one.stdout == two.stdout


def test_findings_suppressed_in_the_source_are_not_counted(repo: Path) -> None:
    path = write_calls(repo, 2)
    text = path.read_text(encoding="utf-8")
    suppressed = text.replace(
        'algorithm="HS256")\n',
        'algorithm="HS256")  # outlive: ignore[LLC-PY-001] reason="test double"\n',
        1,
    )
    path.write_text(suppressed, encoding="utf-8")
    [entry] = entries_of(create())
    assert entry["count"] == 1  # only the unsuppressed call is recorded
    assert scan("--baseline", DEFAULT_BASELINE).exit_code == 0
    path.write_text(text, encoding="utf-8")  # the inline suppression is removed
    assert len(active("--baseline", DEFAULT_BASELINE)) == 1


def test_create_reports_entries_and_findings(repo: Path) -> None:
    write_calls(repo, 3)
    result = cli("baseline", "create")
    assert result.exit_code == 0
    assert f"wrote 1 entry (3 findings) to {DEFAULT_BASELINE}" in result.stderr


def test_update_no_add_lowers_counts_never_raises_them_and_keeps_reasons(repo: Path) -> None:
    write_calls(repo, 3)
    (repo / "keys.txt").write_text(f"aws = {KEY}\n", encoding="utf-8")
    create()
    path = repo / DEFAULT_BASELINE
    doc = json.loads(path.read_text(encoding="utf-8"))
    for item in doc["results"]:
        item["reason"] = "accepted in review"
    path.write_text(json.dumps(doc), encoding="utf-8")

    write_calls(repo, 2)  # one call fixed
    (repo / "keys.txt").write_text("aws = from the vault\n", encoding="utf-8")  # key fixed
    result = cli("baseline", "update", "--no-add")
    assert result.exit_code == 0, result.stderr
    assert "1 pruned (no finding left), 1 with fewer findings left" in result.stderr
    assert "1 entry now" in result.stderr
    after = json.loads(path.read_text(encoding="utf-8"))
    assert after["version"] == 2
    assert [(r["rule"], r["count"], r["reason"]) for r in after["results"]] == [
        (RULE, 2, "accepted in review")
    ]

    write_calls(repo, 4)  # two new calls: a --no-add update does not accept them
    assert cli("baseline", "update", "--no-add").exit_code == 0
    assert entries_of(json.loads(path.read_text(encoding="utf-8")))[0]["count"] == 2
    assert len(active("--baseline", DEFAULT_BASELINE)) == 2


# -- version 1 files ---------------------------------------------------------------------------


def raw_findings(root: Path) -> list[Finding]:
    """Findings through the API, where the value hash a version 1 baseline stored is visible."""
    rules = select_rules(select=(RULE, "LLC-SRC-001"))
    return list(pipeline_scan([root], Config(root=root), rules, jobs=1).findings)


def write_v1(root: Path, found: list[Finding], reason: str = "") -> Path:
    """A baseline as outlive 0.1 wrote it: one entry per distinct key, the value hash, no count."""
    keys = sorted({(f.location.path, f.rule_id, f.fingerprint) for f in found})
    results = [{"path": p, "rule": r, "fingerprint": fp} for p, r, fp in keys]
    if reason:
        for item in results:
            item["reason"] = reason
    path = root / "v1.json"
    doc = {"version": 1, "outlive_version": "0.1.0", "results": results}
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_a_version_1_baseline_still_hides_what_it_named(repo: Path) -> None:
    write_calls(repo, 1)
    (repo / "keys.txt").write_text(f"aws = {KEY}\n", encoding="utf-8")
    v1 = write_v1(repo, raw_findings(repo))
    entries = load(v1)
    assert [e.count for e in entries] == [1, 1]
    # Converted on load to the fingerprint every output shows.
    assert {e.fingerprint for e in entries} == {f["fingerprint"] for f in findings()}
    assert scan("--baseline", str(v1)).exit_code == 0
    assert active("--baseline", str(v1)) == []


def test_a_version_1_entry_stands_for_one_finding(repo: Path) -> None:
    """Version 1 never recorded how many findings an entry covered: it hides one, and `create`
    records them all again."""
    write_calls(repo, 2)
    v1 = write_v1(repo, raw_findings(repo))
    assert len(active("--baseline", str(v1))) == 1


def test_update_rewrites_a_version_1_file_as_version_2(repo: Path) -> None:
    write_calls(repo, 1)
    (repo / "keys.txt").write_text(f"aws = {KEY}\n", encoding="utf-8")
    v1 = write_v1(repo, raw_findings(repo), reason="known since 2024")
    result = cli("baseline", "update", "--output", str(v1))
    assert result.exit_code == 0, result.stderr
    assert "2 unchanged; 2 entries now" in result.stderr
    doc = json.loads(v1.read_text(encoding="utf-8"))
    assert doc["version"] == 2
    assert all(r["count"] == 1 and r["reason"] == "known since 2024" for r in doc["results"])
    assert {r["fingerprint"] for r in doc["results"]} == {f["fingerprint"] for f in findings()}
    assert scan("--baseline", str(v1)).exit_code == 0


@pytest.mark.parametrize(
    ("count", "needle"),
    [
        (0, "malformed entry (`count`"),
        (-1, "malformed entry (`count`"),
        ("2", "malformed entry (`count`"),
        (True, "malformed entry (`count`"),
        (1.5, "malformed entry (`count`"),
        (None, "malformed entry (`count`"),
    ],
)
def test_a_bad_count_is_a_baseline_error(repo: Path, count: object, needle: str) -> None:
    write_calls(repo, 1)
    item: dict[str, object] = {"path": "app/tokens.py", "rule": RULE, "fingerprint": "0" * 32}
    if count is not None:
        item["count"] = count
    (repo / "b.json").write_text(json.dumps({"version": 2, "results": [item]}), "utf-8")
    result = scan("--baseline", "b.json")
    assert result.exit_code == 2
    assert needle in result.stderr
    assert "b.json" in result.stderr


def test_a_newer_baseline_is_refused_with_advice(repo: Path) -> None:
    (repo / "b.json").write_text('{"version": 3, "results": []}', encoding="utf-8")
    result = scan("--baseline", "b.json", ".")
    assert result.exit_code == 2
    assert "not an outlive baseline of version 1 or 2" in result.stderr
    assert "newer outlive" in result.stderr


def test_a_missing_baseline_names_the_command_that_creates_it(repo: Path) -> None:
    result = scan("--baseline", "known.json", ".")
    assert result.exit_code == 2
    assert "create it with `outlive baseline create --output known.json`" in result.stderr
    result = scan("--baseline", DEFAULT_BASELINE, ".")
    assert "create it with `outlive baseline create`" in result.stderr


def test_a_key_listed_twice_counts_once_at_its_larger_count() -> None:
    entries = [Entry("a.py", RULE, "f" * 32, "", 2), Entry("a.py", RULE, "f" * 32, "why", 1)]
    doc = json.loads(dump(entries))
    assert doc["results"] == [
        {"path": "a.py", "rule": RULE, "fingerprint": "f" * 32, "count": 2, "reason": "why"}
    ]


# -- the API ------------------------------------------------------------------------------------


def test_hide_known_entries_for_and_updated(repo: Path) -> None:
    write_calls(repo, 3)
    found = raw_findings(repo)
    assert len(found) == 3
    [entry] = entries_for(found)
    assert entry.count == 3
    assert entry.fingerprint == found[0].stable_fingerprint
    fewer = replace_count(entry, 2)
    hidden = hide_known(found, [fewer])
    assert [f.suppression is not None for f in hidden] == [True, True, False]
    assert updated([entry], found[:1]) == [replace_count(entry, 1)]
    assert updated([entry], []) == []
    # An inline suppression is kept as it is and uses up nothing.
    inline = [
        Finding(**{**_fields(found[0]), "suppression": Suppression("inSource", "test")}),
        *found[1:],
    ]
    marked = hide_known(inline, [fewer])
    assert [f.suppression.kind if f.suppression else None for f in marked] == [
        "inSource",
        "external",
        "external",
    ]


def replace_count(entry: Entry, count: int) -> Entry:
    return Entry(entry.path, entry.rule, entry.fingerprint, entry.reason, count)


def _fields(finding: Finding) -> dict[str, object]:
    return {name: getattr(finding, name) for name in Finding.__dataclass_fields__}


# -- one fingerprint ------------------------------------------------------------------------------


def test_json_sarif_and_baseline_carry_the_same_fingerprint(repo: Path) -> None:
    write_calls(repo, 2)
    (repo / "keys.txt").write_text(f"aws = {KEY}\n", encoding="utf-8")
    as_json = {
        (f["location"]["path"], f["location"]["line"]): f["fingerprint"] for f in findings()
    }
    sarif = json.loads(scan("--format", "sarif").stdout)
    as_sarif = {
        (
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
        ): r["partialFingerprints"]["outlive/v1"]
        for r in sarif["runs"][0]["results"]
    }
    assert as_json == as_sarif
    assert len(as_json) == 3
    in_baseline = {r["fingerprint"] for r in create()["results"]}
    assert in_baseline == set(as_json.values())
    assert KEY not in (repo / DEFAULT_BASELINE).read_text(encoding="utf-8")


def test_the_fingerprint_survives_a_line_move_and_follows_path_and_value(repo: Path) -> None:
    keys = repo / "keys.txt"
    keys.write_text(f"aws = {KEY}\n", encoding="utf-8")
    [before] = findings()
    keys.write_text(f"# moved down\n\naws = {KEY}\n", encoding="utf-8")
    [moved] = findings()
    assert moved["location"]["line"] == 3
    assert moved["fingerprint"] == before["fingerprint"]
    keys.rename(repo / "other.txt")
    [renamed] = findings()
    assert renamed["fingerprint"] != before["fingerprint"]
    (repo / "other.txt").write_text(
        f"aws = {fake_token('AKIA', 16, BASE32_UPPER, seed=78)}\n", encoding="utf-8"
    )
    [changed] = findings()
    assert changed["fingerprint"] not in (before["fingerprint"], renamed["fingerprint"])
