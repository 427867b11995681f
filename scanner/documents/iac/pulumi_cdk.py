"""Pulumi and AWS CDK programs in Python into the model: constructor calls become resources.

Both front ends declare a resource by calling a class of a provider package: Pulumi's
``aws.iam.AccessKey("ci", user=...)`` (name first, arguments as keywords or an ``*Args``
object) and CDK's ``iam.AccessKey(self, "Ci", user=...)`` (scope, then the construct id). The
call's qualified name, through the module's import aliases (``import pulumi_aws as aws``,
``from aws_cdk import aws_iam as iam``), is the native type ``types.py`` maps; only mapped
types become resources, so a program costs one pass over its calls.

Values are classified as the other front ends do: string, number and bool constants (through a
module-level name bound once) are literals; CDK ``Duration.hours(12)`` is a literal number of
seconds; an enum member (``iam.AccessKeyStatus.INACTIVE``) is the literal member name; anything
else (``user.name``, ``config.require_secret(...)``, f-strings) is a reference. A reference to
another resource of the file (``secret_id=secret.id``, ``secret=secret``) resolves to
``Origin.RESOURCE`` with that resource's logical name as ``text``, which is how a rotation finds
its secret. CDK's ``secret.add_rotation_schedule(...)`` is read as a rotation resource of that
secret. Report targets are LibCST nodes: the call, or the keyword argument.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import libcst as cst

from scanner.documents import PULUMI_CDK_MARKERS
from scanner.documents.iac.model import Attr, FrontEnd, Resource
from scanner.documents.iac.types import CFN, TYPES, by_native
from scanner.documents.iac.values import Origin, Resolved
from scanner.documents.python import PythonDocument
from scanner.documents.python.syntax import dotted_name, string_value

#: Text markers of a program either front end can declare resources in (a cheap gate).
MARKERS = PULUMI_CDK_MARKERS

TYPES_BY_CANONICAL = {row.canonical: row for row in TYPES}
#: Where a CloudFormation PascalCase name takes an underscore in snake case.
_SNAKE = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_DURATION_UNITS = {"millis": 0.001, "seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}
#: Methods whose call on a CDK secret attaches a rotation to it.
_ROTATION_METHODS = ("add_rotation_schedule",)


def mentions(text: str) -> bool:
    """Whether a Python file may be a Pulumi or CDK program (before any parse)."""
    return any(marker in text for marker in MARKERS)


def _front_end(qualified: str) -> FrontEnd | None:
    if qualified.startswith("pulumi_"):
        return FrontEnd.PULUMI
    if qualified.startswith("aws_cdk."):
        return FrontEnd.CDK
    return None


class _Loader:
    def __init__(self, doc: PythonDocument) -> None:
        self.doc = doc
        #: Constructor calls already read, by node, to resolve references between them.
        self.by_call: dict[cst.Call, Resource] = {}

    def load(self) -> Iterator[Resource]:
        doc = self.doc
        if not doc.imports_from("pulumi_aws", "pulumi_gcp", "pulumi_azuread", "pulumi_vault",
                                "aws_cdk"):
            return
        calls = doc.calls()
        for call in calls:
            found = self._native(call)
            if found is None:
                continue
            front_end, native, canonical_type = found
            resource = self._resource(call, front_end, native, canonical_type)
            self.by_call[call] = resource
        for call in calls:
            declared = self.by_call.get(call)
            if declared is not None:
                yield self._with_references(declared, call)
                continue
            rotation = self._rotation_method(call)
            if rotation is not None:
                yield rotation

    def _native(self, call: cst.Call) -> tuple[FrontEnd, str, str] | None:
        for qualified in sorted(self.doc.qualified_names(call.func)):
            front_end = _front_end(qualified)
            if front_end is None:
                continue
            row = by_native(front_end.value).get(qualified)
            if row is not None:
                return front_end, qualified, row.canonical
        return None

    def _arguments(self, call: cst.Call, front_end: FrontEnd) -> tuple[str, dict[str, cst.Arg]]:
        positional = [a for a in call.args if a.keyword is None and not a.star]
        keywords = {a.keyword.value: a for a in call.args if a.keyword is not None}
        name_at = 0 if front_end is FrontEnd.PULUMI else 1
        name_arg = keywords.get("resource_name" if front_end is FrontEnd.PULUMI else "id")
        if name_arg is None and len(positional) > name_at:
            name_arg = positional[name_at]
        name = string_value(name_arg.value) if name_arg is not None else None
        if front_end is FrontEnd.PULUMI:
            # ``AccessKey("x", aws.iam.AccessKeyArgs(user=...))`` or ``args=...``: the
            # arguments object's keywords are the resource's.
            args = keywords.get("args") or (positional[1] if len(positional) > 1 else None)
            value = self.doc.resolve(args.value, call) if args is not None else None
            if isinstance(value, cst.Call) and (dotted_name(value.func) or "").endswith("Args"):
                for arg in value.args:
                    if arg.keyword is not None:
                        keywords.setdefault(arg.keyword.value, arg)
        for skip in ("resource_name", "id", "args", "opts", "scope"):
            keywords.pop(skip, None)
        return name or "", keywords

    def _resource(self, call: cst.Call, front_end: FrontEnd, native: str,
                  canonical_type: str) -> Resource:
        name, keywords = self._arguments(call, front_end)
        attrs = {key: self._attr(key, arg, call) for key, arg in keywords.items()}
        if native.rpartition(".")[2].startswith("Cfn"):
            _cfn_aliases(canonical_type, attrs)
        return Resource(type=canonical_type, native_type=native, front_end=front_end,
                        name=name, node=call, attrs=attrs, native=call)

    def _attr(self, key: str, arg: cst.Arg, at: cst.CSTNode) -> Attr:
        text, reference = self._value(arg.value, at)
        return Attr(key, arg, arg.value, text, reference)

    def _value(self, expr: cst.BaseExpression, at: cst.CSTNode) -> tuple[str | None, bool]:
        """``(text, reference)`` of an argument, as ``Attr`` defines them."""
        expr = self.doc.resolve(expr, at)
        text = string_value(expr)
        if text is not None:
            return text, False
        if isinstance(expr, cst.Integer | cst.Float):
            return expr.value.replace("_", ""), False
        if isinstance(expr, cst.Name) and expr.value in ("True", "False", "None"):
            return (None if expr.value == "None" else expr.value.lower()), False
        if isinstance(expr, cst.Call):
            seconds = self._duration(expr)
            if seconds is not None:
                return seconds, False
        if (isinstance(expr, cst.Attribute) and expr.attr.value.isupper()
                and any(_front_end(q) for q in self.doc.qualified_names(expr))):
            return expr.attr.value, False  # an enum member of the provider package
        return None, True

    def _duration(self, call: cst.Call) -> str | None:
        """CDK ``Duration.hours(12)`` and friends as seconds, when the amount is a constant."""
        for qualified in self.doc.qualified_names(call.func):
            head, _, unit = qualified.rpartition(".")
            if not (qualified.startswith("aws_cdk") and head.endswith("Duration")):
                continue
            factor = _DURATION_UNITS.get(unit)
            if factor is None or len(call.args) != 1:
                return None
            amount = self.doc.resolve(call.args[0].value, call)
            if isinstance(amount, cst.Integer | cst.Float):
                try:
                    return str(int(float(amount.value.replace("_", "")) * factor))
                except (ValueError, OverflowError):
                    return None
        return None

    def _target(self, expr: cst.BaseExpression, at: cst.CSTNode) -> Resource | None:
        """The file's resource an expression is, or reads an output of (``secret.id``)."""
        for _ in range(3):
            value = self.doc.value_of(expr, at)
            if isinstance(value, cst.Call) and value in self.by_call:
                return self.by_call[value]
            if isinstance(value, cst.Attribute) and value is not expr:
                expr = value
            elif isinstance(expr, cst.Attribute):
                expr = expr.value  # ``secret.id`` -> ``secret``, ``self.s.arn`` -> ``self.s``
            else:
                return None
        return None

    def _with_references(self, resource: Resource, call: cst.Call) -> Resource:
        attrs = dict(resource.attrs)
        changed = False
        for key, attr in resource.attrs.items():
            if not attr.reference or not isinstance(attr.value, cst.BaseExpression):
                continue
            target = self._target(attr.value, call)
            if target is not None:
                origin = Resolved(Origin.RESOURCE, target.name, node=target.node,
                                  via=(self.doc.code(attr.value),))
                attrs[key] = Attr(key, attr.node, attr.value, None, True, origin)
                changed = True
        if not changed:
            return resource
        return Resource(type=resource.type, native_type=resource.native_type,
                        front_end=resource.front_end, name=resource.name, node=resource.node,
                        attrs=attrs, native=resource.native)

    def _rotation_method(self, call: cst.Call) -> Resource | None:
        func = call.func
        if not isinstance(func, cst.Attribute) or func.attr.value not in _ROTATION_METHODS:
            return None
        secret = self._target(func.value, call)
        if secret is None or secret.front_end is not FrontEnd.CDK:
            return None
        origin = Resolved(Origin.RESOURCE, secret.name, node=secret.node,
                          via=(self.doc.code(func.value),))
        attrs = {"secret": Attr("secret", func, func.value, None, True, origin)}
        for arg in call.args:
            if arg.keyword is not None:
                attrs[arg.keyword.value] = self._attr(arg.keyword.value, arg, call)
        return Resource(type="aws.secretsmanager.rotation", native_type=func.attr.value,
                        front_end=FrontEnd.CDK, name="", node=call, attrs=attrs, native=call)


