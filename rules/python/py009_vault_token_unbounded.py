"""LLC-PY-009: hvac creating periodic, orphan or non-expiring Vault tokens."""

from __future__ import annotations

from dataclasses import replace

import libcst as cst

from scanner.api import (
    HVAC_CLIENTS,
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
    dotted_name,
    issuer_of,
    issuers_of,
    slot_value,
    string_value,
    turns_off,
)

_CREATE_PATH = "auth/token/create"
_CLIENT = HVAC_CLIENTS
#: Rows of the issuer table: token creation (ttl, period, no_parent) and AppRole secret IDs.
_ROWS = {row.key: row for row in issuers_of("LLC-PY-009")}
_CREATE = _ROWS["hvac.create_token"]
_APPROLE = _ROWS["hvac.approle"]
_PARAMS = ("period", "no_parent", "orphan", "ttl")
_MEDIUM_TTL = 86400
_TRUE = ("True", "true", "1")


class VaultTokenUnbounded(PythonRule):
    """## What it does
    Flags Vault tokens created through hvac that can live for ever or escape revocation:
    `client.auth.token.create(...)`, `create_orphan(...)`, the older `client.create_token(...)`,
    and raw writes to `auth/token/create*`, when they are periodic (`period=...`: renewable
    without limit), orphans (`no_parent=True`, `orphan=True`, `create_orphan`), or given
    `ttl=0` (the mount default, no expiry for root tokens) or a TTL above 24 hours.
    AppRoles created by `client.auth.approle.create_or_update_approle(...)` without
    `secret_id_ttl` (Vault's default 0: secret IDs never expire), with `0`, or above 24 hours
    are flagged too. Durations may be numbers or Vault strings (`"768h"`); values that cannot be
    resolved are left alone. The calls are rows of the issuer table
    (`scanner/documents/python/libraries/issuers/`).

    ## Why is this bad?
    A periodic token is renewed for ever by whoever holds it, and an orphan token survives the
    revocation of the token that created it, so revoking a compromised parent or workload does
    not end it (OWASP NHI7 Long-Lived Secrets, NHI1 Improper Offboarding).

    ## Example
    ```python
    client.auth.token.create(policies=["deploy"], period="24h", no_parent=True)
    ```

    Use instead:
    ```python
    # Authenticate the workload (Kubernetes, AWS IAM, JWT/OIDC auth) and use that token, or:
    client.auth.token.create(policies=["deploy"], ttl="15m", explicit_max_ttl="1h")
    ```

    ## References
    - Vault token create: https://developer.hashicorp.com/vault/api-docs/auth/token#create-token
    - Periodic and orphan tokens: https://developer.hashicorp.com/vault/docs/concepts/tokens
    - OWASP NHI7:2025 Long-Lived Secrets
    """

    META = RuleMeta(
        id="LLC-PY-009",
        name="vault-token-unbounded",
        summary="Vault token created non-expiring, periodic or orphan (hvac)",
        category=Category.NON_EXPIRING_TOKEN,
        severity=Severity.HIGH,
        precision=Precision.HIGH,
        owasp=("NHI7", "NHI1"),
        fix="Authenticate each workload through a platform auth method (Kubernetes, AWS IAM, "
        "JWT/OIDC) bounded by token_ttl/token_max_ttl; avoid periodic and orphan tokens.",
        kinds=frozenset({FileKind.PYTHON}),
        triggers=("hvac",),  # the issuer table's hvac rows
    )

    VALID = [
        Valid(
            "import hvac\n"
            "client = hvac.Client()\n"
            'client.auth.approle.create_or_update_approle("etl", secret_id_ttl="10m")\n'
        ),
        Valid(
            "import hvac\n"
            "client = hvac.Client(url=URL)\n"
            'client.auth.token.create(policies=["deploy"], ttl="15m", explicit_max_ttl="1h",'
            " renewable=False)\n"
        ),
        # Values from parameters, `no_parent=False`, a day-long TTL.
        Valid(
            "import hvac\n"
            "def mint(client, period, ttl):\n"
            "    client.auth.token.create(period=period, ttl=ttl, no_parent=False)\n"
            '    client.auth.token.create(policies=["ci"], ttl="24h")\n'
        ),
        # Not a token-create path; an unrelated `create`.
        Valid(
            "import hvac\n"
            'client.write("secret/data/app", data={"period": "24h"})\n'
            'client.secrets.kv.v2.create_or_update_secret(path="x", secret={"ttl": "0"})\n'
            'db.users.create(no_parent=True, period="1h")\n'
        ),
    ]
    INVALID = [
        Invalid(
            "import hvac\n"
            "client = hvac.Client()\n"
            'client.auth.approle.create_or_update_approle("etl", token_ttl="1h")'
            "  # expect: LLC-PY-009\n"
        ),
        Invalid(
            "import hvac\n"
            "client = hvac.Client(url=URL)\n"
            'client.auth.token.create(policies=["deploy"], period="24h", no_parent=True)'
            "  # expect: LLC-PY-009\n"
        ),
        # Module constants, an aliased import, a function-level import.
        Invalid(
            'TTL = "8760h"\n'
            "def mint():\n"
            "    import hvac as vault\n"
            "    client = vault.Client()\n"
            "    return client.auth.token.create_orphan(ttl=TTL)  # expect: LLC-PY-009\n"
        ),
        Invalid(
            "from hvac import Client as Vault\n"
            "v = Vault()\n"
            'v.create_token(policies=["ci"], orphan=True)  # expect: LLC-PY-009\n'
            'v.auth.token.create(ttl=0, policies=["ci"])  # expect: LLC-PY-009\n'
        ),
        Invalid(
            "import hvac\n"
            'client.write("auth/token/create", policies=["ci"], period=3600 * 24)'
            "  # expect: LLC-PY-009\n"
        ),
    ]

    def leave_Module(self, original_node: cst.Module) -> None:
        if self.doc.is_test_code:  # test code (rules.md 2.3.5): informational only
            self.reports[:] = [replace(r, severity=Severity.INFO) for r in self.reports]

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not isinstance(func, cst.Attribute):
            return
        method = func.attr.value
        orphan = False
        data: cst.BaseExpression | None = None
        if method in _APPROLE.methods:
            self._approle(node)
            return
        if method not in _CREATE.methods and method not in ("write", "write_data"):
            return
        if method in ("create", "create_orphan") and _endswith(func.value, "auth.token"):
            orphan = method == "create_orphan"
        elif method == "create_token":
            if self.doc.constructed_by(func.value, _CLIENT, node) is None:
                return
        elif method in ("write", "write_data") and node.args:
            path = self.doc.literal_string(node.args[0].value)
            if path is None or not path[0].strip("/").startswith(_CREATE_PATH):
                return
            orphan = path[0].strip("/").startswith(_CREATE_PATH + "-orphan")
            if method == "write_data":
                data = self.doc.argument(node, "data")
                if data is None:
                    return
        else:
            return
        values: dict[str, cst.BaseExpression | None] = {}
        for name in _PARAMS:
            if data is not None:
                values[name] = self.doc.dict_value(data, name, node)
            else:
                values[name] = self.doc.argument(node, name)
        self._check(node, values, orphan)

    def _check(
        self, node: cst.Call, values: dict[str, cst.BaseExpression | None], orphan: bool
    ) -> None:
        reasons: list[str] = []
        severity = Severity.MEDIUM
        lifetime = Lifetime.unknown()
        period = self._seconds(values["period"])
        if period is not None and period > 0:
            reasons.append(f"`period` {describe_duration(period)} (periodic tokens renew for ever)")
            severity, lifetime = Severity.HIGH, Lifetime.never()
        if orphan or self._true(values["no_parent"]) or self._true(values["orphan"]):
            reasons.append("no parent (an orphan survives revoking the token that made it)")
            severity = Severity.HIGH
        ttl = self._seconds(values["ttl"])
        if ttl == 0:
            reasons.append("`ttl` 0 (the mount default, and no expiry for root tokens)")
        elif ttl is not None and ttl > _MEDIUM_TTL:
            reasons.append(f"`ttl` {describe_duration(ttl)}")
        if ttl and lifetime != Lifetime.never():
            lifetime = Lifetime.seconds(ttl)
        if not reasons:
            return
        self.report(
            node,
            "Vault token created with " + "; ".join(reasons) + ": it can outlive the workload "
            "that asked for it.",
            lifetime=lifetime,
            severity=severity,
        )

    def _approle(self, node: cst.Call) -> None:
        """``create_or_update_approle`` without ``secret_id_ttl`` (Vault's default 0: never)."""
        slot = _APPROLE.lifetime
        if slot is None or issuer_of(self.doc, node, self.META.id) is not _APPROLE:
            return
        passed, value = slot_value(self.doc, node, slot)
        if value is not None and not turns_off(self.doc, _APPROLE, value):
            seconds = self._seconds(value)
            if seconds is None or seconds <= _MEDIUM_TTL:
                return
            what = f"`secret_id_ttl` {describe_duration(seconds)}"
            lifetime = Lifetime.seconds(seconds)
        elif value is not None or passed is False:
            what = "`secret_id_ttl` 0 (Vault's default when it is not set)"
            lifetime = Lifetime.never()
        else:
            return
        self.report(
            node,
            f"AppRole created with {what}: its secret IDs are long-lived root credentials "
            "for every token the role mints.",
            lifetime=lifetime,
            severity=Severity.MEDIUM,
        )

    def _seconds(self, expr: cst.BaseExpression | None) -> int | None:
        if expr is None:
            return None
        return self.doc.fold_seconds(expr, expr, strings=True)

    def _true(self, expr: cst.BaseExpression | None) -> bool:
        if expr is None:
            return False
        value = self.doc.resolve(expr, expr)
        if isinstance(value, cst.Name):
            return value.value == "True"
        return string_value(value) in _TRUE


def _endswith(node: cst.BaseExpression, suffix: str) -> bool:
    dotted = dotted_name(node)
    return dotted is not None and (dotted == suffix or dotted.endswith("." + suffix))
