"""LLC-GHA-004: azure/login with a service-principal client secret."""

from __future__ import annotations

import json

from scanner.api import (
    Category,
    CiRule,
    FileKind,
    Invalid,
    Precision,
    RuleMeta,
    Severity,
    Step,
    Valid,
    credentials,
    fake_token,
)
from scanner.api.ci.github_actions import (
    Origin,
    entry,
    federated_note,
    given,
    lifetime,
    origin,
    where,
)

_ACTION = "azure/login"
_KIND = credentials.by_id("azure-client-secret")
_SECRET = fake_token("Q~", 38, seed=41)

_OIDC = """\
jobs:
  deploy:
    runs-on: ubuntu-latest
    environment: production
    permissions:
      id-token: write
      contents: read
    steps:
      - uses: azure/login@v2
        with:
          client-id: ${{ secrets.AZURE_CLIENT_ID }}
          tenant-id: ${{ secrets.AZURE_TENANT_ID }}
          subscription-id: ${{ secrets.AZURE_SUBSCRIPTION_ID }}
"""


def _client_secret(text: str) -> str | None:
    """The ``clientSecret`` of a literal ``creds`` JSON, if it has one."""
    try:
        parsed = json.loads(text)
    except ValueError:
        return None
    if not isinstance(parsed, dict):
        return None
    for key, value in parsed.items():
        if str(key).lower() == "clientsecret" and isinstance(value, str) and value.strip():
            return value
    return None


class AzureLoginClientSecret(CiRule):
    """## What it does
    Flags `azure/login` given `creds`, the JSON of `az ad sp create-for-rbac --sdk-auth`
    that carries the service principal's `clientSecret`. A `creds` value from `secrets.*`, a
    variable or a composite action's input is high; a literal JSON with a `clientSecret` is
    critical. A literal `creds` JSON without a `clientSecret` hands over no secret and is not
    reported.

    It stays quiet on OIDC sign-in (`client-id`, `tenant-id`, `subscription-id`), even when
    those identifiers come from `secrets.*`, as Microsoft's own examples store them; on
    `auth-type: IDENTITY` (a managed identity on a self-hosted runner); and on commented-out
    steps. A job with `if: false` is still reported.

    ## Why is this bad?
    A client secret is a password for the app registration, valid for a year by default (two
    at most through the portal, longer through Graph), shared by every workflow that reads the
    secret and usable from anywhere. With a federated identity credential, Entra ID exchanges
    the job's GitHub OIDC token for an access token that lasts about an hour, and there is no
    secret to leak or rotate (OWASP NHI6 Insecure Cloud Deployment Configurations, NHI7
    Long-Lived Secrets).

    ## Example
    ```yaml
    - uses: azure/login@v2
      with:
        creds: ${{ secrets.AZURE_CREDENTIALS }}
    ```

    Use instead:
    ```yaml
    permissions:
      id-token: write
      contents: read
    steps:
      - uses: azure/login@v2
        with:
          client-id: ${{ vars.AZURE_CLIENT_ID }}
          tenant-id: ${{ vars.AZURE_TENANT_ID }}
          subscription-id: ${{ vars.AZURE_SUBSCRIPTION_ID }}
    ```

    ## References
    - Azure/login, OIDC and service-principal secret sign-in: https://github.com/Azure/login
    - Microsoft, use GitHub Actions to connect to Azure with OpenID Connect: https://learn.microsoft.com/en-us/azure/developer/github/connect-from-azure-openid-connect
    - Workload identity federation, federated identity credentials: https://learn.microsoft.com/en-us/entra/workload-id/workload-identity-federation
    """

    META = RuleMeta(
        id="LLC-GHA-004",
        name="azure-login-client-secret",
        summary="azure/login with a service-principal secret",
        category=Category.CI_STATIC_CREDENTIAL,
        severity=Severity.HIGH,
        precision=Precision.VERY_HIGH,
        owasp=("NHI6", "NHI7"),
        fix="Add a federated identity credential for this repository (subject "
        "`repo:<org>/<repo>:environment:<env>`) to the app registration or a user-assigned "
        "managed identity, sign in with `client-id`, `tenant-id` and `subscription-id` under "
        "`permissions: id-token: write`, then remove the client secret.",
        kinds=frozenset({FileKind.GITHUB_ACTIONS}),
        triggers=(_ACTION,),
    )

    VALID = [
        Valid(_OIDC),
        # Managed identity on a self-hosted runner, and a commented-out secret sign-in.
        Valid(
            "jobs:\n  a:\n    runs-on: [self-hosted, azure]\n    steps:\n"
            "      - uses: azure/login@v2\n        with:\n"
            "          auth-type: IDENTITY\n"
            "          client-id: ${{ vars.UAMI_CLIENT_ID }}\n"
            "          tenant-id: ${{ vars.TENANT_ID }}\n"
            "          allow-no-subscriptions: true\n"
            "      # - uses: azure/login@v1\n"
            "      #   with: { creds: ${{ secrets.AZURE_CREDENTIALS }} }\n"
        ),
        # A literal creds JSON of identifiers only, and an empty creds.
        Valid(
            "jobs:\n  a:\n    runs-on: ubuntu-latest\n    permissions: { id-token: write }\n"
            "    steps:\n      - uses: azure/login@v2\n        with:\n"
            '          creds: \'{"clientId": "00000000-0000-0000-0000-000000000000", '
            '"tenantId": "11111111-1111-1111-1111-111111111111"}\'\n'
            "      - uses: azure/login@v2\n        with: { creds: '' }\n"
        ),
    ]
    INVALID = [
        Invalid(
            "jobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n"
            "      - uses: azure/login@v2\n        with:\n"
            "          creds: ${{ secrets.AZURE_CREDENTIALS }}  # expect: LLC-GHA-004\n"
        ),
        # The secret written out in the JSON.
        Invalid(
            "jobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n"
            "      - uses: Azure/login@v1\n        with:\n"
            "          creds: >-  # expect: LLC-GHA-004\n"
            '            {"clientId": "00000000-0000-0000-0000-000000000000",\n'
            f'             "clientSecret": "{_SECRET}",\n'
            '             "tenantId": "11111111-1111-1111-1111-111111111111"}\n'
        ),
        # Built from several secrets, in a job that is switched off.
        Invalid(
            "jobs:\n  deploy:\n    if: false\n    runs-on: ubuntu-latest\n    steps:\n"
            "      - uses: azure/login@v2\n        with:\n"
            '          creds: \'{"clientId":"${{ vars.ID }}","clientSecret":"${{ secrets.SP }}",'
            '"tenantId":"${{ vars.TENANT }}"}\'  # expect: LLC-GHA-004\n'
        ),
    ]

    def check_step(self, step: Step) -> None:
        if step.action() != _ACTION or not given(step, "creds"):
            return
        creds = entry(step, "creds")
        if creds is None:
            return
        found = origin(creds, self.context)
        if found is None:
            return
        value = None
        if found is Origin.LITERAL:
            value = _client_secret(creds.value or "")
            if value is None or self.context.is_placeholder(value):
                return
        federated = federated_note(step.job)
        self.report(
            creds.key_node,
            f"azure/login signs in with a service-principal client secret from {where(found)} "
            f"(`creds`), which stays valid for a year by default, instead of OIDC "
            f"federation.{federated}",
            lifetime=lifetime(_KIND),
            value=value,
            severity=Severity.CRITICAL if value is not None else None,
        )
