"""LLC-PY-004: framework token or session lifetimes that are disabled or over-long."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

import libcst as cst

from scanner.api import (
    NEVER,
    Category,
    FileKind,
    Invalid,
    Issuer,
    Lifetime,
    Precision,
    PythonDocument,
    PythonRule,
    RuleContext,
    RuleMeta,
    SettingSite,
    Severity,
    Valid,
    describe_duration,
    issuer_of,
    methods_of,
    module_sites,
    settings_of,
    slot_value,
    string_value,
    turns_off,
)

#: Settings keys and token-issuing calls: rows of the issuer table (``issuers_of``).
_SETTINGS: dict[str, Issuer] = settings_of("LLC-PY-004")
_CALL_NAMES = methods_of("LLC-PY-004")
_CONTAINERS = frozenset(row.container for row in _SETTINGS.values() if row.container)
_DRF_TOKEN_AUTH = "rest_framework.authentication.TokenAuthentication"
_DRF_AUTHTOKEN_APP = "rest_framework.authtoken"
_COOKIE_NAME = re.compile(r"(?i)token|session|auth|jwt")
_DAY = 86400
#: Calls that write settings: a config object's ``update``/``from_mapping`` (Flask), Django's
#: ``override_settings``.
_CONFIG_METHODS = frozenset({"update", "from_mapping"})
_OVERRIDES = frozenset({"override_settings", "modify_settings"})
#: Objects whose items and attributes are the application's settings.
_CONFIG_OBJECTS = frozenset({"config", "settings"})
_NOWHERE: frozenset[SettingSite] = frozenset()
_APP_CONFIG = frozenset({SettingSite.APP_CONFIG})
_CONFIG_CLASS = frozenset({SettingSite.CONFIG_CLASS})
_CONTAINER = frozenset({SettingSite.CONTAINER})


class TokenLifetimeTooLong(PythonRule):
    """## What it does
    Flags token and session lifetimes configured in Python that are turned off or longer than
    the thresholds (`access_token_max_lifetime`, 1 hour; `refresh_token_max_lifetime`, 30 days):
    - flask-jwt-extended `JWT_ACCESS_TOKEN_EXPIRES` / `JWT_REFRESH_TOKEN_EXPIRES` set to `False`
      or a long duration (as a constant, `app.config[...]`, `config.update(...)`), and
      `create_access_token(..., expires_delta=False)`;
    - djangorestframework-simplejwt `SIMPLE_JWT` `ACCESS_TOKEN_LIFETIME` / `REFRESH_TOKEN_LIFETIME`;
    - FastAPI-style `ACCESS_TOKEN_EXPIRE_MINUTES`;
    - DRF `TokenAuthentication` (its tokens have no expiry at all), at low severity;
    - Flask `PERMANENT_SESSION_LIFETIME`, Django `SESSION_COOKIE_AGE` and `set_cookie(...)` of a
      token or session cookie living longer than the refresh-token threshold, at low severity;
    - django-rest-knox `REST_KNOX["TOKEN_TTL"] = None`, fastapi-jwt-auth
      `authjwt_access_token_expires = False` and `create_access_token(expires_time=False)`,
      fastapi-users `JWTStrategy(lifetime_seconds=None)` and a Redis or database strategy
      without `lifetime_seconds` (its default is no expiry), DRF `Token.objects.create`,
      python-gitlab `personal_access_tokens.create({...})` without `expires_at`, Kubernetes
      `V1TokenRequestSpec(expiration_seconds=...)` over the access-token threshold.

    Every setting and call is a row of the issuer table
    (`scanner/documents/python/libraries/issuers/`), with its library default and where the
    framework reads the setting (`Issuer.sites`): its config object (`app.config[...] =`,
    `app.config.update(...)`, `from_mapping`, `override_settings`), a config class, an
    UPPERCASE constant of a settings module (`settings.py`, `config.py`, `settings/*.py`), or
    the dict it is read from by name (`SIMPLE_JWT`, `REST_KNOX`). The same key in any other
    dict (a framework's own defaults table, a test's expected values) sets nothing and is not
    reported. Django's `SESSION_EXPIRE_AT_BROWSER_CLOSE` and PyGithub installation tokens (one
    hour, fixed) stay quiet.

    Values are folded through `timedelta`, arithmetic and constants; unresolvable ones are
    left alone.

    ## Why is this bad?
    An access token that lives for days, or never expires, is a static credential: whoever
    copies it keeps the access, and revoking it means hunting it down (OWASP NHI7 Long-Lived
    Secrets, NHI1 Improper Offboarding). Refresh tokens without a bound turn one login into
    permanent access.

    ## Example
    ```python
    app.config["JWT_ACCESS_TOKEN_EXPIRES"] = False
    SIMPLE_JWT = {"ACCESS_TOKEN_LIFETIME": timedelta(days=30)}
    ```

    Use instead:
    ```python
    app.config["JWT_ACCESS_TOKEN_EXPIRES"] = timedelta(minutes=15)
    SIMPLE_JWT = {"ACCESS_TOKEN_LIFETIME": timedelta(minutes=5),
                  "REFRESH_TOKEN_LIFETIME": timedelta(days=1), "ROTATE_REFRESH_TOKENS": True}
    ```

    ## References
    - flask-jwt-extended options: https://flask-jwt-extended.readthedocs.io/en/stable/options.html
    - Simple JWT settings: https://django-rest-framework-simplejwt.readthedocs.io/en/latest/settings.html
    - DRF TokenAuthentication: https://www.django-rest-framework.org/api-guide/authentication/#tokenauthentication
    - OWASP NHI7:2025 Long-Lived Secrets
    """

    META = RuleMeta(
        id="LLC-PY-004",
        name="token-lifetime-too-long",
        summary="Token or session lifetime configured as non-expiring or over-long",
        category=Category.NON_EXPIRING_TOKEN,
        severity=Severity.MEDIUM,
        precision=Precision.HIGH,
        owasp=("NHI7", "NHI1"),
        fix="Keep access tokens in minutes and refresh tokens bounded with rotation; machine "
        "clients should re-authenticate from workload identity instead of holding refresh tokens.",
        kinds=frozenset({FileKind.PYTHON}),
        triggers=(
            "flask_jwt_extended",
            "jwt_access_token_expires",
            "jwt_refresh_token_expires",
            "token_lifetime",
            "token_expire_minutes",
            "token_expire_days",
            "permanent_session_lifetime",
            "session_cookie_age",
            "rest_framework.authentication.tokenauthentication",
            "rest_framework.authtoken",
            "set_cookie",
            # the issuer table's other rows
            "token_ttl",
            "authjwt_",
            "fastapi_jwt_auth",
            "fastapi_users",
            "authtoken",
            "access_tokens.create",
            "impersonation",
            "v1tokenrequestspec",
        ),
    )

    VALID = [
        Valid(
            "from datetime import timedelta\n"
            "from fastapi_users.authentication import RedisStrategy\n"
            'REST_KNOX = {"TOKEN_TTL": timedelta(hours=1)}\n'
            "strategy = RedisStrategy(redis, lifetime_seconds=3600)\n"
        ),
        Valid(
            "from datetime import timedelta\n"
            'app.config["JWT_ACCESS_TOKEN_EXPIRES"] = timedelta(minutes=15)\n'
            'app.config["JWT_REFRESH_TOKEN_EXPIRES"] = timedelta(days=7)\n'
        ),
        # Read from the environment, or the default expiry (expires_delta=None).
        Valid(
            "import os\n"
            "from datetime import timedelta\n"
            "from flask_jwt_extended import create_access_token\n"
            'JWT_ACCESS_TOKEN_EXPIRES = timedelta(minutes=int(os.environ["JWT_TTL"]))\n'
            "token = create_access_token(identity=user, expires_delta=None)\n"
        ),
        Valid(
            "from datetime import timedelta as td\n"
            "SIMPLE_JWT = {\n"
            '    "ACCESS_TOKEN_LIFETIME": td(minutes=5),\n'
            '    "REFRESH_TOKEN_LIFETIME": td(days=1),\n'
            "}\n"
            "SESSION_COOKIE_AGE = 60 * 60 * 24 * 14\n"
        ),
        # A long-lived cookie that is not a credential; a token cookie for an hour.
        Valid(
            'response.set_cookie("theme", "dark", max_age=365 * 86400)\n'
            'response.set_cookie("access_token", tok, max_age=3600)\n'
        ),
        Valid('INSTALLED_APPS = ["django.contrib.auth", "rest_framework"]\n'),
        # A framework's own defaults table, and module constants outside a settings module:
        # a key in a dict that nothing reads as configuration.
        Valid(
            "from datetime import timedelta\n"
            "class App:\n"
            "    default_config = dict({\n"
            '        "PERMANENT_SESSION_LIFETIME": timedelta(days=31),\n'
            '        "JWT_ACCESS_TOKEN_EXPIRES": False,\n'
            "    })\n"
            "DEFAULTS = dict(SESSION_COOKIE_AGE=365 * 86400, ACCESS_TOKEN_LIFETIME=None)\n"
            "PERMANENT_SESSION_LIFETIME = timedelta(days=365)\n",
            path="src/framework/app.py",
        ),
    ]
    INVALID = [
        Invalid(
            "from fastapi_users.authentication import JWTStrategy\n"
            'REST_KNOX = {"TOKEN_TTL": None}  # expect: LLC-PY-004\n'
            "strategy = JWTStrategy(secret=S, lifetime_seconds=None)  # expect: LLC-PY-004\n"
        ),
        Invalid('app.config["JWT_ACCESS_TOKEN_EXPIRES"] = False  # expect: LLC-PY-004\n'),
        # A config class constant, through a module constant and an aliased timedelta.
        Invalid(
            "import datetime as dt\n"
            "YEAR = dt.timedelta(days=365)\n"
            "class Config:\n"
            "    JWT_REFRESH_TOKEN_EXPIRES = YEAR  # expect: LLC-PY-004\n"
            "    JWT_ACCESS_TOKEN_EXPIRES = 8 * 3600  # expect: LLC-PY-004\n"
        ),
        Invalid(
            "def login(user):\n"
            "    from flask_jwt_extended import create_access_token as issue\n"
            "    return issue(identity=user, expires_delta=False)  # expect: LLC-PY-004\n"
        ),
        Invalid(
            "from datetime import timedelta\n"
            "SIMPLE_JWT = {\n"
            '    "ACCESS_TOKEN_LIFETIME": timedelta(days=30),  # expect: LLC-PY-004\n'
            '    "REFRESH_TOKEN_LIFETIME": timedelta(days=365),  # expect: LLC-PY-004\n'
            "}\n"
        ),
        Invalid(
            "class Settings(BaseSettings):\n"
            "    ACCESS_TOKEN_EXPIRE_MINUTES: int = 60 * 24 * 8  # expect: LLC-PY-004\n"
        ),
        Invalid(
            "REST_FRAMEWORK = {\n"
            '    "DEFAULT_AUTHENTICATION_CLASSES": [\n'
            '        "rest_framework.authentication.TokenAuthentication",  # expect: LLC-PY-004\n'
            "    ],\n"
            "}\n"
            "from datetime import timedelta\n"
            "app.config.update(PERMANENT_SESSION_LIFETIME=timedelta(days=90))"
            "  # expect: LLC-PY-004\n"
            'resp.set_cookie("session_token", tok, max_age=31536000)  # expect: LLC-PY-004\n'
        ),
        # A settings module's constant; Flask's config object filled from a dict.
        Invalid(
            "from datetime import timedelta\n"
            "SESSION_COOKIE_AGE = 365 * 86400  # expect: LLC-PY-004\n"
            "PERMANENT_SESSION_LIFETIME = timedelta(days=90)  # expect: LLC-PY-004\n",
            path="mysite/settings/production.py",
        ),
        Invalid(
            "from datetime import timedelta\n"
            "app.config.from_mapping(\n"
            '    {"JWT_ACCESS_TOKEN_EXPIRES": False},  # expect: LLC-PY-004\n'
            "    PERMANENT_SESSION_LIFETIME=timedelta(days=90),  # expect: LLC-PY-004\n"
            ")\n"
            "app.config.update(dict(JWT_REFRESH_TOKEN_EXPIRES=False))  # expect: LLC-PY-004\n"
        ),
    ]

    # -- where settings are written ---------------------------------------------------------

    _container: str | None = None  # the settings dict being assigned (REST_KNOX)

    def __init__(self, context: RuleContext, doc: PythonDocument) -> None:
        super().__init__(context, doc)
        self._scopes: list[str] = []  # "class" / "function" around the node; [] at module level
        self._module_sites = module_sites(doc.path, doc.text)  # of an UPPERCASE constant here

    def leave_Module(self, original_node: cst.Module) -> None:
        if self.doc.is_test_code:  # test code (rules.md 2.3.5): informational only
            self.reports[:] = [replace(r, severity=Severity.INFO) for r in self.reports]

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._scopes.append("class")

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._scopes.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._scopes.append("function")

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._scopes.pop()

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._assigned(target.target, node.value)

    def leave_Assign(self, original_node: cst.Assign) -> None:
        self._container = None

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._assigned(node.target, node.value)

    def leave_AnnAssign(self, original_node: cst.AnnAssign) -> None:
        self._container = None

    def visit_DictElement(self, node: cst.DictElement) -> None:
        if self._container is not None:  # SIMPLE_JWT = {...}: other dicts are app-config calls'
            self._setting(string_value(node.key), node.value, _CONTAINER, self._container)

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is None:
            return
        if node.keyword.value in _CONTAINERS:  # override_settings(SIMPLE_JWT={...})
            self._container = node.keyword.value
        elif self._container is not None:  # SIMPLE_JWT = dict(ACCESS_TOKEN_LIFETIME=...)
            self._setting(node.keyword.value, node.value, _CONTAINER, self._container)

    def leave_Arg(self, original_node: cst.Arg) -> None:
        if original_node.keyword is not None and original_node.keyword.value in _CONTAINERS:
            self._container = None

    def _assigned(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        key = _target_key(target)
        if key in _CONTAINERS:
            self._container = key
        sites, container = self._target_sites(target)
        self._setting(key, value, sites, container)

    def _target_sites(
        self, target: cst.BaseExpression
    ) -> tuple[frozenset[SettingSite], str | None]:
        """Where an assignment to ``target`` writes (``Issuer.sites``), and in which dict."""
        scope = self._scopes[-1] if self._scopes else "module"
        if isinstance(target, cst.Name):
            if scope == "class":
                return _CONFIG_CLASS, None
            if scope == "module" and target.value.isupper():
                return self._module_sites, None
            return _NOWHERE, None
        if isinstance(target, cst.Attribute):
            receiver = _last_name(target.value)
            if receiver in ("self", "cls") and "class" in self._scopes:
                return _CONFIG_CLASS, None
            return (_APP_CONFIG if receiver in _CONFIG_OBJECTS else _NOWHERE), None
        if isinstance(target, cst.Subscript):
            receiver = _last_name(target.value)
            if receiver in _CONFIG_OBJECTS:
                return _APP_CONFIG, None
            if receiver in _CONTAINERS:  # SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"] = ...
                return _CONTAINER, receiver
        return _NOWHERE, None

    def _config_call(self, node: cst.Call) -> None:
        """``app.config.update(K=v)``, ``.update({"K": v})``, ``.from_mapping(dict(K=v))``."""
        for arg in node.args:
            if arg.keyword is not None:
                self._setting(arg.keyword.value, arg.value, _APP_CONFIG, None)
                continue
            if arg.star:
                continue
            value = self.doc.resolve(arg.value, node)
            if isinstance(value, cst.Call) and _last_name(value.func) == "dict":
                for inner in value.args:
                    if inner.keyword is not None:
                        self._setting(inner.keyword.value, inner.value, _APP_CONFIG, None)
                    elif not inner.star and isinstance(inner.value, cst.Dict):
                        self._config_dict(inner.value)
            elif isinstance(value, cst.Dict):
                self._config_dict(value)

    def _config_dict(self, value: cst.Dict) -> None:
        for element in value.elements:
            if isinstance(element, cst.DictElement):
                self._setting(string_value(element.key), element.value, _APP_CONFIG, None)

    def visit_Element(self, node: cst.Element) -> None:
        text = string_value(node.value)
        if text == _DRF_TOKEN_AUTH or (
            text == _DRF_AUTHTOKEN_APP and "TokenAuthentication" not in self.doc.text
        ):
            self.report(
                node.value,
                "DRF `TokenAuthentication` tokens have no expiry: each one works until it is "
                "deleted from the database.",
                lifetime=Lifetime.never(),
                severity=Severity.LOW,
            )

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value == "set_cookie":
            self._cookie(node)
            return
        if (
            isinstance(func, cst.Attribute)
            and func.attr.value in _CONFIG_METHODS
            and _last_name(func.value) in _CONFIG_OBJECTS
        ) or _last_name(func) in _OVERRIDES:
            self._config_call(node)
        name = func.attr.value if isinstance(func, cst.Attribute) else None
        if name is not None and name not in _CALL_NAMES:
            return
        row = issuer_of(self.doc, node, self.META.id)
        if row is None or (row.lifetime is None and row.default != NEVER):
            return
        if row.lifetime is None:
            self._never(node, row, "have no expiry field")
            return
        passed, value = slot_value(self.doc, node, row.lifetime)
        label = f"`{row.lifetime.keyword}`"
        if value is not None:
            self._check(row, value, node, label)
        elif passed is False and row.default is not None:
            if row.default == NEVER:
                self._never(node, row, f"are created without {label}, and then never expire")
            else:
                self._seconds(node, row, row.default, f"without {label}, the default")

    # -- checks -----------------------------------------------------------------------------

    def _setting(
        self,
        key: str | None,
        value: cst.BaseExpression,
        sites: frozenset[SettingSite],
        container: str | None,
    ) -> None:
        """A settings key written at ``sites``: the row says whether the framework reads it."""
        row = _SETTINGS.get(key) if key else None
        if row is None or not row.set_at(sites, container):
            return
        if (
            isinstance(value, cst.Name)
            and value.value in _SETTINGS
            and _SETTINGS[value.value].set_at(self._module_sites, None)
        ):
            return  # `app.config["X"] = X`: reported where X is defined
        self._check(row, value, value, f"`{key}`")

    def _check(
        self, row: Issuer, value: cst.BaseExpression, target: cst.CSTNode, label: str
    ) -> None:
        if turns_off(self.doc, row, value):
            resolved = self.doc.code(self.doc.resolve(value, value))
            self.report(
                target,
                f"{label} = {resolved} turns expiry off for {row.library} {row.issues}: they "
                "never expire.",
                lifetime=Lifetime.never(),
                severity=Severity.HIGH,
            )
            return
        form = row.lifetime.form if row.lifetime is not None else "duration"
        if form == "deadline":
            seconds = self._deadline(value)
        else:
            amount = self.doc.fold_seconds(value, value)
            unit = row.lifetime.unit if row.lifetime is not None else 1
            seconds = None if amount is None or amount <= 0 else amount * unit
        if seconds is not None:
            self._seconds(target, row, seconds, label)

    def _seconds(self, target: cst.CSTNode, row: Issuer, seconds: int, label: str) -> None:
        severity = self._severity(row.kind, seconds)
        if severity is None:
            return
        self.report(
            target,
            f"{label} gives {row.library} {row.issues} a lifetime of "
            f"{describe_duration(seconds)}, above the "
            f"{describe_duration(self._limit(row.kind))} limit for {row.kind} credentials.",
            lifetime=Lifetime.seconds(seconds),
            severity=severity,
        )

    def _never(self, node: cst.CSTNode, row: Issuer, what: str) -> None:
        self.report(
            node,
            f"{row.library} {row.issues} {what}: each one works until it is deleted.",
            lifetime=Lifetime.never(),
            severity=Severity.LOW if row.kind == "api" else Severity.MEDIUM,
        )

    def _deadline(self, value: cst.BaseExpression) -> int | None:
        """An instant as ``now + delta``, a datetime, or an ISO date string."""
        seconds = self.doc.fold_deadline(value, value)
        if seconds is not None:
            return seconds
        found = self.doc.literal_string(value, value)
        if found is None:
            return None
        try:
            moment = dt.datetime.fromisoformat(found[0].strip().replace("Z", "+00:00"))
        except ValueError:
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.timezone.utc)
        return int(moment.timestamp() - self.context.now)

    def _cookie(self, node: cst.Call) -> None:
        name = self.doc.literal_string(node.args[0].value) if node.args else None
        if name is None or not _COOKIE_NAME.search(name[0]):
            return
        seconds: int | None = None
        max_age = self.doc.argument(node, "max_age")
        if max_age is not None:
            seconds = self.doc.fold_seconds(max_age, node)
        expires = self.doc.argument(node, "expires")
        if seconds is None and expires is not None:
            seconds = self.doc.fold_deadline(expires, node, epoch=True)
        if seconds is None or self._severity("session", seconds) is None:
            return
        self.report(
            node,
            f"Cookie `{name[0]}` carries a token or session for {describe_duration(seconds)}, "
            f"above the {describe_duration(self._limit('session'))} limit.",
            lifetime=Lifetime.seconds(seconds),
            severity=Severity.LOW,
        )

    def _limit(self, kind: str) -> int:
        thresholds = self.context.thresholds
        if kind == "access":
            return thresholds.access_token_max_lifetime
        return thresholds.refresh_token_max_lifetime  # refresh, session, api

    def _severity(self, kind: str, seconds: int) -> Severity | None:
        if seconds <= self._limit(kind):
            return None
        if kind == "access":
            return Severity.MEDIUM if seconds > _DAY else Severity.LOW
        return Severity.MEDIUM if kind == "refresh" else Severity.LOW


def _last_name(node: cst.BaseExpression) -> str | None:
    """``app.config`` -> ``config``, ``settings`` -> ``settings``; None for anything else."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return node.attr.value
    return None


def _target_key(target: cst.BaseExpression) -> str | None:
    """``NAME = ...``, ``self.NAME = ...`` and ``config["NAME"] = ...``."""
    if isinstance(target, cst.Name):
        return target.value
    if isinstance(target, cst.Attribute):
        return target.attr.value
    if (
        isinstance(target, cst.Subscript)
        and len(target.slice) == 1
        and isinstance(target.slice[0].slice, cst.Index)
    ):
        return string_value(target.slice[0].slice.value)
    return None
