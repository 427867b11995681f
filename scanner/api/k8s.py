"""``K8sRule``: the base of the Kubernetes and Helm rules (``LLC-K8S``), on the Kubernetes view.

The view (``scanner.documents.k8s``) has already found the pod specs of every workload kind,
the ServiceAccounts, Secrets, kustomize generators, kubeconfig users and Helm values of a file;
a rule overrides the hooks for the shapes it reasons about. A SOPS-encrypted file holds nothing
plain, so no hook sees it.
"""

from __future__ import annotations

from collections.abc import Iterator

from scanner.api.rule import Rule
from scanner.documents import yaml as y
from scanner.documents.k8s import (
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
    shown,
    templated,
)
from scanner.documents.yaml import Node


class K8sRule(Rule):
    """Runs on the Kubernetes view of manifests, chart templates, values files and kubeconfigs."""

    DOCUMENT = "k8s"

    def check_k8s(self, view: K8sView) -> None:
        """Walk the view through the hooks, in file order within each shape."""
        if view.sops:
            return
        self.view = view
        for manifest in view.manifests:
            self.check_manifest(manifest)
        for pod in view.pod_specs:
            self.check_pod_spec(pod)
        for account in view.service_accounts:
            self.check_service_account(account)
        for secret in view.secrets:
            self.check_secret(secret)
        for generator in view.generators:
            self.check_generator(generator)
        for user in view.users:
            self.check_kube_user(user)
        for root in view.values:
            self.check_values(root)

    def check_manifest(self, manifest: Manifest) -> None:
        """Any object with a ``kind``."""

    def check_pod_spec(self, pod: PodSpec) -> None:
        """A pod template of any workload kind."""

    def check_service_account(self, account: ServiceAccount) -> None:
        """A ``kind: ServiceAccount``."""

    def check_secret(self, secret: Secret) -> None:
        """A ``kind: Secret``, its ``data`` decoded."""

    def check_generator(self, generator: SecretGenerator) -> None:
        """A kustomize ``secretGenerator`` item."""

    def check_kube_user(self, user: KubeUser) -> None:
        """A ``users[]`` entry of a kubeconfig."""

    def check_values(self, root: Node) -> None:
        """The root of a Helm ``values*.yaml`` document."""


def value_entries(root: Node) -> Iterator[tuple[tuple[str, ...], Node, Node]]:
    """``(parent keys, key node, value node)`` for every mapping entry under ``root``, in file
    order, with the path of keys leading to it (list items add no key)."""
    stack: list[tuple[tuple[str, ...], Node]] = [((), root)]
    seen: set[int] = set()
    while stack and len(seen) < y.MAX_WALK_NODES:
        path, node = stack.pop()
        if id(node) in seen:  # an alias: its entries were given once already
            continue
        seen.add(id(node))
        if isinstance(node, y.MappingNode):
            children = list(y.items(node))
            for _key, key_node, value in children:
                yield path, key_node, value
            for key, _, value in reversed(children):
                stack.append(((*path, key), value))
        elif isinstance(node, y.SequenceNode):
            stack.extend((path, item) for item in reversed(node.value))


__all__ = [
    "EnvVar",
    "K8sRule",
    "K8sView",
    "KubeField",
    "KubeUser",
    "Manifest",
    "PodSpec",
    "Secret",
    "SecretEntry",
    "SecretGenerator",
    "ServiceAccount",
    "shown",
    "templated",
    "value_entries",
]
