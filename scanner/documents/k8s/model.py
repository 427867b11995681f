"""The Kubernetes view: what a manifest stream declares, as a neutral model with YAML nodes.

Rules about clusters reason about a few shapes whatever workload kind holds them (a pod spec
inside a Deployment, a CronJob's ``jobTemplate``, a bare Pod), so the loader (``load.py``) finds
those shapes once and this module only describes them. Every field keeps the YAML node it came
from, with 0-based marks, so findings point at the exact key or value; text that came from a Helm
template action (``{{ ... }}``, masked before parsing) is ``templated`` and never a literal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from scanner.documents.yaml import Node

#: What masks a Helm template action in a template's text (``helm.mask``): a value holding it
#: is computed at render time, not written in the file.
TEMPLATE_MARK = "\u00ab"
_MASKED = re.compile("\u00ab_*\u00bb")
#: A Terraform expression inside a ``kubernetes_manifest`` object (``«var.name»``).
_EXPRESSION = re.compile("\u00ab([^_\u00bb][^\u00bb]*)\u00bb")


def templated(text: str | None) -> bool:
    """Text a template action produced (at least in part)."""
    return text is not None and TEMPLATE_MARK in text


@dataclass(frozen=True, slots=True, eq=False)
class Manifest:
    """One object of the stream: a YAML mapping with ``kind`` (and usually ``apiVersion``)."""

    api_version: str | None
    kind: str
    name: str | None
    namespace: str | None
    node: Node
    kind_node: Node
    #: Annotation and label values by key, as written (templated values included).
    annotations: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)

    @property
    def display(self) -> str:
        """The name for a message: template actions shown as ``{{…}}``, ``?`` when unnamed."""
        return shown(self.name)


def shown(text: str | None) -> str:
    """Text for a message, with each masked template action shown as ``{{…}}`` and each
    Terraform expression as ``${...}``."""
    if not text:
        return "?"
    return _EXPRESSION.sub(r"${\1}", _MASKED.sub("{{\u2026}}", text))


@dataclass(frozen=True, slots=True, eq=False)
class EnvVar:
    """One ``env`` entry of a container: a literal ``value`` or a ``valueFrom`` reference."""

    name: str
    #: The ``name`` scalar: where a finding about the variable goes.
    name_node: Node
    entry: Node
    #: The ``value`` node, if any, and its plain text (None for templated or non-scalar values).
    value_node: Node | None = None
    text: str | None = None
    templated: bool = False
    #: ``valueFrom.secretKeyRef``: the Secret's name and key, and the reference node.
    secret_name: str | None = None
    secret_key: str | None = None
    ref_node: Node | None = None


@dataclass(frozen=True, slots=True, eq=False)
class EnvFrom:
    """One ``envFrom`` entry naming a Secret (``secretRef``); ConfigMaps are not kept."""

    secret: str | None
    node: Node


@dataclass(frozen=True, slots=True, eq=False)
class Container:
    name: str | None
    node: Node
    env: tuple[EnvVar, ...] = ()
    env_from: tuple[EnvFrom, ...] = ()
    init: bool = False


@dataclass(frozen=True, slots=True, eq=False)
class TokenProjection:
    """A projected ``serviceAccountToken`` source of a volume."""

    node: Node
    #: The ``expirationSeconds`` value node and its integer (None when absent or templated).
    expiration_node: Node | None
    seconds: int | None
    audience: str | None


@dataclass(frozen=True, slots=True, eq=False)
class PodSpec:
    """A pod template, wherever the workload kind keeps it."""

    owner: Manifest
    node: Node
    service_account: str | None
    containers: tuple[Container, ...] = ()
    tokens: tuple[TokenProjection, ...] = ()
    #: Names of the Secrets mounted as volumes (``volumes[].secret.secretName``).
    secret_volumes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, eq=False)
class ServiceAccount:
    manifest: Manifest
    #: The ``secrets`` key node and its entries (empty when absent).
    secrets_key: Node | None = None
    secrets: tuple[Node, ...] = ()
    #: The annotation or label that federates the account with a cloud identity
    #: (``eks.amazonaws.com/role-arn``, ``iam.gke.io/gcp-service-account``,
    #: ``azure.workload.identity/client-id`` / ``use``), or None.
    federated: str | None = None


@dataclass(frozen=True, slots=True, eq=False)
class SecretEntry:
    """One key of a Secret's ``data``/``stringData`` (or a kustomize literal).

    ``text`` is the value as the cluster would see it: ``data`` values base64-decoded (None when
    they do not decode to text), ``stringData`` as written; ``value_node`` is where the encoded or
    plain value is written, ``target`` where a finding about the value goes (the value node, or
    the value part of a ``KEY=value`` literal).
    """

    key: str
    key_node: Node
    value_node: Node
    target: Node
    text: str | None
    encoded: bool = False
    templated: bool = False


@dataclass(frozen=True, slots=True, eq=False)
class Secret:
    manifest: Manifest
    type: str | None
    type_node: Node | None
    entries: tuple[SecretEntry, ...] = ()


@dataclass(frozen=True, slots=True, eq=False)
class SecretGenerator:
    """A kustomize ``secretGenerator`` item: ``literals`` kept as entries, ``envs`` and
    ``files`` as the nodes naming the files they read."""

    name: str | None
    node: Node
    literals: tuple[SecretEntry, ...] = ()
    files: tuple[Node, ...] = ()


@dataclass(frozen=True, slots=True, eq=False)
class KubeField:
    """A credential field of a kubeconfig user: its key node, value node and literal text."""

    name: str
    key_node: Node
    value_node: Node
    text: str | None


@dataclass(frozen=True, slots=True, eq=False)
class KubeUser:
    """One ``users[]`` entry of a kubeconfig (``kind: Config``)."""

    name: str | None
    node: Node
    #: ``token``, ``password``, ``client-key-data``, ``client-key`` (a path),
    #: ``refresh-token`` (of ``auth-provider.config``), ``id-token`` among them when present.
    fields: tuple[KubeField, ...] = ()
    #: The user mints its credentials through an exec plugin (``aws eks get-token``, ...).
    exec: bool = False


@dataclass(frozen=True, slots=True, eq=False)
class K8sView:
    """Everything the Kubernetes rules read of one file."""

    rel: str
    manifests: tuple[Manifest, ...] = ()
    pod_specs: tuple[PodSpec, ...] = ()
    service_accounts: tuple[ServiceAccount, ...] = ()
    secrets: tuple[Secret, ...] = ()
    generators: tuple[SecretGenerator, ...] = ()
    users: tuple[KubeUser, ...] = ()
    #: The roots of a Helm values file (``values*.yaml``), for rules that read keys by name.
    values: tuple[Node, ...] = ()
    #: A Helm template (masked before parsing): its values may be computed at render time.
    template: bool = False
    #: SOPS-encrypted (a root ``sops:`` block or ``ENC[...]`` values): nothing in it is plain.
    sops: bool = False
    #: Terraform ``kubernetes_*`` resources: a value that is an expression (``var.key``) is a
    #: reference to a value the module holds, not a template's.
    terraform: bool = False

    def service_account(self, name: str | None) -> ServiceAccount | None:
        """The ServiceAccount of this file a pod spec names (``default`` when it names none)."""
        wanted = name or "default"
        for account in self.service_accounts:
            if account.manifest.name == wanted:
                return account
        return None
