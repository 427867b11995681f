"""LLC-IAC-003: a user-managed GCP service-account key created by infrastructure code."""

from __future__ import annotations

import re

from scanner.api import (
    Category,
    FileKind,
    FrontEnd,
    HclDocument,
    IacRule,
    Invalid,
    Lifetime,
    Precision,
    Resource,
    RuleMeta,
    Severity,
    Valid,
    credential_resource,
)
from scanner.api.iac_crossfile import (
    fed_by,
    key_inputs,
    local_module,
    on_by_default,
    related,
    where,
)

_ROW = credential_resource("gcp.iam.service_account_key")
#: An output value that reads a key resource's private key (``base64decode(...)`` around it
#: or not, one instance or ``[0]``/``["k"]``/``[*]``).
_PRIVATE_KEY = re.compile(
    r"\bgoogle_service_account_key\.[A-Za-z_][\w-]*(?:\[[^\]]*\])*\.private_key\b"
)
#: Module inputs that make a service-account module mint keys
#: (terraform-google-modules/service-accounts ``generate_keys``).
_MODULE_INPUTS = ("generate_keys", "create_keys", "create_service_account_key")


class GcpServiceAccountKey(IacRule):
    """## What it does
    Flags user-managed GCP service-account keys declared in code: Terraform
    `resource "google_service_account_key"` (`.tf` and `.tf.json`) and Ansible
    `google.cloud.gcp_iam_service_account_key` tasks that are not `state: absent`. Also
    flags an `output` that exports a key's `private_key`, and a module call whose input makes
    the module mint keys (`generate_keys = true`); when the module is in the tree
    (`source = "./modules/sa"`), its own files decide which inputs mint a key and whether it
    makes one by default, and the key resource is a related location. A key made from an
    uploaded public key
    (`public_key_data`) is medium: its private half never enters Terraform state.

    ## Why is this bad?
    A user-managed key is a standing credential: it has no expiry of its own (only an
    organization policy, `constraints/iam.serviceAccountKeyExpiryHours`, gives keys one; CIS
    GCP 1.4 quotes "10 years from creation"), and the private key sits base64-encoded in the
    state file and in every output that passes it on (OWASP NHI7 Long-Lived Secrets, NHI1
    Improper Offboarding).

    ## Example
    ```hcl
    resource "google_service_account_key" "ci" {
      service_account_id = google_service_account.ci.name
    }
    output "ci_key" { value = google_service_account_key.ci.private_key }
    ```

    Use instead:
    ```hcl
    resource "google_iam_workload_identity_pool_provider" "github" {
      workload_identity_pool_id          = google_iam_workload_identity_pool.ci.id
      workload_identity_pool_provider_id = "github"
      attribute_condition                = "assertion.repository == 'org/app'"
      oidc { issuer_uri = "https://token.actions.githubusercontent.com" }
    }
    ```

    ## References
    - Terraform google_service_account_key: https://registry.terraform.io/providers/hashicorp/google/latest/docs/resources/google_service_account_key
    - Google Cloud, best practices for managing service account keys: https://cloud.google.com/iam/docs/best-practices-for-managing-service-account-keys
    - Google Cloud, Workload Identity Federation: https://cloud.google.com/iam/docs/workload-identity-federation
    """

    META = RuleMeta(
        id="LLC-IAC-003",
        name="gcp-service-account-key",
        summary="User-managed GCP service-account key declared in IaC",
        category=Category.IAC_LONG_LIVED_CREDENTIAL,
        severity=Severity.HIGH,
        precision=Precision.VERY_HIGH,
        owasp=_ROW.owasp,
        fix=_ROW.fix,
        kinds=frozenset({FileKind.TERRAFORM, FileKind.ANSIBLE, FileKind.PYTHON}),
        # `pulumi_gcp`: Pulumi's `gcp.serviceaccount.Key` in a Python program.
        triggers=("google_service_account_key", "gcp_iam_service_account_key",
                  *_MODULE_INPUTS, "pulumi_gcp",
                  # a local module (`source = "./..."`), whose own files may mint a key
                  '"./', '"../'),
    )

    VALID = [
        Valid('resource "google_iam_workload_identity_pool_provider" "gh" {\n'
              '  workload_identity_pool_provider_id = "github"\n'
              "  attribute_condition = \"assertion.repository == 'org/repo'\"\n}\n",
              path="main.tf"),
        # Reading the keys of an account, or a module asked not to make any, mints nothing.
        Valid('data "google_service_account_key" "existing" {\n'
              "  name = var.key_name\n}\n"
              'module "sa" {\n  source = "terraform-google-modules/service-accounts/google"\n'
              "  generate_keys = false\n}\n", path="main.tf"),
        Valid('resource "google_service_account" "ci" {\n  account_id = "ci"\n}\n'
              "# google_service_account_key is forbidden by org policy here\n"
              'output "email" {\n  value = google_service_account.ci.email\n}\n', path="main.tf"),
        Valid('{"data": {"google_service_account_key": {"k": {"name": "x"}}}}\n',
              path="infra/keys.tf.json"),
        # Keyless: GKE Workload Identity binding and the account's email exported, no key.
        Valid('{"resource": {"google_service_account_iam_member": {"wi": {\n'
              '  "service_account_id": "${google_service_account.app.name}",\n'
              '  "role": "roles/iam.workloadIdentityUser",\n'
              '  "member": "serviceAccount:acme.svc.id.goog[prod/app]"}}}}\n',
              path="infra/wi.tf.json"),
        Valid('{"resource": {"google_service_account": {"ci": {"account_id": "ci"}}},\n'
              ' "output": {"email": {"value": "${google_service_account.ci.email}"}}}\n',
              path="infra/sa.tf.json"),
        Valid("- hosts: localhost\n  tasks:\n    - google.cloud.gcp_iam_service_account_key:\n"
              "        service_account: '{{ sa }}'\n        state: absent\n",
              path="playbooks/gcp.yml"),
        Valid("- hosts: localhost\n  tasks:\n    - google.cloud.gcp_iam_service_account:\n"
              "        name: ci@project.iam.gserviceaccount.com\n"
              "    # gcp_iam_service_account_key: not used, keyless auth\n",
              path="playbooks/gcp.yml"),
        Valid("- hosts: localhost\n  tasks:\n    - google.cloud.gcp_iam_service_account_key:\n"
              "        service_account: '{{ sa }}'\n        state: '{{ wanted }}'\n",
              path="playbooks/gcp.yml"),
        # Pulumi programs in Python: impersonation and Workload Identity instead of keys.
        Valid("import pulumi_gcp as gcp\n\n"
              'sa = gcp.serviceaccount.Account("ci", account_id="ci")\n'
              'gcp.serviceaccount.IAMMember("wif", service_account_id=sa.name,\n'
              '    role="roles/iam.workloadIdentityUser", member=principal)\n',
              path="infra/__main__.py"),
        Valid("import pulumi_gcp as gcp\n\n"
              "# gcp.serviceaccount.Key is banned by org policy\n"
              'pool = gcp.iam.WorkloadIdentityPool("gh", workload_identity_pool_id="gh")\n',
              path="infra/__main__.py"),
        Valid("import pulumi\n\n"
              'key_file = pulumi.Config().require_secret("serviceAccountKey")\n',
              path="infra/__main__.py"),
    ]
    INVALID = [
        Invalid('resource "google_service_account_key" "ci" {  # expect: LLC-IAC-003\n'
                "  service_account_id = google_service_account.ci.name\n}\n", path="main.tf"),
        Invalid('resource "google_service_account_key" "mykey" {  # expect: LLC-IAC-003\n'
                "  service_account_id = google_service_account.ci.name\n}\n"
                'output "key" {\n'
                "  value     = base64decode(google_service_account_key.mykey.private_key)"
                "  # expect: LLC-IAC-003\n  sensitive = true\n}\n", path="main.tf"),
        Invalid('resource "google_service_account_key" "uploaded" {  # expect: LLC-IAC-003\n'
                "  service_account_id = google_service_account.ci.name\n"
                '  public_key_data    = filebase64("ci.pub")\n}\n', path="main.tf"),
        Invalid('module "service_accounts" {\n'
                '  source        = "terraform-google-modules/service-accounts/google"\n'
                '  names         = ["ci"]\n'
                "  generate_keys = true  # expect: LLC-IAC-003\n}\n", path="main.tf"),
        Invalid('{"resource": {"google_service_account_key": {\n'
                '  "ci": {"service_account_id": "${google_service_account.ci.name}"}}}}\n',
                path="infra/keys.tf.json", lines=(2,)),
        Invalid('{\n  "resource": {\n    "google_service_account_key": {\n'
                '      "deploy": {\n'
                '        "service_account_id": "${google_service_account.deploy.name}",\n'
                '        "key_algorithm": "KEY_ALG_RSA_2048"\n      }\n    }\n  }\n}\n',
                path="infra/deploy.tf.json", lines=(4,)),
        Invalid('{"resource": [{"google_service_account_key": {"up": {\n'
                '  "service_account_id": "${google_service_account.ci.name}",\n'
                '  "public_key_data": "${filebase64(\\"ci.pub\\")}"}}}]}\n',
                path="infra/uploaded.tf.json", lines=(1,)),
        Invalid("- hosts: localhost\n  tasks:\n    - name: key for ci\n"
                "      google.cloud.gcp_iam_service_account_key:  # expect: LLC-IAC-003\n"
                "        service_account: '{{ sa }}'\n        private_key_type: "
                "TYPE_GOOGLE_CREDENTIALS_FILE\n        path: /tmp/key.json\n",
                path="playbooks/gcp.yml"),
        Invalid("- hosts: localhost\n  tasks:\n"
                "    - gcp_iam_service_account_key:  # expect: LLC-IAC-003\n"
                "        service_account: '{{ sa }}'\n        state: present\n",
                path="playbooks/gcp.yml"),
        Invalid("- name: key\n  google.cloud.gcp_iam_service_account_key:"
                "  # expect: LLC-IAC-003\n    service_account: '{{ sa }}'\n",
                path="roles/gcp/tasks/main.yml"),
        Invalid("import pulumi_gcp as gcp\n\n"
                'sa = gcp.serviceaccount.Account("ci", account_id="ci")\n'
                'key = gcp.serviceaccount.Key("ci-key",  # expect: LLC-IAC-003\n'
                "    service_account_id=sa.name)\n", path="infra/__main__.py"),
        Invalid("from pulumi_gcp import serviceaccount\n\n"
                'serviceaccount.Key("up", service_account_id=sa.name,  # expect: LLC-IAC-003\n'
                "    public_key_data=pub)\n", path="infra/__main__.py"),
        Invalid("import pulumi_gcp\n\n"
                "for name in ['a', 'b']:\n"
                "    pulumi_gcp.serviceaccount.Key(name, service_account_id=name)"
                "  # expect: LLC-IAC-003\n",
                path="infra/__main__.py"),
    ]

    RESOURCE_TYPES = frozenset({"gcp.iam.service_account_key"})

    def check_hcl(self, doc: HclDocument) -> None:
        super().check_hcl(doc)
        for output in doc.iter_blocks("output"):
            value = output.attribute("value")
            if value is not None and _PRIVATE_KEY.search(value.source):
                name = output.labels[0] if output.labels else ""
                self.report(
                    value.node,
                    f"Output {name!r} exports a service-account private key: anyone who can "
                    "read outputs or state (a CI log, a remote-state data source) holds a "
                    "key that never expires.",
                    lifetime=Lifetime.static(),
                )
        for module in doc.iter_blocks("module"):
            name = module.labels[0] if module.labels else ""
            # A module in the tree says which of its inputs mint the keys, and where.
            local = local_module(self.context, doc.path, module, _ROW.canonical)
            asked = False
            for input_name in dict.fromkeys((*_MODULE_INPUTS, *key_inputs(local or ()))):
                attribute = module.attribute(input_name)
                if attribute is not None and attribute.source.strip() == "true":
                    minted = fed_by(local or (), input_name)
                    at = (f" feeds `{minted[0].native}.{minted[0].name}`, {where(minted[0])}"
                          if minted else "")
                    self.report(
                        attribute.node,
                        f"Module {name!r} is asked to create service-account keys "
                        f"(`{input_name} = true`{at}): user-managed keys that never expire, "
                        "with their private halves in state.",
                        lifetime=Lifetime.static(),
                        related=related(minted, "service-account key"),
                    )
                    asked = True
            source = module.attribute("source")
            minted = [m for m in local or () if on_by_default(m, module)]
            if source is not None and not asked and minted:
                self.report(
                    source.node,
                    f"Module {name!r} creates a service-account key by default "
                    f"(`{minted[0].native}.{minted[0].name}`, {where(minted[0])}): a "
                    "user-managed key that never expires, with its private half in state.",
                    lifetime=Lifetime.static(),
                    related=related(minted, "service-account key"),
                )

    def check_resource(self, resource: Resource) -> None:
        if resource.front_end is FrontEnd.ANSIBLE:
            state = resource.attr("state")
            if (state.text if state is not None else "present") != "present":
                return
        uploaded = resource.has("public_key_data")
        self.report(
            resource.node,
            "Infrastructure code creates a user-managed service-account key"
            + (
                " from an uploaded public key: it never expires unless an org policy says so."
                if uploaded
                else ": a standing credential that never expires unless an org policy says "
                "so, with its private key in the state file."
            ),
            lifetime=Lifetime.static(),
            severity=Severity.MEDIUM if uploaded else None,
        )
