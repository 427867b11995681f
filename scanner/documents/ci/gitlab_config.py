"""A GitLab CI file's configuration as GitLab itself reads it, before the CI model is built.

GitLab's meaning of a file is not its YAML tree: merge keys (``<<: *x``) copy mappings in,
``extends:`` deep-merges hidden templates into jobs, and ``!reference [job, key]`` tags pull
sections from other jobs (resolved after ``extends``, as GitLab does). ``Config`` does all three
within one file, keeping every YAML node it hands out, so positions stay those of the source:
a script line inherited from a template reports on the template's line.

What the file cannot resolve (a template or reference defined in another included file) is
recorded in ``Config.missing``, so the loader can say that a job's settings are not all known.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from scanner.documents import yaml as y
from scanner.documents.yaml import Node

_MERGE_TAG = "tag:yaml.org,2002:merge"
_REFERENCE_TAG = "!reference"
#: GitLab allows 11 levels of ``extends`` and 10 of nested ``!reference``; beyond, it errors.
MAX_EXTENDS = 11
MAX_REFERENCES = 10
#: Bound on the list items one script section's walk visits.
MAX_LINE_VISITS = 50_000
#: Bound on merge-key nesting, so a hostile alias graph cannot recurse without end.
_MAX_DEPTH = 64


@dataclass(eq=False)
class Conf:
    """A mapping with merge keys applied: key -> (key node, value), where a value that is a
    mapping is itself a ``Conf`` and anything else stays the YAML node."""

    node: Node
    items: dict[str, tuple[Node, Node | Conf]] = field(default_factory=dict)

    def key_node(self, key: str) -> Node | None:
        found = self.items.get(key)
        return found[0] if found is not None else None


Value = Node | Conf


def build(node: Node, cache: dict[int, Conf] | None = None, depth: int = 0) -> Conf:
    """The ``Conf`` of a mapping node: ``<<`` merges first (earlier sources win among
    them, as YAML says), then the mapping's own keys over them."""
    memo: dict[int, Conf] = {} if cache is None else cache
    found = memo.get(id(node))
    if found is not None:
        return found
    conf = Conf(node)
    memo[id(node)] = conf
    if depth > _MAX_DEPTH or not isinstance(node, y.MappingNode):
        return conf
    merged: dict[str, tuple[Node, Value]] = {}
    own: dict[str, tuple[Node, Value]] = {}
    for key, value in node.value:
        if not isinstance(key, y.ScalarNode):
            continue
        if key.tag == _MERGE_TAG:
            sources = value.value if isinstance(value, y.SequenceNode) else [value]
            for source in sources:
                if isinstance(source, y.MappingNode):
                    for name, item in build(source, memo, depth + 1).items.items():
                        merged.setdefault(name, item)
            continue
        own[str(key.value)] = (key, _value(value, memo, depth))
    conf.items = {**merged, **own}
    return conf


def _value(node: Node, memo: dict[int, Conf], depth: int) -> Value:
    if isinstance(node, y.MappingNode) and node.tag == "tag:yaml.org,2002:map":
        return build(node, memo, depth + 1)
    return node


def deep_merge(base: Conf, over: Conf) -> Conf:
    """``extends`` semantics: mappings merge key by key, anything else (lists included) is
    replaced by ``over``'s value."""
    items = dict(base.items)
    for key, (key_node, value) in over.items.items():
        previous = items.get(key)
        if previous is not None and isinstance(previous[1], Conf) and isinstance(value, Conf):
            items[key] = (key_node, deep_merge(previous[1], value))
        else:
            items[key] = (key_node, value)
    return Conf(over.node, items)


def names(node: Value | None) -> tuple[str, ...]:
    """A scalar or a list of scalars as names (``extends: .a`` or ``extends: [.a, .b]``)."""
    if isinstance(node, Conf) or node is None:
        return ()
    text = y.scalar(node)
    if text is not None:
        return (text,)
    return tuple(t for e in y.elements(node) if (t := y.scalar(e)) is not None)


