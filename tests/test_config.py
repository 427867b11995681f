"""Configuration: where it is found, what it accepts, what it refuses, and what it changes."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from scanner.api import BASE32_UPPER, fake_token
from scanner.cli import main
from scanner.config import ConfigError, Thresholds, find_config, load_config
from scanner.secrets import is_placeholder

KEY = fake_token("AKIA", 16, BASE32_UPPER, seed=21)
# A key holding a word we can declare a placeholder (not a built-in placeholder word).
WORD_KEY = "AKIA" + "QWZRTPLK" + fake_token("", 8, BASE32_UPPER, seed=22)
assert not is_placeholder(KEY)
assert not is_placeholder(WORD_KEY)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def secret_file(path: Path, key: str = KEY) -> Path:
    return write(path, f"aws key: {key}\n")


def scan(*args: str | Path):
    result = CliRunner().invoke(
        main,
        ["scan", "--select", "LLC-SRC-001", "--format", "json", *map(str, args)],
        catch_exceptions=False,
    )
    assert "Traceback" not in result.stdout + result.stderr
    return result


def reported(result) -> list[str]:
    assert result.exit_code in (0, 1), result.stderr
    return sorted(f["location"]["path"] for f in json.loads(result.stdout)["findings"])


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


# -- discovery of the config file -------------------------------------------------------------

FAIL_ON_CRITICAL = 'fail-on = "critical"\n'


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("outlive.toml", FAIL_ON_CRITICAL),
        (".outlive.toml", FAIL_ON_CRITICAL),
        ("pyproject.toml", '[project]\nname = "x"\n\n[tool.outlive]\n' + FAIL_ON_CRITICAL),
    ],
)
def test_config_is_found_upward(here: Path, name: str, text: str) -> None:
    secret_file(here / "proj/sub/deep/a.txt")
    assert scan("proj/sub/deep").exit_code == 1  # no config yet: the high finding fails
    write(here / "proj" / name, text)
    result = scan("proj/sub/deep")
    assert reported(result) == ["proj/sub/deep/a.txt"]
    assert result.exit_code == 0  # fail-on = critical came from the file two levels up
    assert find_config(here / "proj/sub/deep") == here / "proj" / name


def test_pyproject_without_table_is_skipped(here: Path) -> None:
    write(here / "proj/outlive.toml", FAIL_ON_CRITICAL)
    write(here / "proj/sub/pyproject.toml", '[project]\nname = "x"\n[tool.ruff]\nline-length = 1\n')
    secret_file(here / "proj/sub/a.txt")
    assert find_config(here / "proj/sub") == here / "proj/outlive.toml"
    assert scan("proj/sub").exit_code == 0


def test_nearest_config_wins(here: Path) -> None:
    write(here / "proj/outlive.toml", 'fail-on = "low"\n')
    write(here / "proj/sub/.outlive.toml", FAIL_ON_CRITICAL)
    secret_file(here / "proj/sub/a.txt")
    assert scan("proj/sub").exit_code == 0


def test_explicit_config(here: Path) -> None:
    write(here / "proj/outlive.toml", "no-such-key = 1\n")  # would fail if it were read
    cfg = write(here / "elsewhere/custom.toml", FAIL_ON_CRITICAL)
    secret_file(here / "proj/a.txt")
    assert scan("proj").exit_code == 2
    assert scan("--config", cfg, "proj").exit_code == 0


def test_explicit_config_missing(here: Path) -> None:
    secret_file(here / "a.txt")
    result = scan("--config", "nope.toml", ".")
    assert result.exit_code == 2
    assert "nope.toml" in result.stderr


def test_config_in_parent_of_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Running from a subfolder of a repository: the config at its top is found, and the
    globs stay anchored at the config's folder. (Outside a git work tree the search stops at
    the scan root: see tests/test_hostile_repo.py.)"""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True, capture_output=True)
    write(
        tmp_path / "outlive.toml",
        'exclude = ["sub/skipped.txt"]\n[per-path-ignores]\n"sub/fixtures/**" = ["LLC-SRC"]\n',
    )
    secret_file(tmp_path / "sub/skipped.txt")
    secret_file(tmp_path / "sub/kept.txt")
    secret_file(tmp_path / "sub/fixtures/f.txt")
    monkeypatch.chdir(tmp_path / "sub")
    # Paths are relative to the repository's top, whatever the working directory.
    assert reported(scan(".")) == ["sub/kept.txt"]


