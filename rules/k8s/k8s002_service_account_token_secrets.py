"""LLC-K8S-002: a ServiceAccount that lists token secrets."""

from __future__ import annotations

from scanner.api import (
    Category,
    FileKind,
    Invalid,
    K8sRule,
    Lifetime,
    Precision,
    RuleMeta,
    ServiceAccount,
    Severity,
    Valid,
    shown,
    yamlnodes,
)

_SA_TOKEN_TYPE = "kubernetes.io/service-account-token"  # a Secret type name


class ServiceAccountTokenSecrets(K8sRule):
    """## What it does
    Flags a `kind: ServiceAccount` whose `secrets:` list names token Secrets: the pre-1.24
    pattern in which the account's long-lived token Secrets (auto-named `<account>-token-xxxxx`)
    are listed on the account. A listed name counts as a token when a Secret of that name in
    the same file has `type: kubernetes.io/service-account-token`, or, when the file holds no
    Secret of that name, when the name says `token`. Other names are the Secrets pods may mount
    under the `kubernetes.io/enforce-mountable-secrets` annotation, not tokens, and are quiet;
    `imagePullSecrets` is a different field and is fine too. Terraform's
    `kubernetes_service_account` (and `_v1`, `.tf` and `.tf.json`) reads the same through its
    `secret { name = ... }` blocks; a name written as `kubernetes_secret_v1.x.metadata[0].name`
    is that Secret of the file, whose `type` decides.

    ## Why is this bad?
    The Secrets a ServiceAccount lists are legacy service-account tokens: they never expire, and
    listing them keeps them in use after Kubernetes stopped creating them (KEP-2799). Kyverno's
    `check-serviceaccount-secrets` policy refuses the same shape (OWASP NHI7, NHI1).

    ## Example
    ```yaml
    apiVersion: v1
    kind: ServiceAccount
    metadata: { name: ci }
    secrets:
      - name: ci-token-abcde
    ```

    Use instead:
    ```yaml
    apiVersion: v1
    kind: ServiceAccount
    metadata: { name: ci }
    automountServiceAccountToken: false
    imagePullSecrets: [ { name: registry } ]
    ```

    ## References
    - Kubernetes, ServiceAccount `secrets` (deprecated use): https://kubernetes.io/docs/reference/kubernetes-api/authentication-resources/service-account-v1/
    - Kyverno policy check-serviceaccount-secrets: https://kyverno.io/policies/other/check-serviceaccount-secrets/check-serviceaccount-secrets/
    """

    META = RuleMeta(
        id="LLC-K8S-002",
        name="service-account-token-secrets",
        summary="ServiceAccount lists legacy token secrets",
        category=Category.NON_EXPIRING_TOKEN,
        severity=Severity.MEDIUM,
        precision=Precision.HIGH,
        owasp=("NHI7", "NHI1"),
        fix="Remove the `secrets:` list and delete the token Secrets it names; pods get "
        "projected, expiring tokens without it.",
        kinds=frozenset({FileKind.KUBERNETES, FileKind.HELM, FileKind.TERRAFORM}),
        # Terraform: `kubernetes_service_account { secret { name = ... } }` (HCL or JSON).
        triggers=("serviceaccount", "service_account"),
        requires=("secrets", "secret {", '"secret"'),
    )

    VALID = [
        # A recorded live object (a `kubectl get -o yaml` snapshot in test data): the cluster
        # wrote the token name, nothing in the repository declares it.
        Valid(
            "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: bot\n"
            "  uid: a5a9401b-0000-4000-8000-000000000000\n  resourceVersion: '12102423'\n"
            "secrets:\n  - name: bot-token-7m6xs\n",
            path="testdata/bot-sa-live.yaml",
        ),
        Valid(
            "apiVersion: v1\nkind: ServiceAccount\nmetadata: { name: ci }\n"
            "automountServiceAccountToken: false\n"
            "imagePullSecrets:\n  - name: registry\n"
        , path="k8s/serviceaccount.yaml"),
        Valid(
            "apiVersion: v1\nkind: ServiceAccount\nmetadata: { name: app }\nsecrets: []\n"
        , path="k8s/serviceaccount.yaml"),
        # Mountable application Secrets, not tokens (a chart's own credentials Secret).
        Valid(
            "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n"
            "  name: {{ include \"app.serviceAccountName\" . }}\n"
            "secrets:\n  - name: {{ include \"common.names.fullname\" . }}\n"
            "  - name: app-credentials\n",
            path="chart/templates/serviceaccount-secrets.yaml",
        ),
        Valid(
            "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: app\n  annotations:\n"
            "    eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/app\n"
            "---\napiVersion: v1\nkind: ConfigMap\nmetadata: { name: cfg }\n"
            "data:\n  secrets: vault\n"
        , path="k8s/serviceaccount.yaml"),
        Valid(
            "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n"
            "  name: {{ include \"app.serviceAccountName\" . }}\n"
            "{{- with .Values.imagePullSecrets }}\nimagePullSecrets:\n"
            "  {{- toYaml . | nindent 2 }}\n{{- end }}\n",
            path="chart/templates/serviceaccount.yaml",
        ),
        Valid(
            "serviceAccount:\n  create: true\n  secrets:\n    - name: legacy-token\n",
            path="chart/values.yaml",
        ),
        # Terraform's kubernetes provider.
        Valid('resource "kubernetes_service_account_v1" "ci" {\n'
              '  metadata { name = "ci" }\n  automount_service_account_token = false\n'
              '  image_pull_secret { name = "registry" }\n}\n', path="infra/sa.tf"),
        Valid('resource "kubernetes_secret_v1" "app" {\n  metadata { name = "app-config" }\n'
              '  type = "Opaque"\n}\n'
              'resource "kubernetes_service_account" "app" {\n  metadata { name = "app" }\n'
              "  secret { name = kubernetes_secret_v1.app.metadata[0].name }\n}\n",
              path="infra/app.tf"),
        Valid('resource "kubernetes_service_account" "app" {\n  metadata {\n'
              '    name        = "app"\n    annotations = {\n'
              '      "eks.amazonaws.com/role-arn" = aws_iam_role.app.arn\n    }\n  }\n}\n',
              path="infra/irsa.tf"),
        Valid('{"resource": {"kubernetes_service_account_v1": {"ci": {\n'
              '  "metadata": {"name": "ci"},\n'
              '  "image_pull_secret": [{"name": "registry"}]}}}}\n', path="infra/sa.tf.json"),
        Valid('{"resource": {\n  "kubernetes_secret_v1": {"cfg": {"metadata": {"name": "cfg"},'
              ' "type": "Opaque"}},\n'
              '  "kubernetes_service_account": {"app": {"metadata": {"name": "app"},\n'
              '    "secret": [{"name": "${kubernetes_secret_v1.cfg.metadata[0].name}"}]}}}}\n',
              path="infra/app.tf.json"),
        Valid('{"resource": {"kubernetes_service_account": {"app": {\n'
              '  "metadata": {"name": "app"}, "automount_service_account_token": false}}}}\n',
              path="infra/auto.tf.json"),
    ]
    INVALID = [
        Invalid(
            "apiVersion: v1\nkind: ServiceAccount\nmetadata: { name: ci }\n"
            "secrets:  # expect: LLC-K8S-002\n  - name: ci-token-abcde\n"
        , path="k8s/serviceaccount.yaml"),
        Invalid(
            "apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n"
            "    kind: ServiceAccount\n    metadata: { name: deploy }\n"
            "    secrets: [ { name: deploy-token } ]  # expect: LLC-K8S-002\n",
            path="cluster/accounts.yaml",
        ),
        Invalid(
            '{"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "bot"},\n'
            ' "secrets": [{"name": "bot-token-x1"}]}\n',
            path="k8s/bot.json",
            lines=(2,),
        ),
        Invalid(
            "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n"
            "  name: {{ .Release.Name }}-runner\n"
            "secrets:  # expect: LLC-K8S-002\n"
            "  - name: {{ .Release.Name }}-runner-token\n",
            path="chart/templates/sa.yaml",
        ),
        Invalid(
            "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n"
            "  name: {{ include \"app.fullname\" . }}\n"
            "  labels: {{- include \"app.labels\" . | nindent 4 }}\n"
            "secrets:  # expect: LLC-K8S-002\n"
            "  - name: {{ include \"app.fullname\" . }}-token\n",
            path="charts/app/templates/serviceaccount.yaml",
        ),
        Invalid(
            "{{- if .Values.legacy }}\napiVersion: v1\nkind: ServiceAccount\n"
            "metadata: { name: deployer }\n"
            "secrets: [ { name: deployer-token } ]  # expect: LLC-K8S-002\n"
            "---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: deployer-token\n"
            "  annotations: { kubernetes.io/service-account.name: deployer }\n"
            "type: kubernetes.io/service-account-token\n{{- end }}\n",
            path="chart/templates/deployer.yaml",
        ),
        Invalid('resource "kubernetes_service_account" "ci" {\n  metadata { name = "ci" }\n'
                '  secret {  # expect: LLC-K8S-002\n    name = "ci-token-x7k2p"\n  }\n}\n',
                path="infra/ci.tf"),
        Invalid('resource "kubernetes_secret_v1" "deployer" {\n'
                '  metadata {\n    name = "deployer-credentials"\n    annotations = {\n'
                '      "kubernetes.io/service-account.name" = "deployer"\n    }\n  }\n'
                '  type = "kubernetes.io/service-account-token"\n}\n'
                'resource "kubernetes_service_account_v1" "deployer" {\n'
                '  metadata { name = "deployer" }\n'
                "  secret {  # expect: LLC-K8S-002\n"
                "    name = kubernetes_secret_v1.deployer.metadata[0].name\n  }\n}\n",
                path="infra/deployer.tf"),
        Invalid('resource "kubernetes_service_account" "bot" {\n'
                '  metadata {\n    name      = "bot"\n    namespace = var.namespace\n  }\n'
                '  secret { name = "${var.prefix}-bot-token" }  # expect: LLC-K8S-002\n}\n',
                path="modules/bot/main.tf"),
        Invalid('{"resource": {"kubernetes_service_account": {"ci": {\n'
                '  "metadata": {"name": "ci"},\n'
                '  "secret": [{"name": "ci-token-x7k2p"}]}}}}\n',
                path="infra/ci.tf.json", lines=(3,)),
        Invalid('{"resource": {\n'
                '  "kubernetes_secret_v1": {"d": {"metadata": {"name": "d-creds"},\n'
                '    "type": "kubernetes.io/service-account-token"}},\n'
                '  "kubernetes_service_account_v1": {"d": {"metadata": {"name": "d"},\n'
                '    "secret": {"name": "${kubernetes_secret_v1.d.metadata[0].name}"}}}}}\n',
                path="infra/d.tf.json", lines=(5,)),
        Invalid('{"resource": [{"kubernetes_service_account": {"bot": {\n'
                '  "metadata": [{"name": "bot"}],\n'
                '  "secret": [{"name": "bot-token"}, {"name": "registry"}]}}}]}\n',
                path="infra/bot.tf.json", lines=(3,)),
    ]

    def check_service_account(self, account: ServiceAccount) -> None:
        if not account.secrets or account.secrets_key is None:
            return
        metadata = yamlnodes.get(account.manifest.node, "metadata")
        if yamlnodes.get(metadata, "uid") is not None or yamlnodes.get(
            metadata, "resourceVersion"
        ) is not None:
            return  # a recorded live object (`kubectl get -o yaml`): the cluster wrote that list
        types = {secret.manifest.name: secret.type for secret in self.view.secrets}
        tokens = []
        for entry in account.secrets:
            name = yamlnodes.scalar(yamlnodes.get(entry, "name"))
            if name is None:
                continue
            known = types.get(name)
            if known == _SA_TOKEN_TYPE or (known is None and "token" in name.lower()):
                tokens.append(name)
        if not tokens:
            return  # the Secrets pods may mount, not tokens (`enforce-mountable-secrets`)
        listed = ", ".join(f"`{shown(name)}`" for name in tokens[:3])
        self.report(
            account.secrets_key,
            f"ServiceAccount `{account.manifest.display}` lists token Secrets ({listed}): "
            "legacy service-account tokens that never expire.",
            lifetime=Lifetime.never(),
        )
