"""LLC-SRC-018: observability and operations service keys (Datadog, New Relic, Sentry, ...)."""

from __future__ import annotations

from scanner.api import ProviderRule, Valid, provider_meta, row_examples

_RULE = "LLC-SRC-018"


class ObservabilityToken(ProviderRule):
    """## What it does
    Finds credentials of observability and operations services (Datadog, New Relic, Sentry,
    PagerDuty, ...) in any text file. The formats are rows of the provider
    table (`scanner/secrets/providers.toml`, family rows for LLC-SRC-018): Datadog, New Relic,
    Sentry, Grafana, Honeycomb, PagerDuty, Dynatrace, Splunk, Opsgenie, Rollbar, Bugsnag,
    Lightstep and Logz.io keys, each
    with its prefix or keyword anchor, alphabet, length, lifetime and source. A row whose
    random part has the wrong alphabet or length, a placeholder or filler is skipped.
    A Sentry DSN's public key is meant to ship in client code and is not reported.

    ## Why is this bad?
    An observability key reads every log, trace and metric the organisation ships (they hold
    tokens, personal data and internal hostnames) or writes false ones; admin and user keys of
    these services do not expire (OWASP NHI2 Secret Leakage, NHI7 Long-Lived Secrets).

    ## Example
    ```bash
    # .env committed with the service's key in it
    SERVICE_API_KEY=<a key with the provider's prefix>
    ```

    Use instead:
    ```bash
    # the key stays in the secret store; the process reads it at start
    SERVICE_API_KEY="$(vault kv get -field=key secret/service)"
    ```

    ## References
    - Each row's `source` in `scanner/secrets/providers.toml` (the provider's own page)
    - OWASP Non-Human Identities Top 10: https://owasp.org/www-project-non-human-identities-top-10/
    """

    META = provider_meta(
        _RULE, "observability-token",
        "Observability or operations service key in a file (Datadog, New Relic, Sentry, ...)",
        "Revoke the key; ship telemetry through an agent or collector that reads an "
        "ingest-only key from a secret manager, and keep admin keys out of code.",
    )

    VALID = [
        Valid('DD_API_KEY: "{{ .Values.datadog.apiKey }}"\n', path='chart/templates/agent.yaml'),
        Valid("SERVICE_API_KEY=${SERVICE_API_KEY}\nTOKEN=<your-token>\n", path=".env.example"),
        # A Sentry DSN's key is public by design (browsers send it); PostHog project keys too.
        Valid('SENTRY_DSN = "https://0123456789abcdef0123456789abcdef@o1.ingest.sentry.io/1"\n'
              'POSTHOG_PROJECT_KEY = "phc_" + PUBLIC_PART\n', path="web/config.py"),
    ]
    # Built from the first rows' samples, so the examples follow the rows the table holds.
    INVALID = row_examples(_RULE)
