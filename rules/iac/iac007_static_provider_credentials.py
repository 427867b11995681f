"""LLC-IAC-007: static credentials in a Terraform provider, backend or cloud block."""

from __future__ import annotations

import re
from dataclasses import dataclass

from scanner.api import (
    ALNUM,
    BASE32_UPPER,
    BASE64,
    Category,
    FileKind,
    HclAttribute,
    HclBlock,
    HclDocument,
    HclValues,
    IacRule,
    Invalid,
    Lifetime,
    Precision,
    Resolved,
    RuleMeta,
    Severity,
    Valid,
    ValueOrigin,
    YamlDocument,
    catalogue,
    credential_format,
    credential_shaped,
    fake_pem,
    fake_token,
    hcl_values,
    yamlnodes,
)


@dataclass(frozen=True, slots=True)
class _Slots:
    """A provider's (or backend's) credential arguments and its keyless way to log in."""

    names: tuple[str, ...]
    #: The federated or ambient alternative, for the message; empty where the provider has
    #: none (a bare variable is then the right way to pass its token, and stays quiet).
    federated: str = ""
    #: Arguments or nested blocks whose presence means that alternative is configured.
    federation: tuple[str, ...] = ()
    #: Arguments that take a short-lived credential (an STS session token, an OAuth access
    #: token): passed in as a variable they are the right plumbing; only literals count.
    temporary: tuple[str, ...] = ()


_AWS = _Slots(
    ("access_key", "secret_key", "token"),
    "`assume_role_with_web_identity` (OIDC) or the ambient role of the runner",
    ("assume_role_with_web_identity",),
    ("token",),
)
_AZURE = _Slots(
    ("client_secret", "client_certificate_password"),
    "`use_oidc = true` (workload identity federation) or `use_msi = true`",
    ("use_oidc", "use_msi", "use_aks_workload_identity", "oidc_token", "oidc_token_file_path",
     "oidc_request_token"),
)
_KUBE = _Slots(
    ("token", "password", "client_key"),
    "an `exec` block that fetches a short-lived token (`aws eks get-token`, `gke-gcloud-auth-"
    "plugin`, `kubelogin`)",
    ("exec",),
)
PROVIDERS: dict[str, _Slots] = {
    "aws": _AWS,
    "google": _Slots(("credentials", "access_token"),
                     "workload identity federation (an external_account credential "
                     "configuration) or the runner's attached service account",
                     temporary=("access_token",)),
    "azurerm": _AZURE,
    "azuread": _AZURE,
    "azapi": _AZURE,
    "vault": _Slots(("token",),
                    "an `auth_login_jwt`, `auth_login_kubernetes` or `auth_login_aws` block",
                    ("auth_login", "auth_login_jwt", "auth_login_oidc", "auth_login_kubernetes",
                     "auth_login_aws", "auth_login_gcp", "auth_login_azure")),
    "kubernetes": _KUBE,
    "helm": _KUBE,  # also its nested `kubernetes {}` block
    "kubectl": _KUBE,
    "github": _Slots(("token",)),
    "gitlab": _Slots(("token",)),
    "cloudflare": _Slots(("api_token", "api_key", "api_user_service_key")),
    "datadog": _Slots(("api_key", "app_key")),
    "digitalocean": _Slots(("token", "spaces_secret_key")),
    "tfe": _Slots(("token",)),
    "hcloud": _Slots(("token",)),
    "linode": _Slots(("token",)),
}
_PROVIDERS_BETA = {"google-beta": "google"}
#: Backends cannot read variables: only literals (and partial configuration) are possible.
BACKENDS: dict[str, tuple[str, ...]] = {
    "s3": ("access_key", "secret_key", "token"),
    "azurerm": ("access_key", "sas_token", "client_secret", "client_certificate_password"),
    "gcs": ("credentials", "access_token"),
    "remote": ("token",),
    "consul": ("access_token",),
    "http": ("password",),
    "cos": ("secret_key",),
    "oss": ("secret_key",),
}
#: A credential file a workload-identity setup writes (no secret in it).
_FEDERATED_FILE = re.compile(r"(?i)external|federat|wif|workload|gha-creds|oidc")
#: Endpoints of local emulators, whose dummy keys are not credentials.
_EMULATOR = re.compile(r"(?i)localhost|127\.0\.0\.1|localstack|minio|\[::1\]|host\.docker")
_JSON_VAR = re.compile(r"^\$\{var\.([A-Za-z_][\w-]*)\}$")
#: A local development cluster (its client key is minted for one laptop).
_LOCAL_CLUSTER = re.compile(r"(?i)minikube|docker-desktop|\bk3d-|\bkind-kind\b")
_ADDRESSES = frozenset({"endpoint", "host", "address", "config_context"})
_MESSAGES = {
    ValueOrigin.LITERAL: "`{where}` sets `{name}` to a literal credential: it sits in the "
    "repository, its history and every clone, and keeps working until someone rotates it",
    ValueOrigin.DEFAULT: "`{where}` takes `{name}` from `{ref}`, whose default is a literal "
    "credential written in this file: it ships with the code and never expires",
    ValueOrigin.FILE: "`{where}` reads `{name}` from a key file ({path}): a static key kept on "
    "disk next to the code, with no expiry",
    ValueOrigin.INPUT: "`{where}` is wired to a static credential: `{name}` comes from `{ref}`, "
    "a long-lived secret handed to every plan and apply",
    ValueOrigin.ENV: "`{where}` is wired to a static credential: `{name}` comes from the "
    "environment variable `{ref}`, a long-lived secret handed to every plan and apply",
}

