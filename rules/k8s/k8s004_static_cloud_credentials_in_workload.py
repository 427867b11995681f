"""LLC-K8S-004: static cloud credentials injected into a workload."""

from __future__ import annotations

import re

from scanner.api import (
    BASE32_UPPER,
    BASE64,
    Category,
    EnvVar,
    FileKind,
    Invalid,
    K8sRule,
    Lifetime,
    PodSpec,
    Precision,
    RuleMeta,
    Severity,
    Valid,
    credential_shaped,
    credentials,
    fake_token,
    templated,
    value_entries,
    yamlnodes,
)
from scanner.api.iac_crossfile import federated_elsewhere
from scanner.api.k8s_values import is_reference, provider_format

#: Credential kinds (``scanner.credentials``) that are a cloud's or Vault's standing secret.
CLOUD_KINDS = frozenset(
    {"aws-access-key", "gcp-service-account-key", "azure-client-secret", "azure-storage-key",
     "vault-token", "vault-approle-secret-id"}
)
#: Helm values keys (lower-cased) that hold a cloud credential wherever they are...
_VALUE_KEYS = frozenset(
    {"awsaccesskeyid", "awssecretaccesskey", "serviceaccountkey", "gcpcredentials",
     "clientsecret", "awssecretkey", "awsaccesskey"}
)
#: ...and the ones that do only under an ``aws`` or ``s3`` parent.
_AWS_KEYS = frozenset({"accesskey", "secretkey", "accesskeyid", "secretaccesskey"})
_AWS_PARENTS = frozenset({"aws", "s3"})
_FIX_BY_KIND = {
    "aws-access-key": "IRSA or EKS Pod Identity",
    "gcp-service-account-key": "GKE Workload Identity",
    "azure-client-secret": "Azure Workload Identity",
    "azure-storage-key": "Azure Workload Identity",
    "vault-token": "Vault's Kubernetes auth method with the pod's projected token",
    "vault-approle-secret-id": "Vault's Kubernetes auth method with the pod's projected token",
}
_KEY_FILE = re.compile(r"\.json$", re.I)

_KEY_ID = fake_token("AKIA", 16, BASE32_UPPER, seed=41)
_SECRET = fake_token("", 40, BASE64, seed=42)


def _env_kind(name: str) -> str | None:
    kind = credentials.for_env(name)
    if kind is not None and kind.id in CLOUD_KINDS:
        return kind.id
    return None


