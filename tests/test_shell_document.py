"""The shell document: words, values, options, pipelines, substitutions, heredocs, masking, and
exact positions through the GitHub, shell-script and Makefile loaders."""

from __future__ import annotations

import re

import pytest

from scanner.documents import Documents, Source
from scanner.documents.ci import LOADERS, Command, Pipeline, github, shellfiles
from scanner.documents.shell import SimpleCommand, Word, is_shell, parse
from scanner.documents.text import TextDocument
from scanner.documents.yaml import YamlDocument
from scanner.filekinds import FileKind

GITHUB = re.compile(r"\$\{\{.*?\}\}", re.S)


def one(text: str, expression: re.Pattern[str] | None = None) -> SimpleCommand:
    (found,) = parse(text, expression)
    return found


def values(command: SimpleCommand) -> list[str]:
    return [w.value for w in command.words]


def names(text: str) -> list[str]:
    return [c.name for c in parse(text)]


def check_offsets(text: str, command: SimpleCommand) -> None:
    for word in (*command.words, *(w for _, w in command.assignments)):
        assert text[word.start : word.end] == word.text


# -- words and values ------------------------------------------------------------------------


def test_quotes_are_removed_and_expansions_kept() -> None:
    text = """echo 'a b' "c $X d" x'y'"z" $'t\\tab\\x41' "q\\"q" a\\ b ${Y:-d}"""
    cmd = one(text)
    assert values(cmd) == ["echo", "a b", "c $X d", "xyz", "t\tabA", 'q"q', "a b", "${Y:-d}"]
    check_offsets(text, cmd)


def test_literal_and_variables() -> None:
    cmd = parse('cmd plain "$A" ${B} "x$(id -u)" $((C + 1)) \'$NOT\'')[0]
    by_text = {w.text: w for w in cmd.words}
    assert by_text["plain"].literal
    assert by_text["'$NOT'"].literal
    assert by_text["'$NOT'"].variables == ()
    assert by_text['"$A"'].variables == ("A",)
    assert not by_text['"$A"'].literal
    assert by_text["${B}"].variables == ("B",)
    assert by_text["$((C + 1))"].variables == ("C",)
    assert not by_text['"x$(id -u)"'].literal


def test_non_ascii_offsets_are_characters() -> None:
    text = 'echo "été" ünï --password=sécret'
    cmd = one(text)
    check_offsets(text, cmd)
    word = cmd.option("--password")
    assert word is not None
    assert text[word.start : word.end] == "sécret"


# -- options, flags, positionals ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("twine upload -p S dist/*", "S"),
        ("twine upload --password S dist/*", "S"),
        ("twine upload --password=S dist/*", "S"),
        ('twine upload --password="S T" dist/*', '"S T"'),
        ("twine upload '--password=S' dist/*", "S'"),
    ],
)
def test_option_value_with_exact_offsets(text: str, expected: str) -> None:
    cmd = one(text)
    word = cmd.option("-p", "--password")
    assert word is not None
    assert text[word.start : word.end] == word.text == expected
    assert word.value == expected.strip("'\"").replace('"', "")


def test_option_edge_cases() -> None:
    cmd = one("mysql -pS3cret -u root -- -p notanoption")
    assert cmd.option("-p") is None  # attached form is opt-in
    attached = cmd.option("-p", attached=True)
    assert attached is not None
    assert attached.value == "S3cret"
    assert attached.start == 8
    user = cmd.option("-u")
    assert user is not None
    assert user.value == "root"
    assert one("x --password").option("--password") is None
    assert one("openssl enc -pass pass:x").option("-p", attached=True) is not None  # caller's call
    eq = one("tool -password=S").option("-password")
    assert eq is not None
    assert eq.value == "S"
    assert one('x --token "$T"').option("--token").variables == ("T",)  # type: ignore[union-attr]


def test_has_and_positionals() -> None:
    cmd = one("docker login -u user --password-stdin registry.example.com")
    assert cmd.has("--password-stdin")
    assert not cmd.has("-p")
    assert [w.value for w in cmd.positionals("-u")] == ["login", "registry.example.com"]
    assert [w.value for w in cmd.positionals()] == ["login", "user", "registry.example.com"]
    assert one("x --color=auto").has("--color")
    assert [w.value for w in one("rm -f -- -x y").positionals()] == ["-x", "y"]


