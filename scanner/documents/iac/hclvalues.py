"""Where a Terraform value comes from: a constant, a variable's default, an input, a file.

A credential rule needs more than "literal or reference": ``secret_key = var.secret_key`` is
a bare input fed at apply time (static plumbing, medium), but the same reference to a variable
whose ``default`` is the key is the key written in the file (high). ``resolve`` follows
``var.x`` to its ``variable`` block and ``local.x`` to its ``locals`` entry, within one file:
the engine scans file by file and caches per file, so a default in a sibling ``variables.tf``
is not seen here (that file's own attribute is judged where it is written). Anything the
resolver cannot follow is an ``EXPRESSION`` and is never taken for a constant.
"""

from __future__ import annotations

from weakref import WeakKeyDictionary

from scanner.documents.hcl import HclAttribute, HclBlock, HclDocument, TsNode
from scanner.documents.iac.values import Origin, Resolved

#: Calls whose result is the content of a file named by their first argument.
_FILE_CALLS = frozenset({"file", "filebase64", "templatefile", "sensitive_file"})
#: Calls that read the environment.
_ENV_CALLS = frozenset({"get_env", "env"})
#: Calls that return their argument unchanged as far as secrecy goes.
_IDENTITY_CALLS = frozenset({"sensitive", "nonsensitive", "trimspace", "chomp", "tostring"})
#: Roots of references that are neither inputs nor other resources.
_CONTEXT_ROOTS = frozenset({"each", "count", "path", "self", "terraform", "module"})
_MAX_HOPS = 8


