"""LLC-SRC-005: Stripe live secret and restricted keys (test keys at info, publishable never)."""

from __future__ import annotations

from scanner.api import (
    ALL_KINDS,
    Category,
    Invalid,
    Lifetime,
    Precision,
    RuleMeta,
    Severity,
    Span,
    TextDocument,
    TextRule,
    Valid,
    catalogue,
    compile_pattern,
    fake_token,
    looks_fake,
    report_rows,
    standalone,
)

# Secret (sk_) and restricted (rk_) keys; publishable keys (pk_) are public by design and are
# not matched at all. Older keys have 24 random characters, newer ones about 99.
_KEY = compile_pattern(r"(?P<kind>sk|rk)_(?P<mode>live|test)_(?P<body>[A-Za-z0-9]{20,128})")

_RULE = "LLC-SRC-005"
_LIVE = "sk_live_" + fake_token("", 99, seed=61)
_RESTRICTED = "rk_live_" + fake_token("", 99, seed=62)
_OLD_LIVE = "sk_live_" + fake_token("", 24, seed=63)
_TEST = "sk_test_" + fake_token("", 99, seed=64)
_PUBLISHABLE = "pk_live_" + fake_token("", 99, seed=65)
_WEBHOOK = "whsec_" + fake_token("", 32, seed=66)


class StripeLiveKey(TextRule):
    """## What it does
    Finds Stripe live-mode secret keys (`sk_live_`) and restricted keys (`rk_live_`) in any
    text file. Test-mode keys (`sk_test_`, `rk_test_`) move no money and are reported at
    `info` only (shown with `--show-info`); publishable keys (`pk_live_`, `pk_test_`) are
    meant to ship in web pages and are never reported. Webhook signing secrets (`whsec_`,
    no expiry) are reported too: with one, anyone can forge events the endpoint trusts.
    Placeholders and filler (`sk_live_xxxx…`, repeated or sequential characters) are skipped.

    ## Why is this bad?
    A live secret key can create charges, refunds and payouts on the account; Stripe keys
    have no expiry unless one was set when the key was rolled, so a committed key works until
    someone rolls it (OWASP NHI2 Secret Leakage, NHI7 Long-Lived Secrets). A restricted key
    is scoped, so it is reported as high instead of critical.

    ## Example
    ```python
    stripe.api_key = "sk_live_..."
    ```

    Use instead:
    ```python
    # a restricted key per service, rolled with an expiry, read from the secret store
    stripe.api_key = secrets_client.get_secret_value(SecretId="payments/stripe")["SecretString"]
    ```

    ## References
    - API keys (secret, restricted, publishable; live and test mode): https://docs.stripe.com/keys
    - Rolling keys with an expiry: https://docs.stripe.com/keys#rolling-keys
    - gitleaks `stripe-access-token`; detect-secrets `StripeDetector`
    """

    META = RuleMeta(
        id=_RULE,
        name="stripe-live-key",
        summary="Stripe live secret or restricted key in a file",
        category=Category.STATIC_SECRET,
        severity=Severity.CRITICAL,
        precision=Precision.VERY_HIGH,
        owasp=("NHI2", "NHI7"),
        fix="Roll the key in the Stripe Dashboard and use per-service restricted keys, rolled "
        "with an expiry and read from a secret manager at run time.",
        kinds=ALL_KINDS,
        # Webhook signing secrets (whsec_) are a table row (scanner/secrets/providers.toml).
        triggers=("sk_live_", "rk_live_", "sk_test_", "rk_test_", *catalogue.triggers(_RULE)),
    )

    VALID = [
        Valid(f'const stripe = Stripe("{_PUBLISHABLE}");\n', path="web/checkout.js"),
        # Test mode: info only, not a finding at low or above.
        Valid(f'stripe.api_key = "{_TEST}"\n', path="tests/test_payments.py"),
        Valid('stripe.api_key = os.environ["STRIPE_SECRET_KEY"]\n'
              "# keys look like sk_live_... or rk_live_...\n", path="app/payments.py"),
        Valid("STRIPE_SECRET_KEY=sk_live_xxxxxxxxxxxxxxxxxxxxxxxx\n"
              "STRIPE_KEY=sk_live_<your-key>\nOTHER=sk_live_" + "0" * 24 + "\n",
              path=".env.example"),
        Valid(f"key: x{_LIVE}\n", path="notes.txt"),
        Valid("STRIPE_WEBHOOK_SECRET=whsec_" + "x" * 32 + "\n", path=".env.example"),
        Valid("stringData:\n  STRIPE_KEY: {{ .Values.stripe.secretKey | quote }}\n",
              path="chart/templates/secret.yaml"),
    ]
    INVALID = [
        Invalid(f'stripe.api_key = "{_LIVE}"  # expect: LLC-SRC-005\n', path="app/payments.py"),
        Invalid(f"STRIPE_RESTRICTED_KEY={_RESTRICTED}  # expect: LLC-SRC-005\n", path=".env"),
        Invalid(f'{{\n  "stripe": {{ "secret_key": "{_OLD_LIVE}" }}\n}}\n',
                path="config/production.json", lines=(2,)),
        Invalid("apiVersion: v1\nkind: Secret\nstringData:\n"
                f"  STRIPE_KEY: {_LIVE}  # expect: LLC-SRC-005\n", path="k8s/stripe-secret.yaml"),
        Invalid(f"STRIPE_WEBHOOK_SECRET={_WEBHOOK}  # expect: LLC-SRC-005\n", path=".env"),
    ]

    def check(self, doc: TextDocument) -> None:
        text = doc.text
        for match in _KEY.finditer(text):
            start, end = match.start(), match.end()
            if not standalone(text, start, end):
                continue
            key, body = match.group(), match.group("body")
            restricted = match.group("kind") == "rk"
            label = "restricted key" if restricted else "secret key"
            if looks_fake(body):
                continue
            if match.group("mode") == "test":
                self.report(Span(start, end),
                            f"Stripe test-mode {label}: it moves no money, but reveals the "
                            "account's test data.", lifetime=Lifetime.static(), value=key,
                            severity=Severity.INFO)
                continue
            if self.context.is_placeholder(key):
                continue
            self.report(
                Span(start, end),
                f"Stripe live {label} committed to a file: it "
                + ("acts within its restrictions" if restricted else "can move money")
                + " and does not expire unless an expiry was set when it was rolled.",
                lifetime=Lifetime.static(),
                value=key,
                severity=Severity.HIGH if restricted else None,
            )
        report_rows(self, doc, _RULE)
