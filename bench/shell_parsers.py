"""Measure tree-sitter-bash (``scanner.documents.shell``) against ``shlex`` for CI commands.

``python bench/shell_parsers.py [MIRROR_DIR]`` extracts the ``run:`` commands of every GitHub
workflow in the bare repositories under MIRROR_DIR (default ``$OUTLIVE_MIRROR_DIR``, one
``<owner>+<name>/repo`` git directory each), split by the GitHub loader exactly as rules see
them (continuations joined), and prints

* speed: microseconds per command for the raw tree-sitter parse, the full ``parse`` (words,
  values, offsets, substitutions) and ``shlex`` (plain, and with ``punctuation_chars`` so
  ``|``/``&&``/``;`` are tokens), plus how many commands each failed on;
* correctness: a table of shapes CI scripts use (quoting, pipelines, lists, substitutions,
  heredocs, ANSI-C strings, arithmetic, redirects, unbalanced quotes), each parser's argv lists
  compared with the expected ones. shlex is given its best chance: operators split the
  command, redirect operators and their targets are dropped, ``NAME=value`` prefixes skipped.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path

import tree_sitter
import tree_sitter_bash

from scanner.documents.ci import github
from scanner.documents.shell import parse
from scanner.documents.shell.parser import _frames
from scanner.documents.yaml import YamlDocument, YamlError

GITHUB = re.compile(r"\$\{\{.*?\}\}", re.S)
_OPERATORS = {"|", "||", "&&", ";", "&", "|&", ";;", "(", ")"}
_REDIRECTS = {">", ">>", "<", "<<", "<<<", ">&", "&>", "<&", ">|"}
_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")

#: (label, text, expected argv of each simple command in source order, outer before inner).
CASES: list[tuple[str, str, list[list[str]]]] = [
    ("plain words", 'twine upload -u __token__ -p "$PYPI_TOKEN" dist/*',
     [["twine", "upload", "-u", "__token__", "-p", "$PYPI_TOKEN", "dist/*"]]),
    ("single/double quotes", "echo 'a b' \"c d\" x'y'\"z\"", [["echo", "a b", "c d", "xyz"]]),
    ("escaped quote in dq", 'echo "say \\"hi\\""', [["echo", 'say "hi"']]),
    ("ANSI-C string", "printf $'a\\tb'", [["printf", "a\tb"]]),
    ("pipeline", 'echo "$PW" | docker login -u x --password-stdin',
     [["echo", "$PW"], ["docker", "login", "-u", "x", "--password-stdin"]]),
    ("and/or list", "cd a && make || exit 1; echo done",
     [["cd", "a"], ["make"], ["exit", "1"], ["echo", "done"]]),
    ("operators without blanks", "a;b&&c|d", [["a"], ["b"], ["c"], ["d"]]),
    ("$(...) substitution", "export TOKEN=$(vault read -field=token secret/x)",
     [["export", "TOKEN=$(vault read -field=token secret/x)"],
      ["vault", "read", "-field=token", "secret/x"]]),
    ("backticks", "echo `date +%s`", [["echo", "`date +%s`"], ["date", "+%s"]]),
    ("quotes inside $(...)", 'echo "$(cat "$F")"', [["echo", '$(cat "$F")'], ["cat", "$F"]]),
    ("heredoc", "cat <<EOF > ~/.pypirc\n[pypi]\npassword = $TOKEN\nEOF", [["cat"]]),
    ("herestring", 'docker login --password-stdin <<< "$PW"',
     [["docker", "login", "--password-stdin"]]),
    ("comment", "echo hi # password=x", [["echo", "hi"]]),
    ("prefix assignment", "AWS_ACCESS_KEY_ID=x aws s3 ls", [["aws", "s3", "ls"]]),
    ("arithmetic", "echo $((1 + 2))", [["echo", "$((1 + 2))"]]),
    ("process substitution", "diff <(a) <(b)", [["diff", "<(a)", "<(b)"], ["a"], ["b"]]),
    ("redirect", 'echo "$KEY" > key.pem 2>&1', [["echo", "$KEY"]]),
    ("subshell", "(cd x; make)", [["cd", "x"], ["make"]]),
    ("GitHub expression", 'curl -H "Authorization: ${{ secrets.T }}" "$U"',
     [["curl", "-H", "Authorization: ${{ secrets.T }}", "$U"]]),
    ("unbalanced quote", 'echo "unterminated', [["echo"]]),
    ("if on one line", 'if [ -n "$T" ]; then deploy --token "$T"; fi',
     [["deploy", "--token", "$T"]]),
]


def workflows(root: Path) -> list[tuple[str, str]]:
    """``(name, text)`` of every workflow file in the bare repositories under ``root``."""
    out: list[tuple[str, str]] = []
    for repo in sorted(root.glob("*/repo")):
        listed = subprocess.run(
            ["git", f"--git-dir={repo}", "ls-tree", "-r", "--name-only", "HEAD"],
            capture_output=True, text=True, check=False,
        ).stdout.splitlines()
        for path in listed:
            if path.startswith(".github/workflows/") and path.endswith((".yml", ".yaml")):
                shown = subprocess.run(
                    ["git", f"--git-dir={repo}", "show", f"HEAD:{path}"],
                    capture_output=True, text=True, check=False, errors="replace",
                )
                out.append((f"{repo.parent.name}:{path}", shown.stdout))
    return out


def commands(files: list[tuple[str, str]]) -> list[str]:
    out: list[str] = []
    for name, text in files:
        try:
            pipeline = github.load(YamlDocument(name, text))
        except (YamlError, ValueError):
            continue
        if pipeline is None:
            continue
        out.extend(c.text for c in pipeline.commands())
    return out


def shlex_argvs(text: str, *, punctuation: bool) -> list[list[str]]:
    """shlex's best reading: tokens split at operators, redirects dropped, prefixes skipped."""
    lexer = shlex.shlex(text, posix=True, punctuation_chars=punctuation)
    lexer.whitespace_split = True
    lexer.commenters = "#"
    out: list[list[str]] = [[]]
    skip = False
    for token in lexer:
        if skip:
            skip = False
            continue
        if token in _OPERATORS:
            out.append([])
        elif token in _REDIRECTS or re.fullmatch(r"\d*[<>]+&?\d*", token):
            skip = not token.endswith(("&1", "&2"))
        elif out[-1] or not _ASSIGNMENT.match(token):
            out[-1].append(token)
    return [argv for argv in out if argv]


