"""LLC-SRC-019: data and database service keys (MongoDB Atlas, PlanetScale, Databricks, ...)."""

from __future__ import annotations

from scanner.api import ProviderRule, Valid, provider_meta, row_examples

_RULE = "LLC-SRC-019"


class DataServiceToken(ProviderRule):
    """## What it does
    Finds credentials of data and database services (MongoDB Atlas, PlanetScale, Databricks,
    Snowflake, ...) in any text file. The formats are rows of the provider
    table (`scanner/secrets/providers.toml`, family rows for LLC-SRC-019): MongoDB Atlas,
    PlanetScale, Neon, Databricks, Snowflake, Algolia admin, Elastic Cloud, Pinecone, Firebase
    server, Airtable and Notion keys, each
    with its prefix or keyword anchor, alphabet, length, lifetime and source. A row whose
    random part has the wrong alphabet or length, a placeholder or filler is skipped.
    Algolia search-only keys and Firebase web API keys are public by design and are not reported.

    ## Why is this bad?
    A data-service key reads and rewrites the data itself, often without the network controls a
    database has; most of these keys live until revoked (OWASP NHI2 Secret Leakage, NHI7 Long-
    Lived Secrets).

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
        _RULE, "data-service-token",
        "Data or database service credential in a file (MongoDB Atlas, PlanetScale, "
        "Databricks, ...)",
        "Revoke the key; connect through workload identity or short-lived credentials the "
        "platform issues (OAuth machine-to-machine, IAM database authentication).",
    )

    VALID = [
        Valid('DATABRICKS_TOKEN = dbutils.secrets.get("ci", "databricks-token")\n',
              path="jobs/etl.py"),
        Valid("SERVICE_API_KEY=${SERVICE_API_KEY}\nTOKEN=<your-token>\n", path=".env.example"),
        # Algolia search-only keys are meant for browsers; an admin key read from the env.
        Valid('ALGOLIA_SEARCH_KEY = "0123456789abcdef0123456789abcdef"\n'
              'ALGOLIA_ADMIN_KEY = os.getenv("ALGOLIA_ADMIN_KEY")\n', path="search/client.py"),
    ]
    # Built from the first rows' samples, so the examples follow the rows the table holds.
    INVALID = row_examples(_RULE)