class HclValues:
    """The ``variable`` and ``locals`` declarations of one file, and ``resolve`` over them."""

    def __init__(self, doc: HclDocument) -> None:
        self.doc = doc
        self.variables: dict[str, HclBlock] = {}
        self.locals: dict[str, HclAttribute] = {}
        for block in doc.blocks:
            if block.type == "variable" and block.labels:
                self.variables[block.labels[0]] = block
            elif block.type == "locals":
                self.locals.update(block.attributes)

    def resolve_attribute(self, attribute: HclAttribute) -> Resolved:
        return self.resolve(attribute.expression)

    def resolve(self, expr: TsNode, via: tuple[str, ...] = ()) -> Resolved:
        """The origin of an ``expression`` node (or any node under one)."""
        node = _unwrap(expr)
        kind = node.type
        if kind == "literal_value":
            return self._literal(node, via)
        if kind == "template_expr":
            return self._template(node, via)
        if kind == "function_call":
            return self._call(node, via)
        if kind == "variable_expr":
            return self._reference(node, via)
        return Resolved(Origin.EXPRESSION, self.doc.source(node), via=via)

    def variable_sensitive(self, name: str) -> bool:
        block = self.variables.get(name)
        attr = block.attributes.get("sensitive") if block is not None else None
        return attr is not None and attr.source.strip() == "true"

    def _literal(self, node: TsNode, via: tuple[str, ...]) -> Resolved:
        inner = node.named_children[0] if node.named_child_count else node
        if inner.type == "string_lit":
            text = _quoted_text(self.doc, inner)
            if text is None:
                return Resolved(Origin.EXPRESSION, self.doc.source(inner), via=via)
            return Resolved(Origin.LITERAL, text, inner, via)
        if inner.type == "null_lit":
            return Resolved(Origin.LITERAL, None, inner, via)
        return Resolved(Origin.LITERAL, self.doc.source(inner), inner, via)

    def _template(self, node: TsNode, via: tuple[str, ...]) -> Resolved:
        inner = node.named_children[0] if node.named_child_count else node
        parts = [c for c in inner.named_children
                 if c.type not in ("heredoc_start", "heredoc_identifier",
                                   "quoted_template_start", "quoted_template_end")]
        interpolations = [c for c in parts if c.type != "template_literal"]
        if not interpolations:
            if inner.type == "heredoc_template":
                return Resolved(Origin.LITERAL, _heredoc_text(self.doc, inner), inner, via)
            return Resolved(Origin.LITERAL, "".join(self.doc.source(c) for c in parts),
                            inner, via)
        if len(parts) == 1 and parts[0].type == "template_interpolation":
            # "${var.x}", Terraform 0.11's way of writing var.x: the same value.
            expr = next((c for c in parts[0].named_children if c.type == "expression"), None)
            if expr is not None:
                return self.resolve(expr, via)
        return Resolved(Origin.EXPRESSION, self.doc.source(node), via=via)

    def _call(self, node: TsNode, via: tuple[str, ...]) -> Resolved:
        ident = node.named_children[0] if node.named_child_count else None
        name = self.doc.source(ident) if ident is not None else ""
        args_node = next((c for c in node.named_children if c.type == "function_arguments"),
                         None)
        args = [c for c in args_node.named_children if c.type == "expression"] if args_node else []
        if name in _IDENTITY_CALLS and len(args) == 1:
            return self.resolve(args[0], via)
        if name in _FILE_CALLS or name in _ENV_CALLS:
            first = self.resolve(args[0], via) if args else None
            text = first.constant if first is not None else None
            if text is None and args:
                text = self.doc.source(args[0])
            origin = Origin.FILE if name in _FILE_CALLS else Origin.ENV
            return Resolved(origin, text, node, via)
        return Resolved(Origin.EXPRESSION, self.doc.source(node), via=via)

    def _reference(self, node: TsNode, via: tuple[str, ...]) -> Resolved:
        root = self.doc.source(node)
        parent = node.parent
        attrs: list[str] = []
        extra = False
        if parent is not None:
            for sibling in parent.named_children[1:]:
                if sibling.type == "get_attr" and not extra:
                    ident = sibling.named_children[-1] if sibling.named_child_count else None
                    attrs.append(self.doc.source(ident) if ident is not None else "")
                else:
                    extra = True  # an index, a splat: some part of the value
        source = self.doc.source(parent) if parent is not None else root
        if root == "var" and attrs:
            return self._variable(attrs[0], source, via, whole=len(attrs) == 1 and not extra)
        if root == "local" and attrs and len(attrs) == 1 and not extra:
            return self._local(attrs[0], source, via)
        if root == "data":
            return Resolved(Origin.DATA, source, via=via)
        if root in _CONTEXT_ROOTS or root == "local" or not attrs:
            return Resolved(Origin.EXPRESSION, source, via=via)
        return Resolved(Origin.RESOURCE, source, via=via)

    def _variable(self, name: str, source: str, via: tuple[str, ...], *, whole: bool
                  ) -> Resolved:
        ref = f"var.{name}"
        hops = (*via, ref)
        block = self.variables.get(name)
        sensitive = self.variable_sensitive(name)
        default = block.attributes.get("default") if block is not None else None
        if default is None or not whole or len(hops) > _MAX_HOPS:
            return Resolved(Origin.INPUT, source, via=hops, sensitive=sensitive)
        value = self.resolve(default.expression, hops)
        if value.origin is Origin.LITERAL and value.text is not None:
            return Resolved(Origin.DEFAULT, value.text, default.node, hops, sensitive)
        if value.origin is Origin.LITERAL:  # default = null: still an input
            return Resolved(Origin.INPUT, source, via=hops, sensitive=sensitive)
        return Resolved(value.origin, value.text, value.node, value.via, sensitive)

    def _local(self, name: str, source: str, via: tuple[str, ...]) -> Resolved:
        ref = f"local.{name}"
        attribute = self.locals.get(name)
        if attribute is None or ref in via or len(via) >= _MAX_HOPS:
            return Resolved(Origin.EXPRESSION, source, via=(*via, ref))
        return self.resolve(attribute.expression, (*via, ref))


def _unwrap(node: TsNode) -> TsNode:
    """The head of an ``expression``: its first child (the rest are get_attr, index...)."""
    while node.type in ("expression", "parenthesized_expression") and node.named_child_count:
        node = node.named_children[0]
    return node


def _quoted_text(doc: HclDocument, string_lit: TsNode) -> str | None:
    parts: list[str] = []
    for child in string_lit.named_children:
        if child.type == "template_literal":
            parts.append(doc.source(child))
        elif child.type not in ("quoted_template_start", "quoted_template_end"):
            return None
    return "".join(parts)


def _heredoc_text(doc: HclDocument, heredoc: TsNode) -> str:
    """The lines between ``<<EOT`` and ``EOT``; ``<<-EOT`` drops the common indentation."""
    source = doc.source(heredoc)
    lines = source.split("\n")[1:-1]  # the opening ``<<EOT`` line and the closing ``EOT``
    if source.startswith("<<-"):
        indents = [len(ln) - len(ln.lstrip()) for ln in lines if ln.strip()]
        cut = min(indents, default=0)
        lines = [ln[cut:] for ln in lines]
    return "\n".join(lines)


_VALUES: WeakKeyDictionary[HclDocument, HclValues] = WeakKeyDictionary()


def values(doc: HclDocument) -> HclValues:
    """The resolver of a document, built once (several rules and the loader share it)."""
    found = _VALUES.get(doc)
    if found is None:
        found = _VALUES[doc] = HclValues(doc)
    return found
