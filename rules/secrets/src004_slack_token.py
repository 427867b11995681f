"""LLC-SRC-004: Slack tokens and incoming webhooks."""

from __future__ import annotations

from scanner.api import (
    ALL_KINDS,
    Category,
    Invalid,
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
    is_known_example,
    looks_fake,
    standalone,
)

_DIGITS = "0123456789"
_UPPER36 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
_HEX = "0123456789abcdef"
_RULE = "LLC-SRC-004"
# The formats are catalogue rows (scanner/secrets/providers.toml), tried in row order, each
# with the literal every match holds ("hooks.slack.com" for the webhooks, whose scheme is
# optional). Group "secret" is the random part that must not be filler.
# Workspace (T...), channel and app ids made of one repeated digit are documentation fillers.
_FILLER_ID = compile_pattern(r"[TBA]0{8,}/")

_BOT = ("xoxb-" + fake_token("", 12, _DIGITS, seed=41) + "-" + fake_token("", 13, _DIGITS, seed=42)
        + "-" + fake_token("", 24, seed=43))
_USER = ("xoxp-" + "-".join(fake_token("", 12, _DIGITS, seed=s) for s in (44, 45, 46)) + "-"
         + fake_token("", 32, _HEX, seed=47))
_APP = ("xapp-1-A" + fake_token("", 10, _UPPER36, seed=48) + "-"
        + fake_token("", 13, _DIGITS, seed=49) + "-" + fake_token("", 64, _HEX, seed=50))
_ROTATING = "xoxe.xoxp-1-" + fake_token("", 163, seed=51)
_WEBHOOK = ("https://hooks.slack.com/services/T" + fake_token("", 8, _UPPER36, seed=52) + "/B"
            + fake_token("", 10, _UPPER36, seed=53) + "/" + fake_token("", 24, seed=54))


class SlackToken(TextRule):
    """## What it does
    Finds Slack credentials in any text file: bot (`xoxb-`), user (`xoxp-`), app-level
    (`xapp-`) and legacy tokens (`xoxa-`, `xoxr-`, `xoxo-`, `xoxs-`), the rotating access and
    refresh tokens of apps with token rotation (`xoxe.xoxb-`, `xoxe-`), and incoming or
    workflow webhook URLs (`hooks.slack.com/services/T…/B…/…`). Placeholders, `$VAR`
    references and documentation fillers (`T00000000/B00000000/XXXXXXXX…`) are skipped, and
    the bot token of Slack's own OAuth documentation, copied into many test suites, is
    reported at `info` only.

    Severity follows the lifetime: high for tokens that never expire and for refresh tokens;
    medium for rotating access tokens (12 hours) and for webhooks, which never expire but
    only post to one channel or start one workflow.

    ## Why is this bad?
    Bot and user tokens do not expire unless the app opted into token rotation: a token pasted
    into a repository reads and writes the workspace as the app (or as the person who
    installed it) until someone revokes it (OWASP NHI2 Secret Leakage, NHI7 Long-Lived
    Secrets). A webhook URL is a bearer credential too: whoever has it can post into the
    channel, the classic start of a phishing message that looks internal.

    ## Example
    ```python
    client = WebClient(token="xoxb-...")
    ```

    Use instead:
    ```python
    # token rotation on; the short-lived access token comes from the secret store at start-up
    client = WebClient(token=secret_store.get("slack/bot-access-token"))
    ```

    ## References
    - Token types: https://docs.slack.dev/authentication/tokens
    - Token rotation (12-hour access tokens): https://docs.slack.dev/authentication/using-token-rotation
    - Revoking a token: https://docs.slack.dev/reference/methods/auth.revoke
    - gitleaks `slack-*` rules
    """

    META = RuleMeta(
        id=_RULE,
        name="slack-token",
        summary="Slack token or webhook URL in a file",
        category=Category.STATIC_SECRET,
        severity=Severity.HIGH,
        precision=Precision.VERY_HIGH,
        owasp=("NHI2", "NHI7"),
        fix="Revoke the token (auth.revoke) or delete the webhook, turn on token rotation, and "
        "load the 12-hour access token at run time from a secret manager.",
        kinds=ALL_KINDS,
        triggers=catalogue.triggers(_RULE),
    )

    VALID = [
        Valid('client = WebClient(token=os.environ["SLACK_BOT_TOKEN"])\n', path="app/bot.py"),
        Valid("slack_api_url: '{{ slack_webhook_url }}'\n"
              "bot_token: \"{{ .Values.slack.token }}\"\n",
              path="chart/templates/alertmanager.yaml"),
        Valid("SLACK_BOT_TOKEN=xoxb-your-bot-token\nSLACK_APP_TOKEN=xapp-<your-token>\n"
              "SLACK_WEBHOOK=${SLACK_WEBHOOK_URL}\n", path=".env.example"),
        # Slack's own documentation filler for webhooks.
        Valid("url: https://hooks.slack.com/services/T00000000/B00000000/"
              "XXXXXXXXXXXXXXXXXXXXXXXX\n", path="docs/alerts.md"),
        Valid("token: xoxb-" + "1" * 12 + "-" + "2" * 13 + "-" + "a" * 24 + "\n"
              "user: xoxp-123456789012-123456789012-123456789012-"
              "abcdef0123456789abcdef0123456789\n", path="tests/fixtures/slack.yml"),
        Valid("see https://hooks.slack.com/services for the API\n", path="README.md"),
    ]
    INVALID = [
        Invalid(f'client = WebClient(token="{_BOT}")  # expect: LLC-SRC-004\n', path="app/bot.py"),
        Invalid(f"SLACK_USER_TOKEN={_USER}  # expect: LLC-SRC-004\n"
                f"SLACK_APP_TOKEN={_APP}  # expect: LLC-SRC-004\n", path=".env"),
        Invalid(f"alerting:\n  slack_api_url: {_WEBHOOK}  # expect: LLC-SRC-004\n",
                path="monitoring/alertmanager.yml"),
        Invalid(f'{{\n  "access_token": "{_ROTATING}",\n  "expires_in": 43200\n}}\n',
                path="state/slack-token.json", lines=(2,)),
    ]

    def check(self, doc: TextDocument) -> None:
        text = doc.text
        seen: list[tuple[int, int]] = []
        for compiled in catalogue.formats(_RULE):  # compiled on first use, then cached
            fmt, needle, pattern = compiled.format, compiled.needle, compiled.pattern
            if needle not in text:
                continue
            for match in pattern.finditer(text):
                start, end = match.start(), match.end()
                if any(s <= start < e for s, e in seen) or not standalone(text, start, end):
                    continue
                token = match.group()
                secret = match.group("secret")
                if (self.context.is_placeholder(token) or looks_fake(secret)
                        or _FILLER_ID.search(token)):
                    continue
                seen.append((start, end))
                if is_known_example(token):
                    self.report(Span(start, end), f"{fmt.label} from Slack's documentation "
                                "(an example, not a live token).", lifetime=fmt.lifetime,
                                value=token, severity=Severity.INFO)
                    continue
                self.report(Span(start, end), f"{fmt.label} committed to a file: {fmt.why}.",
                            lifetime=fmt.lifetime, value=token, severity=fmt.severity)
