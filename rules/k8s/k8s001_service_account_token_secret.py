"""LLC-K8S-001: a legacy, non-expiring service-account token Secret."""

from __future__ import annotations

from scanner.api import (
    Category,
    FileKind,
    Invalid,
    K8sRule,
    Lifetime,
    Precision,
    RuleMeta,
    Secret,
    Severity,
    Valid,
)

SA_TOKEN_TYPE = "kubernetes.io/service-account-token"


class ServiceAccountTokenSecret(K8sRule):
    """## What it does
    Flags `kind: Secret` manifests of `type: kubernetes.io/service-account-token`, in plain
    manifests, kustomize bases, Helm chart templates and Terraform (`kubernetes_secret`,
    `kubernetes_secret_v1`, and a `kubernetes_manifest` whose `manifest` object is the
    Secret): the control plane fills such a Secret with a token for the ServiceAccount named
    in its `kubernetes.io/service-account.name` annotation.

    ## Why is this bad?
    A legacy service-account token never expires and is not bound to a pod: whoever reads the
    Secret (a backup, a CI log, a `kubectl get secret -o yaml`) holds the account's rights until
    someone deletes the Secret. Since Kubernetes 1.24 these tokens are no longer created
    automatically (KEP-2799), and 1.29 labels unused ones and later purges them; a manifest that
    asks for one brings the pattern back by hand (OWASP NHI7 Long-Lived Secrets, NHI1).

    ## Example
    ```yaml
    apiVersion: v1
    kind: Secret
    metadata:
      name: ci-token
      annotations: { kubernetes.io/service-account.name: ci }
    type: kubernetes.io/service-account-token
    ```

    Use instead:
    ```yaml
    # in the pod: a projected, audience-bound token the kubelet rotates
    volumes:
      - name: token
        projected:
          sources:
            - serviceAccountToken: { path: token, expirationSeconds: 3600 }
    # from outside the cluster: `kubectl create token ci --duration=1h`, or cloud-native auth
    ```

    ## References
    - Kubernetes, service account tokens: https://kubernetes.io/docs/concepts/security/service-accounts/#get-a-token
    - KEP-2799, reduction of secret-based service account tokens: https://github.com/kubernetes/enhancements/issues/2799
    """

    META = RuleMeta(
        id="LLC-K8S-001",
        name="service-account-token-secret",
        summary="Legacy non-expiring service-account token Secret",
        category=Category.NON_EXPIRING_TOKEN,
        severity=Severity.HIGH,
        precision=Precision.VERY_HIGH,
        owasp=("NHI7", "NHI1"),
        fix="Delete the Secret; let pods use projected service-account tokens (TokenRequest "
        "API, `kubectl create token --duration`), and clients outside the cluster use "
        "cloud-native auth.",
        kinds=frozenset({FileKind.KUBERNETES, FileKind.HELM, FileKind.TERRAFORM}),
        triggers=("service-account-token",),
    )

    VALID = [
        Valid(
            "apiVersion: v1\nkind: Pod\nmetadata: { name: app }\nspec:\n"
            "  serviceAccountName: app\n  containers: [ { name: app, image: app:1 } ]\n"
            "  volumes:\n    - name: token\n      projected:\n        sources:\n"
            "          - serviceAccountToken: { path: token, expirationSeconds: 3600 }\n",
            path="k8s/pod.yaml",
        ),
        Valid(
            "apiVersion: v1\nkind: Secret\nmetadata: { name: tls }\n"
            "type: kubernetes.io/tls\n"
            "# not a kubernetes.io/service-account-token Secret\n"
            "data: {}\n",
            path="k8s/tls.yaml",
        ),
        Valid(
            "apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata: { name: no-sa-tokens }\n"
            "spec:\n  rules:\n    - name: deny\n      validate:\n        deny:\n"
            "          conditions:\n            - key: '{{ request.object.type }}'\n"
            "              operator: Equals\n"
            "              value: kubernetes.io/service-account-token\n",
            path="policies/no-sa-tokens.yaml",
        ),
        Valid(
            "apiVersion: v1\nkind: Secret\nmetadata: { name: {{ .Release.Name }}-cfg }\n"
            "type: Opaque\nstringData:\n"
            "  note: \"tokens come from kubernetes.io/service-account-token projection\"\n",
            path="chart/templates/secret.yaml",
        ),
        Valid(
            "{{- if .Values.serviceAccount.create }}\napiVersion: v1\nkind: ServiceAccount\n"
            "metadata:\n  name: {{ include \"app.sa\" . }}\n"
            "automountServiceAccountToken: false\n{{- end }}\n",
            path="chart/templates/serviceaccount.yaml",
        ),
        Valid(
            "rbac:\n  create: true\n"
            "# list Secrets except type=kubernetes.io/service-account-token\n"
            "secretFieldSelector: \"type!=kubernetes.io/service-account-token\"\n",
            path="chart/values.yaml",
        ),
        Valid(
            'resource "kubernetes_secret_v1" "tls" {\n'
            '  metadata { name = "tls" }\n'
            '  type = "kubernetes.io/tls"\n'
            "}\n",
            path="infra/k8s.tf",
        ),
        Valid(
            'resource "kubernetes_token_request_v1" "ci" {\n'
            '  metadata { name = kubernetes_service_account_v1.ci.metadata[0].name }\n'
            "  spec {\n    audiences          = [\"api\"]\n"
            "    expiration_seconds = 3600\n  }\n}\n"
            "# no kubernetes.io/service-account-token Secret any more\n",
            path="infra/ci.tf",
        ),
        Valid(
            'resource "kubernetes_secret" "cfg" {\n  metadata { name = "cfg" }\n'
            "  type = var.secret_type\n"
            '  data = { note = "kubernetes.io/service-account-token" }\n}\n',
            path="infra/cfg.tf",
        ),
        Valid('{"resource": {"kubernetes_secret_v1": {"app": {\n'
              '  "metadata": {"name": "app-config"},\n  "type": "Opaque",\n'
              '  "data": {"LOG_LEVEL": "info"}}}}}\n', path="infra/app.tf.json"),
        Valid('{"resource": {"kubernetes_service_account_v1": {"ci": {\n'
              '  "metadata": [{"name": "ci", "namespace": "build"}],\n'
              '  "automount_service_account_token": false}}}}\n', path="infra/ci.tf.json"),
        Valid('{"resource": {"kubernetes_secret": {"ci": {\n'
              '  "metadata": {"name": "ci-token"},\n'
              '  "type": "${var.secret_type}"}}}}\n', path="infra/var.tf.json"),
        Valid('resource "kubernetes_manifest" "cfg" {\n  manifest = {\n'
              '    apiVersion = "v1"\n    kind       = "Secret"\n'
              '    metadata   = { name = "cfg", namespace = var.namespace }\n'
              '    type       = "Opaque"\n    stringData = { LOG_LEVEL = "info" }\n'
              "  }\n}\n# not a kubernetes.io/service-account-token Secret\n",
              path="infra/manifest.tf"),
    ]
    INVALID = [
        Invalid(
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: ci-token\n  annotations:\n"
            "    kubernetes.io/service-account.name: ci\n"
            "type: kubernetes.io/service-account-token  # expect: LLC-K8S-001\n",
            path="k8s/ci-token.yaml",
        ),
        Invalid(
            "apiVersion: v1\nkind: ServiceAccount\nmetadata: { name: deployer }\n---\n"
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: deployer-token\n"
            "  annotations: { kubernetes.io/service-account.name: deployer }\n"
            'type: "kubernetes.io/service-account-token"  # expect: LLC-K8S-001\n',
            path="cluster/setup/deployer.yaml",
        ),
        Invalid(
            '{"apiVersion": "v1", "kind": "Secret",\n'
            ' "metadata": {"name": "bot"},\n'
            ' "type": "kubernetes.io/service-account-token"}\n',
            path="k8s/bot-token.json",
            lines=(3,),
        ),
        Invalid(
            "{{- if .Values.serviceAccount.createToken }}\n"
            "apiVersion: v1\nkind: Secret\nmetadata:\n"
            "  name: {{ include \"app.fullname\" . }}-token\n  annotations:\n"
            "    kubernetes.io/service-account.name: {{ include \"app.sa\" . }}\n"
            "type: kubernetes.io/service-account-token  # expect: LLC-K8S-001\n"
            "{{- end }}\n",
            path="chart/templates/token.yaml",
        ),
        Invalid(
            "apiVersion: v1\nkind: Secret\nmetadata:\n"
            "  name: {{ template \"app.fullname\" . }}-metrics-reader\n"
            "  namespace: {{ .Release.Namespace }}\n  annotations:\n"
            "    kubernetes.io/service-account.name: metrics-reader\n"
            "type: {{ \"kubernetes.io/service-account-token\" | quote }}\n"
            "---\napiVersion: v1\nkind: Secret\nmetadata: { name: scraper-token }\n"
            "type: kubernetes.io/service-account-token  # expect: LLC-K8S-001\n",
            path="chart/templates/metrics-token.yaml",
        ),
        Invalid(
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: {{ .Release.Name }}-ci\n"
            "  labels: {{- include \"app.labels\" . | nindent 4 }}\n"
            "    component: ci\n"
            "type: kubernetes.io/service-account-token  # expect: LLC-K8S-001\n",
            path="charts/ci/templates/ci-token.yml",
        ),
        Invalid(
            'resource "kubernetes_secret_v1" "ci" {\n'
            "  metadata {\n    name = \"ci-token\"\n    annotations = {\n"
            '      "kubernetes.io/service-account.name" = "ci"\n    }\n  }\n'
            '  type = "kubernetes.io/service-account-token"  # expect: LLC-K8S-001\n'
            "}\n",
            path="infra/ci.tf",
        ),
        Invalid(
            'resource "kubernetes_secret" "argocd_manager" {\n'
            '  metadata {\n    name      = "argocd-manager-token"\n'
            '    namespace = "kube-system"\n  }\n'
            '  type                           = "kubernetes.io/service-account-token"'
            "  # expect: LLC-K8S-001\n"
            "  wait_for_service_account_token = true\n}\n",
            path="modules/cluster/argocd.tf",
        ),
        Invalid(
            'resource "kubernetes_service_account_v1" "bot" {\n'
            '  metadata { name = "bot" }\n}\n'
            'resource "kubernetes_secret_v1" "bot" {\n'
            '  metadata { name = "bot-token" }\n'
            "  type = \"kubernetes.io/service-account-token\"  # expect: LLC-K8S-001\n"
            "}\n",
            path="infra/bot.tf",
        ),
        Invalid('{"resource": {"kubernetes_secret_v1": {"ci": {\n'
                '  "metadata": {"name": "ci-token", "annotations": {\n'
                '    "kubernetes.io/service-account.name": "ci"}},\n'
                '  "type": "kubernetes.io/service-account-token"}}}}\n',
                path="infra/ci.tf.json", lines=(4,)),
        Invalid('{\n  "resource": {\n    "kubernetes_secret": {\n      "argocd_manager": {\n'
                '        "metadata": [{"name": "argocd-manager-token",'
                ' "namespace": "kube-system"}],\n'
                '        "type": "kubernetes.io/service-account-token",\n'
                '        "wait_for_service_account_token": true\n'
                '      }\n    }\n  }\n}\n',
                path="modules/cluster/argocd.tf.json", lines=(6,)),
        Invalid('{"resource": [\n'
                ' {"kubernetes_service_account_v1": {"bot": {"metadata": {"name": "bot"}}}},\n'
                ' {"kubernetes_secret_v1": {"bot": {"metadata": {"name": "bot-token"},\n'
                '  "type": "kubernetes.io/service-account-token"}}}]}\n',
                path="infra/bot.tf.json", lines=(4,)),
        Invalid('resource "kubernetes_manifest" "ci_token" {\n  manifest = {\n'
                '    apiVersion = "v1"\n    kind       = "Secret"\n    metadata = {\n'
                '      name        = "ci-token"\n      namespace   = var.namespace\n'
                '      annotations = { "kubernetes.io/service-account.name" = "ci" }\n'
                "    }\n"
                '    type = "kubernetes.io/service-account-token"  # expect: LLC-K8S-001\n'
                "  }\n}\n", path="infra/manifest.tf"),
        Invalid('{"resource": {"kubernetes_manifest": {"ci_token": {"manifest": {\n'
                '  "apiVersion": "v1", "kind": "Secret",\n'
                '  "metadata": {"name": "ci-token", "annotations": {\n'
                '    "kubernetes.io/service-account.name": "ci"}},\n'
                '  "type": "kubernetes.io/service-account-token"}}}}}\n',
                path="infra/manifest.tf.json", lines=(5,)),
    ]

    def check_secret(self, secret: Secret) -> None:
        if secret.type != SA_TOKEN_TYPE or secret.type_node is None:
            return
        account = secret.manifest.annotations.get("kubernetes.io/service-account.name")
        who = f" for the ServiceAccount `{account}`" if account and "\u00ab" not in account else ""
        self.report(
            secret.type_node,
            f"Secret `{secret.manifest.display}` asks the control plane for a legacy "
            f"service-account token{who}: it never expires and is not bound to any pod.",
            lifetime=Lifetime.never(),
        )
