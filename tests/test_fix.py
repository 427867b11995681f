"""`outlive fix`: each fix is applied and the file scanned again, the way users run it.

A fix counts only when the rescan no longer reports the finding, the rest of the file is kept
byte for byte (comments, quoting, order), and what cannot be fixed is said, not guessed.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from scanner.api import BASE32_UPPER, fake_token
from scanner.cli import main
from scanner.config import Config, Thresholds
from scanner.fixes import FIXERS, FileFix
from scanner.fixes.jwt_exp import timedelta_args
from scanner.registry import get_rule
from scanner.testing import default_path, run_rule

WORKFLOW = """\
name: deploy
on: push
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      # Static keys, to be replaced.
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          aws-access-key-id: ${{ secrets.AWS_ACCESS_KEY_ID }}
          aws-secret-access-key: ${{ secrets.AWS_SECRET_ACCESS_KEY }}
          aws-region: 'us-east-1'   # kept as written
      - run: aws s3 sync . s3://bucket
"""

PYPI = """\
on:
  release:
    types: [published]
permissions:
  contents: read
jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/download-artifact@v4
      - uses: pypa/gh-action-pypi-publish@release/v1
        with:
          user: __token__
          password: ${{ secrets.PYPI_API_TOKEN }}
"""

TWINE = """\
on: push
jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - run: python -m build
      - run: twine upload dist/*
        env:
          TWINE_USERNAME: __token__
          TWINE_PASSWORD: ${{ secrets.PYPI_API_TOKEN }}
"""

JWT = """\
\"\"\"Tokens for the deploy bot.\"\"\"
from __future__ import annotations

import jwt


def mint(user: str, key: str) -> str:
    # The bot's token.
    return jwt.encode({"sub": user, "scope": "deploy"}, key, algorithm="HS256")


def mint_multiline(user: str, key: str) -> str:
    claims = {
        "sub": user,
        "aud": "api",
    }
    return jwt.encode(claims, key)
"""


def _repo(tmp_path: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        target = tmp_path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return tmp_path


def _run(root: Path, *args: str) -> tuple[int, str, str]:
    cwd = Path.cwd()
    os.chdir(root)
    try:
        result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    finally:
        os.chdir(cwd)
    return result.exit_code, result.stdout, result.stderr


def _rule_ids_after(root: Path) -> list[str]:
    _, out, _ = _run(root, "scan", "--format", "json", "--no-cache", ".")
    return [f["rule"] for f in json.loads(out)["findings"]]


@pytest.mark.parametrize(
    ("rel", "text", "rule_id"),
    [
        (".github/workflows/deploy.yml", WORKFLOW, "LLC-GHA-001"),
        (".github/workflows/release.yml", PYPI, "LLC-GHA-005"),
        (".github/workflows/twine.yml", TWINE, "LLC-CI-002"),
        ("app/tokens.py", JWT, "LLC-PY-001"),
    ],
)
def test_fix_written_then_rescanned_is_quiet(
    tmp_path: Path, rel: str, text: str, rule_id: str
) -> None:
    root = _repo(tmp_path, {rel: text})
    assert rule_id in _rule_ids_after(root)
    code, diff, err = _run(root, "fix", "--no-cache")
    assert code == 1, err
    assert diff.startswith(f"--- a/{rel}\n+++ b/{rel}\n")
    assert (root / rel).read_text(encoding="utf-8") == text  # a diff only, nothing written
    code, out, err = _run(root, "fix", "--write", "--no-cache")
    assert code == 0, err
    assert out == ""
    assert "fixed" in err
    assert rule_id not in _rule_ids_after(root)
    # A second run finds nothing left to fix.
    code, out, err = _run(root, "fix", "--no-cache")
    assert (code, out) == (0, "")
    assert "nothing to fix automatically" in err


def test_workflow_fix_keeps_the_rest_of_the_file(tmp_path: Path) -> None:
    root = _repo(tmp_path, {".github/workflows/deploy.yml": WORKFLOW})
    _run(root, "fix", "--write", "--no-cache")
    new = (root / ".github/workflows/deploy.yml").read_text(encoding="utf-8")
    assert "      # Static keys, to be replaced.\n" in new
    assert "          aws-region: 'us-east-1'   # kept as written\n" in new
    assert "role-to-assume: arn:aws:iam::ACCOUNT_ID:role/ROLE_NAME" in new
    assert "aws-access-key-id" not in new
    assert "aws-secret-access-key" not in new
    assert "    permissions:\n      id-token: write\n      contents: read\n    steps:\n" in new
    removed = {line for line in WORKFLOW.splitlines() if line not in new.splitlines()}
    assert all("aws-access-key-id" in r or "aws-secret-access-key" in r for r in removed)


def test_pypi_fix_copies_workflow_permissions_and_drops_empty_with(tmp_path: Path) -> None:
    root = _repo(tmp_path, {".github/workflows/release.yml": PYPI})
    _run(root, "fix", "--write", "--no-cache")
    new = (root / ".github/workflows/release.yml").read_text(encoding="utf-8")
    # Job permissions replace the workflow's, so the workflow's `contents: read` comes along.
    assert "    permissions:\n      id-token: write\n      contents: read\n" in new
    assert "with:" not in new
    assert "password" not in new
    assert "__token__" not in new
    assert new.endswith("      - uses: pypa/gh-action-pypi-publish@release/v1\n")


def test_jwt_fix_adds_exp_sized_by_threshold_and_import(tmp_path: Path) -> None:
    root = _repo(
        tmp_path,
        {
            "app/tokens.py": JWT,
            "outlive.toml": '[thresholds]\njwt_max_lifetime = "15m"\n',
        },
    )
    _run(root, "fix", "--write", "--no-cache")
    new = (root / "app/tokens.py").read_text(encoding="utf-8")
    assert "from datetime import datetime, timedelta, timezone\n" in new
    assert (
        '{"sub": user, "scope": "deploy", "exp": datetime.now(timezone.utc) + '
        'timedelta(minutes=15)}, key, algorithm="HS256")' in new
    )
    # The multi-line dict gets its own line, in the dict's style (trailing comma kept).
    assert '        "aud": "api",\n        "exp": datetime.now(timezone.utc) + ' in new
    assert "    # The bot's token.\n" in new
    compile(new, "tokens.py", "exec")


def test_jwt_fix_uses_an_existing_datetime_module_import(tmp_path: Path) -> None:
    code = (
        "import datetime as dt\nfrom jose import jwt as jt\n\n\ndef mint(key):\n"
        '    return jt.encode(claims=dict(sub="svc", aud="api"), key=key)\n'
    )
    fix = FileFix("svc/mint.py", code)
    rule = get_rule("LLC-PY-001")
    assert rule is not None
    FIXERS["LLC-PY-001"](fix, run_rule(rule, code, fix.path), Config())
    assert fix.new_text is not None
    assert "exp=dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1))" in fix.new_text
    assert "from datetime" not in fix.new_text
    assert run_rule(rule, fix.new_text, fix.path) == ()


def test_timedelta_args_pick_the_largest_unit() -> None:
    assert timedelta_args(86400) == "days=1"
    assert timedelta_args(Thresholds().access_token_max_lifetime) == "hours=1"
    assert timedelta_args(900) == "minutes=15"
    assert timedelta_args(61) == "seconds=61"


@pytest.mark.parametrize("rule_id", ["LLC-GHA-001", "LLC-GHA-005", "LLC-PY-001"])
def test_every_invalid_example_is_fixed_or_refused_with_a_reason(rule_id: str) -> None:
    """The rule's own INVALID examples: each finding is fixed (the rescan no longer reports
    it) or listed with a reason; most are fixed."""
    rule = get_rule(rule_id)
    assert rule is not None
    fixed = 0
    for example in rule.INVALID:
        path = example.path or default_path(rule)
        findings = run_rule(rule, example.code, path)
        fix = FileFix(path, example.code)
        FIXERS[rule_id](fix, findings, Config())
        assert len(fix.fixed) + len(fix.refused) == len(findings)
        assert all(reason for _, reason in fix.refused)
        if fix.new_text is not None:
            left = run_rule(rule, fix.new_text, path)
            assert len(left) == len(fix.refused), (example.code, fix.new_text)
            fixed += len(fix.fixed)
    assert fixed >= 2


def test_unsupported_findings_are_listed(tmp_path: Path) -> None:
    key = fake_token("AKIA", 16, BASE32_UPPER, seed=7)
    root = _repo(tmp_path, {"settings.py": f'AWS_ACCESS_KEY_ID = "{key}"\n'})
    code, out, err = _run(root, "fix", "--no-cache")
    assert (code, out) == (0, "")
    assert "no automatic fix: settings.py:1: LLC-" in err
    assert key not in err


def test_composite_action_and_read_all_are_refused(tmp_path: Path) -> None:
    action = (
        "name: setup\nruns:\n  using: composite\n  steps:\n"
        "    - uses: aws-actions/configure-aws-credentials@v4\n      with:\n"
        "        aws-access-key-id: ${{ inputs.key }}\n"
        "        aws-secret-access-key: ${{ inputs.secret }}\n"
    )
    read_all = WORKFLOW.replace("    runs-on: ubuntu-latest\n", "    runs-on: ubuntu-latest\n"
                                "    permissions: read-all\n")
    root = _repo(tmp_path, {"action.yml": action, ".github/workflows/d.yml": read_all})
    code, out, err = _run(root, "fix", "--no-cache")
    assert (code, out) == (0, "")
    assert "action.yml:7: LLC-GHA-001: a composite action runs with its caller's" in err
    assert "permissions: read-all` cannot gain `id-token: write`" in err


def test_flow_mappings_are_edited_in_place(tmp_path: Path) -> None:
    text = (
        "on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n"
        "    permissions: { contents: read }\n    steps:\n"
        "      - uses: aws-actions/configure-aws-credentials@v4\n"
        "        with: { aws-access-key-id: '${{ secrets.K }}', aws-secret-access-key: "
        "'${{ secrets.S }}', aws-region: eu-west-1 }\n"
    )
    root = _repo(tmp_path, {".github/workflows/d.yml": text})
    code, _, err = _run(root, "fix", "--write", "--no-cache")
    assert code == 0, err
    new = (root / ".github/workflows/d.yml").read_text(encoding="utf-8")
    assert "    permissions: { contents: read, id-token: write }\n" in new
    assert (
        "        with: { role-to-assume: arn:aws:iam::ACCOUNT_ID:role/ROLE_NAME, "
        "aws-region: eu-west-1 }\n" in new
    )
    assert "LLC-GHA-001" not in _rule_ids_after(root)


def test_fix_refuses_stdin_and_missing_paths(tmp_path: Path) -> None:
    code, _, err = _run(tmp_path, "fix", "-")
    assert code == 2
    assert "does not read standard input" in err
    code, _, err = _run(tmp_path, "fix", "missing-dir")
    assert code == 2
    assert "does not exist" in err


def test_a_link_is_fixed_through_its_target(tmp_path: Path) -> None:
    """The scan reports a linked file under its target's path: the target is fixed, the link
    stays a link."""
    root = _repo(tmp_path, {"real.py": JWT})
    (root / "link.py").symlink_to(root / "real.py")
    code, _, err = _run(root, "fix", "--write", "--no-cache", "link.py")
    assert code == 0, err
    assert (root / "link.py").is_symlink()
    assert '"exp": datetime.now(timezone.utc)' in (root / "real.py").read_text(encoding="utf-8")


def test_write_failure_is_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import scanner.fixes

    def refuse(root: Path, fix: FileFix) -> None:
        raise OSError(13, "Permission denied")

    monkeypatch.setattr(scanner.fixes, "write", refuse)
    root = _repo(tmp_path, {"real.py": JWT})
    code, _, err = _run(root, "fix", "--write", "--no-cache")
    assert code == 2
    assert "cannot write real.py: Permission denied" in err
    assert (root / "real.py").read_text(encoding="utf-8") == JWT


def test_removed_block_ends_at_its_last_line_not_at_the_next_key(tmp_path: Path) -> None:
    """A block mapping's end mark is the next token: removing `env:` before `run:`, or
    `with:` before a blank line and the next step, must leave both in place."""
    text = (
        "on: push\njobs:\n  publish:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - name: Publish\n        env:\n          TWINE_USERNAME: __token__\n"
        "          TWINE_PASSWORD: ${{ secrets.PYPI_PASSWORD }}\n"
        "        run: twine upload dist/*\n"
        "      - uses: pypa/gh-action-pypi-publish@release/v1\n        with:\n"
        "          password: ${{ secrets.PYPI_TOKEN }}\n\n"
        "      - name: Tell the team\n        run: ./notify.sh\n"
    )
    root = _repo(tmp_path, {".github/workflows/p.yml": text})
    code, _, err = _run(root, "fix", "--write", "--no-cache")
    assert code == 0, err
    new = (root / ".github/workflows/p.yml").read_text(encoding="utf-8")
    assert "      - name: Publish\n        run: twine upload dist/*\n" in new
    assert "release/v1\n\n      - name: Tell the team\n        run: ./notify.sh\n" in new
    assert "TWINE_" not in new
    assert "password" not in new


def test_a_job_that_pushes_keeps_contents_write(tmp_path: Path) -> None:
    text = PYPI.replace("permissions:\n  contents: read\n", "").replace(
        "      - uses: actions/download-artifact@v4\n",
        "      - uses: softprops/action-gh-release@v2\n",
    )
    root = _repo(tmp_path, {".github/workflows/release.yml": text})
    code, _, err = _run(root, "fix", "--write", "--no-cache")
    assert code == 0, err
    new = (root / ".github/workflows/release.yml").read_text(encoding="utf-8")
    assert "    permissions:\n      id-token: write\n      contents: write\n" in new
    assert "had the default token permissions" in err


def test_twine_token_on_the_command_line_is_refused(tmp_path: Path) -> None:
    text = TWINE.replace(
        "twine upload dist/*", "twine upload -u __token__ -p $TWINE_PASSWORD dist/*"
    )
    root = _repo(tmp_path, {".github/workflows/twine.yml": text})
    code, out, err = _run(root, "fix", "--no-cache")
    assert (code, out) == (0, "")
    assert "LLC-CI-002: the token is passed on the command line; fix it by hand" in err


def test_publish_action_before_trusted_publishing_is_refused(tmp_path: Path) -> None:
    text = PYPI.replace("gh-action-pypi-publish@release/v1", "gh-action-pypi-publish@v1.4.2")
    root = _repo(tmp_path, {".github/workflows/release.yml": text})
    code, out, err = _run(root, "fix", "--no-cache")
    assert (code, out) == (0, "")
    assert "@v1.4.2 predates trusted publishing (v1.8)" in err


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        # A method, PyJWT's class API, the claims built in a name in a class body's method.
        (
            "import jwt\n\nclass Signer:\n    def token(self, sub):\n"
            "        payload = {'sub': sub}\n"
            "        return jwt.PyJWT().encode(payload, self.key)\n",
            "payload = {'sub': sub, \"exp\": datetime.now(timezone.utc) + timedelta(days=1)}",
        ),
        # authlib: header first, payload second.
        (
            "from authlib.jose import jwt\n"
            "tok = jwt.encode({'alg': 'HS256'}, {'iss': 'ci'}, KEY)\n",
            "{'iss': 'ci', \"exp\": datetime.now(timezone.utc) + timedelta(days=1)}",
        ),
        # An existing `from datetime import` gains only what it lacks.
        (
            "from datetime import timedelta\nimport jwt\n"
            "tok = jwt.encode(dict(sub='x'), KEY)\n",
            "exp=datetime.now(timezone.utc) + timedelta(days=1)), KEY)",
        ),
    ],
)
def test_jwt_fix_variants(code: str, expected: str) -> None:
    rule = get_rule("LLC-PY-001")
    assert rule is not None
    fix = FileFix("app/sign.py", code)
    FIXERS["LLC-PY-001"](fix, run_rule(rule, code, fix.path), Config())
    assert fix.new_text is not None, fix.refused
    assert expected in fix.new_text
    assert fix.new_text.count("from datetime import") == 1  # extended, not repeated
    assert run_rule(rule, fix.new_text, fix.path) == ()
    compile(fix.new_text, "sign.py", "exec")


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        (
            "import json, jwt\ntok = jwt.encode(json.dumps({'sub': 'x'}), KEY)\n",
            "serialised with json.dumps",
        ),
        (
            "from jwcrypto import jwt\n"
            "tok = jwt.JWT(header={'alg': 'HS256'}, claims={'sub': 'b'})\n",
            "takes `exp` as a number",
        ),
    ],
)
def test_jwt_fix_refusals(code: str, reason: str) -> None:
    rule = get_rule("LLC-PY-001")
    assert rule is not None
    findings = run_rule(rule, code, "app/sign.py")
    fix = FileFix("app/sign.py", code)
    FIXERS["LLC-PY-001"](fix, findings, Config())
    if not findings:  # the rule may not follow this shape at all
        return
    assert fix.new_text is None
    assert reason in fix.refused[0][1]


def test_windows_line_ends_are_kept(tmp_path: Path) -> None:
    root = tmp_path
    target = root / ".github/workflows/deploy.yml"
    target.parent.mkdir(parents=True)
    target.write_bytes(WORKFLOW.replace("\n", "\r\n").encode("utf-8"))
    code, _, err = _run(root, "fix", "--write", "--no-cache")
    assert code == 0, err
    data = target.read_bytes()
    assert data.count(b"\n") == data.count(b"\r\n")
    assert b"    permissions:\r\n      id-token: write\r\n" in data
    assert "LLC-GHA-001" not in _rule_ids_after(root)


def test_many_unfixable_findings_are_counted_past_a_few(tmp_path: Path) -> None:
    keys = [fake_token("AKIA", 16, BASE32_UPPER, seed=i) for i in range(25)]
    text = "".join(f'KEY_{i} = "{k}"\n' for i, k in enumerate(keys))
    root = _repo(tmp_path, {"settings.py": text})
    code, _, err = _run(root, "fix", "--no-cache")
    assert code == 0
    assert err.count("outlive: no automatic fix: settings.py:") == 20
    assert "no automatic fix: 5 more findings (5 LLC-" in err


def test_secrets_still_read_elsewhere_are_named(tmp_path: Path) -> None:
    gate = (
        "  config:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: test -n \"${{ secrets.AWS_ACCESS_KEY_ID }}\"\n"
    )
    text = WORKFLOW.replace("jobs:\n", "jobs:\n" + gate)
    root = _repo(tmp_path, {".github/workflows/deploy.yml": text})
    code, _, err = _run(root, "fix", "--no-cache")
    assert code == 1
    assert "deploy.yml:7: `secrets.AWS_ACCESS_KEY_ID` is still read here" in err
    assert "AWS_SECRET_ACCESS_KEY` is still read" not in err
