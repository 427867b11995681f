"""LLC-K8S-003: a projected service-account token with a long expiry."""

from __future__ import annotations

from scanner.api import (
    Category,
    FileKind,
    Invalid,
    K8sRule,
    Lifetime,
    PodSpec,
    Precision,
    RuleMeta,
    Severity,
    Valid,
    describe_duration,
)

#: Slack over the threshold: the API server itself hands out 3607-second tokens (an hour and a
#: jitter), so a value that close to the threshold is the default, not a choice.
_SLACK_SECONDS = 60
_DAY = 86400


class ProjectedTokenLongExpiry(K8sRule):
    """## What it does
    Flags a projected `serviceAccountToken` volume source whose `expirationSeconds` is above
    the configured maximum (`k8s_token_max_seconds`, one hour by default), in the pod spec of
    any workload kind: Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob
    `jobTemplate`, and custom kinds with the same `spec.template.spec` shape. More than a day is
    medium, less is low. Terraform's `kubernetes` provider is read too (`.tf` and `.tf.json`):
    `kubernetes_pod`, `kubernetes_deployment` and the other workload resources (and their
    `_v1`) with `volume { projected { sources { service_account_token { expiration_seconds =
    ... } } } }`, and `kubernetes_manifest` whose `manifest = { ... }` object is a workload.

    ## Why is this bad?
    A projected token is the right mechanism, but its lifetime is what a thief gets: the kubelet
    refreshes the file at 80% of the TTL (or after 24 hours), yet a copied token stays valid
    until its own expiry. A token asked for a year is a year-long credential for whatever
    audience it names (OWASP NHI7). The default is one hour and the minimum ten minutes;
    consumers that re-read the file never need more.

    ## Example
    ```yaml
    - serviceAccountToken: { path: token, audience: vault, expirationSeconds: 31536000 }
    ```

    Use instead:
    ```yaml
    - serviceAccountToken: { path: token, audience: vault, expirationSeconds: 3600 }
    ```

    ## References
    - Kubernetes, service account token volume projection: https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#serviceaccount-token-volume-projection
    - ServiceAccountTokenProjection API: https://kubernetes.io/docs/reference/kubernetes-api/config-and-storage-resources/volume/#projections
    """

    META = RuleMeta(
        id="LLC-K8S-003",
        name="projected-token-long-expiry",
        summary="Projected service-account token with a long expiry",
        category=Category.NON_EXPIRING_TOKEN,
        severity=Severity.MEDIUM,
        precision=Precision.VERY_HIGH,
        owasp=("NHI7",),
        fix="Keep `expirationSeconds` at the one-hour default (or omit it) and have the "
        "consumer re-read the token file, which the kubelet rotates.",
        kinds=frozenset({FileKind.KUBERNETES, FileKind.HELM, FileKind.TERRAFORM}),
        triggers=("expirationseconds", "expiration_seconds"),
    )

    VALID = [
        Valid(
            "apiVersion: v1\nkind: Pod\nmetadata: { name: app }\nspec:\n"
            "  containers: [ { name: app, image: app:1 } ]\n  volumes:\n    - name: vault\n"
            "      projected:\n        sources:\n          - serviceAccountToken:\n"
            "              path: token\n              audience: vault\n"
            "              expirationSeconds: 3600\n",
            path="k8s/workload.yaml"
        ),
        # The API server's own default (3607 s) and the minimum are fine; so is no expiry set.
        Valid(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: app }\nspec:\n"
            "  template:\n    spec:\n      containers: [ { name: app, image: app:1 } ]\n"
            "      volumes:\n        - name: a\n          projected:\n            sources:\n"
            "              - serviceAccountToken: { path: a, expirationSeconds: 3607 }\n"
            "              - serviceAccountToken: { path: b, expirationSeconds: 600 }\n"
            "              - serviceAccountToken: { path: c }\n",
            path="k8s/workload.yaml"
        ),
        Valid(
            "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: { name: agent }\nspec:\n"
            "  template:\n    spec:\n      containers: [ { name: a, image: a:1 } ]\n"
            "      volumes:\n        - name: t\n          projected:\n            sources:\n"
            "              - serviceAccountToken:\n                  path: token\n"
            "                  expirationSeconds: {{ .Values.tokenExpiration }}\n",
            path="chart/templates/daemonset.yaml",
        ),
        # A CRD documenting the field is not a pod.
        Valid(
            "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n"
            "metadata: { name: x.example.com }\nspec:\n  versions:\n    - name: v1\n"
            "      schema:\n        openAPIV3Schema:\n          properties:\n"
            "            expirationSeconds: { type: integer, default: 31536000 }\n",
            path="k8s/workload.yaml"
        ),
        Valid(
            "vault:\n  # the projected token's lifetime, in seconds\n"
            "  expirationSeconds: 31536000\n",
            path="chart/values.yaml",
        ),
        Valid(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n"
            "  name: {{ include \"app.fullname\" . }}\nspec:\n  template:\n    spec:\n"
            "      containers:\n        - name: app\n          image: app:1\n"
            "      volumes:\n        - name: t\n          projected:\n            sources:\n"
            "              - serviceAccountToken:\n                  path: token\n"
            "                  audience: sts.amazonaws.com\n"
            "                  expirationSeconds: 3600\n",
            path="chart/templates/deployment.yaml",
        ),
        # Terraform: the kubernetes provider's workload resources and kubernetes_manifest.
        Valid(
            'resource "kubernetes_pod_v1" "app" {\n  metadata { name = "app" }\n  spec {\n'
            '    container {\n      name  = "app"\n      image = "app:1"\n    }\n'
            '    volume {\n      name = "vault"\n      projected {\n        sources {\n'
            '          service_account_token {\n            audience           = "vault"\n'
            '            path               = "token"\n'
            "            expiration_seconds = 3600\n          }\n        }\n      }\n"
            "    }\n  }\n}\n",
            path="infra/pod.tf",
        ),
        Valid(
            'resource "kubernetes_deployment" "app" {\n  metadata { name = "app" }\n'
            "  spec {\n    template {\n      metadata { labels = { app = \"app\" } }\n"
            "      spec {\n        container {\n          name  = \"app\"\n"
            '          image = "app:1"\n        }\n        volume {\n          name = "t"\n'
            "          projected {\n            sources {\n"
            "              service_account_token {\n                path = \"t\"\n"
            "                expiration_seconds = var.token_seconds\n              }\n"
            "            }\n          }\n        }\n      }\n    }\n  }\n}\n",
            path="infra/deployment.tf",
        ),
        Valid(
            'resource "kubernetes_manifest" "app" {\n  manifest = {\n'
            '    apiVersion = "v1"\n    kind       = "Pod"\n'
            '    metadata   = { name = "app" }\n    spec = {\n'
            '      containers = [{ name = "app", image = "app:1" }]\n'
            "      volumes = [{\n        name = \"t\"\n        projected = { sources = [{\n"
            "          serviceAccountToken = { path = \"t\", expirationSeconds = 600 }\n"
            "        }] }\n      }]\n    }\n  }\n}\n",
            path="infra/manifest.tf",
        ),
        Valid('{"resource": {"kubernetes_pod_v1": {"app": {\n'
              '  "metadata": {"name": "app"},\n  "spec": {\n'
              '    "container": [{"name": "app", "image": "app:1"}],\n'
              '    "volume": [{"name": "t", "projected": {"sources": [\n'
              '      {"service_account_token": {"path": "t", "expiration_seconds": 3600}}]}}]'
              "}}}}}\n", path="infra/pod.tf.json"),
        Valid('{"resource": {"kubernetes_deployment_v1": {"app": {\n'
              '  "metadata": {"name": "app"},\n  "spec": {"template": {"spec": {\n'
              '    "container": [{"name": "app", "image": "app:1"}],\n'
              '    "volume": [{"name": "t", "projected": {"sources": [{\n'
              '      "service_account_token": {"path": "t",\n'
              '        "expiration_seconds": "${var.token_seconds}"}}]}}]}}}}}}}\n',
              path="infra/deployment.tf.json"),
        Valid('{"resource": {"kubernetes_manifest": {"app": {"manifest": {\n'
              '  "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "app"},\n'
              '  "spec": {"containers": [{"name": "app", "image": "app:1"}],\n'
              '    "volumes": [{"name": "t", "projected": {"sources": [\n'
              '      {"serviceAccountToken": {"path": "t", "expirationSeconds": 3600}}]}}]}'
              "}}}}}\n", path="infra/manifest.tf.json"),
    ]
    INVALID = [
        Invalid(
            "apiVersion: v1\nkind: Pod\nmetadata: { name: app }\nspec:\n"
            "  containers: [ { name: app, image: app:1 } ]\n  volumes:\n    - name: vault\n"
            "      projected:\n        sources:\n          - serviceAccountToken:\n"
            "              path: token\n              audience: vault\n"
            "              expirationSeconds: 31536000  # expect: LLC-K8S-003\n",
            path="k8s/workload.yaml"
        ),
        Invalid(
            "apiVersion: batch/v1\nkind: CronJob\nmetadata: { name: sync }\nspec:\n"
            "  schedule: '@hourly'\n  jobTemplate:\n    spec:\n      template:\n        spec:\n"
            "          containers: [ { name: s, image: s:1 } ]\n          volumes:\n"
            "            - name: t\n              projected:\n                sources:\n"
            "                  - serviceAccountToken:\n                      path: token\n"
            "                      expirationSeconds: 604800  # expect: LLC-K8S-003\n",
            path="jobs/sync.yaml",
        ),
        Invalid(
            "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n"
            "  name: {{ .Release.Name }}\nspec:\n  template:\n    spec:\n"
            "      containers:\n        - name: db\n          image: db:1\n"
            "      volumes:\n        - name: t\n          projected:\n            sources:\n"
            "              - serviceAccountToken:\n                  path: token\n"
            "                  expirationSeconds: 7200  # expect: LLC-K8S-003\n",
            path="chart/templates/statefulset.yaml",
        ),
        Invalid(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n"
            "  name: {{ include \"app.fullname\" . }}\nspec:\n  template:\n    spec:\n"
            "      {{- with .Values.nodeSelector }}\n      nodeSelector:\n"
            "        {{- toYaml . | nindent 8 }}\n      {{- end }}\n"
            "      containers:\n        - name: app\n          image: app:1\n"
            "      volumes:\n        - name: t\n          projected:\n            sources:\n"
            "              - serviceAccountToken:\n                  path: token\n"
            "                  expirationSeconds: 2592000  # expect: LLC-K8S-003\n",
            path="chart/templates/deployment.yaml",
        ),
        Invalid(
            "apiVersion: batch/v1\nkind: Job\nmetadata: { name: {{ .Release.Name }}-sync }\n"
            "spec:\n  template:\n    spec:\n      containers: [ { name: s, image: s:1 } ]\n"
            "      volumes:\n        - name: t\n          projected:\n            sources:\n"
            "              - serviceAccountToken:\n"
            "                  expirationSeconds: 172800  # expect: LLC-K8S-003\n"
            "                  path: token\n",
            path="charts/sync/templates/job.yaml",
        ),
        Invalid(
            "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: { name: legacy }\nspec:\n"
            "  template:\n    spec:\n      containers: [ { name: l, image: l:1 } ]\n"
            "      volumes:\n        - name: t\n          projected:\n            sources:\n"
            "              - serviceAccountToken: { path: t, expirationSeconds: 86400 }"
            "  # expect: LLC-K8S-003\n",
            path="k8s/legacy-rs.yaml",
        ),
        Invalid(
            'resource "kubernetes_pod_v1" "app" {\n  metadata { name = "app" }\n  spec {\n'
            '    container {\n      name  = "app"\n      image = "app:1"\n    }\n'
            '    volume {\n      name = "vault"\n      projected {\n        sources {\n'
            '          service_account_token {\n            audience           = "vault"\n'
            '            path               = "token"\n'
            "            expiration_seconds = 31536000  # expect: LLC-K8S-003\n"
            "          }\n        }\n      }\n    }\n  }\n}\n",
            path="infra/pod.tf",
        ),
        Invalid(
            'resource "kubernetes_deployment_v1" "agent" {\n  metadata { name = "agent" }\n'
            "  spec {\n    template {\n      metadata { labels = { app = \"agent\" } }\n"
            "      spec {\n        container {\n          name  = \"agent\"\n"
            '          image = "agent:1"\n        }\n        volume {\n'
            '          name = "t"\n          projected {\n            sources {\n'
            "              service_account_token {\n                path = \"t\"\n"
            "                expiration_seconds = 86400 * 7  # expect: LLC-K8S-003\n"
            "              }\n            }\n          }\n        }\n      }\n    }\n"
            "  }\n}\n",
            path="infra/agent.tf",
        ),
        Invalid(
            'resource "kubernetes_manifest" "sync" {\n  manifest = {\n'
            '    apiVersion = "batch/v1"\n    kind       = "CronJob"\n'
            '    metadata   = { name = "sync", namespace = var.namespace }\n    spec = {\n'
            '      schedule = "@hourly"\n      jobTemplate = { spec = { template = { spec = {\n'
            '        containers = [{ name = "s", image = "s:1" }]\n'
            "        volumes = [{\n          name = \"t\"\n          projected = { sources = [{\n"
            "            serviceAccountToken = {\n              path = \"t\"\n"
            "              expirationSeconds = 604800  # expect: LLC-K8S-003\n"
            "            }\n          }] }\n        }]\n      } } } }\n    }\n  }\n}\n",
            path="infra/sync.tf",
        ),
        Invalid('{"resource": {"kubernetes_pod_v1": {"app": {\n'
                '  "metadata": {"name": "app"},\n  "spec": {\n'
                '    "container": [{"name": "app", "image": "app:1"}],\n'
                '    "volume": [{"name": "t", "projected": {"sources": [\n'
                '      {"service_account_token": {"path": "t",\n'
                '        "expiration_seconds": 31536000}}]}}]}}}}}\n',
                path="infra/pod.tf.json", lines=(7,)),
        Invalid('{"resource": {"kubernetes_daemonset": {"agent": {\n'
                '  "metadata": {"name": "agent"},\n  "spec": {"template": {"spec": {\n'
                '    "container": {"name": "a", "image": "a:1"},\n'
                '    "volume": {"name": "t", "projected": {"sources": {\n'
                '      "service_account_token": {"path": "t",\n'
                '        "expiration_seconds": 172800}}}}}}}}}}}\n',
                path="infra/agent.tf.json", lines=(7,)),
        Invalid('{"resource": {"kubernetes_manifest": {"app": {"manifest": {\n'
                '  "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "app"},\n'
                '  "spec": {"template": {"spec": {\n'
                '    "containers": [{"name": "app", "image": "app:1"}],\n'
                '    "volumes": [{"name": "t", "projected": {"sources": [\n'
                '      {"serviceAccountToken": {"path": "t",\n'
                '        "expirationSeconds": 2592000}}]}}]}}}}}}}}\n',
                path="infra/manifest.tf.json", lines=(7,)),
    ]

    def check_pod_spec(self, pod: PodSpec) -> None:
        limit = self.context.thresholds.k8s_token_max_seconds
        for token in pod.tokens:
            seconds = token.seconds
            if seconds is None or token.expiration_node is None:
                continue
            if seconds <= limit + _SLACK_SECONDS:
                continue
            audience = f" for the audience `{token.audience}`" if token.audience else ""
            self.report(
                token.expiration_node,
                f"{pod.owner.kind} `{pod.owner.display}` asks for a projected "
                f"service-account token{audience} valid {describe_duration(seconds)} (more "
                f"than the {describe_duration(limit)} allowed): a copied token works that long.",
                lifetime=Lifetime.seconds(seconds),
                severity=Severity.MEDIUM if seconds > _DAY else Severity.LOW,
            )
