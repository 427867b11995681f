"""LLC-SRC-021: payments and commerce platforms (Square, PayPal, Adyen, Shopify, Razorpay, ...)."""

from __future__ import annotations

from scanner.api import ProviderRule, Valid, fake_token, provider_meta, row_examples

_RULE = "LLC-SRC-021"
_STOREFRONT = fake_token("", 32, "0123456789abcdef", seed=2101)
_STRIPE_PK = "pk_live_" + fake_token("", 99, seed=2102)


class PaymentsCommerceKey(ProviderRule):
    """## What it does
    Finds credentials of payments and commerce platforms (Square, PayPal, Adyen, Shopify,
    Razorpay, ...) in any text file. The formats are rows of the provider
    table (`scanner/secrets/providers.toml`, family rows for LLC-SRC-021): Square, PayPal and
    Braintree, Adyen, Shopify admin and app tokens, Razorpay, Mollie, Coinbase, Plaid and
    Flutterwave secrets (Stripe has LLC-SRC-005), each
    with its prefix or keyword anchor, alphabet, length, lifetime and source. A row whose
    random part has the wrong alphabet or length, a placeholder or filler is skipped.
    Publishable and storefront tokens (Stripe `pk_live_`, Shopify Storefront API public tokens)
    are public by design and are never reported.

    ## Why is this bad?
    A payments secret moves money: it charges cards, issues refunds and payouts and reads
    customers' payment data; most live until rotated (OWASP NHI2 Secret Leakage, NHI7 Long-Lived
    Secrets).

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
        _RULE, "payments-commerce-key",
        "Payments or commerce platform secret in a file (Square, PayPal, Adyen, Shopify, ...)",
        "Roll the key in the provider's dashboard; keep it in a secret manager and use "
        "restricted, per-service keys with an expiry where the provider offers them.",
    )

    VALID = [
        # Storefront API public tokens are meant for browsers (Shopify's docs).
        Valid("const shop = createStorefrontApiClient({ publicAccessToken: "
              f'"{_STOREFRONT}" }});\n', path="web/shop.js"),
        Valid(f'const stripe = Stripe("{_STRIPE_PK}");\n', path="web/checkout.js"),
        Valid("SERVICE_API_KEY=${SERVICE_API_KEY}\nTOKEN=<your-token>\n", path=".env.example"),
    ]
    # Built from the first rows' samples, so the examples follow the rows the table holds.
    INVALID = row_examples(_RULE)
