"""Facts other files of the tree give an IaC or Kubernetes rule, from the project pre-pass.

A rule sees one file; ``scanner.project.survey`` has read, once per scan, the few other files
whose facts change a finding: the credential resources of a local Terraform module that a
``module`` block calls, and the ServiceAccounts federated with a cloud identity. The facts
reach rules through ``RuleContext.project``, so they are part of the cache key: a change in
the module or the ServiceAccount file scans the dependent file again.
"""

from __future__ import annotations

import posixpath
from collections.abc import Sequence
from typing import TYPE_CHECKING

from scanner.project import FederatedAccount, ModuleCredential

if TYPE_CHECKING:
    from scanner.api.rule import RuleContext
    from scanner.documents.hcl import HclBlock

_TRUE, _FALSE = "true", "false"


def local_module(
    context: RuleContext, rel: str, module: HclBlock, canonical: str
) -> tuple[ModuleCredential, ...] | None:
    """The ``canonical`` credential resources of the local module ``module`` calls from the
    file ``rel``; None when its source is not a local path (``./x``, ``../x``)."""
    source = module.attribute("source")
    path = source.literal if source is not None else None
    if not path or not path.startswith(("./", "../")):
        return None
    folder = posixpath.normpath(posixpath.join(posixpath.dirname(rel), path))
    return tuple(
        m for m in context.project.module_credentials(folder) if m.canonical == canonical
    )


def fed_by(resources: Sequence[ModuleCredential], input_name: str) -> list[ModuleCredential]:
    """The resources whose ``count``/``for_each`` reads the module input ``input_name``."""
    return [m for m in resources if input_name in m.gates]


def key_inputs(resources: Sequence[ModuleCredential]) -> list[str]:
    """Inputs that switch a credential resource on and name a key (``create_*_key*``): a
    general switch such as ``create`` or ``create_user`` also makes other resources."""
    names = (g for m in resources for g in m.gates)
    return list(dict.fromkeys(g for g in names if "key" in g.lower() and g.startswith(
        ("create", "enable", "generate"))))


def on_by_default(resource: ModuleCredential, module: HclBlock) -> bool:
    """The call ``module`` makes the module create ``resource`` without asking for it.

    True when the resource is unconditional, or the module's boolean inputs its ``count``
    reads (those whose default is ``true`` or ``false``) are all true, at the call or by
    default. A boolean input the call sets to an expression is not known and counts as off;
    the other inputs the count reads (``pgp_key != ""``) pick a variant, not whether.
    """
    if not resource.conditional:
        return True
    defaults = dict(resource.defaults)
    known_true = False
    for gate in resource.gates:
        given = module.attribute(gate)
        value = given.source.strip() if given is not None else None
        default = defaults.get(gate)
        if value == _FALSE or (value is None and default == _FALSE):
            return False
        if value == _TRUE or (value is None and default == _TRUE):
            known_true = True
        elif default in (_TRUE, _FALSE):
            return False  # a boolean switch set to an expression: not known
    return known_true


def module_value(resource: ModuleCredential, module: HclBlock, attribute: str) -> str | None:
    """The literal the call gives ``resource``'s ``attribute`` (``status``) when the module
    sets it from a variable: the call's input, else the variable's default; None when it is
    an expression or the module does not take it from an input."""
    variable = dict(resource.fed).get(attribute)
    if variable is None:
        return None
    given = module.attribute(variable)
    if given is not None:
        return given.literal
    default = dict(resource.defaults).get(variable, "")
    if len(default) >= 2 and default[0] == default[-1] == '"' and "${" not in default:
        return default[1:-1]
    return None


def related(resources: Sequence[ModuleCredential], what: str) -> list[tuple[object, str]]:
    """Related locations for a finding at a module call: each module resource it mints."""
    return [
        (m.location, f"the module's `{m.native}.{m.name}`, the {what} this call creates")
        for m in resources
    ]


def where(resource: ModuleCredential) -> str:
    """``modules/user/main.tf:12``, for a message."""
    return f"{resource.location.path}:{resource.location.line}"


def federated_elsewhere(
    context: RuleContext, rel: str, name: str | None, namespace: str | None
) -> FederatedAccount | None:
    """The federated ServiceAccount a workload of ``rel`` runs as (``default`` when it
    names none), declared in another file of its kustomize build, chart or directory."""
    return context.project.federated_account(rel, name or "default", namespace)


__all__ = [
    "FederatedAccount",
    "ModuleCredential",
    "fed_by",
    "federated_elsewhere",
    "key_inputs",
    "local_module",
    "module_value",
    "on_by_default",
    "related",
    "where",
]
