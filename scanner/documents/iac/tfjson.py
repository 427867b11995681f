"""Terraform JSON syntax (``.tf.json``) into the model, from the composed ``YamlDocument``.

The shape: ``{"resource": {"<type>": {"<name>": {...}}}}``, or ``"resource"`` as a list of such
objects. A string holding ``${...}`` is an interpolation, so a reference. Native names are
Terraform's (``types.py`` shares them).
"""

from __future__ import annotations

from collections.abc import Iterator

from scanner.documents import yaml as yamlnodes
from scanner.documents.iac._yamlvalues import attrs
from scanner.documents.iac.model import FrontEnd, Resource
from scanner.documents.iac.types import canonical


def is_reference(node: yamlnodes.Node) -> bool:
    text = yamlnodes.scalar(node)
    return text is not None and "${" in text


def load(root: yamlnodes.Node) -> Iterator[Resource]:
    resources = yamlnodes.get(root, "resource")
    for group in [resources, *yamlnodes.elements(resources)]:
        # One entry per type, the last of repeated keys winning (as JSON loaders read it).
        by_type = {native_type: body for native_type, _, body in yamlnodes.items(group)}
        for native_type, by_name in by_type.items():
            for name, key_node, body in yamlnodes.items(by_name):
                yield Resource(
                    type=canonical(FrontEnd.TERRAFORM_JSON.value, native_type),
                    native_type=native_type,
                    front_end=FrontEnd.TERRAFORM_JSON,
                    name=name,
                    node=key_node,
                    attrs=attrs(body, is_reference),
                    native=body,
                )
