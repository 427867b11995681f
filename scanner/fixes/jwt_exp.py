"""LLC-PY-001 fix: a JWT's claims gain ``exp``, ``now + threshold``, with LibCST.

LibCST keeps every byte it is not told to change, so the diff is the new claim (and the
``datetime`` import when the module lacks one). The claims are changed where they are
written: the dict literal or ``dict(...)`` call in the encode call, or the one assignment of
the name passed to it. The lifetime is the ``jwt_max_lifetime`` threshold, the longest the
scan accepts; a note asks the user to shorten it to the task. Only libraries that turn a
``datetime`` into a NumericDate are fixed (PyJWT, python-jose, authlib); the others are listed.
"""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor

from scanner.config import Config
from scanner.documents.python.document import PythonDocument, PythonParseError
from scanner.documents.python.libraries.issuers import Slot
from scanner.documents.python.libraries.jwt import jwt_issue
from scanner.findings import Finding
from scanner.fixes.model import FileFix

#: Issuer rows whose library accepts a ``datetime`` as ``exp``.
DATETIME_ROWS = frozenset(
    {"pyjwt", "pyjwt.PyJWT", "python-jose", "authlib", "authlib.JsonWebToken"}
)
_UNITS = (("days", 86400), ("hours", 3600), ("minutes", 60), ("seconds", 1))


def timedelta_args(seconds: int) -> str:
    """``days=1`` for 86400: the largest unit that divides the threshold."""
    for unit, size in _UNITS:
        if seconds % size == 0:
            return f"{unit}={seconds // size}"
    return f"seconds={seconds}"  # pragma: no cover - 1 divides everything


def fix_jwt_exp(fix: FileFix, findings: Sequence[Finding], config: Config) -> None:
    try:
        doc = PythonDocument(fix.path, fix.text)
    except PythonParseError as exc:
        fix.refused.extend((f, f"the file does not parse ({exc})") for f in findings)
        return
    calls = _calls_by_position(doc)
    expression = _exp_expression(doc.module, config.thresholds.jwt_max_lifetime)
    replacements: dict[int, tuple[cst.CSTNode, cst.CSTNode]] = {}
    for finding in findings:
        call = calls.get((finding.location.line, finding.location.column))
        problem, target = _target(doc, call)
        if target is None or problem:
            fix.refused.append((finding, problem or "the claims are not a dict written here"))
            continue
        if id(target) in replacements:  # one dict passed to two calls: one new key
            fix.fixed.append(finding)
            continue
        replacements[id(target)] = (target, _with_exp(target, expression.code))
        fix.fixed.append(finding)
        fix.notes.append(
            f"{fix.path}:{finding.location.line}: the token now expires after the "
            f"jwt_max_lifetime threshold ({timedelta_args(config.thresholds.jwt_max_lifetime)}"
            "); shorten it to what the task needs"
        )
    if not replacements:
        return
    module = doc.module.visit(_Replace({k: v[1] for k, v in replacements.items()}))
    if expression.imports:
        context = CodemodContext()
        for name in expression.imports:
            AddImportsVisitor.add_needed_import(context, "datetime", name)
        module = AddImportsVisitor(context).transform_module(module)
    fix.new_text = module.code


class _Expression:
    """The ``exp`` value's code and the names it needs imported from ``datetime``."""

    def __init__(self, code: str, imports: tuple[str, ...]) -> None:
        self.code = code
        self.imports = imports


def _exp_expression(module: cst.Module, seconds: int) -> _Expression:
    """``datetime.now(timezone.utc) + timedelta(...)`` in the module's own spelling: through
    ``import datetime [as dt]`` when it has one (a ``from datetime import datetime`` would
    shadow that module), else through names imported from ``datetime``."""
    delta = timedelta_args(seconds)
    module_alias, names = _datetime_imports(module)
    if module_alias is not None:
        m = module_alias
        return _Expression(f"{m}.datetime.now({m}.timezone.utc) + {m}.timedelta({delta})", ())
    local = {name: names.get(name, name) for name in ("datetime", "timedelta", "timezone")}
    missing = tuple(name for name in local if name not in names)
    return _Expression(
        f"{local['datetime']}.now({local['timezone']}.utc) + {local['timedelta']}({delta})",
        missing,
    )


def _datetime_imports(module: cst.Module) -> tuple[str | None, dict[str, str]]:
    """The local name of ``import datetime`` (or None), and ``from datetime import`` names
    with their local aliases, at module level."""
    module_alias: str | None = None
    names: dict[str, str] = {}
    for statement in module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, cst.Import):
                for alias in small.names:
                    if _dotted(alias.name) == "datetime":
                        module_alias = _alias(alias) or "datetime"
            elif (
                isinstance(small, cst.ImportFrom)
                and small.module is not None
                and _dotted(small.module) == "datetime"
                and not isinstance(small.names, cst.ImportStar)
            ):
                for alias in small.names:
                    names[_dotted(alias.name)] = _alias(alias) or _dotted(alias.name)
    return module_alias, names


