"""Terraform HCL (``.tf``, ``.tfvars``) into the model, from the already parsed ``HclDocument``.

Only managed ``resource`` blocks are resources; providers, backends and data sources stay on the
``HclDocument`` (IAC-007 reads providers there). Nothing is parsed again: the blocks, attributes
and literal strings the document computed are reused. Each attribute's ``origin`` is resolved
within the file by ``hclvalues`` (``var.x`` to its default, ``local.x`` to its value).
"""

from __future__ import annotations

from collections.abc import Iterator

from scanner.documents.hcl import HclAttribute, HclBlock, HclDocument
from scanner.documents.iac.hclvalues import values
from scanner.documents.iac.model import Attr, FrontEnd, Resource
from scanner.documents.iac.types import canonical

#: Expression heads whose value is written in the file (a collection may hold references; its
#: items are native nodes a rule can inspect).
_CONSTANT_HEADS = frozenset({"literal_value", "collection_value"})


def load(doc: HclDocument) -> Iterator[Resource]:
    for block in doc.iter_blocks("resource"):
        if not block.labels:
            continue
        yield _resource(doc, block)


def _resource(doc: HclDocument, block: HclBlock) -> Resource:
    native_type = block.labels[0]
    return Resource(
        type=canonical(FrontEnd.TERRAFORM.value, native_type),
        native_type=native_type,
        front_end=FrontEnd.TERRAFORM,
        name=block.labels[1] if len(block.labels) > 1 else "",
        node=block.node,
        attrs={name: _attr(doc, a) for name, a in block.attributes.items()},
        native=block,
    )


def _attr(doc: HclDocument, attribute: HclAttribute) -> Attr:
    expr = attribute.expression
    head = expr.named_children[0] if expr.named_child_count else expr
    text = attribute.literal
    if head.type == "literal_value" and text is None:
        inner = head.named_children[0] if head.named_child_count else head
        if inner.type in ("numeric_lit", "bool_lit"):
            text = attribute.source
    if head.type in _CONSTANT_HEADS:
        reference = False
    elif head.type == "template_expr":  # a heredoc or a quoted string with ${...} or %{...}
        reference = "${" in attribute.source or "%{" in attribute.source
    else:  # variables, attribute access, function calls, conditionals, operations, for
        reference = True
    return Attr(attribute.name, attribute.node, expr, text, reference,
                values(doc).resolve(expr))
