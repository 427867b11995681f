"""Config rule selectors must name a rule, and the config can set the baseline file.

A typo in ``select``, ``ignore`` or ``per-path-ignores`` used to pass unnoticed (or, for
``select``, fail without naming the config file), so a check the user meant to keep could be
silently off; ``baseline = "path"`` lets ``scan`` gate on a baseline without a flag on every
command line.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from scanner.api import BASE32_UPPER, fake_token
from scanner.baseline import DEFAULT_BASELINE
from scanner.cli import main
from scanner.config import ConfigError, load_config

KEY = fake_token("AKIA", 16, BASE32_UPPER, seed=91)
OTHER_KEY = fake_token("AKIA", 16, BASE32_UPPER, seed=92)


def cli(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert "Traceback" not in result.stdout + result.stderr
    return result


def scan(*args: str) -> Result:
    return cli("scan", "--no-cache", "--format", "json", *args)


def active(result: Result) -> list[str]:
    assert result.exit_code in (0, 1), result.stderr
    doc = json.loads(result.stdout)
    return sorted(f["location"]["path"] for f in doc["findings"] if f["suppression"] is None)


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.txt").write_text(f"aws key: {KEY}\n", encoding="utf-8")
    return tmp_path


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# -- selectors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "key", "selector"),
    [
        ('select = ["LLC-SRC-001", "LLC-SRC-999"]\n', "`select`", "'LLC-SRC-999'"),
        ('ignore = ["LLC-NOPE"]\n', "`ignore`", "'LLC-NOPE'"),
        ('ignore = ["LLC-SRC-01"]\n', "`ignore`", "'LLC-SRC-01'"),  # not a prefix match
        (
            '[per-path-ignores]\n"tests/**" = ["LLC-SRC", "LLC-SRC-999"]\n',
            '`per-path-ignores."tests/**"`',
            "'LLC-SRC-999'",
        ),
        ('[per-path-ignores]\n"docs/*.md" = [""]\n', '`per-path-ignores."docs/*.md"`', "''"),
    ],
)
def test_a_selector_that_matches_no_rule_is_a_config_error(
    here: Path, body: str, key: str, selector: str
) -> None:
    write(here / "outlive.toml", body)
    for command in (("scan", "--no-cache", "."), ("baseline", "create", ".")):
        result = cli(*command)
        assert result.exit_code == 2, result.stdout
        assert result.stdout == ""
        line = result.stderr.strip().splitlines()[-1]
        assert line.startswith(f"outlive: error: {here / 'outlive.toml'}: {key}: ")
        assert f"no rule or family {selector}" in line
        assert "`outlive rules` lists them" in line
    assert not (here / DEFAULT_BASELINE).exists()


def test_pyproject_keys_are_named_with_their_table(here: Path) -> None:
    write(here / "pyproject.toml", '[tool.outlive]\nselect = ["LLC-FOO"]\n')
    result = cli("scan", "--no-cache", ".")
    assert result.exit_code == 2
    assert "pyproject.toml: `tool.outlive.select`: no rule or family 'LLC-FOO'" in result.stderr


def test_load_config_raises_for_an_unknown_selector(tmp_path: Path) -> None:
    cfg = write(tmp_path / "outlive.toml", '[per-path-ignores]\n"x/**" = ["LLC-PY-999"]\n')
    with pytest.raises(ConfigError, match=r'per-path-ignores\."x/\*\*"`: no rule or family'):
        load_config(cfg, tmp_path)


@pytest.mark.parametrize(
    "body",
    [
        'select = ["LLC-SRC", "llc-py-001", "ALL"]\n',
        'ignore = ["LLC-SRC-014", "LLC-FS-"]\n',
        '[per-path-ignores]\n"tests/**" = ["LLC-SRC", "LLC-GHA-001"]\n',
    ],
)
def test_real_ids_families_and_all_are_accepted(here: Path, body: str) -> None:
    write(here / "outlive.toml", body)
    assert cli("scan", "--no-cache", ".").exit_code in (0, 1)


@pytest.mark.parametrize("option", ["--select", "--ignore"])
def test_command_line_selectors_are_checked_too(here: Path, option: str) -> None:
    result = cli("scan", "--no-cache", option, "LLC-SRC-999", ".")
    assert result.exit_code == 2
    assert "'LLC-SRC-999' matches no rule" in result.stderr


def test_a_key_pasted_as_a_selector_is_masked(here: Path) -> None:
    write(here / "outlive.toml", f'ignore = ["{KEY}"]\n')
    result = cli("scan", "--no-cache", ".")
    assert result.exit_code == 2
    assert KEY not in result.stderr
    assert KEY[:4] in result.stderr


# -- the baseline setting -----------------------------------------------------------------------


def test_the_configured_baseline_is_written_and_used(here: Path) -> None:
    write(here / "outlive.toml", 'baseline = "ci/known.json"\n')
    (here / "ci").mkdir()
    result = cli("baseline", "create", ".")
    assert result.exit_code == 0, result.stderr
    assert "ci/known.json" in result.stderr
    assert (here / "ci/known.json").is_file()
    assert not (here / DEFAULT_BASELINE).exists()
    assert scan(".").exit_code == 0  # no --baseline: the config's is used
    assert active(scan(".")) == []

    (here / "b.txt").write_text(f"aws key: {OTHER_KEY}\n", encoding="utf-8")
    assert active(scan(".")) == ["b.txt"]
    # `create` and `update` scan without the baseline: the known finding stays recorded, and
    # `update` records the new one in the configured file (`--no-add` would only narrow).
    assert cli("baseline", "update", "--no-add", ".").exit_code == 0
    doc = json.loads((here / "ci/known.json").read_text(encoding="utf-8"))
    assert [r["path"] for r in doc["results"]] == ["a.txt"]
    assert cli("baseline", "update", ".").exit_code == 0
    doc = json.loads((here / "ci/known.json").read_text(encoding="utf-8"))
    assert [r["path"] for r in doc["results"]] == ["a.txt", "b.txt"]
    assert active(scan(".")) == []


def test_the_command_line_baseline_wins(here: Path) -> None:
    write(here / "outlive.toml", 'baseline = "known.json"\n')
    assert cli("baseline", "create", ".").exit_code == 0
    (here / "empty.json").write_text('{"version": 2, "results": []}', encoding="utf-8")
    assert active(scan("--baseline", "empty.json", ".")) == ["a.txt"]
    assert active(scan(".")) == []


def test_the_configured_baseline_is_relative_to_the_config_folder(
    here: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = here / "project"
    write(project / "outlive.toml", 'baseline = "known.json"\n')
    write(project / "a.txt", f"aws key: {KEY}\n")
    monkeypatch.chdir(here)
    result = cli("baseline", "create", "--config", "project/outlive.toml", "project")
    assert result.exit_code == 0, result.stderr
    assert (project / "known.json").is_file()
    assert not (here / "known.json").exists()


def test_a_missing_configured_baseline_is_an_error_with_advice(here: Path) -> None:
    write(here / "outlive.toml", 'baseline = "known.json"\n')
    result = cli("scan", "--no-cache", ".")
    assert result.exit_code == 2  # not a scan run as if no baseline were set
    assert result.stdout == ""
    assert "known.json does not exist" in result.stderr
    assert "create it with `outlive baseline create`" in result.stderr
    update = cli("baseline", "update", ".")
    assert update.exit_code == 2
    assert "known.json does not exist" in update.stderr


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("../outside.json", "inside the config file's folder"),
        ("/srv/outside.json", "inside the config file's folder"),
        (".", "leads outside it"),
        ("", "must be the path of a file"),
        (3, "must be the path of a file"),
    ],
)
def test_a_baseline_setting_outside_the_folder_is_refused(
    here: Path, value: object, problem: str
) -> None:
    write(here / "outlive.toml", f"baseline = {json.dumps(value)}\n")
    result = cli("baseline", "create", ".")
    assert result.exit_code == 2
    assert "`baseline`" in result.stderr
    assert problem in result.stderr
    assert not (here.parent / "outside.json").exists()


def test_a_baseline_setting_through_a_link_out_of_the_folder_is_refused(
    here: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    (here / "out").symlink_to(elsewhere)
    write(here / "outlive.toml", 'baseline = "out/known.json"\n')
    result = cli("baseline", "create", ".")
    assert result.exit_code == 2
    assert "leads outside it" in result.stderr
    assert not (elsewhere / "known.json").exists()


def test_baseline_is_listed_among_the_known_settings(here: Path) -> None:
    write(here / "outlive.toml", 'baselines = "x.json"\n')
    result = cli("scan", "--no-cache", ".")
    assert result.exit_code == 2
    assert "baseline," in result.stderr  # in the list of known settings