# -- refused configs: exit 2, a sentence naming the key and the file, no traceback --------------


@pytest.mark.parametrize(
    ("name", "text", "needle"),
    [
        ("outlive.toml", "exclud = ['x']\n", "`exclud`"),
        ("outlive.toml", "exclude = 'x'\n", "`exclude`"),
        ("outlive.toml", "exclude = [1]\n", "`exclude`"),
        ("outlive.toml", "select = 'LLC-SRC'\n", "`select`"),
        ("outlive.toml", "allow-blanket-ignores = 'yes'\n", "`allow-blanket-ignores`"),
        ("outlive.toml", "require-reason = 1\n", "`require-reason`"),
        ("outlive.toml", "max-file-size = 'huge'\n", "`max-file-size`"),
        ("outlive.toml", "max-file-size = -1\n", "`max-file-size`"),
        ("outlive.toml", "fail-on = 'severe'\n", "`fail-on`"),
        ("outlive.toml", "fail-on = 3\n", "`fail-on`"),
        (
            "outlive.toml",
            "[thresholds]\njwt_max_lifetime = 'forever'\n",
            "`thresholds.jwt_max_lifetime`",
        ),
        (
            "outlive.toml",
            "[thresholds]\njwt_max_lifetime = true\n",
            "`thresholds.jwt_max_lifetime`",
        ),
        ("outlive.toml", "[thresholds]\njwt_max_lifetime = 0\n", "`thresholds.jwt_max_lifetime`"),
        ("outlive.toml", "[thresholds]\njwt_lifetime = '1h'\n", "`thresholds.jwt_lifetime`"),
        (
            "outlive.toml",
            "[thresholds]\ncredential_max_validity_days = '90d'\n",
            "`thresholds.credential_max_validity_days`",
        ),
        ("outlive.toml", "thresholds = 3\n", "`thresholds`"),
        ("outlive.toml", "allowlist = ['(unclosed']\n", "`allowlist`"),
        ("outlive.toml", "placeholder-words = 'dummy'\n", "`placeholder-words`"),
        ("outlive.toml", "per-path-ignores = ['tests']\n", "`per-path-ignores`"),
        (
            "outlive.toml",
            "[per-path-ignores]\n'tests/**' = 'LLC-SRC'\n",
            "`per-path-ignores.tests/**`",
        ),
        ("outlive.toml", "exclude = [\n", "not valid TOML"),
        ("outlive.toml", "= 1\n", "not valid TOML"),
        (".outlive.toml", "bogus = true\n", "`bogus`"),
        ("pyproject.toml", "[tool.outlive]\nbogus = true\n", "`tool.outlive.bogus`"),
        ("pyproject.toml", "[tool.outlive]\nfail-on = 'none'\n", "`tool.outlive.fail-on`"),
        ("pyproject.toml", "[tool]\noutlive = 1\n", "tool.outlive"),
    ],
)
def test_bad_config_exits_2(here: Path, name: str, text: str, needle: str) -> None:
    cfg = write(here / name, text)
    secret_file(here / "a.txt")
    result = scan(".")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert needle in result.stderr
    assert str(cfg) in result.stderr
    assert result.stderr.startswith("outlive: error: ")


def test_bad_config_via_explicit_option(here: Path) -> None:
    cfg = write(here / "conf/x.toml", "fail-on = 'oops'\n")
    secret_file(here / "a.txt")
    result = scan("--config", cfg, "a.txt")
    assert result.exit_code == 2
    assert "`fail-on`" in result.stderr
    assert str(cfg) in result.stderr


def test_config_error_names_the_file_in_load_config(tmp_path: Path) -> None:
    cfg = write(tmp_path / "outlive.toml", "nope = 1\n")
    with pytest.raises(ConfigError, match=r"outlive\.toml: `nope` is not a known setting"):
        load_config(cfg, tmp_path)