# -- wrappers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name", "first_arg"),
    [
        ("sudo -u root -E twine upload", "twine", "upload"),
        ("sudo --preserve-env=X env A=1 -u B /usr/bin/docker login", "docker", "login"),
        ("exec -a x gh auth login", "gh", "auth"),
        ("time -p make all", "make", "all"),
        ("nohup ./deploy.sh &", "deploy.sh", None),
        ("command -v docker", "docker", None),
        ("xargs -I{} -n 1 curl -u {}", "curl", "-u"),
        ("timeout -s KILL 10m vault login x", "vault", "login"),
        ("sudo", "sudo", None),
        ("env", "env", None),
    ],
)
def test_wrappers_are_looked_through(text: str, name: str, first_arg: str | None) -> None:
    cmd = one(text)
    assert cmd.name == name
    assert (cmd.args[0].value if cmd.args else None) == first_arg


def test_env_wrapper_assignments() -> None:
    cmd = one("env TWINE_PASSWORD=abc twine upload")
    assert cmd.name == "twine"
    word = cmd.assigned("TWINE_PASSWORD")
    assert word is not None
    assert word.value == "abc"
    assert (word.start, word.end) == (19, 22)


# -- assignments ---------------------------------------------------------------------------


def test_prefix_export_declare_and_bare_assignments() -> None:
    text = 'A=1 B="two $X" cmd; export TWINE_PASSWORD=s3 Y; declare -x Z=\'q\'; local L; C=3'
    cmds = parse(text)
    assert [c.name for c in cmds] == ["cmd", "export", "declare", "local", ""]
    cmd, export, declare, _local, bare = cmds
    assert [(n, w.value) for n, w in cmd.assignments] == [("A", "1"), ("B", "two $X")]
    assert cmd.assigned("B").variables == ("X",)  # type: ignore[union-attr]
    assert [(n, w.value) for n, w in export.assignments] == [("TWINE_PASSWORD", "s3")]
    assert values(export) == ["export", "TWINE_PASSWORD=s3", "Y"]
    assert [(n, w.value) for n, w in declare.assignments] == [("Z", "q")]
    assert bare.words == ()
    assert bare.assignments[0][0] == "C"
    for c in cmds:
        check_offsets(text, c)


# -- structure -------------------------------------------------------------------------------


def test_pipelines_lists_and_subshells() -> None:
    cmds = parse('echo "$PW" | docker login --password-stdin && (cd a; make) || exit 1; b|c')
    assert [c.name for c in cmds] == ["echo", "docker", "cd", "make", "exit", "b", "c"]
    assert cmds[1].piped_from is cmds[0]
    assert cmds[0].piped_from is None
    assert cmds[2].piped_from is None
    assert cmds[6].piped_from is cmds[5]


def test_compound_bodies_and_functions() -> None:
    text = """
if [ -n "$T" ]; then a1; elif b0; then b1; else c1; fi
for f in $(ls); do d1 "$f"; done
while read -r l; do e1; done
case "$x" in a) f1 ;; *) f2 ;; esac
deploy() { g1 --x=1; }
{ h1; }
"""
    assert names(text) == [
        "a1", "b0", "b1", "c1", "ls", "d1", "read", "e1", "f1", "f2", "g1", "h1",
    ]


def test_substitutions_are_inside_words_and_in_the_flat_result() -> None:
    text = 'export T=$(vault read -field=token x) U="`gcloud auth print-access-token`"'
    cmds = parse(text)
    assert [c.name for c in cmds] == ["export", "vault", "gcloud"]
    export = cmds[0]
    t, u = export.assigned("T"), export.assigned("U")
    assert t is not None
    assert [s.name for s in t.substitutions] == ["vault"]
    assert u is not None
    assert [s.name for s in u.substitutions] == ["gcloud"]
    assert t.substitutions[0] is cmds[1]
    inner = cmds[1]
    assert text[inner.start : inner.end] == "vault read -field=token x"
    nested = parse('echo "$(a "$(b)")" | c')
    assert [c.name for c in nested] == ["echo", "a", "b", "c"]


