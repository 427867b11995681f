"""LLC-K8S-005: a Secret manifest with committed credential values."""

from __future__ import annotations

import base64
import json

from scanner.api import (
    ALNUM,
    BASE64,
    Category,
    FileKind,
    Invalid,
    K8sRule,
    Lifetime,
    Precision,
    RuleMeta,
    Secret,
    SecretEntry,
    SecretGenerator,
    Severity,
    Valid,
    fake_token,
    yamlnodes,
)
from scanner.api.k8s_values import secret_value

_SA_TOKEN_TYPE = "kubernetes.io/service-account-token"
_DOCKER_TYPES = frozenset({"kubernetes.io/dockerconfigjson", "kubernetes.io/dockercfg"})
_GLPAT = fake_token("glpat-", 20, ALNUM, seed=51)
_DB_PASSWORD = fake_token("", 24, BASE64, seed=55)
_API_KEY = fake_token("", 32, ALNUM, seed=53)


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


class SecretCommittedValues(K8sRule):
    """## What it does
    Flags values of `kind: Secret` manifests and kustomize `secretGenerator` literals that are
    credentials written in the repository: `data` values are base64-decoded first, then a value
    is reported when it is a known provider format (critical), or looks generated rather than
    typed (length, entropy, no words, no placeholder) under any key but those that name or
    locate something (`username`, `host`, `url`, `ca.crt`, `client-id`, ...) (high).
    Registry auth in `kubernetes.io/dockerconfigjson` Secrets is read too. Quiet on
    `SealedSecret`, `ExternalSecret` and other operator-managed kinds, SOPS-encrypted files
    (`sops:` metadata, `ENC[...]` values), templated values of chart templates, placeholders,
    and service-account token Secrets (LLC-K8S-001). A value this rule reports is one finding:
    LLC-SRC-023 decodes a Secret's `data` with the same function, and its finding on the same
    value becomes a related note of this one; typed passwords this rule's gate leaves (too
    short or too word-like to look generated) stay LLC-SRC-023's.

    ## Why is this bad?
    base64 is an encoding, not encryption: a Secret manifest in git is the secret in git, for
    every clone, fork and backup, for as long as the history lives, and nobody rotates a value
    that "only lives in the cluster" (OWASP NHI2 Secret Leakage, NHI7).

    ## Example
    ```yaml
    apiVersion: v1
    kind: Secret
    metadata: { name: gitlab }
    stringData:
      token: glpat-...
    ```

    Use instead:
    ```yaml
    apiVersion: external-secrets.io/v1beta1
    kind: ExternalSecret
    metadata: { name: gitlab }
    spec:
      secretStoreRef: { name: vault, kind: ClusterSecretStore }
      data: [ { secretKey: token, remoteRef: { key: ci/gitlab, property: token } } ]
    ```

    ## References
    - Kubernetes, good practices for Secrets: https://kubernetes.io/docs/concepts/security/secrets-good-practices/
    - External Secrets Operator: https://external-secrets.io/
    - SOPS with kustomize (Flux): https://fluxcd.io/flux/guides/mozilla-sops/
    """

    META = RuleMeta(
        id="LLC-K8S-005",
        name="secret-committed-values",
        summary="Secret manifest with committed credential values",
        category=Category.STATIC_SECRET,
        severity=Severity.HIGH,
        precision=Precision.HIGH,
        owasp=("NHI2", "NHI7"),
        fix="Remove the value from the repository and rotate it; deliver it with External "
        "Secrets or the Secrets Store CSI driver using the pod's identity, or commit it "
        "encrypted (SealedSecret, SOPS).",
        kinds=frozenset({FileKind.KUBERNETES, FileKind.HELM}),
        triggers=("secret",),
        requires=("data", "literals"),
    )

    VALID = [
        Valid(
            "apiVersion: external-secrets.io/v1beta1\nkind: ExternalSecret\n"
            "metadata: { name: gitlab }\nspec:\n"
            "  secretStoreRef: { name: vault, kind: ClusterSecretStore }\n  data:\n"
            "    - secretKey: token\n      remoteRef: { key: ci/gitlab, property: token }\n"
        ),
        Valid(
            "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata: { name: db }\n"
            "spec:\n  encryptedData:\n"
            f"    password: {fake_token('Ag', 300, BASE64, seed=54)}\n"
        ),
        Valid(
            "apiVersion: v1\nkind: Secret\nmetadata: { name: db }\ntype: Opaque\n"
            "stringData:\n"
            "  password: ENC[AES256_GCM,data:q8Jw1s2A,iv:abc=,tag:def=,type:str]\n"
            "sops:\n  mac: ENC[AES256_GCM,data:xyz,type:str]\n  version: 3.8.1\n",
            path="clusters/prod/db-secret.enc.yaml",
        ),
        Valid(
            "apiVersion: v1\nkind: Secret\nmetadata: { name: app }\ntype: Opaque\n"
            "stringData:\n  username: admin\n  password: changeme\n"
            "  database-url: postgres://db:5432/app\n"
            f"data:\n  api-key: {_b64('<your-api-key>')}\n  ca.crt: {_b64('not-a-secret')}\n"
        ),
        Valid(
            "apiVersion: v1\nkind: Secret\nmetadata: { name: {{ .Release.Name }} }\n"
            "type: Opaque\ndata:\n"
            "  password: {{ .Values.auth.password | b64enc | quote }}\n"
            "  token: {{ randAlphaNum 32 | b64enc }}\n",
            path="chart/templates/secret.yaml",
        ),
        Valid(
            "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
            "secretGenerator:\n  - name: app\n    envs: [ app.env ]\n"
            "    literals:\n      - LOG_LEVEL=debug\n      - password=changeme\n",
            path="overlays/dev/kustomization.yaml",
        ),
        Valid(
            "auth:\n  # set at install time: --set auth.password=...\n  password: \"\"\n"
            "  existingSecret: app-auth\n",
            path="chart/values.yaml",
        ),
        Valid(
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: {{ include \"app.fullname\" . }}\n"
            "type: Opaque\nstringData:\n"
            "  password: {{ required \"auth.password is required\" .Values.auth.password }}\n"
            "  username: admin\n",
            path="chart/templates/auth-secret.yaml",
        ),
    ]
    INVALID = [
        Invalid(
            "apiVersion: v1\nkind: Secret\nmetadata: { name: gitlab }\ntype: Opaque\n"
            f"stringData:\n  token: {_GLPAT}  # expect: LLC-K8S-005\n"
        ),
        Invalid(
            "apiVersion: v1\nkind: Secret\nmetadata: { name: db }\ntype: Opaque\ndata:\n"
            f"  username: {_b64('app')}\n"
            f"  password: {_b64(_DB_PASSWORD)}  # expect: LLC-K8S-005\n",
            path="k8s/db.yaml",
        ),
        Invalid(
            '{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "api"},\n'
            f' "stringData": {{"API_KEY": "{_API_KEY}"}}}}\n',
            path="k8s/api-secret.json",
            lines=(2,),
        ),
        Invalid(
            "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
            "secretGenerator:\n  - name: app\n    literals:\n      - LOG_LEVEL=debug\n"
            f"      - API_TOKEN={_API_KEY}  # expect: LLC-K8S-005\n",
            path="overlays/prod/kustomization.yaml",
        ),
        Invalid(
            "apiVersion: v1\nkind: Secret\nmetadata: { name: regcred }\n"
            "type: kubernetes.io/dockerconfigjson\ndata:\n"
            "  .dockerconfigjson: "
            + _b64(json.dumps({"auths": {"registry.example.com": {
                "auth": _b64("ci:" + _DB_PASSWORD)}}}))
            + "  # expect: LLC-K8S-005\n",
            path="k8s/regcred.yaml",
        ),
        Invalid(
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: {{ .Release.Name }}-api\n"
            "type: Opaque\nstringData:\n"
            f"  api-key: {_API_KEY}  # expect: LLC-K8S-005\n",
            path="chart/templates/api-secret.yaml",
        ),
        Invalid(
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: {{ .Release.Name }}-db\n"
            "  labels: {{- include \"app.labels\" . | nindent 4 }}\ntype: Opaque\ndata:\n"
            "  password: {{ .Values.db.password | b64enc }}\n"
            f"  replication-password: {_b64(_DB_PASSWORD[::-1])}  # expect: LLC-K8S-005\n",
            path="chart/templates/db-secret.yaml",
        ),
        Invalid(
            "{{- if .Values.demo }}\napiVersion: v1\nkind: Secret\nmetadata: { name: demo }\n"
            f"stringData:\n  GITLAB_TOKEN: {_GLPAT}  # expect: LLC-K8S-005\n{{{{- end }}}}\n",
            path="charts/demo/templates/demo-secret.yaml",
        ),
    ]

    def check_secret(self, secret: Secret) -> None:
        if secret.type == _SA_TOKEN_TYPE:
            return
        for entry in secret.entries:
            if entry.text is None:
                continue
            if secret.type in _DOCKER_TYPES and entry.key in (".dockerconfigjson", ".dockercfg"):
                self._docker(secret, entry, entry.text)
                continue
            self._entry(f"Secret `{secret.manifest.display}`", entry, entry.text)

    def check_generator(self, generator: SecretGenerator) -> None:
        for entry in generator.literals:
            if entry.text is not None:
                self._entry(f"kustomize secretGenerator `{generator.name or '?'}`", entry,
                            entry.text)

    def _entry(self, owner: str, entry: SecretEntry, text: str) -> None:
        found, label = secret_value(entry.key, text, self.context, secret_store=True)
        if not found:
            return
        how = "base64-encoded, which is not encryption" if entry.encoded else "in plain text"
        what = f"a {label}" if label else "a credential"
        self.report(
            entry.target,
            f"{owner} commits {what} under `{entry.key}`, {how}: it lives in the "
            "repository's history for good.",
            lifetime=Lifetime.static(),
            value=text.strip(),
            secrets=_encoded(entry),
            severity=Severity.CRITICAL if label else None,
        )

    def _docker(self, secret: Secret, entry: SecretEntry, text: str) -> None:
        try:
            config = json.loads(text)
        except ValueError:
            return
        auths = config.get("auths", config) if isinstance(config, dict) else None
        if not isinstance(auths, dict):
            return
        for registry, auth in auths.items():
            if not isinstance(auth, dict):
                continue
            password = auth.get("password") or auth.get("identitytoken")
            if not password and isinstance(auth.get("auth"), str):
                decoded = _decode(auth["auth"])
                password = decoded.split(":", 1)[1] if decoded and ":" in decoded else None
            if not isinstance(password, str) or len(password) < 8:
                continue
            if self.context.is_placeholder(password):
                continue
            self.report(
                entry.target,
                f"Secret `{secret.manifest.display}` commits registry credentials for "
                f"`{registry}`: a standing password readable from the repository.",
                lifetime=Lifetime.static(),
                value=password,
                secrets=_encoded(entry),
            )
            return


def _encoded(entry: SecretEntry) -> tuple[str, ...]:
    """The base64 form of a ``data`` value, redacted like the value it encodes."""
    raw = yamlnodes.scalar(entry.value_node)
    return (raw.strip(),) if entry.encoded and raw else ()


def _decode(text: str) -> str | None:
    try:
        return base64.b64decode(text, validate=True).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return None