def _cfn_aliases(canonical_type: str, attrs: dict[str, Attr]) -> None:
    """A CDK L1 construct (``CfnAccessKey``) takes CloudFormation's properties in snake case
    (``user_name`` for ``UserName``): give each the canonical name too, so ``attr("user")``
    reads it as it reads the template's ``UserName``."""
    row = TYPES_BY_CANONICAL.get(canonical_type)
    if row is None:
        return
    for canonical_name, spellings in row.attributes.items():
        cfn = spellings.get(CFN)
        snake = _SNAKE.sub("_", cfn).lower() if cfn else None
        if snake and snake in attrs and canonical_name not in attrs:
            attrs[canonical_name] = attrs[snake]


def load(doc: PythonDocument) -> Iterator[Resource]:
    """The Pulumi and CDK resources of a Python program, in source order."""
    yield from _Loader(doc).load()


# ---- literal arguments (LLC-IAC-010) --------------------------------------------------------
# A credential written into a program is in the repository whatever the resource: the walk
# covers every constructor of a provider package, not only the mapped types, and looks into
# dict literals (``environment={"API_TOKEN": ...}``), ``*Args`` objects and lists of them.

#: Calls that wrap a secret written in the program: still a literal in the code (CDK says so
#: in the name; Pulumi's ``Output.secret`` only hides it in the state and the console).
PLAIN_SECRET_CALLS = frozenset({
    "aws_cdk.SecretValue.unsafe_plain_text",
    "aws_cdk.SecretValue.plain_text",
    "aws_cdk.core.SecretValue.plain_text",
    "pulumi.Output.secret",
})
_MAX_DEPTH = 6