def test_heredocs_and_herestrings() -> None:
    text = "cat <<EOF | kubectl apply -f -\nkind: Secret\ndata: $TOKEN\nEOF"
    cat, kubectl = parse(text)
    assert cat.heredoc == "kind: Secret\ndata: $TOKEN\n"
    assert cat.heredoc_word is not None
    assert cat.heredoc_word.variables == ("TOKEN",)
    assert text[cat.heredoc_word.start : cat.heredoc_word.end] == cat.heredoc
    assert kubectl.piped_from is cat
    assert kubectl.heredoc is None
    quoted = one("cat <<'EOF' > f\n$LITERAL\nEOF")
    assert quoted.heredoc == "$LITERAL\n"
    here = one('docker login --password-stdin <<< "$PW"')
    assert here.heredoc == "$PW"
    assert here.heredoc_word is not None
    assert here.heredoc_word.variables == ("PW",)


def test_comments_and_hashes_in_words() -> None:
    assert names("# twine upload -p x") == []
    cmd = one("echo a#b '# x' # password=y")
    assert values(cmd) == ["echo", "a#b", "# x"]


def test_line_continuations() -> None:
    text = "docker login \\\n  -u x \\\n  -p y reg"
    cmd = one(text)
    assert values(cmd) == ["docker", "login", "-u", "x", "-p", "y", "reg"]
    check_offsets(text, cmd)


# -- masking CI interpolations ---------------------------------------------------------------


def test_github_expressions_are_opaque_word_parts() -> None:
    text = 'twine upload -p ${{ secrets.PYPI }} --x="a ${{ github.ref }} b" $A${{ x }} "${{ y }}"'
    cmd = one(text, GITHUB)
    check_offsets(text, cmd)
    p = cmd.option("-p")
    assert p is not None
    assert p.value == p.text == "${{ secrets.PYPI }}"
    assert p.expressions == ("${{ secrets.PYPI }}",)
    assert not p.literal
    x = cmd.option("--x")
    assert x is not None
    assert x.value == "a ${{ github.ref }} b"
    assert x.expressions == ("${{ github.ref }}",)
    mixed = cmd.words[5]
    assert mixed.variables == ("A",)
    assert mixed.expressions == ("${{ x }}",)
    assert cmd.words[6].value == "${{ y }}"


def test_expression_that_looks_like_shell_syntax_is_masked() -> None:
    azure = re.compile(r"\$\((\w+)\)")
    cmd, echo, date = parse("az login -p $(SP_SECRET) && echo $(date +%s)", azure)
    assert (echo.name, date.name) == ("echo", "date")
    word = cmd.option("-p")
    assert word is not None
    assert word.expressions == ("$(SP_SECRET)",)
    assert word.substitutions == ()
    spans = parse("a $(X) $(b)", [(2, 6)])
    assert [c.name for c in spans] == ["a", "b"]
    assert spans[0].words[1].expressions == ("$(X)",)


# -- malformed input -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        'echo "unterminated',
        "echo $(",
        "a && ",
        "if then fi",
        "(((((",
        "\x00\xff\ud800 binary",
        "echo " + "$(" * 3000 + "x",
        "}}}} {{{{ ;; ;; &&",
    ],
)
def test_bad_input_never_raises(text: str) -> None:
    parse(text, GITHUB)


def test_a_parse_error_keeps_what_parsed() -> None:
    assert names('docker login -p x && echo "unterminated') == ["docker", "echo"]
    assert names("rm a && ln b &&") == ["rm", "ln"]


def test_lines_cut_out_of_compound_commands() -> None:
    assert names('if docker login -p "$PW" x; then') == ["docker"]
    assert names("then twine upload -p x") == ["twine"]
    assert names("  a) vault login x ;;") == ["vault"]
    assert names("fi") == names("done") == names("esac") == []


# -- through the loaders: exact positions ---------------------------------------------------


def where(command: Command, word: Word) -> tuple[int, int, int, int]:
    node = command.target(word.start, word.end)
    s, e = node.start_mark, node.end_mark
    return s.line + 1, s.column + 1, e.line + 1, e.column + 1


def source_at(text: str, span: tuple[int, int, int, int]) -> str:
    lines = text.split("\n")
    line, column, end_line, end_column = span
    assert line == end_line
    return lines[line - 1][column - 1 : end_column - 1]


