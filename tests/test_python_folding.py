"""The shared Python analyses the PY rules rely on: duration folding, arguments, literals."""

from __future__ import annotations

import time

import libcst as cst
import pytest

from scanner.documents.python import PythonDocument
from scanner.durations import describe_duration
from scanner.secrets import credential_format, credential_shaped

PRELUDE = """\
import datetime as dt
import time
import arrow
from datetime import timedelta as td, datetime, timezone
from dateutil.relativedelta import relativedelta
DAY = 24 * 60 * 60
TEN_YEARS = td(days=3650)
TWICE = 1
TWICE = 2
"""


def _value(expr: str) -> tuple[PythonDocument, cst.BaseExpression]:
    """Parse ``def f(p): result = <expr>`` after the prelude; return the expression."""
    doc = PythonDocument("x.py", PRELUDE + f"def f(p):\n    now = datetime.now(timezone.utc)\n"
                         f"    result = {expr}\n")
    func = doc.module.body[-1]
    assert isinstance(func, cst.FunctionDef)
    statement = func.body.body[-1]
    assert isinstance(statement, cst.SimpleStatementLine)
    assign = statement.body[0]
    assert isinstance(assign, cst.Assign)
    return doc, assign.value


@pytest.mark.parametrize(
    ("expr", "seconds"),
    [
        ("3600", 3600),
        ("60 * 60 * 24 * 365", 31536000),
        ("DAY * 2", 172800),
        ("td(days=1, hours=1)", 90000),
        ("dt.timedelta(7, 3600)", 608400),
        ("td(weeks=1) // 2", 302400),
        ("TEN_YEARS.total_seconds()", 3650 * 86400),
        ("int(td(minutes=5) / td(seconds=1))", 300),
        ("relativedelta(years=1, months=1)", 395 * 86400),
        ("-td(hours=1)", -3600),
        ("td.max", 999_999_999 * 86400),
    ],
)
def test_fold_seconds(expr: str, seconds: int) -> None:
    doc, value = _value(expr)
    assert doc.fold_seconds(value) == seconds


@pytest.mark.parametrize(
    "expr",
    [
        "p",  # a parameter
        "TWICE",  # assigned twice
        "td(days=p)",
        "relativedelta(year=2099)",  # an absolute field, not a duration
        "relativedelta(now, p)",
        "td(**p)",
        "settings.TTL",
        "1 / 0",
        "'8760h'",  # strings only when asked
        "True",
    ],
)
def test_fold_seconds_unknown(expr: str) -> None:
    doc, value = _value(expr)
    assert doc.fold_seconds(value) is None


def test_fold_seconds_strings() -> None:
    doc, value = _value("'8760h'")
    assert doc.fold_seconds(value, strings=True) == 8760 * 3600
    doc, value = _value("'P1Y'")
    assert doc.fold_seconds(value, strings=True) == 365 * 86400


@pytest.mark.parametrize(
    ("expr", "offset"),
    [
        ("now + TEN_YEARS", 3650 * 86400),
        ("datetime.utcnow() + td(minutes=10)", 600),
        ("int(time.time()) + DAY", 86400),
        ("time.time() + 60 - 30", 30),
        ("(dt.datetime.now() + dt.timedelta(hours=2)).timestamp()", 7200),
        ("now.replace(microsecond=0) + td(days=1)", 86400),
        ("arrow.utcnow().shift(days=30)", 30 * 86400),
        ("td(hours=1) + now", 3600),
    ],
)
def test_fold_offset(expr: str, offset: int) -> None:
    doc, value = _value(expr)
    assert doc.fold_offset(value) == offset
    assert doc.fold_deadline(value) == offset


@pytest.mark.parametrize(
    "expr", ["p + td(days=1)", "now.replace(year=2099)", "time.time() * 1000 + 5", "td(days=1)"]
)
def test_fold_offset_unknown(expr: str) -> None:
    doc, value = _value(expr)
    assert doc.fold_offset(value) is None


def test_is_now() -> None:
    doc, value = _value("now")
    assert doc.is_now(value)
    doc, value = _value("now + 5")
    assert not doc.is_now(value)


def test_fold_deadline_absolute() -> None:
    doc, value = _value("datetime(2099, 1, 1)")
    deadline = doc.fold_deadline(value)
    assert deadline is not None
    assert abs(deadline - (4070908800 - time.time())) < 5
    doc, value = _value("datetime.max")
    assert (doc.fold_deadline(value) or 0) > 7000 * 365 * 86400
    doc, value = _value("4102444800")
    assert doc.fold_deadline(value) is None
    assert (doc.fold_deadline(value, epoch=True) or 0) > 0
    doc, value = _value("3600")  # not a timestamp
    assert doc.fold_deadline(value, epoch=True) is None


def _call(code: str) -> tuple[PythonDocument, cst.Call]:
    doc = PythonDocument("x.py", code)
    statement = doc.module.body[-1]
    assert isinstance(statement, cst.SimpleStatementLine)
    expr = statement.body[0]
    assert isinstance(expr, cst.Expr)
    assert isinstance(expr.value, cst.Call)
    return doc, expr.value


def test_argument_through_kwargs_dicts() -> None:
    doc, call = _call('OPTS = {"ttl": 5}\nf(1, **OPTS)\n')
    ttl = doc.argument(call, "ttl")
    assert isinstance(ttl, cst.Integer)
    assert doc.has_argument(call, "ttl") is True
    assert doc.has_argument(call, "period") is False
    assert doc.has_argument(call, "x", 0) is True
    doc, call = _call("def g(kw):\n    pass\nf(1, **kw)\n")
    assert doc.has_argument(call, "ttl") is None
    doc, call = _call("f(*args)\n")
    assert doc.has_argument(call, "max_age", 1) is None


def test_literal_string_follows_constants() -> None:
    doc, call = _call('PREFIX = "Bearer "\nKEY = PREFIX + "abc" "def"\nf(KEY)\n')
    found = doc.literal_string(call.args[0].value)
    assert found is not None
    assert found[0] == "Bearer abcdef"
    doc, call = _call('import os\nKEY = os.environ["K"]\nf(KEY, f"x{KEY}")\n')
    assert doc.literal_string(call.args[0].value) is None
    assert doc.literal_string(call.args[1].value) is None


def test_credential_values() -> None:
    assert credential_format("AKIA" + "Q" * 16) == "long-term AWS access key id"
    assert credential_format("ghp_" + "a1B2" * 9) == "GitHub token"
    assert credential_format("hello") is None
    assert credential_shaped("k9" * 8)
    assert not credential_shaped("x" * 16)  # a placeholder
    assert not credential_shaped("short")
    assert not credential_shaped("<your-api-key-goes-here>")
    assert not credential_shaped("a" * 20, random=True)
    assert credential_shaped("q8Zr2LmX7vTy4NcPwK3s", random=True)
    assert not credential_shaped("my_configuration_name", random=True)
    assert not credential_shaped("sk-no-key-required")  # local model servers' convention
    assert not credential_shaped("OPENAI_API_KEY_PRODUCTION")  # a variable's name
    assert not credential_shaped("https://vault.example.internal")


def test_describe_duration() -> None:
    assert describe_duration(3600) == "1 hour"
    assert describe_duration(90 * 60) == "90 minutes"
    assert describe_duration(3650 * 86400) == "10 years (3650 days)"
