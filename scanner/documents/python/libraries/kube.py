"""Kubernetes TokenRequest: service-account tokens minted with the caller's own credential.

``CoreV1Api().create_namespaced_service_account_token(name, ns, body)`` mints a bound token
(``expirationSeconds``, one hour by default). In a pod (``config.load_incluster_config()``) the
caller's credential is the projected token the kubelet rotates; from a kubeconfig file it is
whatever that file holds, often a static token or client key that never expires.
"""

from __future__ import annotations

import libcst as cst

from scanner.documents.python.libraries.model import Sink, SinkKind
from scanner.documents.python.sources import CredentialClass, CredentialSource
from scanner.documents.python.view import DocumentView

_IN_CLUSTER = ("load_incluster_config",)
_KUBECONFIG = ("load_kube_config", "new_client_from_config", "load_kube_config_from_dict")


def token_request_sink(doc: DocumentView, call: cst.Call, method: str | None) -> Sink | None:
    """A TokenRequest from a module that loads a kubeconfig (and not the in-cluster config)."""
    if not doc.imports_from("kubernetes"):
        return None
    loads: list[cst.Call] = []
    for other in doc.calls():
        func = other.func
        name = func.attr.value if isinstance(func, cst.Attribute) else None
        if name is None and isinstance(func, cst.Name):
            name = func.value
        if name in _IN_CLUSTER:
            return None
        if name in _KUBECONFIG:
            loads.append(other)
    if not loads:
        return None
    where = "the kubeconfig `load_kube_config` reads (a token or client key it stores)"
    fixed = CredentialSource(CredentialClass.STATIC_CONFIG, loads[0], where)
    return Sink(call, SinkKind.KUBE_CREDENTIAL, None, loads[0], fixed)
