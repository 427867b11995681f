"""The Kubernetes view of Terraform's ``kubernetes`` provider resources.

``kubernetes_secret``, ``kubernetes_service_account`` and the workload resources
(``kubernetes_deployment``, ``kubernetes_pod``, ``kubernetes_cron_job_v1``, ...) declare the same
objects as manifests, in HCL blocks (``container { env { value_from { secret_key_ref {...} } } }``).
This loader gives them the manifest model, so one rule reads both; its nodes are span nodes
with the HCL positions (0-based marks), so the builder locates them like YAML nodes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import yaml

from scanner.documents import yaml as y
from scanner.documents.hcl import HclAttribute, HclBlock, HclDocument
from scanner.documents.k8s.load import FEDERATION_KEYS
from scanner.documents.k8s.model import (
    Container,
    EnvFrom,
    EnvVar,
    K8sView,
    Manifest,
    PodSpec,
    Secret,
    ServiceAccount,
    TokenProjection,
)
from scanner.documents.yaml import Node

_VERSION = re.compile(r"_v\d+$")
#: Resource types (without ``_vN``) -> the manifest kind they declare.
KINDS = {
    "kubernetes_secret": "Secret",
    "kubernetes_service_account": "ServiceAccount",
    "kubernetes_pod": "Pod",
    "kubernetes_deployment": "Deployment",
    "kubernetes_stateful_set": "StatefulSet",
    "kubernetes_daemonset": "DaemonSet",
    "kubernetes_daemon_set": "DaemonSet",
    "kubernetes_replication_controller": "ReplicationController",
    "kubernetes_job": "Job",
    "kubernetes_cron_job": "CronJob",
}


def build(doc: HclDocument) -> K8sView:
    manifests: list[Manifest] = []
    pods: list[PodSpec] = []
    accounts: list[ServiceAccount] = []
    secrets: list[Secret] = []
    for block in doc.iter_blocks("resource"):
        if len(block.labels) < 2:
            continue
        kind = KINDS.get(_VERSION.sub("", block.labels[0]))
        if kind is None:
            continue
        metadata = _block(block, "metadata")
        name = _literal(metadata, "name") or block.labels[1]
        manifest = Manifest(None, kind, name, _literal(metadata, "namespace"),
                            _span(doc, block.node), _span(doc, block.node))
        manifests.append(manifest)
        if kind == "Secret":
            attr = block.attribute("type")
            secrets.append(Secret(manifest, attr.literal if attr else None,
                                  _span(doc, attr.node) if attr else None))
        elif kind == "ServiceAccount":
            accounts.append(_account(doc, manifest, block, metadata))
        else:
            pods.extend(_pods(doc, manifest, block))
    return K8sView(rel=doc.path, manifests=tuple(manifests), pod_specs=tuple(pods),
                   service_accounts=tuple(accounts), secrets=tuple(secrets), terraform=True)


def _span(doc: HclDocument, node: object) -> Node:
    location = doc.locate(node)
    start = yaml.Mark("", 0, location.line - 1, location.column - 1, None, 0)
    end = yaml.Mark("", 0, location.end_line - 1, location.end_column - 1, None, 0)
    return y.ScalarNode("tag:yaml.org,2002:str", "", start, end)


def _block(block: HclBlock | None, name: str) -> HclBlock | None:
    if block is None:
        return None
    return next((b for b in block.blocks if b.type == name), None)


def _blocks(block: HclBlock | None, name: str) -> Iterator[HclBlock]:
    if block is not None:
        yield from (b for b in block.blocks if b.type == name)


def _literal(block: HclBlock | None, name: str) -> str | None:
    attr = block.attribute(name) if block is not None else None
    return attr.literal if attr is not None else None


def _account(doc: HclDocument, manifest: Manifest, block: HclBlock,
             metadata: HclBlock | None) -> ServiceAccount:
    listed = list(_blocks(block, "secret"))
    entries = tuple(
        y.MappingNode("tag:yaml.org,2002:map", [(
            y.ScalarNode("tag:yaml.org,2002:str", "name"),
            y.ScalarNode("tag:yaml.org,2002:str", _literal(b, "name") or ""),
        )])
        for b in listed
    )
    annotations = metadata.attribute("annotations") if metadata is not None else None
    labels = metadata.attribute("labels") if metadata is not None else None
    source = " ".join(a.source for a in (annotations, labels) if a is not None)
    federated = next((k for k in FEDERATION_KEYS if k in source), None)
    return ServiceAccount(manifest, _span(doc, listed[0].node) if listed else None, entries,
                          federated)


def _pods(doc: HclDocument, manifest: Manifest, block: HclBlock) -> Iterator[PodSpec]:
    """The blocks that hold ``container`` blocks: the pod specs, at whatever depth."""
    stack = [block]
    while stack:
        current = stack.pop()
        if any(b.type == "container" for b in current.blocks):
            yield _pod(doc, manifest, current)
            continue
        stack.extend(reversed(current.blocks))


def _pod(doc: HclDocument, manifest: Manifest, spec: HclBlock) -> PodSpec:
    containers = [
        _container(doc, c, init=c.type == "init_container")
        for c in spec.blocks if c.type in ("container", "init_container")
    ]
    tokens: list[TokenProjection] = []
    mounted: list[str] = []
    for volume in _blocks(spec, "volume"):
        secret = _literal(_block(volume, "secret"), "secret_name")
        if secret:
            mounted.append(secret)
        for sources in _blocks(_block(volume, "projected"), "sources"):
            for token in _blocks(sources, "service_account_token"):
                attr = token.attribute("expiration_seconds")
                seconds = _int(attr)
                tokens.append(TokenProjection(
                    _span(doc, token.node), _span(doc, attr.node) if attr else None, seconds,
                    _literal(token, "audience")))
    return PodSpec(manifest, _span(doc, spec.node), _literal(spec, "service_account_name"),
                   tuple(containers), tuple(tokens), tuple(mounted))


def _int(attr: HclAttribute | None) -> int | None:
    if attr is None:
        return None
    text = (attr.literal or attr.source).strip()
    return int(text) if text.isdigit() else None


def _container(doc: HclDocument, block: HclBlock, *, init: bool) -> Container:
    env: list[EnvVar] = []
    for entry in _blocks(block, "env"):
        name_attr = entry.attribute("name")
        if name_attr is None or name_attr.literal is None:
            continue
        value = entry.attribute("value")
        ref = _block(_block(entry, "value_from"), "secret_key_ref")
        env.append(EnvVar(
            name=name_attr.literal,
            name_node=_span(doc, name_attr.node),
            entry=_span(doc, entry.node),
            value_node=_span(doc, value.node) if value else None,
            text=value.literal if value else None,
            templated=value is not None and value.literal is None,
            secret_name=_literal(ref, "name"),
            secret_key=_literal(ref, "key"),
            ref_node=_span(doc, ref.node) if ref else None,
        ))
    env_from = [
        EnvFrom(_literal(ref, "name"), _span(doc, ref.node))
        for entry in _blocks(block, "env_from")
        if (ref := _block(entry, "secret_ref")) is not None
    ]
    return Container(_literal(block, "name"), _span(doc, block.node), tuple(env),
                     tuple(env_from), init)
