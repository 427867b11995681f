"""IAM policy documents as one neutral model, whichever syntax wrote them.

A trust policy reaches a rule as HCL object syntax inside ``jsonencode({...})``, JSON in a
heredoc or a quoted string, a ``data "aws_iam_policy_document"`` with ``statement`` blocks, a
CloudFormation mapping, or a policy file of its own. Rules about who may assume a role reason
about statements, principals and conditions, not about those syntaxes, so each is read here into
``PolicyDocument``. Every string keeps a report target with its exact place (JSON inside a
heredoc is mapped back to file positions); values that point elsewhere (``var.x``, ``!Ref``)
stay as references with their source text, so a rule can resolve what the file itself declares.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from scanner.documents import yaml as yamlnodes
from scanner.documents.hcl import HclBlock, HclDocument, TsNode

#: ``${...}`` in HCL templates and CloudFormation ``Fn::Sub`` strings.
INTERPOLATION = re.compile(r"\$\{[^}]*\}")


@dataclass(frozen=True, slots=True, eq=False)
class Text:
    """A string of a policy: ``text`` is what the file writes (``${...}`` kept), None when the
    value is wholly a reference; ``source`` is the reference's own text then."""

    text: str | None
    node: object
    source: str = ""
    #: The text came from CloudFormation parameter defaults (``!Ref P``, ``${P}`` in ``!Sub``).
    defaulted: bool = False

    @property
    def masked(self) -> str | None:
        """The text with each interpolation as ``\\0``, a character no pattern or claim has."""
        return None if self.text is None else INTERPOLATION.sub("\0", self.text)


@dataclass(frozen=True, slots=True, eq=False)
class Condition:
    """One condition key test: ``{"StringLike": {"<variable>": [values]}}`` or a block."""

    test: str | None
    variable: Text
    #: None when the values are not written in the file (``values = var.subjects``).
    values: tuple[Text, ...] | None
    node: object


@dataclass(frozen=True, slots=True, eq=False)
class Principal:
    type: str  # Federated, Service, AWS, CanonicalUser, or "*" for ``Principal: "*"``
    #: None when the identifiers are not written in the file.
    identifiers: tuple[Text, ...] | None
    node: object


@dataclass(frozen=True, slots=True, eq=False)
class Statement:
    effect: str | None
    #: None when the actions are not written in the file.
    actions: tuple[Text, ...] | None
    principals: tuple[Principal, ...]
    #: None when some condition is not written in the file (a reference, a ``dynamic`` block):
    #: a rule must not claim a restriction is missing then.
    conditions: tuple[Condition, ...] | None
    node: object
    not_action: bool = False


@dataclass(frozen=True, slots=True, eq=False)
class PolicyDocument:
    statements: tuple[Statement, ...]
    node: object
    #: False when a statement could not be read (a ``dynamic "statement"``, a reference in
    #: ``Statement``, an override document): the statements read are then not all there is.
    complete: bool = True


# --- A small tree every syntax is read into first -------------------------------------------


@dataclass(frozen=True, slots=True, eq=False)
class _Tree:
    node: object
    text: str | None = None  # a scalar
    items: tuple[_Tree, ...] | None = None  # a list
    entries: tuple[tuple[str, object, _Tree], ...] | None = None  # a map: key, key node, value
    source: str = ""  # a reference's text
    defaulted: bool = False


def _as_list(tree: _Tree) -> tuple[_Tree, ...]:
    return tree.items if tree.items is not None else (tree,)


def _entry(tree: _Tree, key: str) -> tuple[object, _Tree] | None:
    """A map entry by key, case-insensitively (IAM element names are matched so)."""
    found = None
    for name, key_node, value in tree.entries or ():
        if name.lower() == key.lower():
            found = (key_node, value)
    return found


def _texts(tree: _Tree) -> tuple[Text, ...] | None:
    out = []
    for item in _as_list(tree):
        if item.items is not None or item.entries is not None:
            return None
        out.append(Text(item.text, item.node, item.source, item.defaulted))
    return tuple(out)


def from_tree(tree: _Tree) -> PolicyDocument | None:
    """A policy document from a map with ``Statement`` (JSON element names), else None."""
    found = _entry(tree, "Statement")
    if tree.entries is None or found is None:
        return None
    statements = []
    complete = True
    for item in _as_list(found[1]):
        if item.entries is None:
            complete = False
            continue
        statements.append(_statement(item))
    return PolicyDocument(tuple(statements), tree.node, complete)


