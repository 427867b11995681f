"""The Dockerfile document, its CI-model loader, and devcontainer JSONC."""

from __future__ import annotations

import pytest

from scanner.api import fake_token
from scanner.documents.ci import LOADERS, docker
from scanner.documents.dockerfile import Dockerfile, parse
from scanner.documents.jsonc import strip_jsonc
from scanner.documents.text import TextDocument
from scanner.filekinds import COMMAND_KINDS, FileKind, classify
from scanner.registry import all_rules
from scanner.testing import run_rule

SAMPLE = (
    "# syntax=docker/dockerfile:1\n"  # 1
    "ARG BASE=alpine:3.20\n"  # 2
    "FROM $BASE AS build\n"  # 3
    "ARG NPM_TOKEN\n"  # 4
    'ENV A=1 B="x y" \\\n'  # 5
    "    C=${NPM_TOKEN}\n"  # 6
    "ENV LEGACY value with spaces\n"  # 7
    "RUN --mount=type=secret,id=npmrc,target=/root/.npmrc \\\n"  # 8
    "  # a comment inside the continuation\n"  # 9
    "  npm ci && \\\n"  # 10
    "  docker login -u me -p $PASS\n"  # 11
    "RUN <<EOF\n"  # 12
    "echo one\n"  # 13
    "aws configure set aws_secret_access_key $NPM_TOKEN\n"  # 14
    "EOF\n"  # 15
    'COPY --from=build --chown=1:1 a.json "b c" /dst/\n'  # 16
    'RUN ["docker", "login", "-p", "two words"]\n'  # 17
    "FROM build AS final\n"  # 18
    "RUN echo $A\n"  # 19
)


def _doc(text: str = SAMPLE) -> Dockerfile:
    return parse("Dockerfile", text)


def test_directives_stages_and_lines() -> None:
    doc = _doc()
    assert doc.directives == {"syntax": "docker/dockerfile:1"}
    assert [(s.index, s.image, s.alias) for s in doc.stages] == [
        (0, "$BASE", "build"),
        (1, "build", "final"),
    ]
    assert [(i.keyword, i.line) for i in doc.instructions] == [
        ("ARG", 2), ("FROM", 3), ("ARG", 4), ("ENV", 5), ("ENV", 7), ("RUN", 8),
        ("RUN", 12), ("COPY", 16), ("RUN", 17), ("FROM", 18), ("RUN", 19),
    ]
    assert doc.instructions[0].stage == -1


def test_env_pairs_in_both_syntaxes_with_positions() -> None:
    doc = _doc()
    env = doc.instructions[3]
    pairs = env.pairs()
    assert [(p.name, p.value, p.reference) for p in pairs] == [
        ("A", "1", False), ("B", "x y", False), ("C", "${NPM_TOKEN}", True),
    ]
    c = env.target(pairs[2].value_start, pairs[2].value_end)
    assert (c.start_mark.line, c.start_mark.column) == (5, 6)  # 0-based: line 6, column 7
    legacy = doc.instructions[4].pairs()
    assert [(p.name, p.value) for p in legacy] == [("LEGACY", "value with spaces")]
    arg = doc.instructions[2].pairs()
    assert [(p.name, p.value) for p in arg] == [("NPM_TOKEN", None)]


def test_flags_words_and_exec_form() -> None:
    doc = _doc()
    copy = doc.instructions[7]
    assert copy.flag("from") == "build"
    assert copy.flag("chown") == "1:1"
    assert [w.value for w in copy.words()] == ["a.json", "b c", "/dst/"]
    run = doc.instructions[5]
    assert run.flag_values("mount") == ["type=secret,id=npmrc,target=/root/.npmrc"]
    words = ["npm", "ci", "&&", "docker", "login", "-u", "me", "-p", "$PASS"]
    assert run.arguments.split() == words
    exec_form = doc.instructions[8].exec_form()
    assert exec_form is not None
    assert [v for v, _, _ in exec_form][-1] == "two words"