WORKFLOW = """\
on: push
jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - run: |
          echo start && twine upload \\
            -p "${{ secrets.PYPI }}" --username=__token__ dist/*
          cat <<EOF | docker login --password-stdin -u bot
          $PW
          EOF
          export TWINE_PASSWORD=${{ secrets.X }}
      - run: curl -u "user:$TOKEN" https://example.com
      - shell: python
        run: print("x")
"""


def test_github_run_blocks_report_exact_positions() -> None:
    pipeline = github.load(YamlDocument("w.yml", WORKFLOW))
    assert pipeline is not None
    commands = list(pipeline.commands())
    found: dict[str, tuple[int, int, int, int]] = {}
    for command in commands:
        for simple in command.simple():
            for word in (*simple.words, *(w for _, w in simple.assignments)):
                span = where(command, word)
                assert source_at(WORKFLOW, span) == word.text
                found.setdefault(f"{simple.name}:{word.text}", span)
    assert found["twine:-p"] == (8, 13, 8, 15)
    assert found['twine:"${{ secrets.PYPI }}"'] == (8, 16, 8, 37)
    assert found["docker:--password-stdin"] == (9, 36, 9, 52)
    assert found["export:${{ secrets.X }}"] == (12, 33, 12, 49)
    assert found["curl:https://example.com"] == (13, 36, 13, 55)
    twine = next(s for c in commands for s in c.simple() if s.name == "twine")
    username = twine.option("--username")
    assert username is not None
    assert username.value == "__token__"
    cat = next(s for c in commands for s in c.simple() if s.name == "cat")
    assert cat.heredoc == "$PW\n"
    assert commands[-1].simple() == ()  # shell: python is not shell text


def test_simple_is_parsed_once_per_command() -> None:
    pipeline = github.load(YamlDocument("w.yml", WORKFLOW))
    assert pipeline is not None
    command = next(pipeline.commands())
    assert command.simple() is command.simple()


SCRIPT = """\
#!/usr/bin/env bash
set -euo pipefail
# twine upload -p commented-out
export TWINE_PASSWORD='literal'
curl -H "Authorization: Bearer $(cat token)" \\
  https://example.com
cat <<EOF > ~/.pypirc
password = $PW
EOF
if [ -n "$X" ]; then
  docker login -p "$X" reg
fi
"""


def test_shell_script_loads_as_one_job_with_exact_positions() -> None:
    pipeline = shellfiles.load(TextDocument("scripts/deploy.sh", SCRIPT))
    assert pipeline is not None
    assert (pipeline.system, pipeline.kind) == ("shell", "script")
    assert [j.job_id for j in pipeline.jobs] == ["deploy.sh"]
    assert pipeline.jobs[0].federation.oidc is None
    commands = list(pipeline.commands())
    assert [c.line for c in commands] == [2, 4, 5, 7, 10, 11, 12]
    export = commands[1].simple()[0]
    word = export.assigned("TWINE_PASSWORD")
    assert word is not None
    assert word.value == "literal"
    assert where(commands[1], word) == (4, 23, 4, 32)
    curl = commands[2].simple()
    assert [c.name for c in curl] == ["curl", "cat"]
    assert source_at(SCRIPT, where(commands[2], curl[1].words[1])) == "token"
    assert where(commands[2], curl[0].words[-1]) == (6, 3, 6, 22)
    assert commands[3].simple()[0].heredoc == "password = $PW\n"
    docker = commands[5].simple()[0]
    assert docker.name == "docker"
    assert where(commands[5], docker.option("-p")) == (11, 19, 11, 23)  # type: ignore[arg-type]


MAKEFILE = """\
.PHONY: release
export TWINE_PASSWORD := from-make
HOST = example.com
define BLOCK
\tnot-a-recipe -p x
endef

release: build
\t@twine upload -p "$$TOKEN" dist/* \\
\t  --repository $(REPO)
\t# a recipe comment
\t-docker login -u bot -p $(PASS) $@
ifdef CI
\t+curl -sS "https://$(HOST)/$$(cat path)"
endif

build: ; echo "$${HOME}"
%.o: %.c
\t$(CC) -c $< -o $@
"""