def _statement(tree: _Tree) -> Statement:
    effect = _entry(tree, "Effect")
    action = _entry(tree, "Action")
    not_action = _entry(tree, "NotAction")
    principals: list[Principal] = []
    principal = _entry(tree, "Principal")
    if principal is not None:
        value = principal[1]
        if value.text == "*":
            principals.append(Principal("*", (Text("*", value.node),), value.node))
        for kind, _, ids in value.entries or ():
            principals.append(Principal(kind, _texts(ids), ids.node))
    condition = _entry(tree, "Condition")
    conditions = _conditions(condition[1]) if condition is not None else []
    return Statement(
        effect=effect[1].text if effect is not None else None,
        actions=_texts(action[1]) if action is not None else () if not_action else None,
        principals=tuple(principals),
        conditions=None if conditions is None else tuple(conditions),
        node=tree.node,
        not_action=not_action is not None,
    )


def _conditions(tree: _Tree) -> list[Condition] | None:
    """``{"<test>": {"<key>": values}}``; None when some part is not written out."""
    out = []
    for test, _, keys in tree.entries if tree.entries is not None else ():
        if keys.entries is None:
            return None
        for variable, key_node, values in keys.entries:
            out.append(Condition(test, Text(variable, key_node), _texts(values), key_node))
    return out if tree.entries is not None else None


# --- YAML and JSON (CloudFormation, policy files, JSON inside HCL strings) -------------------

Place = Callable[[yamlnodes.Node], object]


class _YamlReader:
    """YAML/JSON nodes into the tree; CloudFormation parameter defaults fill ``!Ref`` and
    ``${Name}`` in ``!Sub`` where the template gives them (what a stack deployed with its
    defaults evaluates)."""

    def __init__(self, place: Place, defaults: Mapping[str, str]) -> None:
        self.place = place
        self.defaults = defaults

    def sub(self, target: object, text: str) -> _Tree:
        filled = INTERPOLATION.sub(lambda m: self.defaults.get(m.group(0)[2:-1], m.group(0)),
                                   text)
        return _Tree(target, text=filled, defaulted=filled != text)

    def ref(self, target: object, name: str, source: str) -> _Tree:
        if name in self.defaults:
            return _Tree(target, text=self.defaults[name], defaulted=True)
        return _Tree(target, source=source)

    def tree(self, node: yamlnodes.Node, depth: int = 0) -> _Tree:
        target = self.place(node)
        if depth > 32:
            return _Tree(target, source="...")
        if isinstance(node, yamlnodes.ScalarNode):
            if node.tag == "!Sub":
                return self.sub(target, str(node.value))
            if node.tag.startswith("tag:yaml"):
                return _Tree(target, text=str(node.value))
            if node.tag == "!Ref":
                return self.ref(target, str(node.value), f"!Ref {node.value}")
            return _Tree(target, source=f"{node.tag} {node.value}")  # !GetAtt X.Arn, ...
        if isinstance(node, yamlnodes.SequenceNode):
            if node.tag.startswith("!"):  # !Join, !If, ...: not a list the file writes out
                return _Tree(target, source=node.tag)
            return _Tree(target, items=tuple(self.tree(n, depth + 1) for n in node.value))
        if isinstance(node, yamlnodes.MappingNode):
            pairs = list(yamlnodes.items(node))
            if len(pairs) == 1 and (pairs[0][0] == "Ref" or pairs[0][0].startswith("Fn::")):
                return self.intrinsic(target, pairs[0][0], pairs[0][2])
            return _Tree(target, entries=tuple(
                (key, self.place(key_node), self.tree(value, depth + 1))
                for key, key_node, value in pairs))
        return _Tree(target, source="?")

    def intrinsic(self, target: object, name: str, value: yamlnodes.Node) -> _Tree:
        inner = yamlnodes.scalar(value)
        if name == "Fn::Sub" and inner is not None:
            return self.sub(target, inner)
        if name == "Ref" and inner is not None:
            return self.ref(target, inner, f"Ref {inner}")
        if name == "Fn::GetAtt":
            parts = [yamlnodes.scalar(v) or "" for v in yamlnodes.elements(value)]
            inner = ".".join(parts) if parts else inner
        return _Tree(target, source=f"{name} {inner or ''}")


