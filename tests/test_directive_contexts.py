"""A directive is only a directive inside a real comment of the file's format (issue 9).

Documentation that quotes ``# outlive: ignore[...]`` (a Markdown page, a string in a test, a
JSON example) neither suppresses anything nor fails the scan; a malformed directive in a real
comment is one warning on its line, and the exit code follows the findings. Unit tests of the
comment lexers first, then the CLI end to end.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from scanner.api import BASE32_UPPER, fake_token
from scanner.cli import main
from scanner.comment_syntaxes import comment_syntax
from scanner.filekinds import FileKind, classify
from scanner.suppress import Directive, parse_text

KEY = fake_token("AKIA", 16, BASE32_UPPER, seed=91)
IGN = 'outlive: ignore[LLC-SRC-001] reason="a documented example"'
BAD = "outlive: ignore[LLC-SRC-1]"  # malformed: not a rule id, no reason

# -- which syntax a file gets ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("app/settings.py", "python"),
        ("bin/deploy", "python"),  # by its shebang, below
        ("docs/suppressions.md", "markdown"),
        ("README.markdown", "markdown"),
        ("package.json", "json"),
        ("infra/main.tf.json", "json"),
        (".mcp.json", "json"),
        (".devcontainer/devcontainer.json", "jsonc"),
        ("tsconfig.json", "jsonc"),
        (".vscode/settings.json", "jsonc"),
        (".github/workflows/ci.yml", "yaml"),
        ("config/app.yaml", "yaml"),
        ("charts/api/templates/secret.yaml", "helm"),
        ("pyproject.toml", "toml"),
        ("scripts/run.sh", "shell"),
        ("Makefile", "shell"),
        (".env", "dotenv"),
        (".env.production", "dotenv"),
        ("Dockerfile", "dockerfile"),
        ("infra/main.tf", "hcl"),
        ("prod.tfvars", "hcl"),
        ("Jenkinsfile", "groovy"),
        ("web/app.ts", "javascript"),
        ("cmd/main.go", "go"),
        ("src/Main.java", "c-like"),
        ("site/index.html", "xml"),
        ("db/schema.sql", "sql"),
        ("setup.cfg", "ini"),
        ("notes.txt", "text"),
        ("LICENSE", "text"),
    ],
)
def test_comment_syntax_per_kind(path: str, expected: str) -> None:
    head = b"#!/usr/bin/env python3\n" if path == "bin/deploy" else b""
    assert comment_syntax(path, classify(path, head)).name == expected


def test_cloudformation_template_by_content() -> None:
    kind = FileKind.CLOUDFORMATION
    assert comment_syntax("stack.template", kind, '{"AWSTemplateFormatVersion": 1}').name == "json"
    assert comment_syntax("stack.template", kind, "AWSTemplateFormatVersion: x").name == "yaml"


# -- look-alikes are not directives, real comments are ----------------------------------------


def lines_of(text: str, path: str) -> tuple[list[int], list[int]]:
    """The lines holding directives and the lines holding errors, for a file at ``path``."""
    directives, errors = parse_text(text, syntax=comment_syntax(path, classify(path)))
    return [d.line for d in directives], [e.line for e in errors]


# (path, text, directive lines, error lines): every other line quotes the grammar as data.
CONTEXTS: list[tuple[str, str, list[int], list[int]]] = [
    (
        "docs/suppressions.md",
        f"# {IGN}\n"  # a heading
        f"Write `# {IGN}` after the key, or `{BAD}` fails.\n"
        "```python\n"
        f"KEY = load()  # {IGN}\n"
        f"x = 1  # {BAD}\n"
        "```\n"
        "~~~\n"
        f"<!-- {IGN} -->\n"
        "~~~\n"
        "\n"
        f"    <!-- {IGN} -->\n"  # an indented code block
        "\n"
        f"- {BAD} in a list item\n"
        f"Inline: `<!-- {IGN} -->` and ``<!-- {BAD} -->`` are code spans.\n"
        f"<!-- {IGN} -->\n"  # line 15: a real comment
        f"<!--\n  {IGN}\n-->\n"  # a directive must open its comment
        f"<!-- {BAD} -->\n",  # line 19: a real comment, malformed
        [15],
        [19],
    ),
    (
        "app/settings.py",
        f'HELP = "# {IGN}"\n'
        f"BAD = '# {BAD}'\n"
        f'DOC = """\n# {IGN}\n# {BAD}\n"""\n'
        f"key = load()  # {IGN}\n"  # line 7
        f"other = 1  # {BAD}\n",  # line 8
        [7],
        [8],
    ),
    (
        "broken.py",  # does not tokenize: the fallback lexer still tells strings apart
        f'HELP = "# {IGN}"\nkey = load()  # {IGN}\nx = (\n',
        [2],
        [],
    ),
    (
        "examples.json",
        f'{{"doc": "see # {IGN}",\n "bad": "x # {BAD}",\n "c": "// {IGN}"}}\n',
        [],
        [],
    ),
    (
        "config/app.yaml",
        f'a: "x # {IGN}"\n'
        f"b: 'x # {BAD}'\n"
        f"c: x#{BAD}\n"
        "run: |\n"  # a block scalar holds a script: its own comments count
        f"  # {IGN}\n"  # line 5
        f"  echo \"# {BAD}\" don't  # {IGN}\n"  # line 6
        f"e: 1  # {IGN}\n"  # line 7
        "f: >-\n"
        f"    # {BAD}\n"  # line 9
        f"# {BAD}\n"  # line 10: the block ended, a YAML comment
        f'g: "multi\n  # {BAD}\n  line"\n'  # a quoted scalar over three lines
        "h: |  # a YAML comment on the indicator line\n"  # line 14
        f"  # {IGN}\n"  # line 15
        f"  echo \"x # {BAD}\"\n",
        [5, 6, 7, 15],
        [9, 10],
    ),
    (
        "infra/stack.yaml",  # CloudFormation: a tagged block scalar holds a script too
        "AWSTemplateFormatVersion: '2010-09-09'\n"
        "UserData: !Base64\n"
        "  Fn::Sub: !Sub |\n"
        f"    echo \"x # {BAD}\"\n"
        f"    # {IGN}\n"  # line 5
        f"Other: &anchor |\n    echo 'x # {BAD}'\n",
        [5],
        [],
    ),
    (
        "scripts/run.sh",
        f'echo "# {IGN}"\n'
        f"echo '# {BAD}'\n"
        "cat <<'EOF' > help.sh\n"  # a heredoc holds a file: its own comments count
        f"# {IGN}\n"  # line 4
        f"echo \"# {BAD}\"\n"
        "EOF\n"
        "cat <<-END\n"
        f"\t# {BAD}\n"  # line 8
        "\tEND\n"
        f"echo $#  # {IGN}\n"  # line 10
        f"echo a#{BAD}\n"
        f'x="multi\n# {BAD}\n"\n',
        [4, 10],
        [8],
    ),
    (
        "pyproject.toml",
        f'a = "# {IGN}"\nb = """\n# {BAD}\n"""\nc = 1 # {IGN}\n',
        [5],
        [],
    ),
    (
        "infra/main.tf",
        f'a = "# {IGN}"\n'
        "b = <<-EOT\n"
        f"  # {BAD}\n"
        "  EOT\n"
        f"// {IGN}\n"  # line 5
        f"/* {IGN} */\n"  # line 6
        f"c = 1 # {BAD}\n",  # line 7
        [5, 6],
        [3, 7],
    ),
    (
        "web/app.ts",
        f'const a = "// {IGN}";\nconst b = `\n// {BAD}\n`; // {IGN}\n/* {BAD} */\n',
        [4],
        [5],
    ),
    (
        "Dockerfile",
        f'RUN echo "# {IGN}"\n# {IGN}\nENV A=1\n',
        [2],
        [],
    ),
    (
        "charts/api/templates/secret.yaml",
        f'{{{{/* {IGN} */}}}}\nvalue: "{{{{/* {BAD} */}}}}"\n',
        [1],
        [],
    ),
    (
        "src/lib.rs",  # a lifetime or a prime is no string opener: the comment after it counts
        f"fn f<'a>(x: &str) {{}} // {IGN}\nlet s = \"// {BAD}\"; let c = '\\''; // {BAD}\n",
        [1],
        [2],
    ),
    (
        "cmd/main.go",
        f"var r = `\n// {IGN}\n` // {IGN}\nvar c = '\"' // {BAD}\n",
        [3],
        [4],
    ),
    (
        "db/schema.sql",
        f"select '-- {IGN}';\n-- {IGN}\n/* {BAD} */\n",
        [2],
        [3],
    ),
    (
        "site/index.html",
        f"<p>Write # {BAD} after it.</p>\n<!-- {IGN} -->\n",
        [2],
        [],
    ),
]


