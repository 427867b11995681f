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


# ---- Terraform JSON (``.tf.json``) -----------------------------------------------------------
# The same resources in JSON syntax: a nested block is an object, or a list of objects when it
# repeats (``"container": [{...}, {...}]``); a string holding ``${...}`` is an expression. The
# nodes are the composed JSON's own, so positions are exact.


def build_json(rel: str, roots: tuple[Node, ...]) -> K8sView:
    manifests: list[Manifest] = []
    pods: list[PodSpec] = []
    accounts: list[ServiceAccount] = []
    secrets: list[Secret] = []
    for root in roots:
        resources = y.get(root, "resource")
        for group in [resources, *y.elements(resources)]:
            for native_type, _, by_name in y.items(group):
                kind = KINDS.get(_VERSION.sub("", native_type))
                if kind is None:
                    continue
                for label, key_node, body in y.items(by_name):
                    if not isinstance(body, y.MappingNode):
                        continue
                    metadata = _json_block(body, "metadata")
                    manifest = Manifest(
                        None, kind, _json_literal(metadata, "name") or label,
                        _json_literal(metadata, "namespace"), key_node, key_node,
                        annotations=_json_strings(y.get(metadata, "annotations")),
                        labels=_json_strings(y.get(metadata, "labels")))
                    manifests.append(manifest)
                    if kind == "Secret":
                        node = y.get(body, "type")
                        secrets.append(Secret(manifest, _json_literal(body, "type"), node))
                    elif kind == "ServiceAccount":
                        accounts.append(_json_account(manifest, body, metadata))
                    else:
                        pods.extend(_json_pods(manifest, body))
    return K8sView(rel=rel, manifests=tuple(manifests), pod_specs=tuple(pods),
                   service_accounts=tuple(accounts), secrets=tuple(secrets), terraform=True)


def _json_blocks(body: Node | None, name: str) -> Iterator[y.MappingNode]:
    value = y.get(body, name)
    for item in [value, *y.elements(value)]:
        if isinstance(item, y.MappingNode):
            yield item


def _json_block(body: Node | None, name: str) -> y.MappingNode | None:
    return next(_json_blocks(body, name), None)


def _json_literal(body: Node | None, name: str) -> str | None:
    """A written value (string, number, bool); None for an expression or anything else."""
    text = y.scalar(y.get(body, name))
    return text if text is not None and "${" not in text else None


def _json_strings(node: Node | None) -> dict[str, str]:
    return {key: text for key, _, value in y.items(node) if (text := y.scalar(value)) is not None}


def _json_account(manifest: Manifest, body: y.MappingNode,
                  metadata: y.MappingNode | None) -> ServiceAccount:
    listed = list(_json_blocks(body, "secret"))
    entries = tuple(
        y.MappingNode("tag:yaml.org,2002:map", [(
            y.ScalarNode("tag:yaml.org,2002:str", "name"),
            y.ScalarNode("tag:yaml.org,2002:str", _json_literal(b, "name") or ""),
        )])
        for b in listed
    )
    words = [f"{k} {v}" for key in ("annotations", "labels")
             for k, v in _json_strings(y.get(metadata, key)).items()]
    source = " ".join(words)
    federated = next((k for k in FEDERATION_KEYS if k in source), None)
    return ServiceAccount(manifest, listed[0] if listed else None, entries, federated)


def _json_pods(manifest: Manifest, body: y.MappingNode) -> Iterator[PodSpec]:
    """The objects that hold ``container``: the pod specs, at whatever depth."""
    stack: list[Node] = [body]
    seen: set[int] = set()
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, y.MappingNode) and y.get(current, "container") is not None:
            yield _json_pod(manifest, current)
            continue
        if isinstance(current, y.MappingNode):
            stack.extend(reversed([v for _, _, v in y.items(current)
                                   if isinstance(v, (y.MappingNode, y.SequenceNode))]))
        elif isinstance(current, y.SequenceNode):
            stack.extend(reversed(list(y.elements(current))))


def _json_pod(manifest: Manifest, spec: y.MappingNode) -> PodSpec:
    containers = [
        _json_container(c, init=kind == "init_container")
        for kind in ("container", "init_container") for c in _json_blocks(spec, kind)
    ]
    tokens: list[TokenProjection] = []
    mounted: list[str] = []
    for volume in _json_blocks(spec, "volume"):
        secret = _json_literal(_json_block(volume, "secret"), "secret_name")
        if secret:
            mounted.append(secret)
        for sources in _json_blocks(_json_block(volume, "projected"), "sources"):
            for token in _json_blocks(sources, "service_account_token"):
                node = y.get(token, "expiration_seconds")
                text = (_json_literal(token, "expiration_seconds") or "").strip()
                tokens.append(TokenProjection(
                    token, node, int(text) if text.isdigit() else None,
                    _json_literal(token, "audience")))
    return PodSpec(manifest, spec, _json_literal(spec, "service_account_name"),
                   tuple(containers), tuple(tokens), tuple(mounted))


def _json_container(block: y.MappingNode, *, init: bool) -> Container:
    env: list[EnvVar] = []
    for entry in _json_blocks(block, "env"):
        name_node = y.get(entry, "name")
        name = _json_literal(entry, "name")
        if name is None or name_node is None:
            continue
        value = y.get(entry, "value")
        text = _json_literal(entry, "value")
        ref = _json_block(_json_block(entry, "value_from"), "secret_key_ref")
        env.append(EnvVar(
            name=name,
            name_node=name_node,
            entry=entry,
            value_node=value,
            text=text,
            templated=value is not None and text is None,
            secret_name=_json_literal(ref, "name"),
            secret_key=_json_literal(ref, "key"),
            ref_node=ref,
        ))
    env_from = [
        EnvFrom(_json_literal(ref, "name"), ref)
        for entry in _json_blocks(block, "env_from")
        if (ref := _json_block(entry, "secret_ref")) is not None
    ]
    return Container(_json_literal(block, "name"), block, tuple(env), tuple(env_from), init)
