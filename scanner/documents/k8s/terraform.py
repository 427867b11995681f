"""The Kubernetes view of Terraform's ``kubernetes`` provider resources.

``kubernetes_secret``, ``kubernetes_service_account`` and the workload resources
(``kubernetes_deployment``, ``kubernetes_pod``, ``kubernetes_cron_job_v1``, ...) declare the same
objects as manifests, in HCL blocks (``container { env { value_from { secret_key_ref {...} } } }``).
This loader gives them the manifest model, so one rule reads both; its nodes are span nodes
with the HCL positions (0-based marks), so the builder locates them like YAML nodes.
``kubernetes_manifest`` holds the manifest itself as an HCL object (``manifest = { kind =
"Secret", ... }``): it becomes YAML nodes with the HCL positions and goes through the
manifest loader (``load.build``), so no second copy of that logic reads it; an expression
(``var.sa``) is a scalar that reads as templated, as a chart's ``{{ }}`` does, and is shown
as ``${var.sa}``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import yaml

from scanner.documents import yaml as y
from scanner.documents.hcl import HclAttribute, HclBlock, HclDocument, TsNode
from scanner.documents.k8s import load
from scanner.documents.k8s.load import FEDERATION_KEYS
from scanner.documents.k8s.model import (
    TEMPLATE_MARK,
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
    "kubernetes_default_service_account": "ServiceAccount",
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
    objects: list[Node] = []
    addresses: dict[str, str] = {}  # ``kubernetes_secret.x`` -> the Secret's name
    for block in doc.iter_blocks("resource"):
        if len(block.labels) < 2:
            continue
        if block.labels[0] == "kubernetes_manifest":
            attr = block.attribute("manifest")
            if attr is not None:
                objects.extend(_manifest_roots(doc, attr.expression))
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
            addresses[f"{block.labels[0]}.{block.labels[1]}"] = manifest.name or ""
        elif kind == "ServiceAccount":
            accounts.append(_account(doc, manifest, block, metadata))
        else:
            pods.extend(_pods(doc, manifest, block))
    return _with_objects(K8sView(rel=doc.path, manifests=tuple(manifests),
                                 pod_specs=tuple(pods),
                                 service_accounts=_named(accounts, addresses),
                                 secrets=tuple(secrets), terraform=True), objects)


#: ``kubernetes_secret_v1.ci.metadata[0].name`` (or ``${...}`` in JSON): a Secret of the file.
_SECRET_REF = re.compile(r"^\$?\{?\s*(kubernetes_secret(?:_v1)?\.[\w-]+)\.metadata\b")


def _named(accounts: list[ServiceAccount], addresses: dict[str, str]
           ) -> tuple[ServiceAccount, ...]:
    """The accounts with each listed ``secret { name = kubernetes_secret.x.metadata... }``
    read as that Secret's name; another expression stays templated (``«...»``)."""
    out: list[ServiceAccount] = []
    for account in accounts:
        entries = []
        for entry in account.secrets:
            text = y.scalar(y.get(entry, "name")) or ""
            if TEMPLATE_MARK in text:
                match = _SECRET_REF.match(text[1:-1])
                text = addresses.get(match.group(1), text) if match else text
            entries.append(y.MappingNode("tag:yaml.org,2002:map", [(
                y.ScalarNode("tag:yaml.org,2002:str", "name"),
                y.ScalarNode("tag:yaml.org,2002:str", text))]))
        out.append(ServiceAccount(account.manifest, account.secrets_key, tuple(entries),
                                  account.federated))
    return tuple(out)


def _name_text(literal: str | None, source: str | None) -> str:
    """A listed Secret's name: the literal, or the expression marked as templated."""
    if literal is not None:
        return literal
    if source and source.startswith('"${') and source.endswith('}"'):  # ``"${x.y}"``
        source = source[1:-1]
    if source and source.startswith("${") and source.endswith("}"):  # and ``.tf.json``
        source = source[2:-1]
    return f"{TEMPLATE_MARK}{' '.join((source or '').split())[:120]}\u00bb" if source else ""


def _with_objects(view: K8sView, objects: list[Node]) -> K8sView:
    """``view`` with the manifests of ``kubernetes_manifest`` resources added, as the
    manifest loader reads them."""
    if not objects:
        return view
    extra = load.build(view.rel, tuple(objects), sops_hint=False)
    return K8sView(
        rel=view.rel,
        manifests=view.manifests + extra.manifests,
        pod_specs=view.pod_specs + extra.pod_specs,
        service_accounts=view.service_accounts + extra.service_accounts,
        secrets=view.secrets + extra.secrets,
        terraform=True,
    )


def _manifest_roots(doc: HclDocument, expr: TsNode) -> list[Node]:
    """The object a ``manifest`` attribute declares: an HCL object, or ``yamldecode(<<EOT
    ...EOT)`` of a heredoc, parsed as YAML in place (interpolations masked, lines kept)."""
    node = expr
    while node.type in ("expression", "template_expr") and node.named_child_count == 1:
        node = node.named_children[0]
    if node.type == "function_call" and node.named_child_count == 2 \
            and doc.source(node.named_children[0]) == "yamldecode":
        heredoc = next((n for n in _descendants(node.named_children[1])
                        if n.type == "heredoc_template"), None)
        return [r for r in _heredoc_yaml(doc, heredoc) if isinstance(r, y.MappingNode)] \
            if heredoc is not None else []
    root = _hcl_node(doc, expr)
    return [root] if isinstance(root, y.MappingNode) else []