def test_makefile_loads_one_job_per_target_with_exact_positions() -> None:
    pipeline = shellfiles.load(TextDocument("Makefile", MAKEFILE))
    assert pipeline is not None
    assert (pipeline.system, pipeline.kind) == ("shell", "makefile")
    assert [j.job_id for j in pipeline.jobs] == ["release", "build", "%.o"]
    entry = pipeline.env["TWINE_PASSWORD"]
    assert entry.value == "from-make"
    assert entry.key_node.start_mark.line == 1
    assert "HOST" not in pipeline.env  # not exported
    release = list(pipeline.jobs[0].steps[0].commands())
    assert [c.text for c in release] == [
        'twine upload -p "$TOKEN" dist/* --repository $(REPO)',
        "docker login -u bot -p $(PASS) $@",
        'curl -sS "https://$(HOST)/$(cat path)"',
    ]
    twine = release[0].simple()[0]
    token = twine.option("-p")
    assert token is not None
    assert token.variables == ("TOKEN",)
    assert where(release[0], token) == (9, 19, 9, 28)
    assert source_at(MAKEFILE, where(release[0], token)) == '"$$TOKEN"'
    repo = twine.option("--repository")
    assert repo is not None
    assert repo.expressions == ("$(REPO)",)
    assert where(release[0], repo) == (10, 17, 10, 24)
    docker = release[1].simple()[0]
    password = docker.option("-p")
    assert password is not None
    assert password.expressions == ("$(PASS)",)
    assert docker.words[-1].expressions == ("$@",)
    curl = release[2].simple()
    assert [c.name for c in curl] == ["curl", "cat"]  # $$(cmd) is the shell's
    assert curl[0].words[-1].expressions == ("$(HOST)",)
    (build,) = pipeline.jobs[1].steps[0].commands()
    assert build.text == 'echo "${HOME}"'
    assert where(build, build.simple()[0].words[1]) == (17, 15, 17, 25)
    (pattern,) = pipeline.jobs[2].steps[0].commands()
    assert pattern.simple()[0].words[0].expressions == ("$(CC)",)


def test_shell_loader_row_and_documents() -> None:
    assert LOADERS[FileKind.SHELL].document == "text"
    docs = Documents(Source("scripts/deploy.sh", SCRIPT, FileKind.SHELL, 0.0), [])
    built = docs.get("ci")
    assert built is not None
    assert isinstance(built.doc, Pipeline)
    command = list(built.doc.commands())[1]
    word = command.simple()[0].assigned("TWINE_PASSWORD")
    assert word is not None
    location = built.locate(command.target(word.start, word.end))
    assert (location.line, location.column) == (4, 23)
    assert shellfiles.load(TextDocument("empty.sh", "\n\n")) is None
    assert shellfiles.load(TextDocument("Makefile", "X = 1\n")) is None


def test_is_shell() -> None:
    assert is_shell(None)
    assert is_shell("bash")
    assert is_shell("bash -l {0}")
    assert is_shell("pwsh")
    assert not is_shell("python")
    assert not is_shell("node {0}")


def test_inline_scripts_of_sh_c_are_commands_too() -> None:
    text = "docker exec app sh -ec 'vault login \"$T\" && echo ok'"
    cmds = parse(text)
    assert [c.name for c in cmds] == ["docker", "vault", "echo"]
    vault = cmds[1]
    assert text[vault.start : vault.end] == 'vault login "$T"'
    check_offsets(text, vault)
    escaped = parse('bash -c "a \\"b\\""')
    assert [c.name for c in escaped] == ["bash"]  # offsets would not hold: not read


def test_masked_non_ascii_expression_keeps_offsets() -> None:
    text = 'echo ${{ "é" }} ünï --token=${{ secrets.T }}'
    cmd = one(text, GITHUB)
    check_offsets(text, cmd)
    token = cmd.option("--token")
    assert token is not None
    assert token.expressions == ("${{ secrets.T }}",)


def test_case_items_and_openers_are_read_inside_a_frame() -> None:
    text = '  --token) TOKEN="$2"; shift ;;'
    assignment, shift = parse(text)
    assert assignment.words == ()
    assert assignment.assignments[0][0] == "TOKEN"
    assert text[assignment.start : assignment.end] == 'TOKEN="$2"'
    assert shift.name == "shift"
    for opener in ("deploy() {", "function f {", "--x)", "a|b*)", 'case "$k" in', "for f in *; do"):
        assert parse(opener) == ()
    assert names("else docker login -p x") == ["docker"]
    (tail,) = parse("rm -rf a &&")
    assert (tail.name, tail.end) == ("rm", 8)
