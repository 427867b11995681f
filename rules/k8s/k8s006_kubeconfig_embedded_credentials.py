"""LLC-K8S-006: a kubeconfig with embedded static credentials."""

from __future__ import annotations

import base64

from scanner.api import (
    BASE64,
    Category,
    FileKind,
    Invalid,
    K8sRule,
    KubeField,
    KubeUser,
    Lifetime,
    Precision,
    RuleMeta,
    Severity,
    Valid,
    fake_pem,
    fake_token,
    templated,
)
from scanner.api.k8s_values import REDACTED, is_reference

_KEY_DATA = base64.b64encode(fake_pem("RSA PRIVATE KEY", 4, seed=61).encode()).decode()
_TOKEN = fake_token("", 48, BASE64, seed=62).replace("/", "_").replace("+", "-")
_PASSWORD = fake_token("", 20, BASE64, seed=63)
_REFRESH = fake_token("1//0g", 60, BASE64, seed=64)

_HEADER = "apiVersion: v1\nkind: Config\ncurrent-context: ci\nusers:\n"


def _private_key(text: str) -> bool:
    try:
        decoded = base64.b64decode("".join(text.split()), validate=True)
    except ValueError:
        return False
    return b"PRIVATE KEY" in decoded[:200]


class KubeconfigEmbeddedCredentials(K8sRule):
    """## What it does
    Flags kubeconfig users (`kind: Config`, `users[].user`) that carry their credential in the
    file: a bearer `token` or a `client-key-data` private key (critical), a basic-auth
    `password` or an `auth-provider` `refresh-token` (high). Users authenticated by an `exec`
    plugin are quiet, as are `tokenFile`, `client-key` paths, placeholders and the redacted
    values `kubectl config view` prints (`DATA+OMITTED`, `REDACTED`).

    ## Why is this bad?
    A kubeconfig with an embedded credential is a portable cluster login. A client certificate
    cannot be revoked by Kubernetes and lives until it expires (often a year or more); a legacy
    token never expires; a refresh token mints new sessions until someone revokes it (OWASP
    NHI2, NHI7).

    ## Example
    ```yaml
    users:
      - name: ci
        user:
          token: eyJhbGciOi...
    ```

    Use instead:
    ```yaml
    users:
      - name: ci
        user:
          exec:
            apiVersion: client.authentication.k8s.io/v1beta1
            command: aws
            args: [eks, get-token, --cluster-name, prod]
    ```

    ## References
    - Kubernetes, client-go credential plugins: https://kubernetes.io/docs/reference/access-authn-authz/authentication/#client-go-credential-plugins
    - Kubernetes, certificates cannot be revoked: https://kubernetes.io/docs/reference/access-authn-authz/authentication/#x509-client-certificates
    """

    META = RuleMeta(
        id="LLC-K8S-006",
        name="kubeconfig-embedded-credentials",
        summary="kubeconfig with embedded static credentials",
        category=Category.STATIC_SECRET,
        severity=Severity.HIGH,
        precision=Precision.VERY_HIGH,
        owasp=("NHI2", "NHI7"),
        fix="Authenticate through an exec credential plugin (`aws eks get-token`, "
        "`gke-gcloud-auth-plugin`, `kubelogin`) that mints short tokens from a cloud identity, "
        "and revoke the embedded credential.",
        kinds=frozenset({FileKind.KUBECONFIG}),
        triggers=("users",),
        requires=("token", "password", "client-key-data"),
    )

    VALID = [
        Valid(
            _HEADER + "  - name: ci\n    user:\n      exec:\n"
            "        apiVersion: client.authentication.k8s.io/v1beta1\n"
            "        command: aws\n        args: [eks, get-token, --cluster-name, prod]\n"
        ),
        Valid(
            _HEADER + "  - name: admin\n    user:\n"
            "      client-certificate-data: DATA+OMITTED\n      client-key-data: DATA+OMITTED\n"
            "      token: REDACTED\n",
            path="docs/kubeconfig",
        ),
        Valid(
            _HEADER + "  - name: sa\n    user:\n"
            "      tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token\n"
            "      client-key: /etc/kubernetes/pki/admin.key\n"
        ),
        Valid(
            _HEADER + "  - name: ci\n    user:\n      token: ${KUBE_TOKEN}\n"
            "  - name: dev\n    user:\n      password: <password>\n",
            path="deploy/kubeconfig.tmpl.yaml",
        ),
    ]
    INVALID = [
        Invalid(
            _HEADER + f"  - name: ci\n    user:\n      token: {_TOKEN}  # expect: LLC-K8S-006\n"
        ),
        Invalid(
            _HEADER + "  - name: admin\n    user:\n"
            "      client-certificate-data: LS0tLS1CRUdJTi1DRVJU\n"
            f"      client-key-data: {_KEY_DATA}  # expect: LLC-K8S-006\n",
            path="clusters/prod/admin.kubeconfig.yaml",
        ),
        Invalid(
            _HEADER + "  - name: basic\n    user:\n      username: admin\n"
            f"      password: {_PASSWORD}  # expect: LLC-K8S-006\n"
            "  - name: oidc\n    user:\n      auth-provider:\n        name: oidc\n"
            "        config:\n          client-id: kubernetes\n"
            f"          refresh-token: {_REFRESH}  # expect: LLC-K8S-006\n",
            path=".kube/config",
        ),
    ]

    def check_kube_user(self, user: KubeUser) -> None:
        if user.exec:
            return
        for field in user.fields:
            self._field(user, field)

    def _field(self, user: KubeUser, field: KubeField) -> None:
        text = (field.text or "").strip()
        if (
            not text
            or templated(text)
            or text in REDACTED
            or is_reference(text)
            or "{{" in text
            or self.context.is_placeholder(text)
        ):
            return
        who = f"kubeconfig user `{user.name or '?'}`"
        if field.name == "client-key-data":
            if not _private_key(text):
                return
            message = (f"{who} embeds a client private key: its certificate is a cluster "
                       "login Kubernetes cannot revoke.")
            severity = Severity.CRITICAL
        elif field.name == "token":
            message = f"{who} embeds a bearer token: a portable cluster login."
            severity = Severity.CRITICAL
        elif field.name == "password":
            message = f"{who} embeds a basic-auth password."
            severity = Severity.HIGH
        elif field.name == "refresh-token":
            message = (f"{who} embeds an auth-provider refresh token: it mints new sessions "
                       "until revoked.")
            severity = Severity.HIGH
        else:
            return
        self.report(field.value_node, message, lifetime=Lifetime.static(), value=text,
                    severity=severity)
