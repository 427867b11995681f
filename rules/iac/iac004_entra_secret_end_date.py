"""LLC-IAC-004: an Entra ID application or service-principal secret that lives too long."""

from __future__ import annotations

from scanner.api import (
    Attr,
    Category,
    FileKind,
    IacRule,
    Invalid,
    Lifetime,
    Precision,
    Resource,
    RuleMeta,
    Severity,
    Valid,
    credential_resource,
    describe_duration,
)
from scanner.api.iac_lifetimes import relative_end, seconds, until

_PASSWORDS = ("azuread.application_password", "azuread.service_principal_password")
_CERTIFICATES = ("azuread.application_certificate", "azuread.service_principal_certificate")
_ROW = credential_resource(_PASSWORDS[0])
_DAY = 86400
#: Above this a secret is high whatever else (catalogue 0.5: high above 365 days).
_HIGH_DAYS = 365


class EntraSecretEndDate(IacRule):
    """## What it does
    Flags Terraform `azuread_application_password` and `azuread_service_principal_password`
    whose end is more than `credential_max_validity_days` (default 90) away: an `end_date`
    literal, an `end_date_relative` Go duration (`"87600h"`), or `timeadd(<start>, "<dur>")`,
    and passwords with neither (Entra ID then sets two years). The certificate resources
    (`azuread_application_certificate`, `azuread_service_principal_certificate`) are flagged
    on an explicit far end only: without one the certificate's own validity applies. High
    above 365 days, medium above the threshold; one step lower with `rotate_when_changed`
    (a rotation trigger). Values from variables are not known and left alone.

    Facts checked for this rule: the two-year default comes from Entra ID, which the provider
    leaves to pick the end date (terraform-provider-azuread issue 1424); `end_date_relative`
    is deprecated in azuread v3, not removed (it still parses; Pulumi azuread v6, built on
    azuread v3, marks it deprecated "to be removed in the next major version").

    ## Why is this bad?
    A client secret is a password for a non-human identity: it works from anywhere until its
    end date, and a far end date means nobody is made to rotate it (OWASP NHI7 Long-Lived
    Secrets, NHI1 Improper Offboarding).

    ## Example
    ```hcl
    resource "azuread_application_password" "ci" {
      application_id = azuread_application.ci.id
      end_date       = "2099-01-01T00:00:00Z"
    }
    ```

    Use instead:
    ```hcl
    resource "azuread_application_federated_identity_credential" "gh" {
      application_id = azuread_application.ci.id
      display_name   = "github-prod"
      audiences      = ["api://AzureADTokenExchange"]
      issuer         = "https://token.actions.githubusercontent.com"
      subject        = "repo:org/repo:environment:prod"
    }
    ```

    ## References
    - Terraform azuread_application_password: https://registry.terraform.io/providers/hashicorp/azuread/latest/docs/resources/application_password
    - terraform-provider-azuread issue 1424 (default two-year end date): https://github.com/hashicorp/terraform-provider-azuread/issues/1424
    - Microsoft, workload identity federation: https://learn.microsoft.com/en-us/entra/workload-id/workload-identity-federation
    """

    META = RuleMeta(
        id="LLC-IAC-004",
        name="entra-secret-end-date",
        summary="Entra ID application or service-principal secret with a far or absent end date",
        category=Category.IAC_LONG_LIVED_CREDENTIAL,
        severity=Severity.HIGH,
        precision=Precision.HIGH,
        owasp=_ROW.owasp,
        fix=_ROW.fix,
        kinds=frozenset({FileKind.TERRAFORM, FileKind.PYTHON}),
        # The last two: Pulumi's `azuread.ApplicationPassword` and friends in Python.
        triggers=("azuread_application_password", "azuread_service_principal_password",
                  "azuread_application_certificate", "azuread_service_principal_certificate",
                  "applicationpassword", "serviceprincipalpassword"),
    )

    VALID = [
        Valid('resource "azuread_application_federated_identity_credential" "gh" {\n'
              "  application_id = azuread_application.ci.id\n"
              '  issuer         = "https://token.actions.githubusercontent.com"\n'
              '  subject        = "repo:org/repo:environment:prod"\n}\n', path="main.tf"),
        Valid('resource "time_rotating" "r" {\n  rotation_days = 30\n}\n'
              'resource "azuread_application_password" "ci" {\n'
              "  application_id = azuread_application.ci.id\n"
              '  end_date       = timeadd(time_rotating.r.id, "1440h")\n'
              "  rotate_when_changed = { rotation = time_rotating.r.id }\n}\n", path="main.tf"),
        Valid('resource "azuread_service_principal_password" "sp" {\n'
              "  service_principal_id = azuread_service_principal.sp.id\n"
              '  end_date_relative    = "720h"\n}\n'
              'resource "azuread_application_password" "v" {\n'
              "  application_id = azuread_application.ci.id\n"
              "  end_date       = var.secret_end_date\n}\n", path="main.tf"),
        Valid('resource "azuread_application_certificate" "c" {\n'
              "  application_id = azuread_application.ci.id\n"
              '  type           = "AsymmetricX509Cert"\n'
              '  value          = file("cert.pem")\n}\n', path="main.tf"),
        Valid('{"resource": {"azuread_application_password": {"p": {\n'
              '  "application_id": "${azuread_application.ci.id}",\n'
              '  "end_date_relative": "240h"}}}}\n', path="infra/app.tf.json"),
        Valid('{"resource": {"azuread_application_federated_identity_credential": {"gh": {\n'
              '  "application_id": "${azuread_application.ci.id}",\n'
              '  "issuer": "https://token.actions.githubusercontent.com",\n'
              '  "subject": "repo:acme/app:environment:prod"}}}}\n', path="infra/wif.tf.json"),
        Valid('{"resource": {"azuread_service_principal_password": {"sp": {\n'
              '  "service_principal_id": "${azuread_service_principal.sp.id}",\n'
              '  "end_date": "${timeadd(time_rotating.r.id, \\"720h\\")}",\n'
              '  "rotate_when_changed": {"rotation": "${time_rotating.r.id}"}}}}}\n',
              path="infra/sp.tf.json"),
        # Pulumi programs in Python.
        Valid("import pulumi_azuread as azuread\n\n"
              'pw = azuread.ApplicationPassword("ci", application_id=app.id,\n'
              '    end_date="2020-01-01T00:00:00Z")\n', path="infra/__main__.py"),
        Valid("import pulumi_azuread as azuread\n\n"
              'pw = azuread.ApplicationPassword("ci", application_id=app.id,\n'
              "    end_date=rotation.rotation_rfc3339)\n", path="infra/__main__.py"),
        Valid("import pulumi_azuread as azuread\n\n"
              'cred = azuread.ApplicationFederatedIdentityCredential("gh", application_id=app.id,\n'
              '    issuer="https://token.actions.githubusercontent.com", subject=subject,\n'
              '    audiences=["api://AzureADTokenExchange"], display_name="gh")\n',
              path="infra/__main__.py"),
    ]
    INVALID = [
        Invalid('resource "azuread_application_password" "ci" {\n'
                "  application_id = azuread_application.ci.id\n"
                '  end_date       = "2099-01-01T00:00:00Z"  # expect: LLC-IAC-004\n}\n',
                path="main.tf"),
        Invalid('resource "azuread_application_password" "ci" {  # expect: LLC-IAC-004\n'
                "  application_id = azuread_application.ci.id\n"
                '  display_name   = "terraform"\n}\n', path="main.tf"),
        Invalid('resource "azuread_service_principal_password" "sp" {\n'
                "  service_principal_id = azuread_service_principal.sp.id\n"
                '  end_date_relative    = "87600h"  # expect: LLC-IAC-004\n}\n', path="main.tf"),
        Invalid('resource "azuread_application_password" "t" {\n'
                "  application_id = azuread_application.ci.id\n"
                '  end_date       = timeadd(timestamp(), "4320h")  # expect: LLC-IAC-004\n'
                "  rotate_when_changed = { rotation = time_rotating.r.id }\n}\n", path="main.tf"),
        Invalid('resource "azuread_application_certificate" "c" {\n'
                "  application_id = azuread_application.ci.id\n"
                '  value          = file("cert.pem")\n'
                '  end_date       = "2199-12-31T00:00:00Z"  # expect: LLC-IAC-004\n}\n',
                path="main.tf"),
        Invalid('{"resource": {"azuread_application_password": {"p": {\n'
                '  "application_id": "${azuread_application.ci.id}",\n'
                '  "end_date": "${timeadd(timestamp(), \\"17520h\\")}"}}}}\n',
                path="infra/app.tf.json", lines=(3,)),
        Invalid('{"resource": {"azuread_application_password": {"ci": {\n'
                '  "application_id": "${azuread_application.ci.id}",\n'
                '  "display_name": "terraform"}}}}\n', path="infra/ci.tf.json", lines=(1,)),
        Invalid('{"resource": {"azuread_service_principal_password": {"sp": {\n'
                '  "service_principal_id": "${azuread_service_principal.sp.id}",\n'
                '  "end_date_relative": "87600h"}}}}\n', path="infra/sp.tf.json", lines=(3,)),
        Invalid("import pulumi_azuread as azuread\n\n"
                'pw = azuread.ApplicationPassword("ci", application_id=app.id,\n'
                '    end_date="2299-01-01T00:00:00Z")  # expect: LLC-IAC-004\n',
                path="infra/__main__.py"),
        Invalid("import pulumi_azuread as azuread\n\n"
                'pw = azuread.ApplicationPassword(  # expect: LLC-IAC-004\n'
                '    "ci", application_id=app.id, display_name="ci")\n', path="infra/__main__.py"),
        Invalid("from pulumi_azuread import ServicePrincipalPassword\n\n"
                'ServicePrincipalPassword("sp", service_principal_id=sp.id,\n'
                '    end_date="2399-12-31T00:00:00Z")  # expect: LLC-IAC-004\n',
                path="infra/__main__.py"),
    ]

    RESOURCE_TYPES = frozenset({*_PASSWORDS, *_CERTIFICATES})

    def check_resource(self, resource: Resource) -> None:
        row = credential_resource(resource.type or "")
        end, relative = resource.attr("end_date"), resource.attr("end_date_relative")
        target: object = resource.node
        lifetime: int | None = None
        why = ""
        if end is not None:
            target = end.node
            lifetime = relative_end(resource, end)
            if lifetime is None:
                lifetime = until(end, self.context.now)
            why = "from its end_date"
        elif relative is not None:
            target = relative.node
            lifetime = seconds(relative)
            why = "from its end_date_relative"
        elif row.default_seconds is not None:
            lifetime = row.default_seconds
            why = "no end date is set, and this is what Entra ID then gives"
        if lifetime is None:
            return  # a reference, or a certificate whose own validity applies
        self._judge(resource, row.credential, target, lifetime, why)

    def _judge(self, resource: Resource, what: str, target: object, lifetime: int,
               why: str) -> None:
        limit_days = self.context.thresholds.credential_max_validity_days
        if lifetime <= limit_days * _DAY:
            return
        rotated = _set(resource.attr("rotate_when_changed"))
        severity = Severity.HIGH if lifetime > _HIGH_DAYS * _DAY else Severity.MEDIUM
        if rotated:
            severity = Severity.MEDIUM if severity is Severity.HIGH else Severity.LOW
        self.report(
            target,
            f"This {what} stays valid for {describe_duration(lifetime)} ({why}), above "
            f"the {limit_days}-day limit"
            + ("." if rotated else ", and nothing (rotate_when_changed) rotates it."),
            lifetime=Lifetime.seconds(lifetime),
            severity=severity,
        )


def _set(attr: Attr | None) -> bool:
    return attr is not None