_AKID = fake_token("AKIA", 16, BASE32_UPPER, seed=701)
_AWS_SECRET = fake_token("", 40, BASE64, seed=702)
_GH_TOKEN = fake_token("ghp_", 36, ALNUM, seed=703)
_AZ_SECRET = fake_token("", 34, ALNUM + "~._-", seed=704)
_VAULT = fake_token("hvs.", 24, ALNUM, seed=705)
_CF_TOKEN = fake_token("", 40, ALNUM + "_-", seed=706)
_PEM = fake_pem("RSA PRIVATE KEY", seed=707)


class StaticProviderCredentials(IacRule):
    """## What it does
    Flags static credentials in Terraform `provider`, `backend` and `cloud` blocks: AWS
    `access_key`/`secret_key`/`token`; Google `credentials` (inline JSON or a key file) and
    `access_token`; AzureRM/AzureAD/AzAPI `client_secret` and `client_certificate_password`;
    Vault `token`; Kubernetes, Helm (and Helm's nested `kubernetes` block) `token`, `password`,
    `client_key`; GitHub, GitLab, TFE, Hetzner, Linode and DigitalOcean `token`; Cloudflare
    `api_token`/`api_key`; Datadog `api_key`/`app_key`; and backends `s3`, `azurerm`, `gcs`,
    `remote`, `consul`, `http` (`terraform { cloud { token } }` too). A literal is critical; a
    `file()` of a key, or a variable whose default in the same file is a literal, is high; a
    bare `var.x` (or `get_env`) is medium where the provider can log in without a static
    secret (not for arguments that take short-lived tokens: AWS `token`, Google
    `access_token`), and quiet when the block also configures that (`use_oidc = true`,
    `assume_role_with_web_identity`, a Vault `auth_login_*` block, a Kubernetes `exec` block).
    Providers with no keyless login (Cloudflare, Datadog, GitHub...) are only flagged for
    literals, defaults and files: a variable is how their token should come in. Values from
    data sources and other resources (`data.aws_eks_cluster_auth.x.token`) are short-lived or
    managed elsewhere and stay quiet, as do placeholders and the dummy keys of local emulators
    (an `endpoints` block on localhost, LocalStack, MinIO). Variables are resolved within the
    file; a default in another file of the module is judged there (LLC-IAC-010).

    ## Why is this bad?
    A provider or backend credential is used by every plan and apply, so it is one of the
    most privileged secrets of an organisation, and a literal one is readable by everyone
    with the repository (OWASP NHI2 Secret Leakage). Passed in as a variable, it is still a
    static secret stored in CI settings and workstations, with no expiry, where OIDC
    federation would give each run credentials for that run only (NHI7 Long-Lived Secrets).

    ## Example
    ```hcl
    provider "aws" {
      region     = "us-east-1"
      access_key = "AKIA..."
      secret_key = "..."
    }
    ```

    Use instead:
    ```hcl
    provider "aws" {
      region = "us-east-1"
      assume_role_with_web_identity {
        role_arn                = var.deploy_role_arn
        web_identity_token_file = "/var/run/secrets/token"
      }
    }
    ```

    ## References
    - AWS provider authentication: https://registry.terraform.io/providers/hashicorp/aws/latest/docs#authentication-and-configuration
    - AzureRM provider, OIDC: https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/guides/service_principal_oidc
    - Google provider, workload identity federation: https://registry.terraform.io/providers/hashicorp/google/latest/docs/guides/provider_reference#authentication
    - Terraform backend configuration (no variables allowed): https://developer.hashicorp.com/terraform/language/backend
    """

    META = RuleMeta(
        id="LLC-IAC-007",
        name="static-provider-credentials",
        summary="Static credentials in a Terraform provider or backend block",
        category=Category.IAC_LONG_LIVED_CREDENTIAL,
        severity=Severity.HIGH,
        precision=Precision.HIGH,
        owasp=("NHI2", "NHI7"),
        fix="Authenticate the provider without a stored secret: OIDC / web identity "
        "(`assume_role_with_web_identity`, `use_oidc = true`, workload identity federation), "
        "or ambient credentials of the runner at plan time; never a key in the code.",
        kinds=frozenset({FileKind.TERRAFORM}),
        triggers=("provider", "backend", "cloud"),
        # A provider or backend block can only hold a credential in one of its slot names.
        requires=("access_key", "secret_key", "token", "client_secret", "password",
                  "client_key", "credentials", "api_key", "app_key", "service_key"),
    )

    VALID = [
        Valid('provider "azurerm" {\n  features {}\n  use_oidc = true\n'
              "  client_secret = var.client_secret  # fallback, unused under OIDC\n}\n"),
        Valid('provider "aws" {\n  region = "us-east-1"\n'
              "  assume_role_with_web_identity {\n    role_arn                = var.role\n"
              '    web_identity_token_file = "/var/run/token"\n  }\n}\n'),
        # Short-lived tokens from data sources; a token for a provider with no keyless login.
        Valid('provider "kubernetes" {\n  host  = data.aws_eks_cluster.c.endpoint\n'
              "  token = data.aws_eks_cluster_auth.c.token\n}\n"
              'provider "cloudflare" {\n  api_token = var.cloudflare_api_token\n}\n'),
        # LocalStack's dummy keys; placeholders.
        Valid('provider "aws" {\n  access_key = "test"\n  secret_key = "test"\n'
              "  skip_credentials_validation = true\n"
              '  endpoints {\n    s3 = "http://localhost:4566"\n  }\n}\n'
              'provider "github" {\n  token = "<your-token>"\n}\n'),
        Valid('terraform {\n  backend "s3" {\n    bucket = "tf-state"\n    key = "prod"\n'
              '    region = "eu-west-1"\n  }\n}\n'
              'provider "google" {\n  project = "acme"\n'
              '  credentials = file("gha-creds-wif.json")  # external_account config\n}\n'),
        Valid('variable "vault_token" {\n  type = string\n  sensitive = true\n}\n'
              'provider "vault" {\n  token = var.vault_token\n'
              '  auth_login_jwt {\n    role = "ci"\n  }\n}\n'),
        Valid('{"provider": {"aws": [{"region": "eu-west-1",\n'
              '  "assume_role_with_web_identity": {"role_arn": "${var.role}"},\n'
              '  "secret_key": "${var.fallback_secret_key}"}]}}\n',
              path="infra/provider.tf.json"),
        Valid('{"provider": {"azurerm": {"features": {}, "use_oidc": true,\n'
              '  "client_secret": "${var.client_secret}"}}}\n', path="infra/azure.tf.json"),
        Valid('{"provider": {"aws": {"access_key": "test", "secret_key": "test",\n'
              '  "endpoints": {"s3": "http://localhost:4566"}},\n'
              '  "github": {"token": "${var.github_token}"}}}\n',
              path="infra/local.tf.json"),
    ]
    INVALID = [
        Invalid('provider "aws" {\n  region     = "us-east-1"\n'
                f'  access_key = "{_AKID}"  # expect: LLC-IAC-007\n'
                f'  secret_key = "{_AWS_SECRET}"  # expect: LLC-IAC-007\n}}\n'),
        Invalid(f'variable "github_token" {{\n  default = "{_GH_TOKEN}"\n}}\n'
                'provider "github" {\n  owner = "acme"\n'
                "  token = var.github_token  # expect: LLC-IAC-007\n}\n"),
        Invalid('provider "google" {\n  project = "acme"\n'
                '  credentials = file("keys/terraform-sa.json")  # expect: LLC-IAC-007\n}\n'),
        Invalid('provider "azurerm" {\n  features {}\n  client_id = var.client_id\n'
                "  client_secret = var.client_secret  # expect: LLC-IAC-007\n}\n"),
        Invalid('terraform {\n  backend "azurerm" {\n    storage_account_name = "tfstate"\n'
                f'    access_key = "{_AZ_SECRET}=="  # expect: LLC-IAC-007\n  }}\n}}\n'),
        Invalid(f'provider "vault" {{\n  address = "https://vault.acme.io"\n'
                f'  token = "{_VAULT}"  # expect: LLC-IAC-007\n}}\n'
                'provider "helm" {\n  kubernetes {\n    host = var.host\n'
                "    client_key = <<-EOT  # expect: LLC-IAC-007\n"
                + "".join(f"      {line}\n" for line in _PEM.strip().split("\n"))
                + "    EOT\n  }\n}\n"),
        Invalid(f'locals {{\n  cf = "{_CF_TOKEN}"\n}}\n'
                'provider "cloudflare" {\n  api_token = local.cf  # expect: LLC-IAC-007\n}\n'),
        Invalid('{"provider": {"aws": {"region": "eu-west-1",\n'
                f'  "secret_key": "{_AWS_SECRET}"}}}}}}\n',
                path="infra/provider.tf.json", lines=(2,)),
        Invalid('{"provider": {"github": {"owner": "acme",\n'
                f'  "token": "{_GH_TOKEN}"}}}}}}\n',
                path="infra/github.tf.json", lines=(2,)),
        Invalid('{"provider": {"azurerm": {"features": {},\n'
                '  "client_id": "${var.client_id}",\n'
                '  "client_secret": "${var.client_secret}"}}}\n',
                path="infra/azure.tf.json", lines=(3,)),
    ]

    def check_yaml(self, doc: YamlDocument) -> None:
        """``.tf.json``: ``{"provider": {"aws": {...}}}`` (or a list of such objects)."""
        for root in doc.roots:
            providers = yamlnodes.get(root, "provider")
            for group in [providers, *yamlnodes.elements(providers)]:
                for name, _, body in yamlnodes.items(group):
                    slots = PROVIDERS.get(_PROVIDERS_BETA.get(name, name))
                    for item in [body, *yamlnodes.elements(body)]:  # aliases: a list
                        if slots is not None:
                            self._check_json(item, slots, f'provider "{name}"')

    def _check_json(self, body: yamlnodes.Node | None, slots: _Slots, where: str) -> None:
        federated = any(yamlnodes.get(body, name) is not None for name in slots.federation)
        for name in slots.names:
            value = yamlnodes.get(body, name)
            text = yamlnodes.scalar(value)
            if value is None or text is None:
                continue
            match = _JSON_VAR.match(text)
            if "${" not in text and self._secret_literal(name, text):
                if name == "credentials" and not _json(text):
                    self._report_file_node(value, name, where, text)
                    continue
                self.report(value, _MESSAGES[ValueOrigin.LITERAL].format(where=where, name=name)
                            + ".", lifetime=Lifetime.static(), value=text.strip(),
                            severity=Severity.CRITICAL)
            elif text.startswith("${file("):
                self._report_file_node(value, name, where, text[2:-1])
            elif match is not None and slots.federated and not federated \
                    and name not in slots.temporary:
                message = _MESSAGES[ValueOrigin.INPUT].format(where=where, name=name,
                                                               ref=f"var.{match.group(1)}")
                self.report(value, f"{message}; use {slots.federated} instead.",
                            lifetime=Lifetime.static(), severity=Severity.MEDIUM)

    def _report_file_node(self, node: object, name: str, where: str, path: str) -> None:
        if _FEDERATED_FILE.search(path):
            return
        self.report(node, _MESSAGES[ValueOrigin.FILE].format(where=where, name=name,
                                                            path=f"`{path[:80]}`") + ".",
                    lifetime=Lifetime.static(), severity=Severity.HIGH)

    def check_hcl(self, doc: HclDocument) -> None:
        if doc.path.lower().endswith((".tfvars", ".tfvars.json")):
            return
        values = hcl_values(doc)
        for block in doc.iter_blocks("provider"):
            name = block.labels[0] if block.labels else ""
            slots = PROVIDERS.get(_PROVIDERS_BETA.get(name, name))
            if slots is None or _emulator(block):
                continue
            where = f'provider "{name}"'
            self._check_block(values, block, slots, where)
            if name == "helm":
                for nested in block.blocks:
                    if nested.type == "kubernetes":
                        self._check_block(values, nested, slots, f"{where} kubernetes")
        for block in doc.iter_blocks("terraform"):
            for nested in block.blocks:
                if nested.type == "backend" and nested.labels:
                    names = BACKENDS.get(nested.labels[0])
                    if names is not None and not _emulator(nested):
                        where = f'backend "{nested.labels[0]}"'
                        self._check_block(values, nested, _Slots(names), where, backend=True)
                elif nested.type == "cloud":
                    self._check_block(values, nested, _Slots(("token",)), "cloud",
                                      backend=True)

    def _check_block(self, values: HclValues, block: HclBlock, slots: _Slots, where: str,
                     *, backend: bool = False) -> None:
        federated = any(name in block.attributes or any(b.type == name for b in block.blocks)
                        for name in slots.federation)
        if federated and "use_oidc" in block.attributes:
            federated = block.attributes["use_oidc"].source.strip() != "false"
        for name in slots.names:
            attribute = block.attributes.get(name)
            if attribute is None:
                continue
            resolved = values.resolve_attribute(attribute)
            self._judge(attribute, resolved, slots, where, federated=federated,
                        backend=backend)

    def _judge(self, attribute: HclAttribute, resolved: Resolved,
               slots: _Slots, where: str, *, federated: bool, backend: bool) -> None:
        origin = resolved.origin
        name = attribute.name
        constant = resolved.constant
        if origin in (ValueOrigin.LITERAL, ValueOrigin.DEFAULT) and (
            constant is None or not self._secret_literal(name, constant)
        ):
            if origin is not ValueOrigin.DEFAULT or constant != "":
                return
            origin = ValueOrigin.INPUT  # default "": the value is set at apply time
        if constant is not None and name == "credentials" and not _json(constant):
            # google's `credentials` takes a path too: a key file on disk
            if not _FEDERATED_FILE.search(constant):
                self._report_file(attribute, where, constant)
            return
        if origin is ValueOrigin.LITERAL and constant is not None and resolved.via:
            # through locals: the literal is elsewhere in the file, the wiring is here
            message = _MESSAGES[ValueOrigin.LITERAL].format(where=where, name=name)
            self.report(attribute.node,
                        f"{message} (through `{'` and `'.join(resolved.via)}`).",
                        lifetime=Lifetime.static(), severity=Severity.CRITICAL,
                        related=[(resolved.node, "the literal written here")])
            return
        if origin is ValueOrigin.LITERAL and constant is not None:
            self.report(attribute.node, _MESSAGES[origin].format(where=where, name=name) + ".",
                        lifetime=Lifetime.static(), value=constant, severity=Severity.CRITICAL)
            return
        if origin is ValueOrigin.DEFAULT and constant is not None:
            ref = resolved.via[-1] if resolved.via else "a variable"
            self.report(attribute.node,
                        _MESSAGES[origin].format(where=where, name=name, ref=ref) + ".",
                        lifetime=Lifetime.static(), severity=Severity.HIGH,
                        related=[(resolved.node, "the default written here")]
                        if resolved.node is not None else [])
            return
        if origin is ValueOrigin.FILE:
            path = resolved.text or ""
            if _FEDERATED_FILE.search(path):
                return
            self._report_file(attribute, where, path)
            return
        if origin in (ValueOrigin.INPUT, ValueOrigin.ENV) and not backend:
            if federated or not slots.federated or name in slots.temporary:
                return
            ref = resolved.text if origin is ValueOrigin.ENV else (
                resolved.via[-1] if resolved.via else resolved.text)
            message = _MESSAGES[origin].format(where=where, name=name, ref=ref)
            self.report(attribute.node, f"{message}; use {slots.federated} instead.",
                        lifetime=Lifetime.static(), severity=Severity.MEDIUM)

    def _report_file(self, attribute: HclAttribute, where: str, path: str) -> None:
        shown = f"`{path[:80]}`" if path else "a file"
        self.report(attribute.node,
                    _MESSAGES[ValueOrigin.FILE].format(where=where, name=attribute.name,
                                                      path=shown) + ".",
                    lifetime=Lifetime.static(), severity=Severity.HIGH)

    def _secret_literal(self, name: str, value: str) -> bool:
        """A literal that can be a credential: a provider format, or shaped like one."""
        stripped = value.strip()
        if not stripped or self.context.is_placeholder(stripped):
            return False
        if credential_format(stripped) is not None or catalogue.classify(stripped) is not None:
            return True
        if name == "credentials":  # a key's JSON, or the path of a key file
            if _json(stripped):
                return "private_key" in stripped
            return "/" in stripped or stripped.lower().endswith(".json")
        return credential_shaped(stripped, min_length=8)


def _json(value: str) -> bool:
    return value.lstrip().startswith("{")


def _emulator(block: HclBlock) -> bool:
    """Endpoints pointing at a local emulator or cluster: its keys are dummies by design."""
    for nested in block.blocks:
        if nested.type == "endpoints" and any(
            _EMULATOR.search(a.source) for a in nested.attributes.values()
        ):
            return True
    return any(
        ((name in _ADDRESSES or name.endswith("_endpoint")) and _EMULATOR.search(a.source))
        or _LOCAL_CLUSTER.search(a.source)
        for name, a in block.attributes.items()
    )
