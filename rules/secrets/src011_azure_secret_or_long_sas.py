"""LLC-SRC-011: Azure client secrets, storage and Service Bus keys, and long-lived SAS tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from urllib.parse import unquote

from scanner.api import (
    ALL_KINDS,
    ALNUM,
    BASE64,
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
    compile_pattern,
    fake_token,
)

# Entra ID (Azure AD) client secret: 3 characters, a digit, "Q~", then 31 to 34 more
# (gitleaks `azure-ad-client-secret`).
_CLIENT_SECRET = compile_pattern(
    r"(?:^|[\\'\"`\s>=:(,)])([a-zA-Z0-9_~.]{3}\dQ~[a-zA-Z0-9_~.-]{31,34})(?:$|[\\'\"`\s<),])"
)
# Storage and Cosmos DB account keys are 64 random bytes (88 base64 characters); Service Bus,
# Event Hubs and IoT Hub shared access keys are 32 bytes (44).
_ACCOUNT_KEY = compile_pattern(r"(?i:accountkey)\s*=\s*([A-Za-z0-9+/]{86}==)(?:[^A-Za-z0-9+/=]|$)")
_SHARED_KEY = compile_pattern(
    r"(?i:sharedaccesskey)\s*=\s*([A-Za-z0-9+/]{43}=)(?:[^A-Za-z0-9+/=]|$)"
)
# The storage emulator's (Azurite's) documented account key: public, so info only. Compared by
# digest to keep a whole account key out of this file.
_EMULATOR_KEY_SHA256 = "0011cc25eb4320717494d2703e8cba85743e71b500283c21c8b88147992f9059"
_EMULATOR_ACCOUNT = "devstoreaccount1"

# SAS: find each `sig=` parameter, then read the query string around it.
_SIG = compile_pattern(r"(?i)(?:^|[?&;\"'\s])sig=")
_STOP = frozenset(" \t\r\n\"'`<>(){}[]|,\\?#")
_MAX_QUERY = 2048
_SIGNATURE = re.compile(r"^[A-Za-z0-9+/]{43}=$")  # base64 of an HMAC-SHA256
_VERSION = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PARAM = re.compile(r"(?:^|&|;|&amp;|(?i:sharedaccesssignature)=)([A-Za-z]{2,6})=([^&;]*)")
_DAY = 86400
_SHORT_SAS = _DAY  # a SAS valid for a day or less is the runtime pattern done right: quiet


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _parse_time(raw: str) -> dt.datetime | None:
    """An SAS `st`/`se` value (ISO 8601 UTC, date or date-time, maybe percent-encoded)."""
    value = unquote(raw).strip()
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.timezone.utc)
    return parsed


def _query(text: str, sig_at: int) -> tuple[int, str]:
    """The query string around offset ``sig_at``: its start and text, stopping at delimiters."""
    start = sig_at
    floor = max(0, sig_at - _MAX_QUERY)
    while start > floor and text[start - 1] not in _STOP:
        start -= 1
    end = sig_at
    ceiling = min(len(text), sig_at + _MAX_QUERY)
    while end < ceiling and text[end] not in _STOP:
        end += 1
    return start, text[start:end]


def _parameters(query: str) -> dict[str, tuple[str, int]]:
    """SAS parameters (lower-cased names) with their values and offsets inside ``query``."""
    out: dict[str, tuple[str, int]] = {}
    for match in _PARAM.finditer(query):
        out.setdefault(match.group(1).lower(), (match.group(2), match.start(2)))
    return out


def _days(seconds: float) -> str:
    days = seconds / _DAY
    return f"{days:.0f} days" if days >= 2 else f"{seconds / 3600:.0f} hours"


_CLIENT = fake_token("", 3, ALNUM, seed=201) + "8Q~" + fake_token("", 34, ALNUM + "_~.-", seed=202)
_ACCOUNT = fake_token("", 86, BASE64, seed=203) + "=="
_BUS_KEY = fake_token("", 43, BASE64, seed=204) + "="
_SIG_RAW = fake_token("", 43, BASE64, seed=205) + "="
_SIG_URL = _SIG_RAW.replace("+", "%2B").replace("/", "%2F").replace("=", "%3D")
_BLOB = "https://acct.blob.core.windows.net/backups/db.bak"


class AzureSecretOrLongSas(TextRule):
    """## What it does
    Finds Azure credentials in any text file: Entra ID (Azure AD) client secrets (the
    40-character `xxx8Q~...` format), storage and Cosmos DB account keys in connection strings
    (`AccountKey=` plus 88 base64 characters), Service Bus, Event Hubs and IoT Hub shared access
    keys (`SharedAccessKey=`), and shared access signatures (SAS URLs or tokens with `sv=` and a
    44-character `sig=`). A SAS is judged by its validity: `se` (expiry) minus `st` (start) when
    both are given, otherwise the time left until `se`. Above
    `thresholds.credential_max_validity_days` (90 days) it is medium, above a year high; longer
    than a day but within the threshold it is low; a SAS valid for a day or less (what a service
    mints per request, as in logs and test recordings) and an expired one are not reported. A
    SAS without `se` takes its expiry from a stored access policy and is medium. The storage
    emulator's published key (`devstoreaccount1`) is info only.

    ## Why is this bad?
    A storage account key is root on the account and never expires; a client secret lives
    for up to two years; a SAS signed with the account key cannot be revoked short of rotating
    that key, so a SAS valid for years is a standing credential that anyone holding the URL can
    use (OWASP NHI2 Secret Leakage, NHI7 Long-Lived Secrets).

    ## Example
    ```text
    DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=0Zk...88 characters...==
    https://acct.blob.core.windows.net/c/b?sv=2022-11-02&se=2035-01-01T00:00:00Z&sp=rl&sig=...
    ```

    Use instead:
    ```python
    # Entra ID auth (managed or workload identity) and a short user-delegation SAS if one is needed
    from azure.identity import DefaultAzureCredential
    client = BlobServiceClient(ACCOUNT_URL, credential=DefaultAzureCredential())
    key = client.get_user_delegation_key(now, now + timedelta(minutes=15))
    ```

    ## References
    - SAS overview and best practices: https://learn.microsoft.com/azure/storage/common/storage-sas-overview
    - Service SAS fields (`sv`, `st`, `se`, `sig`): https://learn.microsoft.com/rest/api/storageservices/create-service-sas
    - Prevent Shared Key authorization: https://learn.microsoft.com/azure/storage/common/shared-key-authorization-prevent
    - Entra ID application credentials: https://learn.microsoft.com/entra/identity-platform/how-to-add-credentials
    - gitleaks `azure-ad-client-secret`: https://github.com/gitleaks/gitleaks/blob/master/config/gitleaks.toml
    """

    META = RuleMeta(
        id="LLC-SRC-011",
        name="azure-secret-or-long-sas",
        summary="Azure client secret, storage or Service Bus key, or long-lived SAS token",
        category=Category.STATIC_SECRET,
        severity=Severity.HIGH,
        precision=Precision.HIGH,
        owasp=("NHI2", "NHI7"),
        fix="Rotate the key or secret and use Entra ID auth (managed identity or workload "
        "identity federation); where a SAS is needed, mint a user-delegation SAS that expires "
        "within minutes, and disable Shared Key on the storage account.",
        kinds=ALL_KINDS,
        triggers=("q~", "accountkey", "sharedaccesskey", "sig="),
    )

    VALID = [
        Valid("AZURE_STORAGE_CONNECTION_STRING=DefaultEndpointsProtocol=https;AccountName=acct;"
              "AccountKey=<storage-account-key>;EndpointSuffix=core.windows.net\n"
              "AZURE_CLIENT_SECRET=${AZURE_CLIENT_SECRET}\n", path=".env.example"),
        # A SAS valid for 15 minutes, as a service mints it per request.
        Valid(f"GET {_BLOB}?sv=2022-11-02&st=2024-05-01T10:00:00Z&se=2024-05-01T10:15:00Z"
              f"&sr=b&sp=r&sig={_SIG_URL} 200\n", path="logs/access.log"),
        # Expired long ago, no start: it no longer works.
        Valid(f'url = "{_BLOB}?sv=2019-02-02&se=2020-01-01&sp=r&sig={_SIG_URL}"\n',
              path="tests/test_download.py"),
        Valid("sas = f\"{url}?sv={version}&se={expiry}&sig={signature}\"\n"
              "recorded = 'https://acct.blob.core.windows.net/c?sv=2021-08-06&se=2099-01-01"
              "&sig=Sanitized'\n", path="app/storage.py"),
        Valid('client_secret = os.environ["AZURE_CLIENT_SECRET"]\n'
              'conn = "UseDevelopmentStorage=true"\n', path="app/settings.py"),
    ]
    INVALID = [
        Invalid(f'AZURE_CLIENT_SECRET="{_CLIENT}"  # expect: LLC-SRC-011\n', path="deploy.env"),
        Invalid("storage:\n  connection: DefaultEndpointsProtocol=https;AccountName=acct;"
                f"AccountKey={_ACCOUNT};EndpointSuffix=core.windows.net  # expect: LLC-SRC-011\n"
                "  bus: Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=send;"
                f"SharedAccessKey={_BUS_KEY}  # expect: LLC-SRC-011\n",
                path="deploy/values.yaml"),
        # Ten years between start and expiry: high.
        Invalid(f'BACKUP_URL = "{_BLOB}?sv=2022-11-02&st=2025-01-01T00:00:00Z'
                f'&se=2035-01-01T00:00:00Z&sr=b&sp=rl&sig={_SIG_URL}"  # expect: LLC-SRC-011\n',
                path="app/backup.py"),
        # Six months between start and expiry, above the 90-day threshold: medium.
        Invalid(f"azcopy copy ./dist '{_BLOB}?sp=rw&st=2090-01-01&se=2090-07-01&sv=2022-11-02"
                f"&sr=c&sig={_SIG_RAW}'  # expect: LLC-SRC-011\n", path="scripts/upload.sh"),
        # A SAS connection string with a year-2099 expiry and no start.
        Invalid("BlobEndpoint=https://acct.blob.core.windows.net/;SharedAccessSignature="
                f"ss=b&srt=co&sv=2022-11-02&sp=rl&se=2099-12-31T23:59:59Z&sig={_SIG_URL}"
                "  # expect: LLC-SRC-011\n", path="config/storage.txt"),
    ]

    def check(self, doc: TextDocument) -> None:
        text = doc.text
        for match in _CLIENT_SECRET.finditer(text):
            secret = match.group(1)
            if self.context.is_placeholder(secret):
                continue
            self.report(
                Span(match.start(1), match.end(1)),
                "Entra ID (Azure AD) client secret in a file: it signs in as the application "
                "until its end date, which is up to two years away.",
                lifetime=Lifetime.unknown(),
                value=secret,
            )
        self._keys(text)
        if "sig=" in text.lower():
            self._sas(text)

    def _keys(self, text: str) -> None:
        for match in _ACCOUNT_KEY.finditer(text):
            key = match.group(1)
            span = Span(match.start(1), match.end(1))
            line_start = text.rfind("\n", 0, match.start(1)) + 1
            line_end = text.find("\n", match.end(1))
            line = text[line_start : line_end if line_end != -1 else len(text)]
            if _sha256(key) == _EMULATOR_KEY_SHA256 or _EMULATOR_ACCOUNT in line:
                self.report(span, "Azure storage emulator (Azurite) account key: published, "
                            "not a real credential.", lifetime=Lifetime.static(), value=key,
                            severity=Severity.INFO)
                continue
            if self.context.is_placeholder(key) or len(set(key)) < 16:
                continue
            self.report(
                span,
                "Azure storage or Cosmos DB account key in a connection string: full control "
                "of the account, with no expiry until the key is rotated.",
                lifetime=Lifetime.static(),
                value=key,
                severity=Severity.CRITICAL,
            )
        for match in _SHARED_KEY.finditer(text):
            key = match.group(1)
            if self.context.is_placeholder(key) or len(set(key)) < 12:
                continue
            self.report(
                Span(match.start(1), match.end(1)),
                "Azure Service Bus, Event Hubs or IoT Hub shared access key in a connection "
                "string: it never expires until the key is regenerated.",
                lifetime=Lifetime.static(),
                value=key,
            )

    def _sas(self, text: str) -> None:
        seen: set[int] = set()
        now = dt.datetime.fromtimestamp(self.context.now, dt.timezone.utc)
        limit = self.context.thresholds.credential_max_validity_days * _DAY
        for match in _SIG.finditer(text):
            start, query = _query(text, match.end() - 1)
            if start in seen:
                continue
            seen.add(start)
            params = _parameters(query)
            if "sig" not in params or "sv" not in params:
                continue
            sig, sig_at = params["sig"]
            if not _SIGNATURE.match(unquote(sig)) or not _VERSION.match(unquote(params["sv"][0])):
                continue
            if self.context.is_placeholder(unquote(sig)):
                continue
            span = Span(start + sig_at, start + sig_at + len(sig))
            expiry = _parse_time(params["se"][0]) if "se" in params else None
            begin = _parse_time(params["st"][0]) if "st" in params else None
            if "se" not in params:
                self.report(
                    span,
                    "Azure SAS token with no expiry (`se`): it takes its expiry from a stored "
                    "access policy, if any, and cannot be revoked without rotating the key.",
                    lifetime=Lifetime.unknown(),
                    value=sig,
                    severity=Severity.MEDIUM,
                )
                continue
            if expiry is None or expiry <= now:
                continue
            if begin is not None:
                validity = (expiry - begin).total_seconds()
                lifetime = Lifetime.seconds(int(validity))
                what = f"valid for {_days(validity)} (from `st` to `se`, {expiry:%Y-%m-%d})"
            else:
                validity = (expiry - now).total_seconds()
                lifetime = Lifetime.unknown()
                what = f"valid until {expiry:%Y-%m-%d} ({_days(validity)} from now, no `st`)"
            if validity <= _SHORT_SAS:
                continue
            if validity > 365 * _DAY:
                severity = Severity.HIGH
            elif validity > limit:
                severity = Severity.MEDIUM
            else:
                severity = Severity.LOW
            self.report(
                span,
                f"Azure SAS token {what}: anyone with the URL has its access until then, and a "
                "key-signed SAS cannot be revoked without rotating the account key.",
                lifetime=lifetime,
                value=sig,
                severity=severity,
            )
