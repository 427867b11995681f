"""The Kubernetes view of a file: manifests, pod specs, ServiceAccounts, Secrets, kustomize
generators, kubeconfig users and Helm values (``model``), built by ``load`` from composed YAML
and by ``helm`` from chart templates masked into YAML. ``view`` is the one entry the document
builder calls; the result is kept per text so rules on one file share one load.
"""

from __future__ import annotations

from scanner.documents.k8s.load import build, decode
from scanner.documents.k8s.model import (
    TEMPLATE_MARK,
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
    shown,
    templated,
)

__all__ = [
    "TEMPLATE_MARK",
    "Container",
    "EnvFrom",
    "EnvVar",
    "K8sView",
    "KubeField",
    "KubeUser",
    "Manifest",
    "PodSpec",
    "Secret",
    "SecretEntry",
    "SecretGenerator",
    "ServiceAccount",
    "TokenProjection",
    "build",
    "decode",
    "shown",
    "templated",
]
