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
    medium, less is low.

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
        kinds=frozenset({FileKind.KUBERNETES, FileKind.HELM}),
        triggers=("expirationseconds",),
    )

    VALID = [
        Valid(
            "apiVersion: v1\nkind: Pod\nmetadata: { name: app }\nspec:\n"
            "  containers: [ { name: app, image: app:1 } ]\n  volumes:\n    - name: vault\n"
            "      projected:\n        sources:\n          - serviceAccountToken:\n"
            "              path: token\n              audience: vault\n"
            "              expirationSeconds: 3600\n"
        ),
        # The API server's own default (3607 s) and the minimum are fine; so is no expiry set.
        Valid(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: app }\nspec:\n"
            "  template:\n    spec:\n      containers: [ { name: app, image: app:1 } ]\n"
            "      volumes:\n        - name: a\n          projected:\n            sources:\n"
            "              - serviceAccountToken: { path: a, expirationSeconds: 3607 }\n"
            "              - serviceAccountToken: { path: b, expirationSeconds: 600 }\n"
            "              - serviceAccountToken: { path: c }\n"
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
            "            expirationSeconds: { type: integer, default: 31536000 }\n"
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
    ]
    INVALID = [
        Invalid(
            "apiVersion: v1\nkind: Pod\nmetadata: { name: app }\nspec:\n"
            "  containers: [ { name: app, image: app:1 } ]\n  volumes:\n    - name: vault\n"
            "      projected:\n        sources:\n          - serviceAccountToken:\n"
            "              path: token\n              audience: vault\n"
            "              expirationSeconds: 31536000  # expect: LLC-K8S-003\n"
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