# -- accepted values ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("'24h'", 86400),
        ("'30d'", 30 * 86400),
        ("3600", 3600),
        ("'PT1H'", 3600),
        ("'1h30m'", 5400),
        ("'P1D'", 86400),
        ("'900'", 900),
    ],
)
def test_threshold_spellings(tmp_path: Path, value: str, seconds: int) -> None:
    cfg = write(
        tmp_path / "outlive.toml",
        f"[thresholds]\njwt_max_lifetime = {value}\npresign_max_seconds = {value}\n",
    )
    config = load_config(cfg, tmp_path)
    assert config.thresholds.jwt_max_lifetime == seconds
    assert config.thresholds.presign_max_seconds == seconds
    assert config.thresholds.access_token_max_lifetime == Thresholds().access_token_max_lifetime


def test_full_config_is_accepted(here: Path) -> None:
    write(
        here / "outlive.toml",
        """
exclude = ["build/"]
select = ["LLC-SRC"]
ignore = ["LLC-SRC-007"]
fail-on = "medium"
max-file-size = "1MiB"
allow-blanket-ignores = false
require-reason = true
placeholder-words = ["sandbox"]
allowlist = ["^AKIA0{16}$"]

[per-path-ignores]
"tests/**" = ["LLC-SRC-014"]

[thresholds]
jwt_max_lifetime = "12h"
credential_max_validity_days = 30
""",
    )
    config = load_config(here / "outlive.toml", here)
    assert config.max_file_size == 1024 * 1024
    assert config.fail_on == "medium"
    assert config.per_path_ignores == (("tests/**", ("LLC-SRC-014",)),)
    assert config.thresholds.jwt_max_lifetime == 12 * 3600
    assert config.thresholds.credential_max_validity_days == 30
    secret_file(here / "a.txt")
    assert scan(".").exit_code == 1


# -- what the settings change ------------------------------------------------------------------


def test_exclude_drops_files(here: Path) -> None:
    write(here / "outlive.toml", 'exclude = ["build/", "*.bak", "/top.txt"]\n')
    for rel in ("build/a.txt", "src/build/b.txt", "x.bak", "top.txt", "src/top.txt", "src/ok.txt"):
        secret_file(here / rel)
    assert reported(scan(".")) == ["src/ok.txt", "src/top.txt"]


def test_per_path_ignores_only_match_their_paths(here: Path) -> None:
    write(
        here / "outlive.toml",
        '[per-path-ignores]\n"tests/**" = ["LLC-SRC-001"]\n"docs/*.md" = ["LLC-SRC"]\n'
        '"other/**" = ["LLC-SRC-007"]\n"*.sample" = ["LLC-SRC-001"]\n',
    )
    for rel in (
        "tests/unit/a.txt",
        "docs/a.md",
        "docs/a.txt",
        "src/a.txt",
        "src/tests/a.txt",
        "other/a.txt",
        "deep/er/x.sample",
    ):
        secret_file(here / rel)
    assert reported(scan(".")) == ["docs/a.txt", "other/a.txt", "src/a.txt", "src/tests/a.txt"]


def test_fail_on_from_config_and_command_line(here: Path) -> None:
    secret_file(here / "a.txt")  # a lone AKIA key id is high
    write(here / "outlive.toml", 'fail-on = "critical"\n')
    assert scan(".").exit_code == 0
    assert scan("--fail-on", "high", ".").exit_code == 1  # the command line wins
    write(here / "outlive.toml", 'fail-on = "high"\n')
    assert scan(".").exit_code == 1


def test_allowlist_regex_quiets_a_value(here: Path) -> None:
    secret_file(here / "a.txt")
    secret_file(here / "b.txt", WORD_KEY)
    assert reported(scan(".")) == ["a.txt", "b.txt"]
    write(here / "outlive.toml", f'allowlist = ["^{KEY}$"]\n')
    result = scan(".")
    assert reported(result) == ["b.txt"]
    assert KEY not in result.stdout


def test_placeholder_words_quiet_a_value(here: Path) -> None:
    secret_file(here / "a.txt")
    secret_file(here / "b.txt", WORD_KEY)
    write(here / "outlive.toml", 'placeholder-words = ["qwzrtplk"]\n')
    assert reported(scan(".")) == ["a.txt"]