class StaticCloudCredentialsInWorkload(K8sRule):
    """## What it does
    Flags cloud and Vault credentials handed to containers: an `env` entry named like a static
    credential (`AWS_SECRET_ACCESS_KEY`, `AZURE_CLIENT_SECRET`, `ARM_CLIENT_SECRET`,
    `VAULT_TOKEN`, `GOOGLE_CREDENTIALS`, ... from the credential-kinds table) with a literal
    `value` (critical) or a `valueFrom.secretKeyRef` (medium; low when `optional: true`, a
    fallback for a Secret the user may create); `GOOGLE_APPLICATION_CREDENTIALS`
    pointing at a `.json` key file mounted from a Secret (medium); `envFrom.secretRef` of a
    Secret in the same file that holds such keys (medium); and Helm values keys
    (`awsAccessKeyId`, `awsSecretAccessKey`, `accessKey`/`secretKey` under `aws` or `s3`,
    `serviceAccountKey`, `gcpCredentials`, `clientSecret`) with a credential-shaped literal
    (critical). A reference is quiet when the pod's ServiceAccount is federated
    (`eks.amazonaws.com/role-arn`, `iam.gke.io/gcp-service-account`,
    `azure.workload.identity/client-id`), whether in the same file or in another file of the
    tree that can be deployed with it: its kustomize build (a base and the overlay that
    annotates the account), its directory or one above it, or the same Terraform module; the
    namespaces must agree where both are written. A literal never is. In chart templates only
    literals count: what a template computes depends on values the chart's user chooses.
    Terraform's `kubernetes_deployment`, `kubernetes_pod`, `kubernetes_cron_job_v1`, ...
    `env` blocks are read the same way (`.tf` and `.tf.json`), a `value` expression
    (`var.key`, `"${...}"`) counting as a reference (medium).

    ## Why is this bad?
    A static cloud key in a pod is a standing credential that every replica, crash dump and
    `kubectl describe` reader shares, that outlives the workload and that nobody rotates, while
    the cluster can give each pod a short-lived federated identity instead (OWASP NHI7, NHI6).

    ## Example
    ```yaml
    env:
      - name: AWS_SECRET_ACCESS_KEY
        valueFrom: { secretKeyRef: { name: aws, key: secret } }
    ```

    Use instead:
    ```yaml
    apiVersion: v1
    kind: ServiceAccount
    metadata:
      name: app
      annotations:
        eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/app
    # and `serviceAccountName: app` in the pod, without the key variables
    ```

    ## References
    - Amazon EKS, IAM roles for service accounts: https://docs.aws.amazon.com/eks/latest/userguide/iam-roles-for-service-accounts.html
    - GKE Workload Identity Federation: https://cloud.google.com/kubernetes-engine/docs/how-to/workload-identity
    - Azure Workload Identity: https://azure.github.io/azure-workload-identity/docs/
    """

    META = RuleMeta(
        id="LLC-K8S-004",
        name="static-cloud-credentials-in-workload",
        summary="Static cloud credentials injected into a workload",
        category=Category.IAC_LONG_LIVED_CREDENTIAL,
        severity=Severity.MEDIUM,
        precision=Precision.HIGH,
        owasp=("NHI7", "NHI6"),
        fix="Give the pod a federated identity (IRSA or EKS Pod Identity, GKE Workload "
        "Identity, Azure Workload Identity) and drop the key; where a secret is still needed, "
        "fetch it with External Secrets or the Secrets Store CSI driver using that identity.",
        kinds=frozenset({FileKind.KUBERNETES, FileKind.HELM, FileKind.TERRAFORM}),
        triggers=(
            "aws_access_key_id", "aws_secret_access_key", "google_application_credentials",
            "google_credentials", "google_cloud_keyfile_json", "gcp_sa_key", "gcloud_service_key",
            "azure_client_secret", "arm_client_secret", "azure_storage_key",
            "azure_storage_connection_string", "arm_access_key", "vault_token", "vault_secret_id",
            "accesskey", "secretkey", "serviceaccountkey", "gcpcredentials", "clientsecret",
        ),
    )

    VALID = [
        # IRSA: the ServiceAccount is federated, the pod holds no key.
        Valid(
            "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: app\n  annotations:\n"
            "    eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/app\n---\n"
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: app }\nspec:\n"
            "  template:\n    spec:\n      serviceAccountName: app\n      containers:\n"
            "        - name: app\n          image: app:1\n          env:\n"
            "            - name: AWS_REGION\n              value: eu-west-1\n"
            "            - name: AWS_ROLE_ARN\n"
            "              value: arn:aws:iam::111122223333:role/app\n",
            path="k8s/app.yaml",
        ),
        # GKE Workload Identity on the account; a reference left behind is quiet there.
        Valid(
            "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sync\n  annotations:\n"
            "    iam.gke.io/gcp-service-account: sync@proj.iam.gserviceaccount.com\n---\n"
            "apiVersion: batch/v1\nkind: Job\nmetadata: { name: sync }\nspec:\n  template:\n"
            "    spec:\n      serviceAccountName: sync\n      containers:\n"
            "        - name: sync\n          image: sync:1\n          env:\n"
            "            - name: GOOGLE_CREDENTIALS\n              valueFrom:\n"
            "                secretKeyRef: { name: legacy, key: json }\n",
            path="k8s/sync.yaml",
        ),
        # Emulators with their documented dummy keys; empty values; k8s env expansion.
        Valid(
            "apiVersion: v1\nkind: Pod\nmetadata: { name: test }\nspec:\n  containers:\n"
            "    - name: localstack\n      image: localstack/localstack\n      env:\n"
            "        - { name: AWS_ACCESS_KEY_ID, value: test }\n"
            "        - { name: AWS_SECRET_ACCESS_KEY, value: test }\n"
            "    - name: app\n      image: app:1\n      env:\n"
            '        - { name: AZURE_CLIENT_SECRET, value: "" }\n'
            "        - { name: VAULT_TOKEN, value: $(VAULT_TOKEN_FROM_INIT) }\n",
            path="k8s/test-pod.yaml",
        ),
        Valid(
            "serviceAccount:\n  annotations:\n"
            "    eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/app\n"
            "aws:\n  region: eu-west-1\n  accessKey: \"\"\n  secretKey: \"\"\n"
            "  existingSecret: aws-creds\n"
            "oauth:\n  clientSecret: \"\"\n",
            path="chart/values.yaml",
        ),
        # A chart template computes its env from the user's values.
        Valid(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: {{ .Release.Name }} }\n"
            "spec:\n  template:\n    spec:\n      containers:\n        - name: app\n"
            "          image: app:1\n          env:\n"
            "            {{- if .Values.aws.secretKey }}\n"
            "            - name: AWS_SECRET_ACCESS_KEY\n              valueFrom:\n"
            "                secretKeyRef: { name: {{ .Release.Name }}-aws, key: secret }\n"
            "            {{- end }}\n",
            path="chart/templates/deployment.yaml",
        ),
        Valid(
            "s3:\n  bucket: backups\n  accessKey: \"{{ .Values.global.s3.accessKey }}\"\n"
            "minio:\n  accessKey: minioadmin\n  secretKey: minioadmin\n",
            path="chart/values-dev.yaml",
        ),
        Valid(
            'resource "kubernetes_service_account_v1" "app" {\n  metadata {\n'
            '    name = "app"\n    annotations = {\n'
            '      "eks.amazonaws.com/role-arn" = aws_iam_role.app.arn\n    }\n  }\n}\n'
            'resource "kubernetes_deployment_v1" "app" {\n  metadata { name = "app" }\n'
            "  spec {\n    template {\n      metadata { labels = { app = \"app\" } }\n"
            "      spec {\n        service_account_name = \"app\"\n"
            "        container {\n          name  = \"app\"\n          image = \"app:1\"\n"
            "          env {\n            name = \"AWS_SECRET_ACCESS_KEY\"\n"
            "            value_from {\n              secret_key_ref {\n"
            "                name = \"legacy\"\n                key  = \"secret\"\n"
            "              }\n            }\n          }\n        }\n      }\n    }\n  }\n}\n",
            path="infra/app.tf",
        ),
        Valid(
            'resource "kubernetes_pod_v1" "test" {\n  metadata { name = "test" }\n'
            "  spec {\n    container {\n      name  = \"localstack\"\n"
            "      image = \"localstack/localstack\"\n"
            "      env {\n        name  = \"AWS_ACCESS_KEY_ID\"\n        value = \"test\"\n"
            "      }\n      env {\n        name  = \"AWS_REGION\"\n"
            "        value = \"eu-west-1\"\n      }\n    }\n  }\n}\n",
            path="infra/test.tf",
        ),
        Valid(
            'resource "kubernetes_job_v1" "migrate" {\n  metadata { name = "migrate" }\n'
            "  spec {\n    template {\n      metadata {}\n      spec {\n"
            "        container {\n          name  = \"m\"\n          image = \"m:1\"\n"
            "          env {\n            name  = \"DATABASE_URL\"\n"
            "            value = var.database_url\n          }\n        }\n      }\n"
            "    }\n  }\n}\n",
            path="infra/migrate.tf",
        ),
        # `.tf.json`: nested blocks are objects or lists of objects.
        Valid(
            '{"resource": {\n'
            ' "kubernetes_service_account_v1": {"app": {"metadata": {"name": "app",\n'
            '  "annotations": {"eks.amazonaws.com/role-arn": "${aws_iam_role.app.arn}"}}}},\n'
            ' "kubernetes_deployment_v1": {"app": {"metadata": {"name": "app"},\n'
            '  "spec": {"template": {"metadata": {}, "spec": {\n'
            '   "service_account_name": "app",\n'
            '   "container": [{"name": "app", "image": "app:1", "env": [{\n'
            '    "name": "AWS_SECRET_ACCESS_KEY",\n'
            '    "value_from": {"secret_key_ref": {"name": "legacy", "key": "secret"}}}]}]\n'
            '  }}}}}}}\n',
            path="infra/app.tf.json",
        ),
        Valid(
            '{"resource": {"kubernetes_pod_v1": {"test": {\n'
            '  "metadata": {"name": "test"},\n'
            '  "spec": {"container": {"name": "localstack", "image": "localstack/localstack",\n'
            '   "env": [{"name": "AWS_ACCESS_KEY_ID", "value": "test"},\n'
            '           {"name": "AWS_REGION", "value": "eu-west-1"}]}}}}}}\n',
            path="infra/test.tf.json",
        ),
        Valid(
            '{"resource": {"kubernetes_job_v1": {"migrate": {\n'
            '  "metadata": {"name": "migrate"},\n'
            '  "spec": {"template": {"metadata": {}, "spec": {"container": [{\n'
            '   "name": "m", "image": "m:1",\n'
            '   "env": [{"name": "DATABASE_URL", "value": "${var.database_url}"}]}]}}}}}}}\n',
            path="infra/migrate.tf.json",
        ),
    ]
    INVALID = [
        Invalid(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: app }\nspec:\n"
            "  template:\n    spec:\n      containers:\n        - name: app\n"
            "          image: app:1\n          env:\n"
            "            - name: AWS_ACCESS_KEY_ID\n"
            "              valueFrom: { secretKeyRef: { name: aws, key: id } }\n"
            "            - name: AWS_SECRET_ACCESS_KEY  # expect: LLC-K8S-004\n"
            "              valueFrom: { secretKeyRef: { name: aws, key: secret } }\n",
            path="k8s/deployment.yaml",
        ),
        Invalid(
            "apiVersion: v1\nkind: Pod\nmetadata: { name: job }\nspec:\n  containers:\n"
            "    - name: job\n      image: job:1\n      env:\n"
            f"        - name: AWS_ACCESS_KEY_ID\n          value: {_KEY_ID}\n"
            "        - name: AWS_SECRET_ACCESS_KEY  # expect: LLC-K8S-004\n"
            f"          value: {_SECRET}\n"
            "        - name: VAULT_TOKEN  # expect: LLC-K8S-004\n"
            "          valueFrom: { secretKeyRef: { name: vault, key: token } }\n",
            path="k8s/job.yaml",
        ),
        Invalid(
            "apiVersion: v1\nkind: Secret\nmetadata: { name: azure }\ntype: Opaque\n"
            "stringData:\n  AZURE_CLIENT_ID: 00000000-0000-0000-0000-000000000000\n"
            "  AZURE_CLIENT_SECRET: from-the-vault-at-deploy-time\n---\n"
            "apiVersion: batch/v1\nkind: CronJob\nmetadata: { name: report }\nspec:\n"
            "  schedule: '@daily'\n  jobTemplate:\n    spec:\n      template:\n        spec:\n"
            "          containers:\n            - name: r\n              image: r:1\n"
            "              envFrom:\n"
            "                - secretRef: { name: azure }  # expect: LLC-K8S-004\n"
            "          volumes:\n            - name: key\n"
            "              secret: { secretName: gcp-key }\n",
            path="jobs/report.yaml",
        ),
        Invalid(
            "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: { name: etl }\nspec:\n"
            "  template:\n    spec:\n      containers:\n        - name: etl\n"
            "          image: etl:1\n          env:\n"
            "            - name: GOOGLE_APPLICATION_CREDENTIALS  # expect: LLC-K8S-004\n"
            "              value: /var/secrets/google/key.json\n"
            "          volumeMounts: [ { name: gcp, mountPath: /var/secrets/google } ]\n"
            "      volumes:\n        - name: gcp\n          secret: { secretName: gcp-key }\n",
            path="k8s/etl.yaml",
        ),
        Invalid(
            "image: backup:1\naws:\n  region: eu-west-1\n"
            f"  accessKey: {_KEY_ID}  # expect: LLC-K8S-004\n"
            f"  secretKey: {_SECRET}  # expect: LLC-K8S-004\n",
            path="chart/values.yaml",
        ),
        Invalid(
            "backup:\n  destination:\n    s3:\n"
            f"      secretAccessKey: \"{_SECRET}\"  # expect: LLC-K8S-004\n"
            "externalDns:\n"
            f"  awsSecretAccessKey: {_SECRET[::-1]}  # expect: LLC-K8S-004\n",
            path="charts/backup/values-prod.yaml",
        ),
        Invalid(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: {{ .Release.Name }} }\n"
            "spec:\n  template:\n    spec:\n      containers:\n        - name: app\n"
            "          image: app:1\n          env:\n"
            "            - name: ARM_CLIENT_SECRET  # expect: LLC-K8S-004\n"
            f"              value: \"{fake_token('Q1w8Q~', 34, seed=43)}\"\n",
            path="chart/templates/deployment.yaml",
        ),
        Invalid(
            'resource "kubernetes_deployment_v1" "worker" {\n'
            '  metadata { name = "worker" }\n  spec {\n    template {\n'
            "      metadata {}\n      spec {\n        container {\n"
            "          name  = \"worker\"\n          image = \"worker:1\"\n"
            "          env {\n            name = \"AWS_SECRET_ACCESS_KEY\"  "
            "# expect: LLC-K8S-004\n"
            "            value_from {\n              secret_key_ref {\n"
            "                name = \"worker-aws\"\n                key  = \"secret\"\n"
            "              }\n            }\n          }\n        }\n      }\n    }\n  }\n}\n",
            path="infra/worker.tf",
        ),
        Invalid(
            'resource "kubernetes_cron_job_v1" "backup" {\n'
            '  metadata { name = "backup" }\n  spec {\n    schedule = "@daily"\n'
            "    job_template {\n      metadata {}\n      spec {\n        template {\n"
            "          metadata {}\n          spec {\n            container {\n"
            "              name  = \"backup\"\n              image = \"backup:1\"\n"
            "              env {\n                name  = \"ARM_CLIENT_SECRET\"  "
            "# expect: LLC-K8S-004\n"
            "                value = var.backup_client_secret\n              }\n"
            "            }\n          }\n        }\n      }\n    }\n  }\n}\n",
            path="infra/backup.tf",
        ),
        Invalid(
            'resource "kubernetes_pod" "sync" {\n  metadata { name = "sync" }\n'
            "  spec {\n    container {\n      name  = \"sync\"\n      image = \"sync:1\"\n"
            "      env {\n        name  = \"VAULT_TOKEN\"  # expect: LLC-K8S-004\n"
            f"        value = \"{fake_token('hvs.', 24, seed=44)}\"\n      }}\n"
            "    }\n  }\n}\n",
            path="infra/sync.tf",
        ),
        Invalid(
            '{"resource": {"kubernetes_deployment_v1": {"worker": {\n'
            '  "metadata": {"name": "worker"},\n'
            '  "spec": {"template": {"metadata": {}, "spec": {"container": [{\n'
            '   "name": "worker", "image": "worker:1",\n'
            '   "env": [{"name": "AWS_SECRET_ACCESS_KEY",\n'
            '    "value_from": {"secret_key_ref": {"name": "worker-aws", "key": "secret"}}}]\n'
            '  }]}}}}}}}\n',
            path="infra/worker.tf.json",
            lines=(5,),
        ),
        Invalid(
            '{\n  "resource": {\n    "kubernetes_cron_job_v1": {\n      "backup": {\n'
            '        "metadata": {"name": "backup"},\n'
            '        "spec": {"schedule": "@daily", "job_template": {"metadata": {},\n'
            '          "spec": {"template": {"metadata": {}, "spec": {\n'
            '            "container": [{"name": "backup", "image": "backup:1", "env": [{\n'
            '              "name": "ARM_CLIENT_SECRET",\n'
            '              "value": "${var.backup_client_secret}"}]}]}}}}}\n'
            '      }\n    }\n  }\n}\n',
            path="infra/backup.tf.json",
            lines=(9,),
        ),
        Invalid(
            '{"resource": [{"kubernetes_pod": {"sync": {\n'
            '  "metadata": {"name": "sync"},\n'
            '  "spec": {"container": {"name": "sync", "image": "sync:1", "env": {\n'
            '   "name": "VAULT_TOKEN",\n'
            f'   "value": "{fake_token("hvs.", 24, seed=45)}"}}}}}}}}}}}}]}}\n',
            path="infra/sync.tf.json",
            lines=(4,),
        ),
    ]

    def check_pod_spec(self, pod: PodSpec) -> None:
        account = self.view.service_account(pod.service_account)
        federated = account.federated if account is not None else None
        if federated is None:  # an overlay's patch or a shared accounts file may federate it
            elsewhere = federated_elsewhere(
                self.context, self.view.rel, pod.service_account, pod.owner.namespace
            )
            federated = elsewhere.annotation if elsewhere is not None else None
        for container in pod.containers:
            names = {env.name.upper() for env in container.env}
            for env in container.env:
                kind = _env_kind(env.name)
                if kind == "aws-access-key" and env.name.upper() == "AWS_ACCESS_KEY_ID" and (
                    "AWS_SECRET_ACCESS_KEY" in names
                ):
                    continue  # the pair is one finding, on the secret half
                if kind is not None:
                    self._env(pod, env, kind, federated)
                elif credentials.for_path_env(env.name) is not None:
                    self._key_file(pod, env, federated)
            for source in container.env_from:
                self._env_from(pod, source.secret, source.node, federated)

    def _env(self, pod: PodSpec, env: EnvVar, kind: str, federated: str | None) -> None:
        fix = f"Use {_FIX_BY_KIND[kind]} instead of `{env.name}`."
        if env.text is not None and env.ref_node is None:
            literal = env.text.strip()
            if (
                not literal
                or is_reference(literal)
                or self.context.is_placeholder(literal)
                or not (credential_shaped(literal) or provider_format(literal))
            ):
                return
            self.report(
                env.name_node,
                f"{pod.owner.kind} `{pod.owner.display}` sets `{env.name}` to a literal "
                "static credential: it is committed here and shared by every replica.",
                lifetime=Lifetime.static(),
                value=literal,
                severity=Severity.CRITICAL,
                fix=fix,
            )
            return
        terraform_ref = self.view.terraform and env.templated
        if (env.ref_node is None and not terraform_ref) or federated is not None or (
            self.view.template
        ):
            return
        where = (f" from Secret `{env.secret_name}`" if env.secret_name
                 else " from a Terraform expression" if terraform_ref else "")
        # `optional: true`: a fallback slot for a key the user may create (CSI drivers,
        # controllers that document IRSA first): a standing key only where that Secret exists.
        optional = yamlnodes.scalar(yamlnodes.get(env.ref_node, "optional")) == "true"
        self.report(
            env.name_node,
            f"{pod.owner.kind} `{pod.owner.display}` injects the static credential "
            f"`{env.name}`{where}"
            + (" when that Secret exists (`optional: true`)" if optional else "")
            + ": a standing key every replica holds, never rotated by the cluster.",
            lifetime=Lifetime.static(),
            severity=Severity.LOW if optional else None,
            fix=fix,
        )

    def _key_file(self, pod: PodSpec, env: EnvVar, federated: str | None) -> None:
        path = env.text
        if path is None or federated is not None or self.view.template:
            return
        if not _KEY_FILE.search(path) or not pod.secret_volumes:
            return
        self.report(
            env.name_node,
            f"{pod.owner.kind} `{pod.owner.display}` points `{env.name}` at a key file "
            "mounted from a Secret: a user-managed service-account key that never expires.",
            lifetime=Lifetime.static(),
            fix=f"Use {_FIX_BY_KIND['gcp-service-account-key']} instead of a key file.",
        )

    def _env_from(self, pod: PodSpec, name: str | None, node: object,
                  federated: str | None) -> None:
        if not name or federated is not None or self.view.template:
            return
        for secret in self.view.secrets:
            if secret.manifest.name != name:
                continue
            keys = [e.key for e in secret.entries if _env_kind(e.key) is not None]
            if keys:
                self.report(
                    node,
                    f"{pod.owner.kind} `{pod.owner.display}` loads Secret `{name}` into "
                    f"its environment, with the static credential{'s' if len(keys) > 1 else ''} "
                    f"{', '.join(f'`{k}`' for k in keys[:3])}.",
                    lifetime=Lifetime.static(),
                )
            return

    def check_values(self, root: yamlnodes.Node) -> None:
        for path, key_node, value in value_entries(root):
            key = str(key_node.value)
            lowered = key.lower()
            if lowered not in _VALUE_KEYS and not (
                lowered in _AWS_KEYS and path and path[-1].lower() in _AWS_PARENTS
            ):
                continue
            text = yamlnodes.scalar(value)
            if text is None or templated(text):
                continue
            literal = text.strip()
            if (
                not literal
                or is_reference(literal)
                or "{{" in literal
                or self.context.is_placeholder(literal)
            ):
                continue
            if not (credential_shaped(literal, random=True) or provider_format(literal)
                    or '"private_key"' in literal):
                continue
            self.report(
                key_node,
                f"Helm values set `{'.'.join((*path, key))}` to a literal cloud credential: "
                "every release of the chart with these values ships a standing key.",
                lifetime=Lifetime.static(),
                value=literal,
                severity=Severity.CRITICAL,
            )