def test_heredoc_body_and_escape_directive() -> None:
    doc = _doc()
    heredoc = doc.instructions[6].heredocs[0]
    assert heredoc.name == "EOF"
    assert heredoc.body.splitlines()[0] == "echo one"
    windows = parse(
        "Dockerfile",
        "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\n"
        "RUN echo a `\n    && echo b\nENV PATH C:\\tools\n",
    )
    assert windows.escape == "`"
    run = windows.instructions[1]
    assert run.text.split() == ["echo", "a", "&&", "echo", "b"]
    assert windows.instructions[2].pairs()[0].value == "C:\\tools"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n\n# only a comment\n",
        "RUN echo before any FROM\n",
        "FROM alpine\nRUN <<EOF\nnever closed\n",
        "FROM alpine\nRUN [\"broken json\n",
        "FROM alpine\nENV\nARG\nCOPY\nLABEL =x\n--weird line\n",
        "FROM alpine\nRUN echo \\",
        "\ufeffFROM alpine\r\nRUN echo crlf \\\r\n  && ls\r\n",
    ],
)
def test_malformed_input_never_raises(text: str) -> None:
    doc = _doc(text)
    pipeline = docker.load(TextDocument("Dockerfile", text))
    if pipeline is not None:
        for command in pipeline.commands():
            command.simple()
    for instruction in doc.instructions:
        instruction.pairs()
        instruction.words()
        instruction.exec_form()


def test_dockerfile_is_a_command_kind_with_a_loader() -> None:
    assert FileKind.DOCKERFILE in COMMAND_KINDS
    assert LOADERS[FileKind.DOCKERFILE].document == "text"
    assert classify("svc/api.dockerfile") is FileKind.DOCKERFILE
    assert classify("Containerfile") is FileKind.DOCKERFILE


def test_run_commands_keep_exact_positions_and_env() -> None:
    pipeline = docker.load(TextDocument("Dockerfile", SAMPLE))
    assert pipeline is not None
    assert pipeline.system == "docker"
    assert docker.dockerfile_of(pipeline) is not None
    build, final = pipeline.jobs
    assert (build.job_id, final.job_id) == ("build", "final")
    commands = list(build.steps[0].commands())
    assert [c.text for c in commands] == ["npm ci &&   docker login -u me -p $PASS"]
    login = next(s for s in commands[0].simple() if s.name == "docker")
    word = login.args[-1]
    node = commands[0].target(word.start, word.end)
    assert (node.start_mark.line + 1, node.start_mark.column + 1) == (11, 25)
    heredoc = [c.text for c in build.steps[1].commands()]
    assert heredoc == ["echo one", "aws configure set aws_secret_access_key $NPM_TOKEN"]
    assert [c.line for c in build.steps[1].commands()] == [13, 14]
    exec_words = [w.value for s in build.steps[2].commands()[0].simple() for w in s.args]
    assert exec_words == ["login", "-p", "two words"]
    # ENV set so far is the step's env (literal, or an expression reading the ARG); an ARG
    # without default is not; a stage built FROM another inherits its ENV.
    env = build.steps[0].env
    assert set(env) == {"A", "B", "C", "LEGACY"}
    assert env["C"].refs == ("NPM_TOKEN",)
    assert "A" in final.steps[0].env


def _rule(rule_id: str) -> type:
    return next(r for r in all_rules() if r.META.id == rule_id)


def test_run_reaches_the_ci_command_rules() -> None:
    login = run_rule(
        _rule("LLC-CI-001"),
        "FROM alpine:3.20\nARG REGISTRY_PASSWORD\n"
        'RUN docker login -u ci -p "$REGISTRY_PASSWORD" registry.example.com\n',
        "Dockerfile",
    )
    assert [(f.location.line, f.location.column) for f in login] == [(3, 27)]
    secret = fake_token("", 40, seed=77)
    aws = run_rule(
        _rule("LLC-CI-003"),
        "FROM amazon/aws-cli:2.15.0\n"
        f"RUN aws configure set aws_secret_access_key {secret}\n",
        "build/Dockerfile",
    )
    assert [f.location.line for f in aws] == [2]


def test_jsonc_keeps_positions() -> None:
    text = '{\n  // c, x\n  "a": "http://x,]", /* b */\n  "m": ["1", "2", // z\n  ],\n}'
    out = strip_jsonc(text)
    assert len(out) == len(text)
    assert out.count("\n") == text.count("\n")
    import json

    assert json.loads(out) == {"a": "http://x,]", "m": ["1", "2"]}
    assert strip_jsonc('{"a": 1}') == '{"a": 1}'


def test_devcontainer_with_comments_is_read() -> None:
    findings = run_rule(
        _rule("LLC-DCK-003"),
        '{\n  // host keys\n'
        '  "mounts": ["source=${localEnv:HOME}/.ssh,target=/root/.ssh,type=bind",],\n}\n',
        ".devcontainer/devcontainer.json",
    )
    assert [(f.location.line, f.severity.value) for f in findings] == [(3, "low")]
