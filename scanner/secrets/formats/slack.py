"""Slack tokens and webhooks (LLC-SRC-004). Group ``secret`` is the random part.

Token types: https://docs.slack.dev/authentication/tokens; with token rotation on, access
tokens expire after 12 hours: https://docs.slack.dev/authentication/using-token-rotation
"""

from __future__ import annotations

from scanner.findings import Lifetime, Severity
from scanner.secrets.formats import Format

_SOURCE = "https://docs.slack.dev/authentication/tokens"
_FIX = ("Revoke the token (auth.revoke) or delete the webhook, turn on token rotation, and "
        "load the 12-hour access token at run time from a secret manager.")
_ROTATED_SECONDS = 12 * 3600  # access tokens under token rotation expire after 12 hours
_NEVER = "it does not expire unless the app turned on token rotation"
_HOOKS = "hooks.slack.com"


def _row(id: str, label: str, anchors: tuple[str, ...], pattern: str, severity: Severity,
         lifetime: Lifetime, why: str, needle: str = "") -> Format:
    return Format(id=id, provider="Slack", label=label, anchors=anchors, pattern=pattern,
                  lifetime=lifetime, owasp=("NHI2", "NHI7"), severity=severity, fix=_FIX,
                  rule="LLC-SRC-004", why=why, needle=needle, validator="not-filler",
                  source=_SOURCE)


FORMATS = (
    # Rotating tokens first: "xoxe.xoxb-" must not be read as a plain bot token.
    _row("slack-rotating-access-token", "Slack rotating access token", ("xoxe",),
         r"xoxe\.xox[bp]-\d-(?P<secret>[A-Za-z0-9]{146,180})", Severity.MEDIUM,
         Lifetime.seconds(_ROTATED_SECONDS),
         "token rotation makes it expire after 12 hours; it is usable by any reader until then"),
    _row("slack-refresh-token", "Slack refresh token", ("xoxe",),
         r"xoxe-\d-(?P<secret>[A-Za-z0-9]{140,160})", Severity.HIGH, Lifetime.never(),
         "a refresh token does not expire until it is used, and mints new access tokens"),
    _row("slack-bot-token", "Slack bot token", ("xoxb-",),
         r"xoxb-[0-9]{8,14}-(?:[0-9]{8,14}-)?(?P<secret>[A-Za-z0-9]{18,34})", Severity.HIGH,
         Lifetime.never(), _NEVER),
    _row("slack-user-token", "Slack user token", ("xoxp-",),
         r"xoxp-(?:[0-9]{8,14}-){3}(?P<secret>[A-Za-z0-9]{28,34})", Severity.HIGH,
         Lifetime.never(), _NEVER + ", and it acts as the person who installed the app"),
    _row("slack-app-token", "Slack app-level token", ("xapp-",),
         r"xapp-\d-[A-Z0-9]{8,14}-[0-9]{8,16}-(?P<secret>[a-z0-9]{32,128})", Severity.HIGH,
         Lifetime.never(), "app-level tokens do not expire"),
    _row("slack-legacy-workspace-token", "Slack legacy workspace token", ("xoxa-", "xoxr-"),
         r"xox[ar]-(?:\d-)?(?:[0-9]{6,14}-){0,3}(?P<secret>[A-Za-z0-9]{8,64})", Severity.HIGH,
         Lifetime.never(), "legacy tokens do not expire"),
    _row("slack-legacy-token", "Slack legacy token", ("xoxo-", "xoxs-"),
         r"xox[os]-(?:[0-9]{6,14}-){3}(?P<secret>[a-fA-F0-9]{16,64})", Severity.HIGH,
         Lifetime.never(), "legacy tokens do not expire"),
    _row("slack-incoming-webhook", "Slack incoming webhook URL", (_HOOKS,),
         r"(?:https?://)?hooks\.slack\.com/services/T[A-Z0-9]{8,12}/B[A-Z0-9]{8,12}/"
         r"(?P<secret>[A-Za-z0-9]{24})", Severity.MEDIUM, Lifetime.static(),
         "anyone holding the URL can post to its channel until the webhook is removed",
         needle=_HOOKS),
    _row("slack-workflow-webhook", "Slack workflow webhook URL", (_HOOKS,),
         r"(?:https?://)?hooks\.slack\.com/(?:workflows|triggers)/T[A-Z0-9]{8,12}/"
         r"(?:[A-Za-z0-9]{8,24}/){1,2}(?P<secret>[A-Za-z0-9]{20,64})", Severity.MEDIUM,
         Lifetime.static(),
         "anyone holding the URL can start the workflow until the trigger is removed",
         needle=_HOOKS),
)