def _descendants(node: TsNode) -> Iterator[TsNode]:
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if current.type not in ("heredoc_template", "object", "tuple"):
            stack.extend(reversed(current.named_children))


def _heredoc_yaml(doc: HclDocument, heredoc: TsNode) -> tuple[Node, ...]:
    from scanner.documents.k8s.helm import compose  # masks and bounds like a chart template

    source = doc.source(heredoc)
    first = source.find("\n")
    last = source.rfind("\n")
    if first < 0 or last <= first:
        return ()
    # ``${var.name}`` -> ``«var.name» ``: the same width, templated, shown as ``${var.name}``.
    body = _INTERPOLATION.sub(lambda m: f"{TEMPLATE_MARK}{m.group(0)[2:-1]}\u00bb ",
                              source[first + 1:last + 1])
    return compose("\n" * (heredoc.start_point[0] + 1) + body)


#: ``${...}`` and ``%{...}`` in a heredoc (one level of braces inside is enough for YAML).
_INTERPOLATION = re.compile(r"[$%]\{(?:[^{}]|\{[^{}]*\})*\}")


def _mark(line: int, column: int) -> yaml.Mark:
    return yaml.Mark("", 0, line - 1, column - 1, None, 0)


def _hcl_node(doc: HclDocument, expr: TsNode, depth: int = 0) -> Node | None:
    """An HCL expression as YAML nodes: objects as mappings, tuples as sequences, literals as
    scalars, anything else as a templated scalar holding its source (``«var.x»``, never a
    literal); positions are the HCL ones."""
    node = expr
    while getattr(node, "type", "") in ("expression", "collection_value", "literal_value",
                                        "parenthesized_expression") \
            and getattr(node, "named_child_count", 0) == 1:
        node = node.named_children[0]
    location = doc.locate(expr)
    start = _mark(location.line, location.column)
    end = _mark(location.end_line, location.end_column)
    kind = getattr(node, "type", "")
    if depth > 64:
        return None
    if kind == "object":
        pairs: list[tuple[Node, Node]] = []
        for elem in node.named_children:
            parts = [c for c in elem.named_children if c.type == "expression"]
            if elem.type != "object_elem" or len(parts) != 2:
                continue
            key = _hcl_node(doc, parts[0], depth + 1)
            value = _hcl_node(doc, parts[1], depth + 1)
            if key is not None and value is not None:
                if not isinstance(key, y.ScalarNode) or y.scalar(key) is None:
                    continue
                pairs.append((key, value))
        return y.MappingNode("tag:yaml.org,2002:map", pairs, start, end)
    if kind == "tuple":
        items = [_hcl_node(doc, c, depth + 1) for c in node.named_children
                 if c.type == "expression"]
        return y.SequenceNode("tag:yaml.org,2002:seq", [i for i in items if i is not None],
                              start, end)
    text = _hcl_text(doc, node, kind)
    if text is None:  # an expression: templated, shown as ``${...}`` in messages
        source = " ".join(doc.source(expr).split())
        source = source if len(source) <= 60 else source[:59] + "\u2026"
        text = TEMPLATE_MARK + source.replace("\u00bb", "") + "\u00bb"
    return y.ScalarNode("tag:yaml.org,2002:str", text, start, end)


def _hcl_text(doc: HclDocument, node: TsNode, kind: str) -> str | None:
    """The text of a literal (a string without interpolation, a number, a bool), or of a
    bare object key (``kind = ...``: a variable expression that names itself)."""
    if kind == "string_lit":
        parts: list[str] = []
        for child in node.named_children:
            if child.type == "template_literal":
                parts.append(doc.source(child))
            elif child.type not in ("quoted_template_start", "quoted_template_end"):
                return None
        return "".join(parts)
    if kind in ("numeric_lit", "bool_lit", "null_lit"):
        return doc.source(node)
    if kind == "variable_expr" and getattr(node, "named_child_count", 0) == 1:
        return doc.source(node)
    return None


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
            y.ScalarNode("tag:yaml.org,2002:str", _name_text(
                _literal(b, "name"), a.source if (a := b.attribute("name")) else None)),
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
    """A whole number written as digits or as a product of them (``60 * 60 * 24``)."""
    if attr is None:
        return None
    factors = (attr.literal or attr.source).strip().split("*")
    if not 0 < len(factors) <= 4 or not all(f.strip().isdigit() for f in factors):
        return None
    product = 1
    for factor in factors:
        product *= int(factor)
    return product


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
    objects: list[Node] = []
    addresses: dict[str, str] = {}
    for root in roots:
        resources = y.get(root, "resource")
        for group in [resources, *y.elements(resources)]:
            for native_type, _, by_name in y.items(group):
                if native_type == "kubernetes_manifest":
                    objects.extend(m for _, _, body in y.items(by_name)
                                   if isinstance(m := y.get(body, "manifest"), y.MappingNode))
                    continue
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
                        addresses[f"{native_type}.{label}"] = manifest.name or ""
                    elif kind == "ServiceAccount":
                        accounts.append(_json_account(manifest, body, metadata))
                    else:
                        pods.extend(_json_pods(manifest, body))
    return _with_objects(K8sView(rel=rel, manifests=tuple(manifests), pod_specs=tuple(pods),
                                 service_accounts=_named(accounts, addresses),
                                 secrets=tuple(secrets), terraform=True), objects)


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
            y.ScalarNode("tag:yaml.org,2002:str", _name_text(
                _json_literal(b, "name"), y.scalar(y.get(b, "name")))),
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