@pytest.mark.parametrize(
    ("path", "text", "directives", "errors"), CONTEXTS, ids=[c[0] for c in CONTEXTS]
)
def test_only_real_comments_hold_directives(
    path: str, text: str, directives: list[int], errors: list[int]
) -> None:
    assert lines_of(text, path) == (directives, errors)


def test_one_error_per_line() -> None:
    text = f"x = 1  /* {BAD} */ // {BAD}\n"
    _, errors = parse_text(text, syntax=comment_syntax("a.js"))
    assert [e.line for e in errors] == [1]


def test_lines_are_counted_as_the_findings_count_them() -> None:
    # A form feed is no line break for outlive's positions, so it is none for directives.
    text = f"a\x0cb\r\n# {IGN}\rc\n"
    directives, _ = parse_text(text, syntax=comment_syntax("notes.txt"))
    assert [d.line for d in directives] == [2]


def test_unknown_formats_keep_reading_every_line() -> None:
    # Without a syntax to go by (a .txt file), any comment marker the grammar knows counts.
    text = f"aws = x  # {IGN}\n; {IGN}\n-- {IGN}\nthe {IGN} directive\n"
    directives, _ = parse_text(text, syntax=comment_syntax("notes.txt"))
    assert [d.line for d in directives] == [1, 2, 3]
    assert all(isinstance(d, Directive) for d in directives)