def from_yaml(node: yamlnodes.Node, place: Place | None = None,
              defaults: Mapping[str, str] | None = None) -> PolicyDocument | None:
    """A policy written as YAML/JSON nodes (CloudFormation, a policy file), else None."""
    return from_tree(_YamlReader(place or (lambda n: n), defaults or {}).tree(node))


def parameter_defaults(template: yamlnodes.Node) -> dict[str, str]:
    """A CloudFormation template's ``Parameters`` with a literal ``Default``."""
    out = {}
    for name, _, body in yamlnodes.items(yamlnodes.get(template, "Parameters")):
        default = yamlnodes.scalar(yamlnodes.get(body, "Default"))
        if default is not None and "${" not in default:
            out[name] = default
    return out


def parse_json(text: str, place: Place) -> PolicyDocument | None:
    """A policy in JSON text (a heredoc, a quoted string); None when it is not JSON."""
    stripped = text.strip()
    if not stripped.startswith("{"):
        return None
    for attempt in (text, text.replace("\t", " ")):  # same length: positions hold
        try:
            doc = yamlnodes.YamlDocument("<policy>", attempt)
        except yamlnodes.YamlError:
            continue
        except Exception:  # a half-templated heredoc is no policy, and never a crash
            return None
        return from_yaml(doc.roots[0], place) if doc.roots else None
    return None


# --- HCL ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HclSpan:
    """A region inside an HCL string (a heredoc's JSON), located like a tree-sitter node."""

    start_point: tuple[int, int]
    end_point: tuple[int, int]


def _head(expr: TsNode) -> TsNode:
    node = expr
    while node.type == "expression" and node.named_child_count:
        node = node.named_children[0]
    return node


def _unwrap(expr: TsNode) -> TsNode:
    node = _head(expr)
    while node.type in ("collection_value", "literal_value") and node.named_child_count == 1:
        node = node.named_children[0]
    return node


def _hcl_tree(doc: HclDocument, expr: TsNode, depth: int = 0) -> _Tree:
    node = _unwrap(expr)
    if depth > 32:
        return _Tree(expr, source="...")
    if node.type == "string_lit":
        return _Tree(expr, text=_string_text(doc, node))
    if node.type in ("template_expr", "quoted_template"):
        inner = node.named_children[0] if node.type == "template_expr" else node
        if inner.type == "quoted_template":
            return _Tree(expr, text=_string_text(doc, inner))
        return _Tree(expr, source=doc.source(expr))
    if node.type == "tuple":
        return _Tree(expr, items=tuple(_hcl_tree(doc, c, depth + 1) for c in node.named_children
                                       if c.type == "expression"))
    if node.type == "object":
        entries = []
        for elem in node.named_children:
            if elem.type != "object_elem" or elem.named_child_count < 2:
                continue
            key, value = elem.named_children[0], elem.named_children[-1]
            key_node = _unwrap(key)
            if key_node.type == "variable_expr":
                name = doc.source(key_node)
            elif key_node.type == "string_lit":
                name = _string_text(doc, key_node)
            elif key_node.type == "template_expr" and key_node.named_child_count and \
                    key_node.named_children[0].type == "quoted_template":
                name = _string_text(doc, key_node.named_children[0])  # "${var.host}:sub"
            else:
                continue  # a computed key: not an element name
            entries.append((name, key, _hcl_tree(doc, value, depth + 1)))
        return _Tree(expr, entries=tuple(entries))
    return _Tree(expr, source=doc.source(expr))


def hcl_strings(doc: HclDocument, expr: TsNode) -> tuple[Text, ...] | None:
    """A string or a list of strings written in HCL (None for anything else)."""
    return _texts(_hcl_tree(doc, expr))


def _string_text(doc: HclDocument, node: TsNode) -> str:
    """A quoted string's text with its ``${...}`` parts kept as written."""
    raw = doc.source(node)
    if raw.startswith('"') and raw.endswith('"') and len(raw) >= 2:
        raw = raw[1:-1]
    return raw.replace('\\"', '"').replace("\\\\", "\\")


def _function(expr: TsNode, doc: HclDocument, name: str) -> TsNode | None:
    """The single argument of ``name(arg)``, else None."""
    node = _head(expr)
    if node.type != "function_call" or node.named_child_count < 2:
        return None
    if doc.source(node.named_children[0]) != name:
        return None
    args = node.named_children[1]
    exprs = [c for c in args.named_children if c.type == "expression"]
    return exprs[0] if len(exprs) == 1 else None


