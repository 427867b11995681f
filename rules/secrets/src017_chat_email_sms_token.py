"""LLC-SRC-017: chat, email and SMS services (Discord, Telegram, Twilio, SendGrid, Mailgun, ...)."""

from __future__ import annotations

from scanner.api import ProviderRule, Valid, provider_meta, row_examples

_RULE = "LLC-SRC-017"


class ChatEmailSmsToken(ProviderRule):
    """## What it does
    Finds credentials of chat, email and SMS services (Discord, Telegram, Twilio, SendGrid,
    Mailgun, ...) in any text file. The formats are rows of the provider
    table (`scanner/secrets/providers.toml`, family rows for LLC-SRC-017): Discord bot tokens
    and webhooks, Telegram bot tokens, Microsoft Teams and Mattermost webhooks, Twilio,
    SendGrid, Mailgun, Mailchimp, Postmark, Brevo, Vonage and MessageBird keys, each
    with its prefix or keyword anchor, alphabet, length, lifetime and source. A row whose
    random part has the wrong alphabet or length, a placeholder or filler is skipped.

    ## Why is this bad?
    A messaging key sends mail, texts and chat messages as the organisation (phishing from a
    trusted sender, SMS fraud billed to the account) and reads its message history; these keys
    and webhook URLs do not expire (OWASP NHI2 Secret Leakage, NHI7 Long-Lived Secrets).

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
        _RULE, "chat-email-sms-token",
        "Chat, email or SMS service credential in a file (Discord, Telegram, Twilio, "
        "SendGrid, ...)",
        "Revoke the key or delete the webhook; send through a server-side integration whose "
        "key is read from a secret manager at run time, scoped to sending only.",
    )

    VALID = [
        Valid('SENDGRID_API_KEY = os.environ["SENDGRID_API_KEY"]\n', path='app/mail.py'),
        Valid("SERVICE_API_KEY=${SERVICE_API_KEY}\nTOKEN=<your-token>\n", path=".env.example"),
        # Discord webhook *ids* alone (no token part) are public; a doc placeholder key.
        Valid('DISCORD_CHANNEL_ID = "1122334455667788990"\n'
              'MAILGUN_API_KEY = "key-your-api-key-here"\n',
              path="bot/settings.py"),
    ]
    # Built from the first rows' samples, so the examples follow the rows the table holds.
    INVALID = row_examples(_RULE)