#: Scans one file with the parser only, in a child process so a regression cannot hang the suite.
CHILD = """
import sys
from pathlib import Path
from scanner.comment_syntaxes import comment_syntax
from scanner.suppress import parse_text
path = Path(sys.argv[1])
parse_text(path.read_text(encoding="utf-8"), syntax=comment_syntax(sys.argv[2]))
"""


@pytest.mark.parametrize(
    ("rel", "unit", "tail"),
    [
        ("a.sh", 'x\\" <<w y " # outlive: ignore\n', ""),  # escaped quotes, heredocs never closed
        ("b.sh", "cat <<w{n}\n", "# outlive: x\n"),  # many distinct heredoc words
        ("a.tf", "a = <<-w{n}\n", "# outlive: x\n"),
        ("a.ts", '"\\" `\\` /* outlive: x\n', ""),
        ("a.yaml", "- |\n  x: >\n'a # outlive: ignore\n", ""),
        ("b.yaml", "- ", "x |\n# outlive: x\n"),  # one line of dashes, then a block indicator
        ("c.yaml", "a: !", "|x\n# outlive: x\n"),
        ("a.md", "` `` ``` <!-- outlive: ``` ` ~~~\n    x\n", ""),
        ("b.md", " `` ` ``` ", "<!-- outlive: x -->\n"),
        ("a.toml", "\"\"\" \'\'\' \' # outlive:\n", ""),
    ],
)
def test_lexers_are_linear(tmp_path: Path, rel: str, unit: str, tail: str) -> None:
    target = tmp_path / "input"
    text = "".join(unit.replace("{n}", str(n)) for n in range(40000)) + tail
    target.write_text(text, encoding="utf-8")
    try:
        subprocess.run(
            [sys.executable, "-c", CHILD, str(target), rel], check=True, timeout=60
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"lexing {rel} ({len(text)} characters) took over 60 s")


# -- end to end --------------------------------------------------------------------------------


def scan(tmp_path: Path, *extra: str) -> Result:
    result = CliRunner().invoke(
        main,
        ["scan", "--select", "LLC-SRC-001", "--no-color", "--no-cache", *extra, str(tmp_path)],
        catch_exceptions=False,
    )
    assert "Traceback" not in result.stdout + result.stderr
    return result


def problems(result: Result) -> list[str]:
    """The warning and error lines of a run's stderr."""
    return [
        line
        for line in result.stderr.splitlines()
        if line.startswith(("outlive: warning:", "outlive: error:"))
    ]