@dataclass(frozen=True, slots=True)
class Literal:
    """A string constant given to a resource: under ``key`` (an argument name, a dict key, or
    the ``name`` of a ``{"name": ..., "value": ...}`` pair), reported at ``node``."""

    key: str
    node: cst.CSTNode
    text: str
    #: The constructor's qualified name (``pulumi_aws.rds.Instance``).
    owner: str
    #: Written through a call that marks it secret (``SecretValue.unsafe_plain_text``).
    wrapped: bool


def _constructor(doc: PythonDocument, call: cst.Call) -> str | None:
    for qualified in sorted(doc.qualified_names(call.func)):
        if _front_end(qualified) is not None and qualified.rpartition(".")[2][:1].isupper():
            return qualified
    return None


def literal_arguments(doc: PythonDocument) -> Iterator[Literal]:
    """String constants in the keyword arguments of every Pulumi or CDK constructor call, in
    source order; references (``config.require_secret(...)``, ``password.result``, f-strings)
    are never constants."""
    if not any(target.startswith(MARKERS) for targets in doc.imports.values()
               for target in targets):
        return
    seen: set[int] = set()
    for call in doc.calls():
        owner = _constructor(doc, call)
        if owner is None:
            continue
        for arg in call.args:
            if arg.keyword is not None:
                yield from _walk(doc, arg.keyword.value, arg, arg.value, call, owner, seen, 0,
                                 wrapped=False)


def _walk(doc: PythonDocument, key: str, target: cst.CSTNode, expr: cst.BaseExpression,
          at: cst.CSTNode, owner: str, seen: set[int], depth: int, *, wrapped: bool
          ) -> Iterator[Literal]:
    if depth > _MAX_DEPTH:
        return
    value = doc.resolve(expr, at)
    text = string_value(value)
    if text is not None:
        if id(target) in seen:  # an ``*Args`` object is a constructor call of its own too
            return
        seen.add(id(target))
        yield Literal(key, target, text, owner, wrapped)
        return
    if isinstance(value, cst.Dict):
        pairs = {string_value(e.key): e for e in value.elements
                 if isinstance(e, cst.DictElement)}
        named = pairs.get("name")
        pair_value = pairs.get("value")
        if named is not None and pair_value is not None:  # ``{"name": "X", "value": ...}``
            name = string_value(doc.resolve(named.value, at))
            if name:
                yield from _walk(doc, name, pair_value, pair_value.value, at, owner, seen,
                                 depth + 1, wrapped=wrapped)
                return
        for elem_key, element in pairs.items():
            if elem_key is not None:
                yield from _walk(doc, elem_key, element, element.value, at, owner, seen,
                                 depth + 1, wrapped=wrapped)
    elif isinstance(value, cst.List | cst.Tuple):
        for item in value.elements:
            yield from _walk(doc, key, target, item.value, at, owner, seen, depth + 1,
                             wrapped=wrapped)
    elif isinstance(value, cst.Call):
        names = doc.qualified_names(value.func)
        if names & PLAIN_SECRET_CALLS and value.args:
            yield from _walk(doc, key, target, value.args[0].value, at, owner, seen, depth + 1,
                             wrapped=True)
            return
        if not any(_front_end(q) is not None for q in names):
            return  # ``config.require_secret(...)``, ``json.dumps(...)``: not followed
        for arg in value.args:
            if arg.keyword is not None:
                yield from _walk(doc, arg.keyword.value, arg, arg.value, at, owner, seen,
                                 depth + 1, wrapped=wrapped)
            else:  # ``Credentials.from_password("admin", SecretValue.unsafe_plain_text(...))``
                inner = doc.resolve(arg.value, at)
                if isinstance(inner, cst.Call) and doc.qualified_names(inner.func) \
                        & PLAIN_SECRET_CALLS:
                    yield from _walk(doc, key, arg, inner, at, owner, seen, depth + 1,
                                     wrapped=True)
