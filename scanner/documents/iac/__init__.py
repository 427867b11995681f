"""Typed IaC views: every front end's resources as one model (``Resource``, ``Attr``).

``load_hcl`` and ``load_yaml`` are the one place that decides what a parsed file declares: a
``.tf`` file through the Terraform loader, any composed YAML/JSON through each YAML front end's
loader in turn, each of which recognises its own shape (CloudFormation's ``Resources``,
``.tf.json``'s ``resource``, Ansible's module keys) and yields nothing otherwise. The result is
kept per document, so several rules on one file share one load.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from scanner.documents import yaml as yamlnodes
from scanner.documents.hcl import HclDocument
from scanner.documents.iac import ansible, cloudformation, terraform, tfjson
from scanner.documents.iac.hclvalues import HclValues
from scanner.documents.iac.hclvalues import values as hcl_values
from scanner.documents.iac.model import Attr, FrontEnd, Resource
from scanner.documents.iac.types import TYPES, ResourceType, by_native, canonical
from scanner.documents.iac.values import Origin, Resolved
from scanner.documents.yaml import YamlDocument

if TYPE_CHECKING:
    from scanner.documents.python import PythonDocument

#: Loaders tried on every root of a YAML stream, in this order.
YAML_LOADERS: tuple[Callable[[yamlnodes.Node], Iterator[Resource]], ...] = (
    cloudformation.load,
    tfjson.load,
    ansible.load,
)

_HCL: WeakKeyDictionary[HclDocument, tuple[Resource, ...]] = WeakKeyDictionary()
_YAML: WeakKeyDictionary[YamlDocument, tuple[Resource, ...]] = WeakKeyDictionary()
_PYTHON: WeakKeyDictionary[PythonDocument, tuple[Resource, ...]] = WeakKeyDictionary()


def load_hcl(doc: HclDocument) -> tuple[Resource, ...]:
    """The managed resources of a ``.tf``/``.tfvars`` file, in file order."""
    found = _HCL.get(doc)
    if found is None:
        found = _HCL[doc] = tuple(terraform.load(doc))
    return found


def load_yaml(doc: YamlDocument) -> tuple[Resource, ...]:
    """The resources of every YAML front end found in a YAML/JSON stream, root by root."""
    found = _YAML.get(doc)
    if found is None:
        found = _YAML[doc] = tuple(r for root in doc.roots for load in YAML_LOADERS
                                   for r in load(root))
    return found


def load_python(doc: PythonDocument) -> tuple[Resource, ...]:
    """The Pulumi and CDK resources of a Python program (``pulumi_cdk``), in source order."""
    found = _PYTHON.get(doc)
    if found is None:
        from scanner.documents.iac import pulumi_cdk  # LibCST only for Python programs

        found = _PYTHON[doc] = tuple(pulumi_cdk.load(doc))
    return found


__all__ = [
    "TYPES",
    "YAML_LOADERS",
    "Attr",
    "FrontEnd",
    "HclValues",
    "Origin",
    "Resolved",
    "Resource",
    "ResourceType",
    "by_native",
    "canonical",
    "hcl_values",
    "load_hcl",
    "load_python",
    "load_yaml",
]