def scan_json(tmp_path: Path) -> dict[str, Any]:
    result = scan(tmp_path, "--format", "json", "--show-suppressed")
    assert result.exit_code in (0, 1), result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_documentation_of_the_syntax_scans_clean(tmp_path: Path) -> None:
    # The page of issue 9: it used to stop the whole run with exit 2.
    (tmp_path / "SUPPRESSIONS.md").write_text(
        "# Suppressing a finding\n\n"
        f"Add `# {IGN}` on the line, or the line above:\n\n"
        f"```python\nkey = load()  # {IGN}\n```\n\n"
        f"A malformed one, such as `# {BAD}`, or this one in prose: # {BAD}\n"
        f"# {BAD}\n",
        encoding="utf-8",
    )
    (tmp_path / "examples.json").write_text(
        f'{{"help": "write # {BAD} after the key"}}\n', encoding="utf-8"
    )
    result = scan(tmp_path)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert problems(result) == []


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("guide.md", f"```python\nkey = '{KEY}'  # {IGN}\n```\n"),
        ("guide2.md", f"```sh\n# {IGN}\nexport AWS_ACCESS_KEY_ID={KEY}\n```\n"),
        ("guide3.md", f"# {IGN}\nThe key {KEY} is an example.\n"),  # a heading, not a comment
        ("example.py", f'PAIR = ("{KEY}", "see # {IGN}")\n'),
        ("broken.py", f'PAIR = ("{KEY}", "see # {IGN}")\nx = (\n'),
        ("example.json", f'{{"key": "{KEY}", "note": "see # {IGN}"}}\n'),
        ("example.yaml", f"key: {KEY}\nnote: 'see # {IGN}'\n"),
        ("example.yml", f"run: |\n  echo '# {IGN}'\n  export KEY={KEY}\n"),
        ("example.sh", f"cat <<EOF > .env\necho '# {IGN}'\nKEY={KEY}\nEOF\n"),
    ],
    ids=lambda value: value if "." in value and len(value) < 20 else "",
)
def test_a_quoted_directive_does_not_suppress(tmp_path: Path, name: str, text: str) -> None:
    (tmp_path / name).write_text(text, encoding="utf-8")
    result = scan(tmp_path)
    assert result.exit_code == 1, result.stdout + result.stderr
    assert "LLC-SRC-001" in result.stdout
    assert problems(result) == []
    [finding] = scan_json(tmp_path)["findings"]
    assert finding["suppression"] is None


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("guide.md", f"<!-- {IGN} -->\nThe key {KEY} is an example.\n"),
        ("example.py", f'PAIR = ("{KEY}", "x")  # {IGN}\n'),
        ("example.yaml", f"key: {KEY}  # {IGN}\n"),
        ("example.sh", f"# {IGN}\nexport KEY={KEY}\n"),
        ("heredoc.sh", f"cat <<EOF > .env\n# {IGN}\nKEY={KEY}\nEOF\n"),
        ("ci.yml", f"run: |\n  echo start\n  # {IGN}\n  export KEY={KEY}\n"),
        ("main.tf", f'// {IGN}\nkey = "{KEY}"\n'),
        ("app.ts", f'const key = "{KEY}"; /* {IGN} */\n'),
        ("settings.jsonc", f'{{"key": "{KEY}"}} // {IGN}\n'),
    ],
    ids=lambda value: value if "." in value and len(value) < 20 else "",
)
def test_a_real_comment_suppresses(tmp_path: Path, name: str, text: str) -> None:
    (tmp_path / name).write_text(text, encoding="utf-8")
    result = scan(tmp_path)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "1 suppressed" in result.stdout
    [finding] = scan_json(tmp_path)["findings"]
    assert finding["suppression"] == {"kind": "inSource", "reason": "a documented example"}


def test_a_malformed_directive_is_one_warning_and_the_scan_goes_on(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(
        f"x = 1  # {BAD}\n"  # line 1: malformed, in a real comment
        f"first = '{KEY}'\n"  # line 2: the malformed line above hides nothing
        "\n"
        f"# {IGN}\n"
        f"second = '{fake_token('AKIA', 16, BASE32_UPPER, seed=92)}'\n",  # well-formed, hidden
        encoding="utf-8",
    )
    (tmp_path / "other.env").write_text(
        f"AWS_ACCESS_KEY_ID={fake_token('AKIA', 16, BASE32_UPPER, seed=93)}\n", encoding="utf-8"
    )
    result = scan(tmp_path)
    assert result.exit_code == 1, result.stderr  # the findings decide, not the warning
    warnings = problems(result)
    assert len(warnings) == 1, warnings
    assert warnings[0].startswith("outlive: warning: app.py:1: ")
    assert "'LLC-SRC-1'" in warnings[0]
    data = scan_json(tmp_path)
    assert data["errors"] == [
        {
            "path": "app.py",
            "line": 1,
            "level": "warning",
            "kind": "suppression",
            "message": "not a rule id in outlive: ignore[...]: 'LLC-SRC-1'",
        }
    ]
    found = sorted((f["location"]["path"], f["location"]["line"], bool(f["suppression"]))
                   for f in data["findings"])
    assert found == [("app.py", 2, False), ("app.py", 5, True), ("other.env", 1, False)]


def test_a_malformed_directive_alone_exits_0(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(f"x = 1  # {BAD}\n", encoding="utf-8")
    result = scan(tmp_path)
    assert result.exit_code == 0
    assert "outlive: warning: app.py:1: " in result.stderr
    assert scan(tmp_path, "--exit-zero").exit_code == 0


def test_baseline_create_writes_past_a_malformed_directive(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.py").write_text(f"key = '{KEY}'  # {BAD}\n", encoding="utf-8")
    result = CliRunner().invoke(
        main, ["baseline", "create", "--output", "b.json", "."], catch_exceptions=False
    )
    assert result.exit_code == 0, result.stderr
    assert "outlive: warning: app.py:1: " in result.stderr
    doc = json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))
    assert [r["rule"] for r in doc["results"]] == ["LLC-SRC-001"]
