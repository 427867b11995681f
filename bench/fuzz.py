"""Fuzz every parser outlive runs on untrusted files, each in a child process (issue 8).

The property: a file gives findings or a scan error, never an exception and never a native
crash (LibCST and tree-sitter are native and can kill the process), and the SARIF log of any
findings is schema-valid; the config and baseline loaders raise only ConfigError and
BaselineError. Inputs are random bytes, mutated rule examples and fixtures, and
structure-aware documents built from each format's vocabulary.

    python bench/fuzz.py --parser yaml --minutes 5
    python bench/fuzz.py --all --minutes 5 --parallel 2

Each parser runs in its own child process so a segfault, an abort or a hang (no progress for
``--stall`` seconds) is reported, with the input that caused it, instead of ending the run.
Minimal failing inputs go to ``bench/fuzz-failures/`` (gitignored). tests/test_fuzz.py imports
the targets from here and runs a bounded, derandomized batch of each.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import signal
import string
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
FAILURES = HERE / "fuzz-failures"
SCHEMA_PATH = ROOT / "tests" / "data" / "sarif-schema-2.1.0.json"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from scanner.api import BASE32_UPPER, BASE64, fake_token  # noqa: E402
from scanner.baseline import BaselineError, Entry, dump  # noqa: E402
from scanner.baseline import load as load_baseline  # noqa: E402
from scanner.config import Config, ConfigError, load_config  # noqa: E402
from scanner.engine import Engine  # noqa: E402
from scanner.filekinds import FileKind, classify  # noqa: E402
from scanner.registry import all_rules  # noqa: E402
from scanner.suppress import parse_line, parse_text  # noqa: E402
from scanner.testing import default_path  # noqa: E402

Check = Callable[[str, bytes], None]


class FuzzError(AssertionError):
    """The property broke without an exception of its own (a rule failure, invalid SARIF)."""


# -- the checks ------------------------------------------------------------------------------


@cache
def _engine() -> Engine:
    return Engine(all_rules(), Config())


@cache
def _validator() -> Any:  # noqa: ANN401 - a jsonschema validator instance
    from jsonschema.validators import validator_for

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return validator_for(schema)(schema)


def check_scan(rel: str, data: bytes) -> None:
    """Scan like the pipeline does; any exception escapes to the fuzzer."""
    result = _engine().scan_bytes(rel, data)
    failed = [e.message for e in result.errors if e.kind == "rule"]
    if failed:
        raise FuzzError(f"{rel}: {failed[0]}")
    if result.findings:
        check_sarif(result.findings, result.errors)


def check_sarif(findings: tuple[Any, ...], errors: tuple[Any, ...]) -> None:
    from scanner.pipeline import ScanResult, Stats
    from scanner.reporters import ReportOptions
    from scanner.reporters.sarif import render

    result = ScanResult(ROOT, findings, errors, all_rules(), Stats(1, 0, 0))
    log = json.loads(render(result, ReportOptions()))
    problems = sorted(str(e.message) for e in _validator().iter_errors(log))
    if problems:
        raise FuzzError(f"SARIF not schema-valid: {problems[0]}")


def check_suppress(name: str, data: bytes) -> None:
    text = data.decode("utf-8", "replace")
    for python in (False, True):
        for blanket in (False, True):
            parse_text(text, allow_blanket=blanket, require_reason=not blanket, python=python)
    for number, line in enumerate(text.splitlines()[:50], start=1):
        parse_line(line, number)


@cache
def _scratch() -> Path:
    return Path(tempfile.mkdtemp(prefix="outlive-fuzz-"))


def check_config(name: str, data: bytes) -> None:
    path = _scratch() / name
    path.write_bytes(data)
    with contextlib.suppress(ConfigError):
        load_config(path, _scratch())


def check_baseline(name: str, data: bytes) -> None:
    path = _scratch() / name
    path.write_bytes(data)
    with contextlib.suppress(BaselineError):
        load_baseline(path)


# -- vocabulary ------------------------------------------------------------------------------


def _secrets() -> list[str]:
    """Fake credentials of the shapes the rules look for, built here rather than written."""
    jwt_head = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
    return [
        fake_token("AKIA", 16, BASE32_UPPER, seed=11),
        fake_token("ASIA", 16, BASE32_UPPER, seed=12),
        fake_token("", 40, BASE64, seed=13),
        fake_token("ghp_", 36, seed=14),
        fake_token("github_pat_", 82, seed=15),
        fake_token("glpat-", 20, seed=16),
        fake_token("sk_live_", 24, seed=17),
        fake_token("xoxb-", 40, seed=18),
        jwt_head + ".eyJzdWIiOiIxIiwiZXhwIjoxZTk5OX0." + fake_token("", 43, seed=19),
        jwt_head + ".eyJleHAiOiJOYU4ifQ." + fake_token("", 43, seed=20),
    ]


NUMBERS = ["0", "-1", "1e999", "-1e999", "nan", "NaN", "inf", "9" * 400, "1" * 4400, "0x7fffffff"]

COMMON = ["\n", " ", "\t", "\r\n", "\\", "\"", "'", "#", "=", ":", ",", "${", "}", "{", "[", "]",
          "(", ")", "\x00", "\ufeff", "\u2028", "\ud7ff", "🔑", "outlive: ignore[LLC-SRC-001]"]

TOKENS: dict[str, list[str]] = {
    "python": ["import jwt\n", "import boto3\n", "from datetime import timedelta\n",
               "jwt.encode(", "jwt.decode(", "timedelta(days=", "'exp': ", "lambda: ",
               "def f(", "class C:\n", "    ", "if x:\n", "\"\"\"", "f'{", "async ", "await ",
               "boto3.client('s3', aws_access_key_id=", "os.environ['", "or ", "and ", "**",
               "verify=False", "options={'verify_exp': False}", "expires_in=", "max_age=",
               "# type: ignore\n", "@decorator\n", "yield ", "match x:\n    case ", "\\\n"],
    "yaml": ["- ", ": ", "&a ", "*a ", "!!str ", "!!python/object:os.system ", "? ", "|\n  ",
             ">-\n  ", "---\n", "...\n", "on: push\n", "jobs:\n", "steps:\n", "uses: ",
             "with:\n", "env:\n", "secrets.", "${{ ", " }}", "aws-access-key-id: ",
             "permissions: write-all\n", "image: ", "variables:\n", "script:\n",
             "kind: Secret\n", "apiVersion: v1\n", "data:\n", "stringData:\n", "<<: *a\n",
             "%YAML 1.1\n", "%TAG ! tag:x,2000:\n", "!<tag:yaml.org,2002:int> "],
    "hcl": ["resource ", "\"aws_iam_access_key\" ", "\"aws_iam_user\" ", "provider \"aws\" ",
            "access_key = ", "secret_key = ", "variable ", "default = ", "locals ", "= ",
            "${", "%{", "<<EOF\n", "<<-EOT\n", "EOF\n", "EOT\n", "/*", "*/", "//", "for ",
            " in ", "?", "...", "=>", "dynamic ", "content ", "heredoc", "1e999", "-> "],
    "json": ["{", "}", "[", "]", "\"", ":", ",", "true", "false", "null", "\\u0000",
             "\\ud800", "1e999", "-0", "NaN", "\"mcpServers\"", "\"env\"", "\"command\"",
             "\"args\"", "\"resource\"", "\"aws_iam_access_key\"", "\"provider\"",
             "\"access_key\"", "\"headers\"", "\"Authorization\"", "\"Bearer "],
    "dockerfile": ["FROM ", "ENV ", "ARG ", "RUN ", "COPY ", "ADD ", "LABEL ", "\\\n", "=",
                   "${", ":-", "# syntax=docker/dockerfile:1\n", "# escape=`\n", "`\n",
                   "--mount=type=secret,id=", "<<EOF\n", "EOF\n", "AWS_SECRET_ACCESS_KEY",
                   "ONBUILD ", "HEALTHCHECK ", "[\"", "\"]"],
    "dotenv": ["=", "export ", "\"", "'", "\\\n", "#", "${", "}", "$(", ")", "\\n",
               "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "GITHUB_TOKEN", "\r", " = "],
    "suppress": ["outlive: ignore", "outlive:ignore", "[", "]", "LLC-SRC-001", "LLC-PY-",
                 ", ", "reason=", "\"", "'", "until=", "2026-01-01", "9999-99-99", " " * 64,
                 "\t" * 32, "#", "//", "/*", "*/", "<!--", "-->", "pragma: allowlist secret",
                 "pragma: allowlist nextline secret", "fixture", "next-line", "=", "all"],
    "config": ["[thresholds]\n", "[per-path-ignores]\n", "exclude = ", "allowlist = ",
               "select = ", "ignore = ", "fail-on = ", "max-file-size = ",
               "placeholder-words = ", "require-reason = ", "allow-blanket-ignores = ",
               "jwt_max_lifetime = ", "credential_max_validity_days = ", "[tool.outlive]\n",
               "\"**\"", "\"[\"", "\"(a+)+$\"", "\"\"", "[[", "]]", "\"24h\"", "\"PT1H\"",
               "\"1e999d\"", "\"2MiB\"", "true", "1979-05-27T07:32:00Z", "inf", "nan"],
    "baseline": ["{", "}", "[", "]", "\"version\": 1", "\"results\": ", "\"path\": ",
                 "\"rule\": ", "\"fingerprint\": ", "\"reason\": ", "\"LLC-SRC-001\"", ",",
                 ":", "\"\\ud800\"", "1e999", "NaN"],
}


# -- strategies ------------------------------------------------------------------------------


@st.composite
def mutated(draw: st.DrawFn, seeds: list[bytes], tokens: list[str]) -> bytes:
    """A seed with a few edits: random bytes, cuts, repeats (nesting) and vocabulary."""
    data = bytearray(draw(st.sampled_from(seeds)))
    pieces = [t.encode("utf-8", "surrogatepass") for t in tokens + COMMON]
    secrets = [s.encode() for s in _secrets()] + [n.encode() for n in NUMBERS]
    for _ in range(draw(st.integers(0, 6))):
        op = draw(st.integers(0, 6))
        at = draw(st.integers(0, len(data)))
        if op == 0:
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif op == 1:
            data[at : at + draw(st.integers(1, 64))] = b""
        elif op == 2:
            width = draw(st.integers(1, 32))
            data[at:at] = bytes(data[at : at + width]) * draw(st.integers(2, 40))
        elif op == 3:
            data[at:at] = draw(st.sampled_from(pieces))
        elif op == 4:
            data[at:at] = draw(st.sampled_from(secrets))
        elif op == 5:
            data[at:at] = draw(st.sampled_from(pieces)) * draw(st.integers(2, 300))
        else:
            del data[at:]
    return bytes(data)


def _scalar() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.sampled_from(_secrets()),
        st.sampled_from(NUMBERS),
        st.integers(min_value=-(10**30), max_value=10**30),
        st.floats(allow_nan=True, allow_infinity=True),
        st.booleans(),
        st.none(),
        st.text(max_size=20),
    )


def _keys(words: list[str]) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(words), st.text(string.ascii_letters + "_-.", max_size=12))


def _tree(words: list[str], leaves: int = 20) -> st.SearchStrategy[Any]:
    return st.recursive(
        _scalar(),
        lambda inner: st.one_of(
            st.lists(inner, max_size=4), st.dictionaries(_keys(words), inner, max_size=4)
        ),
        max_leaves=leaves,
    )


YAML_WORDS = ["on", "jobs", "steps", "uses", "with", "env", "run", "permissions", "runs-on",
              "aws-access-key-id", "aws-secret-access-key", "role-to-assume", "secrets",
              "variables", "script", "image", "services", "apiVersion", "kind", "metadata",
              "data", "stringData", "spec", "containers", "token", "password", "expires"]
JSON_WORDS = ["mcpServers", "env", "command", "args", "headers", "Authorization", "resource",
              "aws_iam_access_key", "provider", "aws", "access_key", "secret_key", "variable",
              "default", "containerEnv", "remoteEnv", "url", "token"]


def _dump_yaml(value: Any) -> bytes:  # noqa: ANN401 - any YAML-able tree
    return yaml.safe_dump(value, allow_unicode=True, sort_keys=False).encode("utf-8")


@st.composite
def workflow(draw: st.DrawFn) -> tuple[str, bytes]:
    step = st.fixed_dictionaries(
        {"uses": st.sampled_from(["aws-actions/configure-aws-credentials@v4",
                                  "actions/checkout@v4", "docker/login-action@v3"])},
        optional={"with": _tree(YAML_WORDS, 6), "env": _tree(YAML_WORDS, 6),
                  "run": st.text(max_size=40)},
    )
    doc = {
        "on": draw(st.sampled_from(["push", "pull_request_target", ["push"]])),
        "permissions": draw(st.one_of(st.just("write-all"), _tree(YAML_WORDS, 4))),
        "jobs": {draw(_keys(["deploy"])): {"runs-on": "ubuntu-latest",
                                           "steps": draw(st.lists(step, max_size=4))}},
    }
    path = draw(st.sampled_from([".github/workflows/ci.yml", ".gitlab-ci.yml",
                                 "k8s/deploy.yaml", "docker-compose.yml", "values.yaml"]))
    if path != ".github/workflows/ci.yml":
        doc = draw(_tree(YAML_WORDS, 30))
    return path, _dump_yaml(doc)


def _hcl_value(depth: int = 0) -> st.SearchStrategy[str]:
    quoted = st.one_of(st.sampled_from(_secrets()), st.text(max_size=12)).map(json.dumps)
    leaf = st.one_of(quoted, st.sampled_from([*NUMBERS, "true", "var.x", "local.k"]))
    if depth > 2:
        return leaf
    inner = _hcl_value(depth + 1)
    return st.one_of(
        leaf,
        st.lists(inner, max_size=3).map(lambda xs: "[" + ", ".join(xs) + "]"),
        st.lists(st.tuples(_keys(["a"]), inner), max_size=3).map(
            lambda kv: "{ " + ", ".join(f"{k} = {v}" for k, v in kv) + " }"
        ),
        inner.map(lambda v: f'"${{{v}}}"'),
        inner.map(lambda v: f"<<EOF\n{v}\nEOF"),
    )


@st.composite
def hcl(draw: st.DrawFn) -> tuple[str, bytes]:
    blocks = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["resource", "provider", "variable", "locals", "data"]))
        labels = draw(st.lists(st.sampled_from(['"aws_iam_access_key"', '"aws"', '"x"',
                                                '"aws_iam_user"', '"aws_db_instance"']),
                               max_size=2))
        attrs = draw(st.lists(st.tuples(_keys(["access_key", "secret_key", "password",
                                               "token", "default", "user"]), _hcl_value()),
                              max_size=5))
        body = "\n".join(f"  {k} = {v}" for k, v in attrs)
        blocks.append(f"{kind} {' '.join(labels)} {{\n{body}\n}}\n")
    return "infra/main.tf", "\n".join(blocks).encode("utf-8", "surrogatepass")


@st.composite
def json_doc(draw: st.DrawFn) -> tuple[str, bytes]:
    path = draw(st.sampled_from(["infra/main.tf.json", ".mcp.json", ".vscode/mcp.json",
                                 ".devcontainer/devcontainer.json", "k8s/secret.json"]))
    value = draw(_tree(JSON_WORDS, 30))
    text = json.dumps(value, allow_nan=True, ensure_ascii=draw(st.booleans()))
    return path, text.encode("utf-8", "surrogatepass")


@st.composite
def python_source(draw: st.DrawFn) -> tuple[str, bytes]:
    literal = st.one_of(
        st.sampled_from(_secrets()).map(repr),
        st.sampled_from(NUMBERS[:2] + NUMBERS[7:8] + ["1e999", "float('nan')", "10**400"]),
        st.text(max_size=10).map(repr),
    )
    templates = [
        "token = jwt.encode({{'exp': {v}}}, {v})",
        "jwt.decode(t, {v}, algorithms=['HS256'], options={{'verify_exp': {v}}})",
        "delta = timedelta(days={v}, seconds={v})",
        "client = boto3.client('s3', aws_access_key_id={v}, aws_secret_access_key={v})",
        "os.environ['AWS_ACCESS_KEY_ID'] = {v}",
        "sts.assume_role(RoleArn={v}, DurationSeconds={v})",
        "s3.generate_presigned_url('get_object', ExpiresIn={v})",
        "KEY = {v}",
        "def f(x={v}):\n    return {v}",
        "session = requests.Session(); session.headers['Authorization'] = {v}",
        "class Settings:\n    SECRET_KEY = {v}\n    JWT_EXPIRATION_DELTA = timedelta(hours={v})",
        "cache.set('token', {v}, timeout={v})",
        "x = " + "[" * 40 + "{v}" + "]" * 40,
    ]
    lines = ["import jwt", "import os", "import boto3", "from datetime import timedelta"]
    for _ in range(draw(st.integers(1, 6))):
        template = draw(st.sampled_from(templates))
        lines.append(template.replace("{v}", "{}").format(
            *[draw(literal) for _ in range(template.count("{v}"))]))
    return "app/module.py", ("\n".join(lines) + "\n").encode("utf-8", "surrogatepass")


@st.composite
def dockerfile(draw: st.DrawFn) -> tuple[str, bytes]:
    value = st.one_of(st.sampled_from(_secrets()), st.text(max_size=16), st.sampled_from(NUMBERS))
    templates = ["FROM python:3.12", "ENV AWS_ACCESS_KEY_ID={v}", "ENV TOKEN {v}",
                 "ARG GITHUB_TOKEN={v}", "RUN echo {v} > ~/.netrc", "LABEL k={v}",
                 "RUN --mount=type=secret,id=aws cat /run/secrets/aws", "COPY {v} /app/",
                 "ENV A={v} \\\n    B={v}", "# escape=`", "RUN <<EOF\n{v}\nEOF"]
    lines = []
    for _ in range(draw(st.integers(1, 8))):
        t = draw(st.sampled_from(templates))
        lines.append(t.replace("{v}", "{}").format(*[draw(value) for _ in range(t.count("{v}"))]))
    name = draw(st.sampled_from(["Dockerfile", "build/Dockerfile.prod", "Containerfile"]))
    return name, ("\n".join(lines) + "\n").encode("utf-8", "surrogatepass")


@st.composite
def dotenv(draw: st.DrawFn) -> tuple[str, bytes]:
    value = st.one_of(st.sampled_from(_secrets()), st.text(max_size=16), st.sampled_from(NUMBERS))
    lines = []
    for _ in range(draw(st.integers(1, 8))):
        key = draw(st.sampled_from(["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                                    "GITHUB_TOKEN", "DATABASE_URL", "X", "export SECRET"]))
        quote = draw(st.sampled_from(["", "'", '"']))
        sep = draw(st.sampled_from(["=", " = ", "="]))
        tail = draw(st.sampled_from(["", " # c", " \\"]))
        lines.append(f"{key}{sep}{quote}{draw(value)}{quote}{tail}")
    name = draw(st.sampled_from([".env", ".env.production", "config/.env.local"]))
    return name, ("\n".join(lines) + "\n").encode("utf-8", "surrogatepass")


@st.composite
def suppression(draw: st.DrawFn) -> tuple[str, bytes]:
    ids = st.lists(st.sampled_from(["LLC-SRC-001", "LLC-PY-003", "LLC-GHA", "ALL", "llc-x-1",
                                    "", "*", " "]), max_size=3).map(", ".join)
    args = st.lists(st.sampled_from(['reason="fixture"', "reason=''", 'until="2026-01-01"',
                                     "until=2099-13-40", 'reason="' + " " * 50,
                                     "reason=" + draw(st.sampled_from(_secrets()))]),
                    max_size=3).map(" ".join)
    opener = draw(st.sampled_from(["# ", "// ", "/* ", "<!-- ", "-- ", ""]))
    lines = []
    for _ in range(draw(st.integers(1, 4))):
        spaces = " " * draw(st.integers(0, 200))
        lines.append(f"x = 1  {opener}outlive: ignore[{draw(ids)}]{spaces}{draw(args)}"
                     f"{draw(st.sampled_from(['', ' */', ' -->']))}")
    return "code.py", "\n".join(lines).encode("utf-8", "surrogatepass")


@dataclass(frozen=True)
class RawToml:
    """TOML text written as is: values Python cannot hold or print (4,400 digits, deep)."""

    text: str


RAW_TOML = [RawToml("9" * 4400), RawToml("[" * 1100 + "]" * 1100), RawToml("inf"),
            RawToml("nan"), RawToml("-inf"), RawToml("1e999"), RawToml("0x" + "f" * 40),
            RawToml("{ a = " * 200 + "1" + " }" * 200)]


def _toml_value(value: Any) -> str:  # noqa: ANN401 - any TOML-able tree
    if isinstance(value, RawToml):
        return value.text
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        pairs = (f"{json.dumps(k)} = {_toml_value(v)}" for k, v in value.items())
        return "{ " + ", ".join(pairs) + " }"
    return '""'


CONFIG_KEYS = ["exclude", "select", "ignore", "fail-on", "max-file-size", "allow-blanket-ignores",
               "require-reason", "placeholder-words", "allowlist", "per-path-ignores",
               "thresholds"]
THRESHOLD_KEYS = ["jwt_max_lifetime", "access_token_max_lifetime", "refresh_token_max_lifetime",
                  "role_session_max_seconds", "credential_max_validity_days",
                  "presign_max_seconds", "k8s_token_max_seconds"]


@st.composite
def config_file(draw: st.DrawFn) -> tuple[str, bytes]:
    plain = st.one_of(
        st.sampled_from(["**", "[", "", "(a+)+$", "24h", "PT1H", "1e999d", "2MiB", "high",
                         "LLC-SRC", "tests/**", "*.md", "nan", "-1", "9" * 50]),
        st.integers(min_value=-(10**20), max_value=10**20),
        st.floats(allow_nan=False, allow_infinity=False), st.booleans(),
        st.sampled_from(RAW_TOML),
    )
    value = st.one_of(plain, st.lists(plain, max_size=4))
    table = draw(st.dictionaries(_keys(CONFIG_KEYS), value, max_size=6))
    thresholds = draw(st.dictionaries(_keys(THRESHOLD_KEYS), plain, max_size=4))
    per_path = draw(st.dictionaries(st.sampled_from(["tests/**", "", "[", "**/*.py", "a\\"]),
                                    st.lists(st.sampled_from(["LLC-SRC", "ALL", "x"]),
                                             max_size=2), max_size=2))
    name = draw(st.sampled_from(["outlive.toml", "pyproject.toml"]))
    head = "[tool.outlive]\n" if name == "pyproject.toml" else ""
    body = "".join(f"{json.dumps(k)} = {_toml_value(v)}\n" for k, v in table.items())
    body += "[" + ("tool.outlive." if head else "") + "thresholds]\n"
    body += "".join(f"{json.dumps(k)} = {_toml_value(v)}\n" for k, v in thresholds.items())
    body += "[" + ("tool.outlive." if head else "") + "per-path-ignores]\n"
    body += "".join(f"{json.dumps(k)} = {_toml_value(v)}\n" for k, v in per_path.items())
    return name, (head + body).encode("utf-8", "surrogatepass")


@st.composite
def baseline_file(draw: st.DrawFn) -> tuple[str, bytes]:
    entry = st.fixed_dictionaries(
        {"path": st.text(max_size=10), "rule": st.sampled_from(["LLC-SRC-001", ""]),
         "fingerprint": st.text("0123456789abcdef", max_size=16)},
        optional={"reason": _scalar()},
    )
    doc = draw(st.one_of(
        st.fixed_dictionaries({"version": st.sampled_from([1, 1, 2, "1", None]),
                               "results": st.one_of(st.lists(entry, max_size=4), _scalar())}),
        _tree(["version", "results", "path", "rule", "fingerprint"], 20),
    ))
    text = json.dumps(doc, allow_nan=True, ensure_ascii=draw(st.booleans()))
    return ".outlive-baseline.json", text.encode("utf-8", "surrogatepass")


# -- seeds: rule examples, fixtures, hand-written documents ----------------------------------


def _all_seeds() -> Iterator[tuple[str, bytes]]:
    for rule in all_rules():
        for example in (*rule.VALID, *rule.INVALID):
            yield example.path or default_path(rule), example.code.encode("utf-8")
    for base in (ROOT / "fixtures", ROOT / "tests" / "corpus"):
        for path in sorted(base.rglob("*")):
            if path.is_file() and not path.is_symlink() and path.stat().st_size < 20000:
                yield path.relative_to(base).as_posix().split("/", 1)[-1], path.read_bytes()


@cache
def seeds_for(name: str) -> tuple[tuple[str, bytes], ...]:
    """(path, content) seeds of one target, by the kind their path classifies as."""
    found: list[tuple[str, bytes]] = []
    for rel, data in _all_seeds():
        kind = classify(rel, data[:8192])
        json_path = rel.lower().endswith(".json")
        wanted = {
            "python": kind is FileKind.PYTHON,
            "yaml": not json_path and kind in YAML_TARGET_KINDS,
            "hcl": kind is FileKind.TERRAFORM and rel.lower().endswith(".tf"),
            "json": json_path,
            "dockerfile": kind is FileKind.DOCKERFILE,
            "dotenv": kind is FileKind.DOTENV,
            "suppress": b"outlive:" in data or b"pragma: allowlist" in data,
        }.get(name, False)
        if wanted:
            found.append((rel, data))
    found.extend(EXTRA_SEEDS.get(name, ()))
    return tuple(found)


YAML_TARGET_KINDS = frozenset({
    FileKind.GITHUB_ACTIONS, FileKind.GITLAB_CI, FileKind.KUBERNETES, FileKind.CLOUDFORMATION,
    FileKind.COMPOSE, FileKind.HELM, FileKind.KUBECONFIG, FileKind.CIRCLECI,
    FileKind.AZURE_PIPELINES, FileKind.BITBUCKET, FileKind.ANSIBLE, FileKind.SERVERLESS,
})

EXTRA_SEEDS: dict[str, tuple[tuple[str, bytes], ...]] = {
    "config": (
        ("outlive.toml", b'exclude = ["tests/**"]\nallowlist = ["^EXAMPLE"]\nfail-on = "high"\n'
                         b'max-file-size = "2MiB"\n[thresholds]\njwt_max_lifetime = "24h"\n'
                         b'credential_max_validity_days = 90\n[per-path-ignores]\n'
                         b'"tests/**" = ["LLC-SRC"]\n'),
        ("pyproject.toml", b'[project]\nname = "x"\n[tool.outlive]\nselect = ["ALL"]\n'
                           b'require-reason = false\n[tool.outlive.thresholds]\n'
                           b'presign_max_seconds = 3600\n'),
    ),
    "baseline": (
        (".outlive-baseline.json",
         dump([Entry("app/x.py", "LLC-SRC-001", "0123456789abcdef", "fixture"),
               Entry("a b/ü.tf", "LLC-IAC-001", "fedcba9876543210", "")]).encode("utf-8")),
    ),
    "suppress": (
        ("app/x.py", b'key = "x"  # outlive: ignore[LLC-SRC-001] reason="fixture" '
                     b"until=2030-01-01\n"
                     b"# outlive: ignore-next-line[LLC-PY] reason='test double'\nk = 1\n"),
        ("x.js", b'/* outlive: ignore[ALL] reason="a" */ const k = 1;\n'
                 b"// pragma: allowlist nextline secret\n<!-- outlive: fixture -->\n"),
    ),
    "dotenv": ((".env", b"AWS_ACCESS_KEY_ID=x\nexport A='b'\n"),),
    "dockerfile": (("Dockerfile", b"FROM x\nENV A=b \\\n  C=d\n"),),
}


@dataclass(frozen=True)
class Target:
    name: str
    check: Check
    structured: Callable[[], st.SearchStrategy[tuple[str, bytes]]]
    native: bool = False  #: parses with native code (LibCST, tree-sitter): may crash
    paths: tuple[str, ...] = field(default=())

    def strategy(self) -> st.SearchStrategy[tuple[str, bytes]]:
        seeds = seeds_for(self.name)
        paths = self.paths or tuple(sorted({rel for rel, _ in seeds})) or ("x",)
        tokens = TOKENS.get(self.name, [])
        choices = [
            self.structured(),
            st.tuples(st.sampled_from(paths), st.binary(max_size=2048)),
            st.tuples(st.sampled_from(paths), st.text(max_size=512).map(
                lambda s: s.encode("utf-8", "surrogatepass"))),
            st.tuples(st.sampled_from(paths), st.lists(
                st.sampled_from(tokens + COMMON), max_size=60).map(
                lambda xs: "".join(xs).encode("utf-8", "surrogatepass"))),
        ]
        if seeds:
            by_path = st.sampled_from(seeds)
            choices.append(by_path.flatmap(
                lambda seed: st.tuples(st.just(seed[0]), mutated([seed[1]], tokens))))
        return st.one_of(choices)


TARGETS: dict[str, Target] = {
    t.name: t
    for t in (
        Target("python", check_scan, python_source, native=True, paths=("app/module.py",)),
        Target("yaml", check_scan, workflow),
        Target("hcl", check_scan, hcl, native=True, paths=("infra/main.tf",)),
        Target("json", check_scan, json_doc,
               paths=("infra/main.tf.json", ".mcp.json", ".devcontainer/devcontainer.json")),
        Target("dockerfile", check_scan, dockerfile, paths=("Dockerfile",)),
        Target("dotenv", check_scan, dotenv, paths=(".env",)),
        Target("suppress", check_suppress, suppression, paths=("code.py",)),
        Target("config", check_config, config_file, paths=("outlive.toml", "pyproject.toml")),
        Target("baseline", check_baseline, baseline_file, paths=(".outlive-baseline.json",)),
    )
}


# -- the child: one target for a while -------------------------------------------------------


@dataclass
class _ChildState:
    inputs: int = 0
    last: tuple[str, bytes] = ("", b"")


def run_child(name: str, seconds: float, progress: Path) -> int:
    """Batches of hypothesis runs until time is up; prints a JSON summary on the last line."""
    target = TARGETS[name]
    strategy = target.strategy()
    current = progress.with_suffix(".input")
    state = _ChildState()
    found: dict[str, dict[str, str]] = {}
    with contextlib.suppress(ImportError, ValueError, OSError):
        import resource

        cap = 6 * 2**30  # a runaway allocation is a MemoryError, not a frozen machine
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    def one(item: tuple[str, bytes]) -> None:
        rel, data = item
        state.inputs += 1
        current.write_bytes(rel.encode("utf-8", "surrogateescape") + b"\0" + data)
        if state.inputs % 50 == 0:
            progress.write_text(str(state.inputs))
        try:
            target.check(rel, data)
        except Exception:
            state.last = (rel, data)
            raise

    deadline = time.monotonic() + seconds
    batch = 0
    while time.monotonic() < deadline:
        batch += 1
        test = settings(
            max_examples=200,
            deadline=None,
            database=None,
            derandomize=False,
            phases=[Phase.generate, Phase.shrink],
            suppress_health_check=list(HealthCheck),
            report_multiple_bugs=False,
        )(given(strategy)(one))
        try:
            test()
        except Exception as exc:
            rel, data = state.last
            where = traceback.extract_tb(exc.__traceback__)[-1]
            key = f"{type(exc).__name__}@{Path(where.filename).name}:{where.lineno}"
            if key not in found:
                digest = hashlib.sha256(data).hexdigest()[:12]
                FAILURES.mkdir(exist_ok=True)
                saved = FAILURES / f"{name}-{digest}.bin"
                saved.write_bytes(data)
                saved.with_suffix(".txt").write_text(
                    f"path: {rel}\n\n" + "".join(traceback.format_exception(exc)),
                    encoding="utf-8",
                )
                found[key] = {"input": str(saved.relative_to(ROOT)), "error": str(exc)[:300]}
    progress.write_text(str(state.inputs))
    print(json.dumps({"inputs": state.inputs, "exceptions": found, "batches": batch}))
    return 1 if found else 0


def _counted(check: Check, count: list[int]) -> Callable[[tuple[str, bytes]], None]:
    def one(item: tuple[str, bytes]) -> None:
        count[0] += 1
        check(*item)

    return one


def run_batch(names: list[str], examples: int) -> int:
    """A bounded, reproducible run of each parser in this process; JSON per parser on stdout.

    The suite runs the native parsers this way in a subprocess: a crash is then a signal the
    test sees, not the end of pytest.
    """
    report: dict[str, dict[str, Any]] = {}
    for name in names:
        target = TARGETS[name]
        count = [0]
        one = _counted(target.check, count)
        test = settings(max_examples=examples, deadline=None, database=None, derandomize=True,
                        suppress_health_check=list(HealthCheck))(given(target.strategy())(one))
        try:
            test()
        except Exception as exc:
            report[name] = {"inputs": count[0], "error": "".join(traceback.format_exception(exc))}
        else:
            report[name] = {"inputs": count[0], "error": None}
    print(json.dumps(report))
    return 1 if any(r["error"] for r in report.values()) else 0


# -- the parent: children, signals, stalls ---------------------------------------------------


@dataclass
class Outcome:
    name: str
    inputs: int = 0
    exceptions: dict[str, dict[str, str]] = field(default_factory=dict)
    crashes: list[str] = field(default_factory=list)


def supervise(name: str, seconds: float, stall: float) -> Outcome:
    """Run ``name`` in child processes until ``seconds`` have passed; restart after a crash."""
    outcome = Outcome(name)
    end = time.monotonic() + seconds
    work = Path(tempfile.mkdtemp(prefix=f"outlive-fuzz-{name}-"))
    while (left := end - time.monotonic()) > 1:
        progress = work / "progress"
        progress.write_text("0")
        cmd = [sys.executable, str(Path(__file__).resolve()), "--child", name,
               "--seconds", str(left)]
        child = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True,
                                 env={**os.environ, "OUTLIVE_FUZZ_PROGRESS": str(progress)})
        seen, moved = "0", time.monotonic()
        while child.poll() is None:
            time.sleep(1)
            now_seen = progress.read_text() if progress.exists() else seen
            if now_seen != seen:
                seen, moved = now_seen, time.monotonic()
            elif time.monotonic() - moved > stall and time.monotonic() < end + stall:
                child.kill()
                child.wait()
                outcome.crashes.append(_keep_crash(name, progress, f"stall>{stall:.0f}s"))
                break
        out = child.stdout.read() if child.stdout else ""
        count = int(progress.read_text() or 0) if progress.exists() else 0
        if child.returncode is not None and child.returncode < 0:
            sig = signal.Signals(-child.returncode).name
            outcome.crashes.append(_keep_crash(name, progress, sig))
            outcome.inputs += count
            continue
        if out.strip():
            summary = json.loads(out.strip().splitlines()[-1])
            outcome.inputs += int(summary["inputs"])
            outcome.exceptions.update(summary["exceptions"])
        else:
            outcome.inputs += count
        if child.returncode not in (0, 1, None) and not out.strip():
            outcome.crashes.append(_keep_crash(name, progress, f"exit {child.returncode}"))
            continue
        break
    return outcome


def _keep_crash(name: str, progress: Path, why: str) -> str:
    current = progress.with_suffix(".input")
    FAILURES.mkdir(exist_ok=True)
    data = current.read_bytes() if current.exists() else b""
    saved = FAILURES / f"{name}-crash-{hashlib.sha256(data).hexdigest()[:12]}.bin"
    saved.write_bytes(data)
    return f"{why}: {saved.relative_to(ROOT)}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parser", choices=sorted(TARGETS), action="append", default=[])
    parser.add_argument("--all", action="store_true", help="every parser")
    parser.add_argument("--minutes", type=float, default=1.0, help="per parser")
    parser.add_argument("--parallel", type=int, default=1, help="parsers run at once")
    parser.add_argument("--stall", type=float, default=120.0,
                        help="seconds without progress that count as a hang")
    parser.add_argument("--batch", type=int, metavar="N",
                        help="run N derandomized examples per parser in this process (the suite)")
    parser.add_argument("--child", choices=sorted(TARGETS), help=argparse.SUPPRESS)
    parser.add_argument("--seconds", type=float, default=60.0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        progress = Path(os.environ.get("OUTLIVE_FUZZ_PROGRESS", _scratch() / "progress"))
        return run_child(args.child, args.seconds, progress)
    names = sorted(TARGETS) if args.all else args.parser
    if not names:
        parser.error("name a --parser or give --all")
    if args.batch:
        return run_batch(names, args.batch)
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max(1, args.parallel)) as pool:
        outcomes = list(pool.map(lambda n: supervise(n, args.minutes * 60, args.stall), names))
    bad = 0
    print(f"{'parser':<12}{'inputs':>10}{'exceptions':>12}{'crashes':>9}")
    for o in outcomes:
        print(f"{o.name:<12}{o.inputs:>10}{len(o.exceptions):>12}{len(o.crashes):>9}")
        for key, info in o.exceptions.items():
            print(f"    exception {key}: {info['input']}: {info['error']}")
        for crash in o.crashes:
            print(f"    crash {crash}")
        bad += len(o.exceptions) + len(o.crashes)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
