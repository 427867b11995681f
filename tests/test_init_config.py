"""`outlive init` and `outlive check-config`: what init writes is the defaults, and loads."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from scanner.cli import main
from scanner.cli.init import template
from scanner.config import Config, Thresholds, load_config


def _run(cwd: Path, *args: str) -> tuple[int, str, str]:
    here = Path.cwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    finally:
        os.chdir(here)
    return result.exit_code, result.stdout, result.stderr


def _same_settings(a: Config, b: Config) -> bool:
    keep = ("exclude", "select", "ignore", "fail_on", "max_file_size", "allow_blanket_ignores",
            "require_reason", "placeholder_words", "allowlist", "per_path_ignores", "thresholds",
            "baseline")  # fmt: skip
    return all(getattr(a, k) == getattr(b, k) for k in keep)


def test_init_writes_every_default(tmp_path: Path) -> None:
    code, _, err = _run(tmp_path, "init")
    assert code == 0, err
    path = tmp_path / "outlive.toml"
    text = path.read_text(encoding="utf-8")
    loaded = load_config(path, tmp_path)
    assert _same_settings(loaded, Config(root=tmp_path))
    for name in Thresholds.__dataclass_fields__:
        assert f"\n{name} = " in text
    for key in ("exclude", "select", "ignore", "fail-on", "max-file-size", "require-reason",
                "allow-blanket-ignores", "placeholder-words", "allowlist", "baseline",
                "[per-path-ignores]", "[thresholds]"):  # fmt: skip
        assert key in text
    assert text.count("\n# ") >= 15  # commented


def test_init_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    (tmp_path / "outlive.toml").write_text('fail-on = "high"\n', encoding="utf-8")
    code, _, err = _run(tmp_path, "init")
    assert code == 2
    assert "already exists; --force replaces it" in err
    assert (tmp_path / "outlive.toml").read_text(encoding="utf-8") == 'fail-on = "high"\n'
    code, _, _ = _run(tmp_path, "init", "--force")
    assert code == 0
    assert "[thresholds]" in (tmp_path / "outlive.toml").read_text(encoding="utf-8")


def test_init_pyproject_appends_without_rewriting(tmp_path: Path) -> None:
    original = (
        '[project]\nname = "demo"  # keep me\nversion = "1"\n\n[tool.ruff]\nline-length = 99\n'
    )
    (tmp_path / "pyproject.toml").write_text(original, encoding="utf-8")
    code, _, err = _run(tmp_path, "init", "--pyproject")
    assert code == 0, err
    text = (tmp_path / "pyproject.toml").read_text(encoding="utf-8")
    assert text.startswith(original)
    assert "\n[tool.outlive]\n" in text
    assert "\n[tool.outlive.thresholds]\n" in text
    assert _same_settings(load_config(tmp_path / "pyproject.toml", tmp_path), Config())
    # A second run refuses; --force replaces only our tables.
    code, _, err = _run(tmp_path, "init", "--pyproject")
    assert code == 2
    assert "already has a [tool.outlive] section" in err
    code, _, _ = _run(tmp_path, "init", "--pyproject", "--force")
    assert code == 0
    again = (tmp_path / "pyproject.toml").read_text(encoding="utf-8")
    assert again.startswith(original)
    assert again.count("[tool.outlive]") == 1
    assert "[tool.ruff]\nline-length = 99\n" in again


def test_init_pyproject_creates_the_file(tmp_path: Path) -> None:
    code, _, _ = _run(tmp_path, "init", "--pyproject")
    assert code == 0
    assert (tmp_path / "pyproject.toml").read_text(encoding="utf-8") == template("tool.outlive")


def test_check_config_valid_and_found_upward(tmp_path: Path) -> None:
    # Upward as far as the repository's top, as a scan searches.
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    _run(tmp_path, "init")
    code, out, _ = _run(tmp_path, "check-config", "outlive.toml")
    assert code == 0
    assert "outlive.toml is valid" in out
    sub = tmp_path / "src"
    sub.mkdir()
    code, out, _ = _run(sub, "check-config")
    assert code == 0
    assert "is valid" in out


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('fail-on = "sometimes"\n', "`fail-on` must be one of critical, high, medium, low"),
        ("colour = true\n", "`colour` is not a known setting"),
        ('[thresholds]\njwt_max_lifetime = "forever"\n', "`thresholds.jwt_max_lifetime` must be"),
        ('select = ["LLC-NOPE-999"]\n', "no rule or family"),
        ("fail-on = \n", "is not valid TOML"),
    ],
)
def test_check_config_reports_the_loaders_error(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "outlive.toml").write_text(text, encoding="utf-8")
    code, out, err = _run(tmp_path, "check-config", "outlive.toml")
    assert code == 2
    assert out == ""
    assert message in err
    assert err.startswith("outlive: error: ")


def test_check_config_without_a_config(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()  # the search stops at the repository's top
    code, _, err = _run(tmp_path, "check-config")
    assert code == 2
    assert "`outlive init` writes one" in err
    code, _, err = _run(tmp_path, "check-config", "nope.toml")
    assert code == 2
    assert "does not exist" in err
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    code, _, err = _run(tmp_path, "check-config", "pyproject.toml")
    assert code == 2
    assert "has no [tool.outlive] section" in err
