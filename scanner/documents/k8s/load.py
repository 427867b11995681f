"""Build the Kubernetes view of a composed YAML stream (``model.K8sView``).

Workload kinds keep their pod template at different depths; the loader looks where each kind
keeps it (a Pod's ``spec``, a Deployment's ``spec.template.spec``, a CronJob's
``spec.jobTemplate.spec.template.spec``) for any kind at all, so custom workloads built on the
same shape (Argo Rollouts, Knative, OpenShift DeploymentConfig) are read too. ``kind: List``
items are objects of their own. Nothing here decides what is a finding.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import yaml

from scanner.documents import yaml as y
from scanner.documents.k8s.model import (
    Container,
    EnvFrom,
    EnvVar,
    K8sView,
    KubeField,
    KubeUser,
    Manifest,
    PodSpec,
    Secret,
    SecretEntry,
    SecretGenerator,
    ServiceAccount,
    TokenProjection,
    templated,
)
from scanner.documents.yaml import Node
from scanner.secrets.encodings import secret_data_text

#: Where pod templates live, as key paths from the object root.
POD_PATHS: tuple[tuple[str, ...], ...] = (
    ("spec", "template", "spec"),
    ("spec", "jobTemplate", "spec", "template", "spec"),
    ("spec",),
)
#: Annotations (and labels) that bind a ServiceAccount to a cloud identity.
FEDERATION_KEYS = (
    "eks.amazonaws.com/role-arn",
    "iam.gke.io/gcp-service-account",
    "azure.workload.identity/client-id",
    "azure.workload.identity/use",
)
#: Kubeconfig user fields that hold a credential or point at one.
USER_FIELDS = ("token", "password", "client-key-data", "client-key", "tokenFile")
_SOPS_VALUE = re.compile(r"^ENC\[[A-Z0-9_]+,data:")
#: Bound on the objects one file yields (a generated bundle).
MAX_OBJECTS = 5000


def build(rel: str, roots: tuple[Node, ...], *, values: bool = False,
          template: bool = False, sops_hint: bool = True) -> K8sView:
    """The view of ``roots``; ``values`` marks a Helm values file, ``template`` a chart template.

    ``sops_hint`` says the text mentions ``sops`` or ``ENC[`` at all (no walk for SOPS otherwise).
    """
    manifests = [m for root in roots for m in _objects(root)][:MAX_OBJECTS]
    pods = [p for m in manifests for p in _pod_specs(m)]
    accounts = [_service_account(m) for m in manifests if m.kind == "ServiceAccount"]
    secrets = [_secret(m) for m in manifests if m.kind == "Secret"]
    generators = [g for root in roots for g in _generators(root)]
    users = [u for m in manifests if m.kind == "Config" for u in _users(m.node)]
    return K8sView(
        rel=rel,
        manifests=tuple(manifests),
        pod_specs=tuple(pods),
        service_accounts=tuple(accounts),
        secrets=tuple(secrets),
        generators=tuple(generators),
        users=tuple(users),
        values=roots if values else (),
        template=template,
        sops=sops_hint and any(_is_sops(root) for root in roots),
    )


def _objects(root: Node) -> Iterator[Manifest]:
    """The object at ``root`` and, for ``kind: *List``, its items (each list once: an alias
    may make a list its own item)."""
    stack, seen = [root], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        kind_node = y.get(node, "kind")
        kind = y.scalar(kind_node)
        if kind is None or kind_node is None:
            continue
        if kind.endswith("List"):
            stack.extend(reversed(list(y.elements(y.get(node, "items")))))
        metadata = y.get(node, "metadata")
        yield Manifest(
            api_version=y.scalar(y.get(node, "apiVersion")),
            kind=kind,
            name=y.scalar(y.get(metadata, "name")),
            namespace=y.scalar(y.get(metadata, "namespace")),
            node=node,
            kind_node=kind_node,
            annotations=_strings(y.get(metadata, "annotations")),
            labels=_strings(y.get(metadata, "labels")),
        )


def _strings(node: Node | None) -> dict[str, str]:
    return {key: text for key, _, value in y.items(node) if (text := y.scalar(value)) is not None}


def _path(node: Node | None, keys: tuple[str, ...]) -> Node | None:
    for key in keys:
        node = y.get(node, key)
    return node


def _pod_specs(manifest: Manifest) -> Iterator[PodSpec]:
    for keys in POD_PATHS:
        spec = _path(manifest.node, keys)
        if not isinstance(spec, y.MappingNode) or not isinstance(
            y.get(spec, "containers"), y.SequenceNode
        ):
            continue
        account = y.scalar(y.get(spec, "serviceAccountName")) or y.scalar(
            y.get(spec, "serviceAccount")
        )
        containers = [
            _container(c, init=init)
            for init, key in ((False, "containers"), (True, "initContainers"))
            for c in y.elements(y.get(spec, key))
            if isinstance(c, y.MappingNode)
        ]
        tokens: list[TokenProjection] = []
        mounted: list[str] = []
        for volume in y.elements(y.get(spec, "volumes")):
            name = y.scalar(_path(volume, ("secret", "secretName")))
            if name:
                mounted.append(name)
            for source in y.elements(_path(volume, ("projected", "sources"))):
                token = y.get(source, "serviceAccountToken")
                if isinstance(token, y.MappingNode):
                    tokens.append(_token(token))
                name = y.scalar(_path(source, ("secret", "name")))
                if name:
                    mounted.append(name)
        yield PodSpec(manifest, spec, account, tuple(containers), tuple(tokens), tuple(mounted))
        return


def _token(node: Node) -> TokenProjection:
    expiration = y.get(node, "expirationSeconds")
    text = y.scalar(expiration)
    seconds = int(text) if text is not None and text.strip().isdigit() else None
    return TokenProjection(node, expiration, seconds, y.scalar(y.get(node, "audience")))


def _container(node: Node, *, init: bool) -> Container:
    env: list[EnvVar] = []
    for entry in y.elements(y.get(node, "env")):
        name_node = y.get(entry, "name")
        name = y.scalar(name_node)
        if name is None or name_node is None:
            continue
        value = y.get(entry, "value")
        text = y.scalar(value)
        ref = _path(entry, ("valueFrom", "secretKeyRef"))
        env.append(
            EnvVar(
                name=name,
                name_node=name_node,
                entry=entry,
                value_node=value,
                text=None if templated(text) else text,
                templated=templated(text) or templated(name),
                secret_name=y.scalar(y.get(ref, "name")),
                secret_key=y.scalar(y.get(ref, "key")),
                ref_node=ref,
            )
        )
    env_from = [
        EnvFrom(y.scalar(y.get(ref, "name")), ref)
        for entry in y.elements(y.get(node, "envFrom"))
        if (ref := y.get(entry, "secretRef")) is not None
    ]
    return Container(y.scalar(y.get(node, "name")), node, tuple(env), tuple(env_from), init)


def _service_account(manifest: Manifest) -> ServiceAccount:
    key = y.get_key(manifest.node, "secrets")
    entries = tuple(y.elements(y.get(manifest.node, "secrets")))
    federated = next(
        (k for k in FEDERATION_KEYS
         if (manifest.annotations.get(k) or manifest.labels.get(k) or "").strip()
         not in ("", "false", '""')),
        None,
    )
    return ServiceAccount(manifest, key, entries, federated)


def _secret(manifest: Manifest) -> Secret:
    type_node = y.get(manifest.node, "type")
    entries: list[SecretEntry] = []
    for section, encoded in (("data", True), ("stringData", False)):
        for key, key_node, value in y.items(y.get(manifest.node, section)):
            text = y.scalar(value)
            is_templated = templated(text)
            if encoded and text is not None and not is_templated:
                text = decode(text)
            entries.append(
                SecretEntry(key, key_node, value, value, None if is_templated else text,
                            encoded, is_templated)
            )
    return Secret(manifest, y.scalar(type_node), type_node, tuple(entries))


def decode(text: str) -> str | None:
    """A ``data`` value as the cluster reads it, or None when it is not base64 of UTF-8 text
    (``secrets.encodings.secret_data_text``, the copy LLC-SRC-023 reads too)."""
    return secret_data_text(text)


def _generators(root: Node) -> Iterator[SecretGenerator]:
    """kustomize ``secretGenerator`` items (of a ``kustomization.yaml``, whatever its head)."""
    for item in y.elements(y.get(root, "secretGenerator")):
        literals = []
        for literal in y.elements(y.get(item, "literals")):
            entry = _literal(literal)
            if entry is not None:
                literals.append(entry)
        files = tuple(f for key in ("envs", "files") for f in y.elements(y.get(item, key)))
        yield SecretGenerator(y.scalar(y.get(item, "name")), item, tuple(literals), files)


def _literal(node: Node) -> SecretEntry | None:
    """``KEY=value``: the entry, with the value part as its target where the scalar is plain."""
    text = y.scalar(node)
    if text is None or "=" not in text:
        return None
    key, value = text.split("=", 1)
    target = node
    start, end = node.start_mark, node.end_mark
    if (
        isinstance(node, y.ScalarNode)
        and not node.style
        and start.line == end.line
        and end.column - start.column == len(text)
    ):
        begin = yaml.Mark("", 0, start.line, start.column + len(key) + 1, None, 0)
        target = y.ScalarNode("tag:yaml.org,2002:str", value, begin, end)
    return SecretEntry(key.strip(), node, node, target, None if templated(value) else value,
                       False, templated(value))


def _users(root: Node) -> Iterator[KubeUser]:
    for entry in y.elements(y.get(root, "users")):
        user = y.get(entry, "user")
        if not isinstance(user, y.MappingNode):
            continue
        fields = [
            KubeField(name, key, value, y.scalar(value))
            for name, key, value in y.items(user)
            if name in USER_FIELDS
        ]
        config = _path(user, ("auth-provider", "config"))
        fields.extend(
            KubeField(name, key, value, y.scalar(value))
            for name, key, value in y.items(config)
            if name in ("refresh-token", "client-secret", "id-token", "access-token")
        )
        yield KubeUser(y.scalar(y.get(entry, "name")), user, tuple(fields),
                       exec=y.get(user, "exec") is not None)


def _is_sops(root: Node) -> bool:
    sops = y.get(root, "sops")
    if isinstance(sops, y.MappingNode) and (
        y.get(sops, "mac") is not None or y.get(sops, "version") is not None
    ):
        return True
    for node in y.walk(root):
        text = y.scalar(node)
        if text is not None and _SOPS_VALUE.match(text):
            return True
    return False
