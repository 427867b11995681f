"""The IaC model: one ``Resource`` with ``Attr`` values, whichever front end declared it.

An IaC rule names canonical resource types (``aws.iam.access_key``) and reads attributes by
canonical names; the loaders (one per front end) turn native syntax into this model, so no rule
sniffs whether a YAML file is CloudFormation or Ansible. Values are classified once, here and in
the loaders, as literals or references (catalogue 0.4), so every rule agrees on what a
``var.x``, ``!Ref X``, ``"${...}"`` or ``"{{ x }}"`` is. The native nodes are kept as report
targets: positions come from the document that parsed the file, never from the model.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum

from scanner.documents.iac.types import native_attribute
from scanner.documents.iac.values import Origin, Resolved


class FrontEnd(str, Enum):
    """The syntax a resource was declared in; ``types.py`` keys native names by it."""

    TERRAFORM = "terraform"  # .tf / .tfvars through HclDocument
    TERRAFORM_JSON = "terraform-json"  # .tf.json through YamlDocument (same native names)
    CLOUDFORMATION = "cloudformation"  # YAML or JSON templates, short-form tags kept
    ANSIBLE = "ansible"  # module invocations inside playbooks, roles and task files
    PULUMI = "pulumi"  # Python programs: constructor calls of pulumi_* provider classes
    CDK = "cdk"  # Python CDK apps: constructor calls of aws_cdk construct classes


@dataclass(frozen=True, slots=True, eq=False)
class Attr:
    """One attribute (argument, property, module option) of a resource.

    ``text`` is the scalar as the syntax reads it (an HCL string without interpolation, an HCL
    number or bool, any plain YAML/JSON scalar), None for expressions, collections and tagged
    nodes. ``reference`` says the value points elsewhere (HCL expressions and ``${...}``
    templates, CloudFormation intrinsics, ``${...}`` in ``.tf.json``, Jinja ``{{ }}``):
    Ansible's ``"{{ state }}"`` has a text and is a reference.
    """

    name: str
    #: Where a finding about this attribute goes: the HCL attribute or the YAML key node.
    node: object
    #: The native value: a tree-sitter expression node or a YAML node.
    value: object
    text: str | None
    reference: bool
    #: Where the value comes from (a constant, a variable's default, an input, a file, a data
    #: source...), for front ends that resolve references (Terraform: ``hclvalues``); None
    #: where the loader does not resolve.
    origin: Resolved | None = None

    @property
    def literal(self) -> str | None:
        """The value when it is a constant written in the file, else None."""
        return None if self.reference else self.text

    @property
    def constant(self) -> str | None:
        """The value when it is written in the file, directly or as a variable's default."""
        if self.origin is not None:
            return self.origin.constant
        return self.literal

    def comes_from(self, *origins: Origin) -> bool:
        """The value resolved to one of ``origins`` (False where nothing was resolved)."""
        return self.origin is not None and self.origin.origin in origins


@dataclass(frozen=True, slots=True, eq=False)
class Resource:
    """A declared resource: canonical ``type`` (None when ``types.py`` has no row yet)."""

    type: str | None
    native_type: str
    front_end: FrontEnd
    #: The logical name: Terraform's second label, the CloudFormation logical id, the Ansible
    #: task's ``name`` (empty when it has none).
    name: str
    #: Where a finding about the whole resource goes (the HCL block, the logical-id key, the
    #: Ansible module key).
    node: object
    #: Attributes by their native names, last one winning as in the front end's own loader.
    attrs: Mapping[str, Attr] = field(default_factory=dict)
    #: The native body (an ``HclBlock`` or a YAML node), for what the model does not cover yet
    #: (nested blocks, list items).
    native: object = None

    def attr(self, name: str) -> Attr | None:
        """An attribute by canonical name (``types.py`` maps it per front end), else native."""
        native = native_attribute(self.type, self.front_end.value, name)
        return self.attrs.get(native)

    def has(self, name: str) -> bool:
        return self.attr(name) is not None
