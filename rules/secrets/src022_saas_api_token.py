"""LLC-SRC-022: SaaS and developer API tokens (Linear, Asana, Figma, Postman, Dropbox, ...)."""

from __future__ import annotations

from scanner.api import ProviderRule, Valid, fake_token, provider_meta, row_examples

_RULE = "LLC-SRC-022"
# A Meta-token-shaped run inside a base64 image: part of the blob, not a token.
_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_DATA_URI = ('<img src="data:image/png;base64,' + fake_token("", 60, _B64, seed=2202) + "/"
             + "EAAG" + fake_token("", 150, seed=2203) + "+" + fake_token("", 60, _B64, seed=2204)
             + '">')
_MAPBOX = ("pk.eyJ1IjoiYWNtZSIsImEiOiJ" + fake_token("", 22, seed=2201) + "."
           + fake_token("", 22, seed=2202))


class SaasApiToken(ProviderRule):
    """## What it does
    Finds credentials of SaaS and developer APIs (Linear, Asana, Figma, Postman, Dropbox,
    LaunchDarkly, ...) in any text file. The formats are rows of the provider
    table (`scanner/secrets/providers.toml`, family rows for LLC-SRC-022): Linear, Asana, Figma,
    Postman, Dropbox, Mapbox secret tokens, LaunchDarkly, Split, Flagsmith, Twitter/X,
    Facebook/Meta, Contentful and Typeform tokens, each
    with its prefix or keyword anchor, alphabet, length, lifetime and source. A row whose
    random part has the wrong alphabet or length, a placeholder or filler is skipped.
    Public tokens (Mapbox `pk.`, LaunchDarkly client-side ids) are meant to ship in web pages
    and are never reported.

    ## Why is this bad?
    A SaaS token acts as its user in the service: it reads and changes the organisation's
    issues, designs, files or feature flags; personal tokens of these services rarely expire
    (OWASP NHI2 Secret Leakage, NHI7 Long-Lived Secrets).

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
        _RULE, "saas-api-token",
        "SaaS or developer API token in a file (Linear, Asana, Figma, Postman, Dropbox, ...)",
        "Revoke the token; use the service's OAuth app flow with expiring tokens, or a "
        "scoped service token read from a secret manager.",
    )

    VALID = [
        Valid(_DATA_URI + "\n", path="site/index.html"),
        Valid(f"MAPBOX_TOKEN={_MAPBOX}\n", path=".env"),
        Valid("SERVICE_API_KEY=${SERVICE_API_KEY}\nTOKEN=<your-token>\n", path=".env.example"),
        # LaunchDarkly client-side ids are public; a Linear key from the secret store.
        Valid('LD_CLIENT_SIDE_ID = "5f1e2d3c4b5a697887766554"\n'
              'LINEAR_API_KEY = vault.read("linear")\n', path="app/flags.py"),
    ]
    # Built from the first rows' samples, so the examples follow the rows the table holds.
    INVALID = row_examples(_RULE)