def _alias(alias: cst.ImportAlias) -> str | None:
    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
        return alias.asname.name.value
    return None


def _dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""


def _calls_by_position(doc: PythonDocument) -> dict[tuple[int, int], cst.Call]:
    calls: list[cst.Call] = []

    class _Collect(cst.CSTVisitor):
        def visit_Call(self, node: cst.Call) -> None:
            calls.append(node)

    doc.module.visit(_Collect())
    out: dict[tuple[int, int], cst.Call] = {}
    for call in calls:
        where = doc.locate(call)
        out.setdefault((where.line, where.column), call)
    return out


def _target(doc: PythonDocument, call: cst.Call | None) -> tuple[str, cst.CSTNode | None]:
    """The dict literal or ``dict(...)`` call to add ``exp`` to, or why there is none."""
    if call is None:
        return "the call was not found again", None
    found = jwt_issue(doc, call)
    if found is None:
        return "the call was not found again", None
    row, claims = found
    if row.key not in DATETIME_ROWS:
        return f"{row.library} takes `exp` as a number; add it by hand", None
    if _serialised(doc, call, row.lifetime):
        return "the claims are serialised with json.dumps (no datetime); add a number", None
    if isinstance(claims, cst.Name):
        bound = doc.assignments(claims.value, call)
        if len(bound) != 1 or bound[0].value is None:
            return "the claims are assigned in several places", None
        claims = bound[0].value
    if isinstance(claims, cst.Dict):
        return "", claims
    if isinstance(claims, cst.Call) and isinstance(claims.func, cst.Name) and (
        claims.func.value == "dict"
    ):
        return "", claims
    return "", None


def _serialised(doc: PythonDocument, call: cst.Call, slot: Slot | None) -> bool:
    """Whether the claims argument is ``json.dumps(...)``: a datetime would not serialise."""
    if slot is None:
        return False
    given = doc.argument(call, slot.keyword, slot.position)
    value = doc.resolve(given, call) if given is not None else None
    return isinstance(value, cst.Call) and "json.dumps" in doc.qualified_names(value.func)


def _with_exp(node: cst.CSTNode, code: str) -> cst.CSTNode:
    value = cst.parse_expression(code)
    if isinstance(node, cst.Dict):
        element = cst.DictElement(cst.SimpleString('"exp"'), value)
        elements = list(node.elements)
        if not elements:
            return node.with_changes(elements=[element])
        last = elements[-1]
        if isinstance(last.comma, cst.Comma):
            # A trailing comma: the new entry takes it, the old last entry takes the
            # separator its neighbours use (a newline and indent in a multi-line dict).
            between = elements[-2].comma if len(elements) > 1 else None
            separator = between if isinstance(between, cst.Comma) else cst.Comma(
                whitespace_after=cst.SimpleWhitespace(" ")
            )
            elements[-1] = last.with_changes(comma=separator)
            elements.append(element.with_changes(comma=last.comma))
        else:
            elements[-1] = last.with_changes(
                comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
            )
            elements.append(element)
        return node.with_changes(elements=elements)
    if not isinstance(node, cst.Call):  # pragma: no cover - _target gives a Dict or a Call
        return node
    arg = cst.Arg(
        value,
        keyword=cst.Name("exp"),
        equal=cst.AssignEqual(
            whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")
        ),
    )
    args = list(node.args)
    if not args:
        return node.with_changes(args=[arg])
    last_arg = args[-1]
    if isinstance(last_arg.comma, cst.Comma):
        between = args[-2].comma if len(args) > 1 else None
        separator = between if isinstance(between, cst.Comma) else cst.Comma(
            whitespace_after=cst.SimpleWhitespace(" ")
        )
        args[-1] = last_arg.with_changes(comma=separator)
        args.append(arg.with_changes(comma=last_arg.comma))
    else:
        args[-1] = last_arg.with_changes(
            comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        )
        args.append(arg)
    return node.with_changes(args=args)


class _Replace(cst.CSTTransformer):
    """Swap nodes by identity: the targets were found on this very tree."""

    def __init__(self, new: dict[int, cst.CSTNode]) -> None:
        super().__init__()
        self.new = new

    def on_leave(  # type: ignore[override]
        self, original_node: cst.CSTNode, updated_node: cst.CSTNode
    ) -> cst.CSTNode:
        return self.new.get(id(original_node), updated_node)
