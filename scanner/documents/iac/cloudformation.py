"""CloudFormation templates (YAML or JSON, SAM included) into the model.

The shape decides, not the file name: a root mapping with a ``Resources`` mapping whose entries
carry a scalar ``Type``. Short-form intrinsics (``!Ref``, ``!Sub``, ``!GetAtt``) stay tagged
nodes in ``YamlDocument``; they and the long forms (``{"Ref": ...}``, ``{"Fn::...": ...}``) are
references. Attributes are the entries of ``Properties``.
"""

from __future__ import annotations

from collections.abc import Iterator

from scanner.documents import yaml as yamlnodes
from scanner.documents.iac._yamlvalues import attrs
from scanner.documents.iac.model import FrontEnd, Resource
from scanner.documents.iac.types import canonical


def is_reference(node: yamlnodes.Node) -> bool:
    """An intrinsic function, short (a ``!`` tag) or long (a one-key ``Ref``/``Fn::`` map)."""
    if node.tag.startswith("!"):
        return True
    if isinstance(node, yamlnodes.MappingNode) and len(node.value) == 1:
        key = yamlnodes.scalar(node.value[0][0])
        return key is not None and (key == "Ref" or key.startswith("Fn::"))
    return False


def load(root: yamlnodes.Node) -> Iterator[Resource]:
    for name, key_node, body in yamlnodes.items(yamlnodes.get(root, "Resources")):
        native_type = yamlnodes.scalar(yamlnodes.get(body, "Type"))
        if native_type is None:
            continue
        yield Resource(
            type=canonical(FrontEnd.CLOUDFORMATION.value, native_type),
            native_type=native_type,
            front_end=FrontEnd.CLOUDFORMATION,
            name=name,
            node=key_node,
            attrs=attrs(yamlnodes.get(body, "Properties"), is_reference),
            native=body,
        )
