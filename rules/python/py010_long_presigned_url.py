"""LLC-PY-010: pre-signed URLs and SAS tokens valid for too long."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import libcst as cst

from scanner.api import (
    Category,
    FileKind,
    Invalid,
    Lifetime,
    Precision,
    PythonRule,
    RuleMeta,
    Severity,
    Valid,
    describe_duration,
    issuers_of,
)

#: Rows of the issuer table: boto3 methods and the position of ExpiresIn, the SAS
#: generators, GCS signed URLs.
_ROWS = {row.key: row for row in issuers_of("LLC-PY-010")}
_PRESIGN = {
    method: row.lifetime.position
    for row in (_ROWS["s3.presigned_url"], _ROWS["s3.presigned_post"])
    if row.lifetime is not None
    for method in row.methods
}
_SAS = _ROWS["azure.sas"].methods
(_GCS,) = _ROWS["gcs.signed_url"].methods
_MEDIUM_ABOVE = 86400


class LongPresignedUrl(PythonRule):
    """## What it does
    Flags signed URLs that stay valid longer than `thresholds.presign_max_seconds` (1 hour by
    default; medium above a day):
    - boto3 `generate_presigned_url(..., ExpiresIn=N)` and `generate_presigned_post(...)`;
    - Azure Storage `generate_blob_sas`, `generate_container_sas`, `generate_account_sas`
      (and the file, share, queue and table variants) with `expiry=now + <duration>`, a
      constant date or an ISO date string;
    - Google Cloud Storage `generate_signed_url(expiration=...)` with a `timedelta`, a
      `now + <duration>`, a constant date or a Unix timestamp.

    Durations are folded through constants and arithmetic; unknown ones are left alone.

    ## Why is this bad?
    A signed URL is a bearer credential: anyone holding the link reads or writes the object
    until it expires, and it cannot be revoked short of rotating the signing key (OWASP NHI7
    Long-Lived Secrets, NHI2 Secret Leakage). Links end up in chats, tickets and logs.

    ## Example
    ```python
    s3.generate_presigned_url("get_object", Params=p, ExpiresIn=604800)
    ```

    Use instead:
    ```python
    s3.generate_presigned_url("get_object", Params=p, ExpiresIn=300)
    ```

    ## References
    - boto3 presigned URLs: https://boto3.amazonaws.com/v1/documentation/api/latest/guide/s3-presigned-urls.html
    - Azure user delegation SAS: https://learn.microsoft.com/azure/storage/blobs/storage-blob-user-delegation-sas-create-python
    - GCS signed URLs: https://cloud.google.com/storage/docs/access-control/signed-urls
    - OWASP NHI7:2025 Long-Lived Secrets
    """

    META = RuleMeta(
        id="LLC-PY-010",
        name="long-presigned-url",
        summary="Pre-signed URL or SAS with long validity",
        category=Category.NON_EXPIRING_TOKEN,
        severity=Severity.LOW,
        precision=Precision.HIGH,
        owasp=("NHI7", "NHI2"),
        fix="Mint the URL per request with minutes of validity; for Azure prefer user-delegation "
        "SAS (Entra ID) over account-key SAS.",
        kinds=frozenset({FileKind.PYTHON}),
        triggers=(
            "generate_presigned_url",
            "generate_presigned_post",
            "generate_signed_url",
            *sorted(_SAS),
        ),
    )

    VALID = [
        Valid('url = s3.generate_presigned_url("get_object", Params=p, ExpiresIn=300)\n'),
        # The default (1 hour), a parameter, a setting.
        Valid(
            "def link(s3, key, seconds):\n"
            '    a = s3.generate_presigned_url("get_object", Params={"Key": key})\n'
            '    b = s3.generate_presigned_url("get_object", Params={"Key": key},'
            " ExpiresIn=seconds)\n"
            "    return a, b\n"
        ),
        Valid(
            "from datetime import datetime, timedelta, timezone\n"
            "from azure.storage.blob import generate_blob_sas\n"
            "sas = generate_blob_sas(ACCOUNT, CONTAINER, BLOB, account_key=KEY,\n"
            "                        expiry=datetime.now(timezone.utc) + timedelta(minutes=15))\n"
            "url = blob.generate_signed_url(expiration=timedelta(minutes=30), version='v4')\n"
        ),
    ]
    INVALID = [
        Invalid(
            'url = s3.generate_presigned_url("get_object", Params=p, ExpiresIn=604800)'
            "  # expect: LLC-PY-010\n"
        ),
        # A module constant, arithmetic and a positional argument.
        Invalid(
            "WEEK = 7 * 24 * 3600\n"
            "def post(client):\n"
            '    return client.generate_presigned_post("bucket", "key", None, None, WEEK)'
            "  # expect: LLC-PY-010\n"
        ),
        Invalid(
            "import datetime as dt\n"
            "from azure.storage.blob import generate_container_sas as sas\n"
            "token = sas(ACCOUNT, CONTAINER, account_key=KEY,  # expect: LLC-PY-010\n"
            "            expiry=dt.datetime.utcnow() + dt.timedelta(days=365))\n"
        ),
        Invalid(
            "from datetime import timedelta as td, datetime\n"
            "def link(blob):\n"
            "    return blob.generate_signed_url(td(hours=12))  # expect: LLC-PY-010\n"
            "url = blob.generate_signed_url(expiration=datetime(2099, 1, 1))"
            "  # expect: LLC-PY-010\n"
        ),
    ]

    def leave_Module(self, original_node: cst.Module) -> None:
        if self.doc.is_test_code:  # test code (rules.md 2.3.5): informational only
            self.reports[:] = [replace(r, severity=Severity.INFO) for r in self.reports]

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not isinstance(func, cst.Attribute | cst.Name):
            return
        method = func.attr.value if isinstance(func, cst.Attribute) else func.value
        seconds: int | None = None
        if method in _PRESIGN and isinstance(func, cst.Attribute):
            expires = self.doc.argument(node, "ExpiresIn", _PRESIGN[method])
            seconds = self.doc.fold_seconds(expires, node) if expires is not None else None
        elif method == _GCS and isinstance(func, cst.Attribute):
            expiration = self.doc.argument(node, "expiration", 0)
            seconds = self._gcs(expiration, node) if expiration is not None else None
        elif self._is_sas(node):
            expiry = self.doc.argument(node, "expiry")
            seconds = self._deadline(expiry, node) if expiry is not None else None
        if seconds is None:
            return
        limit = self.context.thresholds.presign_max_seconds
        if seconds <= limit:
            return
        self.report(
            node,
            f"Signed URL valid for {describe_duration(seconds)}, above the "
            f"{describe_duration(limit)} limit: anyone holding the link has access until then.",
            lifetime=Lifetime.seconds(seconds),
            severity=Severity.MEDIUM if seconds > _MEDIUM_ABOVE else Severity.LOW,
        )

    def _is_sas(self, node: cst.Call) -> bool:
        return any(
            name.startswith("azure.") and name.rsplit(".", 1)[-1] in _SAS
            for name in self.doc.qualified_names(node.func)
        )

    def _gcs(self, expr: cst.BaseExpression, at: cst.CSTNode) -> int | None:
        """GCS takes a timedelta (relative), a datetime or an int (a Unix timestamp)."""
        deadline = self.doc.fold_deadline(expr, at, epoch=True)
        if deadline is not None:
            return deadline
        if self._is_timedelta(expr, at):
            return self.doc.fold_seconds(expr, at)
        return None

    def _is_timedelta(self, expr: cst.BaseExpression, at: cst.CSTNode) -> bool:
        value = self.doc.resolve(expr, at)
        if isinstance(value, cst.BinaryOperation):
            return self._is_timedelta(value.left, value) or self._is_timedelta(value.right, value)
        return isinstance(value, cst.Call) and "datetime.timedelta" in self.doc.qualified_names(
            value.func
        )

    def _deadline(self, expr: cst.BaseExpression, at: cst.CSTNode) -> int | None:
        deadline = self.doc.fold_deadline(expr, at)
        if deadline is not None:
            return deadline
        found = self.doc.literal_string(expr, at)
        if found is None:
            return None
        try:  # SAS expiry given as an ISO 8601 string
            moment = dt.datetime.fromisoformat(found[0].strip().replace("Z", "+00:00"))
        except ValueError:
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.timezone.utc)
        return int(moment.timestamp() - self.context.now)