def tree_sitter_argvs(text: str) -> list[list[str]]:
    return [[w.value for w in c.words[c.program_index :]] for c in parse(text, GITHUB) if c.words]


def timed(label: str, texts: list[str], run: object) -> tuple[float, int]:
    failed = 0
    start = time.perf_counter()
    for text in texts:
        try:
            run(text)  # type: ignore[operator]
        except ValueError:
            failed += 1
    elapsed = time.perf_counter() - start
    per = elapsed / max(1, len(texts)) * 1e6
    print(f"  {label:<34} {per:9.1f} us/command   failed on {failed}/{len(texts)}")
    return per, failed


def main() -> int:
    default = os.environ.get("OUTLIVE_MIRROR_DIR", "")
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(default)
    if not str(root) or str(root) == ".":
        root = Path("mirror-not-given")
    files = workflows(root) if root.is_dir() else []
    texts = commands(files)
    if not texts:
        texts = [t for _, t, _ in CASES] * 50
        print(f"no workflows under {root}: timing the {len(CASES)} table cases x50")
    else:
        print(f"{len(files)} workflows, {len(texts)} run: commands "
              f"({sum(map(len, texts)) / 1e3:.0f} K characters)")
    shapes = {
        "with $(...) or backticks": sum(1 for t in texts if "$(" in t or "`" in t),
        "with a pipe": sum(1 for t in texts if "|" in t),
        "with && / || / ;": sum(1 for t in texts if re.search(r"&&|\|\||;", t) is not None),
        "with a heredoc": sum(1 for t in texts if "<<" in t),
        "with ${{ }}": sum(1 for t in texts if "${{" in t),
    }
    print("corpus shapes: " + ", ".join(f"{k}: {v}" for k, v in shapes.items()))

    parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_bash.language()))
    print("speed")
    timed("tree-sitter-bash (raw tree)", texts, lambda t: parser.parse(t.encode()))
    timed("outlive parse() (words, offsets)", texts, lambda t: parse(t, GITHUB))
    timed("shlex.split", texts, lambda t: shlex.split(t, comments=True))
    timed("shlex + punctuation_chars", texts, lambda t: shlex_argvs(t, punctuation=True))
    broken = [t for t in texts if parser.parse(t.encode()).root_node.has_error]
    framed = sum(
        1 for t in broken
        if any(not parser.parse((b + t + a).encode()).root_node.has_error for b, a in _frames(t))
    )
    print(f"  tree-sitter trees with an error node: {len(broken)}/{len(texts)} (mostly one line "
          f"cut from a multi-line if/for/case); {framed} of them parse whole inside a frame "
          f"(parse() does that), the rest keep the commands that parsed")

    print("correctness (argv of every simple command; Y = exact)")
    print(f"  {'shape':<26} {'tree-sitter':>11} {'shlex':>6} {'shlex+punct':>11}")
    score = [0, 0, 0]
    for label, text, expected in CASES:
        got = []
        for reader in (
            tree_sitter_argvs,
            lambda t: shlex_argvs(t, punctuation=False),
            lambda t: shlex_argvs(t, punctuation=True),
        ):
            try:
                got.append(reader(text) == expected)
            except ValueError:
                got.append(False)
        for k, ok in enumerate(got):
            score[k] += ok
        marks = ["Y" if ok else "-" for ok in got]
        print(f"  {label:<26} {marks[0]:>11} {marks[1]:>6} {marks[2]:>11}")
    print(f"  {'total':<26} {score[0]:>8}/{len(CASES)} {score[1]:>3}/{len(CASES)} "
          f"{score[2]:>8}/{len(CASES)}")
    print("  offsets of each word: tree-sitter yes; shlex no (it returns strings only)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