def from_hcl(doc: HclDocument, expr: TsNode) -> PolicyDocument | None:
    """An inline policy: ``jsonencode({...})``, a heredoc or a quoted JSON string."""
    arg = _function(expr, doc, "jsonencode")
    if arg is not None:
        return from_tree(_hcl_tree(doc, arg))
    head = _head(expr)
    if head.type == "template_expr" and head.named_child_count:
        inner = head.named_children[0]
        if inner.type == "heredoc_template":
            return _heredoc(doc, inner)
    node = _unwrap(expr)
    if node.type == "string_lit":
        # Escapes make offsets differ: everything found points at the string itself.
        text = _string_text(doc, node).replace("\\n", "\n").replace("\\t", " ")
        return parse_json(text, lambda _n: expr)
    return None


def _heredoc(doc: HclDocument, node: TsNode) -> PolicyDocument | None:
    idents = [c for c in node.named_children if c.type == "heredoc_identifier"]
    if len(idents) < 2:
        return None
    data = doc.text.encode("utf-8", "surrogateescape")
    start = data.find(b"\n", idents[0].end_byte) + 1
    end = idents[-1].start_byte
    if start <= 0 or end <= start:
        return None
    text = data[start:end].decode("utf-8", "replace")
    return parse_json(text, _mapper(doc, start, text))


def _mapper(doc: HclDocument, start_byte: int, text: str) -> Place:
    """YAML marks inside ``text`` (which starts a line, at ``start_byte``) -> ``HclSpan``s."""
    row0 = doc.text.encode("utf-8", "surrogateescape").count(b"\n", 0, start_byte)
    lines = text.split("\n")

    def point(line: int, column: int) -> tuple[int, int]:
        prefix = lines[line][:column] if line < len(lines) else ""
        width = len(prefix.encode("utf-8", "surrogateescape"))
        return (row0 + line, width)

    def place(node: yamlnodes.Node) -> object:
        s, e = node.start_mark, node.end_mark
        return HclSpan(point(s.line, s.column), point(e.line, e.column))

    return place


def from_data_source(doc: HclDocument, block: HclBlock) -> PolicyDocument:
    """A ``data "aws_iam_policy_document"``: its ``statement`` blocks."""
    complete = not any(n in block.attributes for n in ("override_policy_documents",
                                                          "override_json"))
    statements = []
    for child in block.blocks:
        if child.type == "dynamic":
            complete = False
        if child.type != "statement":
            continue
        statements.append(_data_statement(doc, child))
    return PolicyDocument(tuple(statements), block.node, complete)


def _attr_texts(doc: HclDocument, block: HclBlock, name: str) -> tuple[Text, ...] | None:
    attribute = block.attribute(name)
    if attribute is None:
        return None
    return _texts(_hcl_tree(doc, attribute.expression))


def _data_statement(doc: HclDocument, block: HclBlock) -> Statement:
    effect = block.attribute("effect")
    principals = []
    conditions: list[Condition] | None = []
    for child in block.blocks:
        if child.type == "principals":
            kind = child.attribute("type")
            principals.append(Principal(kind.literal if kind and kind.literal else "?",
                                        _attr_texts(doc, child, "identifiers"), child.node))
        elif child.type == "condition" and conditions is not None:
            test = child.attribute("test")
            variable = child.attribute("variable")
            if variable is None:
                conditions = None
                continue
            var_tree = _hcl_tree(doc, variable.expression)
            conditions.append(Condition(
                test.literal if test is not None else None,
                Text(var_tree.text, variable.node, var_tree.source),
                _attr_texts(doc, child, "values"),
                child.node,
            ))
        elif child.type == "dynamic":
            conditions = None
    actions = _attr_texts(doc, block, "actions")
    return Statement(
        effect=(effect.literal if effect is not None else "Allow"),
        actions=actions if block.attribute("actions") is not None
        else () if block.attribute("not_actions") is not None else None,
        principals=tuple(principals),
        conditions=None if conditions is None else tuple(conditions),
        node=block.node,
        not_action=block.attribute("not_actions") is not None,
    )


def data_sources(doc: HclDocument, data_type: str) -> Iterator[HclBlock]:
    """The ``data "<data_type>" "<name>"`` blocks of a file."""
    for block in doc.iter_blocks("data"):
        if len(block.labels) == 2 and block.labels[0] == data_type:
            yield block
