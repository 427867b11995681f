"""The composite GitHub Action (action.yml), run locally: each `run:` step goes through bash as
the runner runs it (`bash --noprofile --norc -eo pipefail`), with the step's `env:` resolved
from the inputs, `GITHUB_ACTION_PATH` at this checkout and `GITHUB_STEP_SUMMARY`,
`GITHUB_OUTPUT` and `GITHUB_PATH` as temporary files. The input `install: false` replaces
the pip install with the outlive installed here (on PATH); one test runs the install step
itself against a stub python3."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from scanner import __version__
from scanner.api.fakes import ALNUM, fake_token
from tests.gitrepo import commit_all, git

ROOT = Path(__file__).resolve().parent.parent
ACTION = yaml.safe_load(  # noqa: TID251 - reading our own action, not a scan
    (ROOT / "action.yml").read_text(encoding="utf-8")
)
INPUTS: dict[str, dict[str, Any]] = ACTION["inputs"]
STEPS: list[dict[str, Any]] = ACTION["runs"]["steps"]
BIN = Path(sys.executable).parent
EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
SYSTEM_PATH = "/usr/local/bin:/usr/bin:/bin"

JWT_NO_EXP = "import jwt\n\ndef token(user):\n    return jwt.encode({'sub': user}, KEY)\n"


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    summary: str
    outputs: dict[str, str]
    uploads: list[dict[str, str]] = field(default_factory=list)


def _value(expr: str, inputs: dict[str, str]) -> str:
    if expr == "github.action_path":
        return str(ROOT)
    name = expr.removeprefix("inputs.")
    assert name != expr, f"unexpected expression {expr!r}"
    assert name in INPUTS, f"unknown input {name!r}"
    return inputs[name]


def _condition(text: str, inputs: dict[str, str], failed: bool) -> bool:
    """The few expressions action.yml uses: `!cancelled()`, `inputs.x == 'v'`, `&&`."""
    match = EXPR.fullmatch(text.strip())
    body = match.group(1) if match else text
    result = True
    for part in (p.strip() for p in body.split("&&")):
        if part == "!cancelled()":
            continue
        if part == "always()":
            continue
        eq = re.fullmatch(r"inputs\.([\w-]+) == '([^']*)'", part)
        assert eq, f"condition the test does not know: {part!r}"
        result = result and inputs[eq.group(1)] == eq.group(2)
    runs_after_failure = "cancelled()" in body or "always()" in body
    return result and (runs_after_failure or not failed)


def run_action(work: Path, tmp: Path, path: str | None = None, **given: str) -> Run:
    inputs = {name: str(spec.get("default", "")) for name, spec in INPUTS.items()}
    inputs["install"] = "false"
    inputs["args"] = "--jobs 1"  # one process: these trees are tiny and the suite runs in parallel
    inputs.update({k.replace("_", "-"): v for k, v in given.items()})
    files = {n: tmp / f"github_{n}" for n in ("summary", "output", "path")}
    for f in files.values():
        f.write_text("")
    runner_temp = tmp / "runner"
    runner_temp.mkdir(exist_ok=True)
    env = {
        **{k: v for k, v in os.environ.items() if k.startswith(("OUTLIVE_", "GIT_"))},
        "HOME": str(tmp),
        "PATH": path if path is not None else f"{BIN}:{SYSTEM_PATH}",
        "GITHUB_ACTION_PATH": str(ROOT),
        "GITHUB_STEP_SUMMARY": str(files["summary"]),
        "GITHUB_OUTPUT": str(files["output"]),
        "GITHUB_PATH": str(files["path"]),
        "RUNNER_TEMP": str(runner_temp),
        "GIT_CEILING_DIRECTORIES": str(tmp.parent),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
    }
    out, err, code, uploads = "", "", 0, []
    for step in STEPS:
        if "if" in step and not _condition(step["if"], inputs, failed=code != 0):
            continue
        if "if" not in step and code != 0:
            continue
        if "uses" in step:
            uploads.append(
                {k: EXPR.sub(lambda m: _value(m.group(1), inputs), str(v))
                 for k, v in step.get("with", {}).items()}
            )
            continue
        step_env = {k: EXPR.sub(lambda m: _value(m.group(1), inputs), str(v))
                    for k, v in step.get("env", {}).items()}
        extra = [line for line in files["path"].read_text().splitlines() if line]
        full_path = ":".join([*reversed(extra), env["PATH"]])
        proc = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            cwd=work, env={**env, **step_env, "PATH": full_path},
            capture_output=True, text=True, stdin=subprocess.DEVNULL, check=False,
        )
        out += proc.stdout
        err += proc.stderr
        code = proc.returncode
    outputs = dict(
        line.split("=", 1) for line in files["output"].read_text().splitlines() if "=" in line
    )
    return Run(code, out, err, files["summary"].read_text(), outputs, uploads)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    work = tmp_path / "repo"
    (work / "app").mkdir(parents=True)
    (work / "app" / "tokens.py").write_text(JWT_NO_EXP)
    (work / "README.md").write_text("# demo\n")
    return work


def test_outlive_is_installed_here():
    assert (BIN / "outlive").exists(), "the tests need the outlive console script beside python"


def test_inputs_reach_the_shell_only_through_env():
    """No `${{ }}` in a script: an input is data in an environment variable, never code."""
    used: set[str] = set()
    for step in STEPS:
        if "run" in step:
            assert "${{" not in step["run"], step["name"]
            assert step["shell"] == "bash"
        for value in step.get("env", {}).values():
            match = EXPR.fullmatch(str(value))
            assert match, f"env value {value!r} is not one plain expression"
            used.add(match.group(1))
        for value in step.get("with", {}).values():
            used.update(EXPR.findall(str(value)))
        if "if" in step:
            used.update(f"inputs.{n}" for n in re.findall(r"inputs\.([\w-]+)", step["if"]))
    assert {f"inputs.{name}" for name in INPUTS} <= used
    assert {"paths", "format", "fail-on", "baseline", "diff-base", "sarif-category",
            "upload-sarif"} <= set(INPUTS)


def test_gate_fails_on_findings_and_writes_the_summary(tree, tmp_path):
    run = run_action(tree, tmp_path)
    assert run.code == 1, run.stderr
    assert "::error file=app/tokens.py,line=4" in run.stdout
    assert run.summary.startswith("## outlive")
    assert "LLC-PY-001" in run.summary
    assert run.outputs["exit-code"] == "1"
    assert run.uploads == []


def test_fail_on_follows_the_input(tree, tmp_path):
    run = run_action(tree, tmp_path, fail_on="critical")
    assert run.code == 0, run.stderr
    assert run.outputs["exit-code"] == "0"
    assert "LLC-PY-001" in run.stdout  # still annotated, only not failing


def test_clean_tree_passes(tmp_path):
    work = tmp_path / "repo"
    work.mkdir()
    (work / "ok.py").write_text("import os\nKEY = os.environ['KEY']\n")
    run = run_action(work, tmp_path)
    assert run.code == 0, run.stderr
    assert "**No findings**" in run.summary


def test_upload_sarif_writes_a_categorised_log(tree, tmp_path):
    run = run_action(tree, tmp_path, upload_sarif="true", sarif_category="backend")
    assert run.code == 1
    log = json.loads((tree / "outlive.sarif").read_text())
    assert log["runs"][0]["automationDetails"]["id"] == "backend/"
    assert log["runs"][0]["results"]
    assert run.outputs["sarif-file"] == "outlive.sarif"
    assert run.uploads == [{"sarif_file": "outlive.sarif"}]
    assert "::error" in run.stdout  # the gate still annotates


def test_format_sarif_is_the_gate(tree, tmp_path):
    run = run_action(tree, tmp_path, format="sarif", sarif_file="out/x.sarif")
    assert run.code == 1, run.stderr
    assert json.loads((tree / "out" / "x.sarif").read_text())["version"] == "2.1.0"
    assert run.outputs["sarif-file"] == "out/x.sarif"
    assert "LLC-PY-001" in run.summary  # from the quiet github pass
    assert "::error" not in run.stdout


def test_format_gitlab_to_a_file(tree, tmp_path):
    run = run_action(tree, tmp_path, format="gitlab", output="gl-sast-report.json")
    assert run.code == 1
    report = json.loads((tree / "gl-sast-report.json").read_text())
    assert report["vulnerabilities"][0]["identifiers"][0]["value"] == "LLC-PY-001"


def test_summary_can_be_turned_off(tree, tmp_path):
    run = run_action(tree, tmp_path, summary="false")
    assert run.code == 1
    assert run.summary == ""
    run = run_action(tree, tmp_path, summary="false", format="json")
    assert run.summary == ""
    assert json.loads(run.stdout)["findings"]


def test_baseline_hides_known_findings(tree, tmp_path):
    subprocess.run([BIN / "outlive", "baseline", "create", "--output", "base.json", "."],
                   cwd=tree, check=True, capture_output=True)
    run = run_action(tree, tmp_path, baseline="base.json")
    assert run.code == 0, run.stderr + run.stdout


def test_paths_and_args(tree, tmp_path):
    spaced = tree / "my dir"
    spaced.mkdir()
    key = fake_token("sk_live_", 24, ALNUM, seed=1611)
    (spaced / "pay.env").write_text(f"STRIPE={key}\n")
    run = run_action(tree, tmp_path, paths="my dir\n\napp\n", args="--jobs 1 --select LLC-SRC")
    assert run.code == 1, run.stderr
    assert "my dir/pay.env" in run.stdout
    assert "LLC-PY-001" not in run.stdout
    assert key not in run.stdout + run.summary
    run = run_action(tree, tmp_path, paths="app README.md")
    assert run.code == 1
    assert "my dir" not in run.stdout


HOSTILE = {
    "paths": "$(touch pwned) `touch pwned`",
    "diff-base": "HEAD; touch pwned #",
    "baseline": "$(touch pwned)",
    "args": "$(touch pwned)",
    "sarif-category": "x$(touch pwned)",
    "sarif-file": "$(touch pwned).sarif",
    "output": "`touch pwned`",
    "fail-on": "'; touch pwned; '",
    "format": "github$(touch pwned)",
}


def test_inputs_are_never_shell_code(tree, tmp_path):
    """Every input at once holds shell syntax; none of it runs, outlive refuses it as data."""
    run = run_action(tree, tmp_path, upload_sarif="true",
                     **{k.replace("-", "_"): v for k, v in HOSTILE.items()})
    assert not list(tree.rglob("pwned*")), run.stdout + run.stderr
    assert run.code == 2, run.stdout + run.stderr
    assert run.outputs["exit-code"] == "2"
    assert set(HOSTILE) | {"upload-sarif"} <= set(INPUTS)


def test_diff_base(tmp_path):
    work = tmp_path / "repo"
    work.mkdir()
    git(work, "init", "-q")
    (work / "old.env").write_text(f"STRIPE={fake_token('sk_live_', 24, ALNUM, seed=1612)}\n")
    commit_all(work)
    base = subprocess.run(["git", "rev-parse", "HEAD"], cwd=work, capture_output=True,
                          text=True, check=True).stdout.strip()
    (work / "app.py").write_text(JWT_NO_EXP)
    commit_all(work)
    run = run_action(work, tmp_path, diff_base=base)
    assert run.code == 1, run.stderr
    assert "app.py" in run.stdout
    supported = "--diff " in subprocess.run(
        [BIN / "outlive", "scan", "--help"], capture_output=True, text=True, check=True
    ).stdout
    if supported:
        assert "old.env" not in run.stdout
        run = run_action(work, tmp_path, diff_base="HEAD")
        assert run.code == 0, run.stdout + run.stderr
    else:
        assert "::warning title=outlive::this outlive has no --diff" in run.stdout
        assert "old.env" in run.stdout


def test_install_false_needs_an_outlive_on_path(tree, tmp_path):
    run = run_action(tree, tmp_path, path=SYSTEM_PATH)
    assert run.code == 2
    assert "no outlive is on PATH" in run.stdout


def test_install_step_makes_a_virtualenv_from_the_action_path(tree, tmp_path):
    """The real install step against a stub python3 that records what it was asked."""
    stubs = tmp_path / "stubs"
    stubs.mkdir()
    log = tmp_path / "python.log"
    stub = stubs / "python3"
    stub.write_text(
        "#!/bin/bash\n"
        f'echo "$*" >> {log}\n'
        'if [ "$1 $2" = "-m venv" ]; then mkdir -p "$3/bin"; cp "$0" "$3/bin/python"; fi\n'
    )
    stub.chmod(0o755)
    step = STEPS[0]
    assert step["name"] == "Install outlive"
    github_path = tmp_path / "github_path"
    github_path.write_text("")
    proc = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
        cwd=tree, capture_output=True, text=True, check=False,
        env={"PATH": f"{stubs}:{SYSTEM_PATH}", "INPUT_INSTALL": "true",
             "GITHUB_ACTION_PATH": str(ROOT), "GITHUB_PATH": str(github_path),
             "RUNNER_TEMP": str(tmp_path / "rt")},
    )
    assert proc.returncode == 0, proc.stderr
    venv = tmp_path / "rt" / "outlive-venv"
    assert log.read_text().splitlines() == [
        f"-m venv {venv}",
        f"-m pip install --quiet --disable-pip-version-check {ROOT}",
    ]
    assert github_path.read_text() == f"{venv}/bin\n"


def test_readme_shows_the_uses_form_and_every_input():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("\n### GitHub Action\n")
    section = readme[start : readme.index("\n### ", start + 1)]
    block = re.search(r"```yaml\n(.*?)```", section, re.S)
    assert block is not None
    [step] = yaml.safe_load(block.group(1))  # noqa: TID251 - the README, not a scan
    assert step["uses"].endswith(f"/outlive@v{__version__}")
    assert set(step["with"]) <= set(INPUTS)
    assert len(block.group(1).strip().splitlines()) == 3
    table = set(re.findall(r"^\| `([\w-]+)` \|", section, re.M))
    assert table == set(INPUTS)
