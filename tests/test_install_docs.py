"""The README's install, pre-commit and GitHub Actions instructions install this project.

outlive is not on PyPI yet and has no public home, so every command the README shows must
install from this repository: from a clone (``.``) or from a Git URL pinned to the release tag
``v<version>``. The PyPI name appears only in prose marked as not yet published. The
``repo: local`` pre-commit example is run for real in ``test_precommit.py``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

from scanner import __version__

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
CHANGELOG = ROOT / "CHANGELOG.md"
MANIFEST = ROOT / ".pre-commit-hooks.yaml"
TAG = f"v{__version__}"

_FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.M | re.S)
_INSTALL = re.compile(r"\bpipx? install\s+(?:-[-\w]+\s+)*(\S+)")


def _readme() -> str:
    return README.read_text(encoding="utf-8")


def _section(heading: str) -> str:
    """The text under a Markdown heading, up to the next heading of the same or a higher level."""
    text = _readme()
    level = heading.split(" ", 1)[0]
    start = text.index(f"\n{heading}\n")
    stop = re.compile(rf"^#{{1,{len(level)}}} ", re.M).search(text, start + len(heading) + 2)
    return text[start : stop.start() if stop else len(text)]


def _blocks(text: str, *languages: str) -> list[str]:
    return [body for lang, body in _FENCE.findall(text) if lang in languages]


def _yaml_blocks(text: str) -> list[object]:
    return [yaml.safe_load(body) for body in _blocks(text, "yaml")]  # noqa: TID251 - not a scan


def _manifest() -> dict[str, dict]:
    hooks = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))  # noqa: TID251 - not a scan
    return {hook["id"]: hook for hook in hooks}


def _installs_this_project(target: str) -> bool:
    target = target.strip("'\"")
    if target == "." or target.startswith(".["):
        return True
    return target.startswith("git+") and target.endswith(f"@{TAG}")


def test_quickstart_is_two_commands_and_the_first_scans_the_demo() -> None:
    blocks = _blocks(_section("## Quickstart"), "sh")
    assert len(blocks) == 2, blocks
    first, second = (block.strip() for block in blocks)
    assert "\n" not in first, first
    assert "\n" not in second, second
    assert "pip install ." in first
    assert first.endswith("outlive scan fixtures/demo-repo")
    # .ci/run extracts the second command from between the markers.
    marked = re.search(r"<!-- test-command -->\n```sh\n(.*?)\n```\n<!-- /test-command -->",
                       _readme(), re.S)
    assert marked is not None, "the <!-- test-command --> markers are gone"
    assert marked.group(1).strip() == second


def test_every_install_command_installs_this_project() -> None:
    commands = [
        line
        for body in _blocks(_readme(), "sh", "yaml", "bash", "console", "")
        for line in body.splitlines()
        if _INSTALL.search(line)
    ]
    assert commands, "the README shows no install command"
    wrong = [line for line in commands
             if not all(_installs_this_project(t) for t in _INSTALL.findall(line))]
    assert not wrong, f"these do not install this repository's outlive: {wrong}"


def test_pypi_name_is_marked_as_not_yet_published() -> None:
    name = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["name"]
    paragraphs = [p for p in _readme().split("\n\n") if f"install {name}`" in p]
    assert paragraphs, f"the README should name the PyPI distribution `{name}`"
    for paragraph in paragraphs:
        assert "not published" in paragraph.lower(), paragraph


def test_install_section_pins_the_release_tag_of_this_version() -> None:
    section = _section("## Install")
    commands = [line for body in _blocks(section, "sh") for line in body.splitlines()]
    assert "pipx install ." in commands
    assert any(re.search(rf'install "git\+\S+@{re.escape(TAG)}"', c) for c in commands), commands


def test_precommit_examples_name_a_tag_and_the_published_hook() -> None:
    configs = _yaml_blocks(_section("### pre-commit"))
    repos = [repo for config in configs for repo in config["repos"]]
    remote = [r for r in repos if r["repo"] != "local"]
    local = [r for r in repos if r["repo"] == "local"]
    assert len(remote) == 1, repos
    assert len(local) == 1, repos
    manifest = _manifest()
    assert remote[0]["rev"] == TAG
    assert {hook["id"] for hook in remote[0]["hooks"]} <= set(manifest)
    assert "outlive-scanner" not in remote[0]["repo"], "not a placeholder organisation"
    [hook] = local[0]["hooks"]
    published = manifest[hook["id"]]
    assert hook["language"] == "system"
    for key in ("name", "entry", "types"):
        assert hook[key] == published[key], key


def test_actions_example_installs_outlive_from_a_pinned_git_url() -> None:
    workflows = [
        doc for doc in _yaml_blocks(_readme())
        if isinstance(doc, dict) and "jobs" in doc
    ]
    assert len(workflows) == 1, "one GitHub Actions example"
    [job] = workflows[0]["jobs"].values()
    steps = job["steps"]
    runs = [step["run"] for step in steps if "run" in step]
    installs = [t for run in runs for t in _INSTALL.findall(run)]
    assert installs, runs
    assert all(_installs_this_project(t) for t in installs), installs
    assert not any(t.strip("'\"") == "." for t in installs), "the checkout is not outlive"
    uses = [step["uses"].split("@")[0] for step in steps if "uses" in step]
    assert uses == ["actions/checkout", "github/codeql-action/upload-sarif"]
    scan = next(run for run in runs if run.startswith("outlive scan"))
    output = re.search(r"--output (\S+)", scan)
    assert output is not None, scan
    assert "--format sarif" in scan
    assert steps[-1]["with"]["sarif_file"] == output.group(1)
    assert job["permissions"]["security-events"] == "write"


def test_changelog_has_unreleased_and_this_release() -> None:
    text = CHANGELOG.read_text(encoding="utf-8")
    headings = re.findall(r"^## \[([^\]]+)\](.*)$", text, re.M)
    assert headings[0] == ("Unreleased", "")
    assert len(headings) > 1, "no release entry"
    version, rest = headings[1]
    assert version == __version__, "the newest release is the package's version"
    assert re.fullmatch(r" - \d{4}-\d{2}-\d{2}", rest), rest
    for name, body in re.findall(r"^## \[([^\]]+)\].*?\n(.*?)(?=^## |\Z)", text, re.M | re.S):
        if name == "Unreleased" and body.strip() == "Nothing yet.":
            continue
        assert re.search(r"^### (Added|Changed|Deprecated|Removed|Fixed|Security)$", body, re.M)
