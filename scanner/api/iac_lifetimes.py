"""Reading lifetimes off IaC attributes, the one way every IAC rule does it.

A lifetime is written as seconds (``43200``), a Go or Vault duration (``"87600h"``), an
RFC 3339 end date (``"2099-01-01T00:00:00Z"``) or Terraform's ``timeadd(timestamp(), "8760h")``.
Only constants count: ``var.x``, ``!Ref X`` or ``time_rotating.x.rotation_rfc3339`` are not
known from the file, and a rule stays quiet on them rather than guess.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import libcst as cst

from scanner.documents.hcl import HclBlock
from scanner.documents.iac import Attr, Resource
from scanner.documents.python.syntax import string_value
from scanner.documents.yaml import MappingNode, Node, ScalarNode
from scanner.durations import parse_duration

#: ``timeadd(<base>, "<duration>")`` with a constant duration: the base is the apply time,
#: a ``time_rotating``/``time_static`` stamp or ``plantimestamp()``; the duration is what the
#: credential lives for.
_TIMEADD = re.compile(r'^\s*(?:\$\{)?\s*timeadd\(\s*[^,()]*(?:\(\s*\))?[^,()]*,\s*"([^"]+)"\s*\)')


def expression(resource: Resource, attr: Attr) -> str | None:
    """The attribute's source text: the HCL expression, or the JSON/YAML scalar."""
    if isinstance(resource.native, HclBlock):
        native = resource.native.attributes.get(attr.name)
        return native.source if native is not None else None
    return attr.text


def seconds(attr: Attr | None) -> int | None:
    """A constant duration (seconds or Go/Vault spelling) in seconds, else None."""
    if attr is None or attr.literal is None:
        return None
    return parse_duration(attr.literal)


def relative_end(resource: Resource, attr: Attr) -> int | None:
    """Seconds from creation to the end an end-date attribute sets, if constant.

    ``timeadd(...)`` gives its duration; an RFC 3339 literal gives the time left from ``now``
    (negative once past) through ``until``.
    """
    text = expression(resource, attr)
    if text is None:
        return None
    match = _TIMEADD.match(text)
    return parse_duration(match.group(1)) if match else None


def until(attr: Attr, now: float) -> int | None:
    """Seconds from ``now`` to a constant RFC 3339 date (or a bare date), else None."""
    text = attr.literal
    if text is None:
        return None
    try:
        when = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return int(when.timestamp() - now)


def is_true(attr: Attr | None) -> bool:
    return attr is not None and (attr.literal or "").lower() in ("true", "yes")


def is_false(attr: Attr | None) -> bool:
    return attr is not None and (attr.literal or "").lower() in ("false", "no")


def nested(resource: Resource, name: str) -> Iterator[tuple[str, object, str | None]]:
    """``(key, node, constant text)`` of a nested block's or mapping's entries.

    Terraform nested blocks (``rotation_rules { automatically_after_days = 30 }``),
    CloudFormation property mappings (``RotationRules: {AutomaticallyAfterDays: 30}``) and
    Pulumi arguments (``rotation_rules={"automatically_after_days": 30}`` or an ``*Args(...)``
    object) alike; a Python value is constant only where it is written.
    """
    if isinstance(resource.native, HclBlock):
        for block in resource.native.blocks:
            if block.type == name:
                for key, attribute in block.attributes.items():
                    yield key, attribute.node, attribute.literal or _number(attribute.source)
        return
    attr = resource.attr(name)
    value = attr.value if attr is not None else None
    if isinstance(value, MappingNode):
        for key, item in value.value:
            if isinstance(key, ScalarNode):
                yield str(key.value), key, _scalar(item)
    elif isinstance(value, cst.Dict):
        for element in value.elements:
            if isinstance(element, cst.DictElement):
                key_text = string_value(element.key)
                if key_text is not None:
                    yield key_text, element, _python_constant(element.value)
    elif isinstance(value, cst.Call):  # ``SecretRotationRotationRulesArgs(...)``
        for arg in value.args:
            if arg.keyword is not None:
                yield arg.keyword.value, arg, _python_constant(arg.value)


def _python_constant(node: cst.BaseExpression) -> str | None:
    text = string_value(node)
    if text is not None:
        return text
    if isinstance(node, cst.Integer):
        return node.value.replace("_", "")
    return None


def _number(source: str) -> str | None:
    return source if re.fullmatch(r"\d+", source.strip()) else None


def _scalar(node: Node) -> str | None:
    if isinstance(node, ScalarNode) and node.tag.startswith("tag:yaml.org,2002:"):
        return str(node.value)
    return None