class Config:
    """The top-level keys of one file, with ``extends`` and ``!reference`` resolved on demand."""

    def __init__(self, root: Node) -> None:
        self._memo: dict[int, Conf] = {}
        self.top = build(root, self._memo)
        self._extended: dict[str, Conf] = {}
        self._lost: dict[str, set[str]] = {}
        #: Templates and references this file names but does not define.
        self.missing: set[str] = set()

    def top_level(self) -> Iterator[tuple[str, Node, Value]]:
        for key, (key_node, value) in self.top.items.items():
            yield key, key_node, value

    def extended(self, name: str, chain: tuple[str, ...] = ()) -> Conf | None:
        """Top-level ``name`` with its ``extends:`` chain merged in (parents first, in list
        order, then the job's own keys), or None when the file does not define it."""
        if name in self._extended:
            self.missing |= self._lost.get(name, set())
            return self._extended[name]
        found = self.top.items.get(name)
        if found is None or not isinstance(found[1], Conf):
            self.missing.add(name)
            return None
        saved, self.missing = self.missing, set()
        merged = self._extend(name, found[1], chain)
        self._lost[name] = self.missing
        self.missing = saved | self.missing
        return merged

    def _extend(self, name: str, conf: Conf, chain: tuple[str, ...]) -> Conf:
        parents = names(self.get(conf, "extends"))
        if not parents or name in chain or len(chain) >= MAX_EXTENDS:
            self._extended[name] = conf
            return conf
        base = Conf(conf.node)
        for parent in parents:
            resolved = self.extended(parent, (*chain, name))
            if resolved is not None:
                base = deep_merge(base, resolved)
        merged = deep_merge(base, conf)
        self._extended[name] = merged
        return merged

    def deref(self, value: Value | None, depth: int = 0) -> Value | None:
        """A ``!reference [job, key, ...]`` replaced by what it points at (None when that is
        not in this file); any other value as it is."""
        if not (isinstance(value, y.SequenceNode) and value.tag == _REFERENCE_TAG):
            return value
        path = [y.scalar(e) for e in value.value]
        if not path or any(p is None for p in path) or depth >= MAX_REFERENCES:
            return None
        target: Value | None = self.extended(str(path[0]))
        for part in path[1:]:
            if not isinstance(target, Conf):
                target = None
                break
            found = target.items.get(str(part))
            target = self.deref(found[1], depth + 1) if found is not None else None
        if target is None:
            self.missing.add("!reference [" + ", ".join(str(p) for p in path) + "]")
            return None
        return self.deref(target, depth + 1)

    def get(self, conf: Conf | None, key: str) -> Value | None:
        """``conf[key]`` with a reference there resolved."""
        if conf is None:
            return None
        found = conf.items.get(key)
        return self.deref(found[1]) if found is not None else None

    def lines(self, value: Value | None) -> Iterator[Node]:
        """The scalars of a script section: a string, or a list whose items may be
        references or nested lists (GitLab flattens them, 10 levels deep at most). The walk
        visits at most ``MAX_LINE_VISITS`` items: aliased lists can nest exponentially."""
        plain = _plain(self.deref(value))
        if plain is not None and y.scalar(plain) is not None:
            yield plain
            return
        budget = MAX_LINE_VISITS
        stack: list[tuple[Iterator[Node], int]] = [(y.elements(plain), 0)]
        while stack and budget > 0:
            elements, depth = stack[-1]
            element = next(elements, None)
            if element is None:
                stack.pop()
                continue
            budget -= 1
            item = _plain(self.deref(element))
            if isinstance(item, y.SequenceNode):
                if depth < MAX_REFERENCES:
                    stack.append((y.elements(item), depth + 1))
            elif item is not None and y.scalar(item) is not None:
                yield item


def _plain(value: Value | None) -> Node | None:
    return value if isinstance(value, Node) else None
