"""LLC-PY-011: tokens and credentials cached with no expiry."""

from __future__ import annotations

import re
from dataclasses import replace

import libcst as cst

from scanner.api import (
    CACHES,
    NEVER,
    Cache,
    CacheForm,
    Category,
    FileKind,
    Invalid,
    Lifetime,
    Precision,
    PythonRule,
    RuleMeta,
    Severity,
    Valid,
    cache_calls,
    cache_row,
    describe_duration,
    string_value,
)

#: A function that returns a credential: verb, anything, then the credential word at the end
#: (`get_api_token`, `fetch_credentials`), so `get_tokenizer` or `load_session` do not match.
_FETCHER = re.compile(
    r"(?i)^_*(?:get|fetch|load|obtain|read|retrieve|acquire|request|issue|mint|generate|create)"
    r"_?(?:\w*_)?(?:tokens?|credentials?|creds|secrets?|api_?keys?|access_?keys?|jwts?)$"
)
#: Evidence in the body that the function really obtains a credential (a lexer's `get_token`
#: does not): a call into an auth, HTTP or cloud SDK module, or a call named like a login.
_AUTH_MODULES = frozenset(
    {
        "requests",
        "httpx",
        "aiohttp",
        "urllib",
        "urllib3",
        "boto3",
        "botocore",
        "google",
        "msal",
        "hvac",
        "azure",
        "jwt",
        "jose",
        "authlib",
        "requests_oauthlib",
        "oauthlib",
        "keyring",
    }
)
_LOGIN_CALL = re.compile(
    r"(?i)log_?in|auth(?!or)|credential|secret|assume_role|password|passwd|vault|keyring"
    r"|(?:access|refresh|id|api|bearer)_?token"
)
#: SDK credential providers: objects that refresh their own short-lived tokens (caching them
#: for the life of the process is the recommended use, not a finding).
_PROVIDERS = (
    "azure.identity.",
    "google.auth.",
    "google.oauth2.",
    "boto3.",
    "botocore.",
    "aioboto3.",
    "msal.",
)
#: Pulling a token value out of a provider or a token response.
_EXTRACTION_CALL = re.compile(
    r"(?i)^(?:get_token|acquire_token\w*|assume_role\w*|get_session_token|get_federation_token"
    r"|fetch_token|refresh_token|get_access_token)$"
)
_TOKEN_ATTRIBUTES = frozenset({"token", "access_token", "id_token"})
_TOKEN_FIELDS = frozenset({"access_token", "id_token", "token", "Credentials", "SessionToken"})
#: A cache key or variable that holds a credential.
_CREDENTIAL_KEY = re.compile(r"(?i)token|cred|secret|api_?key|access_?key")
_MAX_TTL = 86400  # a credential cached for more than a day outlives any short-lived token
#: The cache APIs and what bounds their entries: the CACHES registry.
_DECORATORS = CacheForm.DECORATOR
_HOLDERS = cache_calls(CacheForm.HOLDER)
_CLASSES = cache_calls(CacheForm.CLASS)
_STORES = tuple(c for c in CACHES if c.form == CacheForm.STORE)
_TOKEN_KEYS = frozenset({"access_token", "refresh_token", "id_token", "token"})


class CredentialCacheNeverExpires(PythonRule):
    """## What it does
    Flags caches that keep a token or credential with no expiry:
    - `functools.lru_cache` / `functools.cache` (or a non-TTL `cachetools` cache) on a function
      named like a credential fetcher (`get_api_token`, `fetch_credentials`, `load_secret`)
      whose body calls an auth, HTTP or cloud SDK module or something named like a login
      (so a lexer's `get_tokens` is not taken for one), and returns a token rather than a
      self-refreshing SDK credential object (`DefaultAzureCredential()`, `google.auth.default()`);
    - `cachetools` `TTLCache` / `ttl_cache` with a TTL above a day on such a function, or held
      in a variable named like a credential;
    - Django `cache.set(<token key>, ..., timeout=None)`;
    - redis `set` / `hset` of a token key with no `ex`/`px`/`exat`/`pxat` and no `expire` call
      in the same function;
    - a token response dict literal with `"expires_in": None` or `"expires_at": None`;
    - async-lru `@alru_cache` on such a function with no `ttl` (or `ttl=None`), or a `ttl`
      above a day.

    The cache APIs and what bounds their entries are the `CACHES` registry
    (`scanner/documents/python/libraries/caches.py`). In test code (`tests/`, `test_*.py`,
    `conftest.py`) findings are informational.

    ## Why is this bad?
    A cache that never forgets a credential forces the credential itself to be long-lived: a
    short-lived token would expire inside the cache, so the code only works with tokens that
    never expire, and a revoked or rotated one keeps being used until the process restarts
    (OWASP NHI7 Long-Lived Secrets).

    ## Example
    ```python
    @functools.lru_cache(maxsize=None)
    def get_api_token():
        return _login(API_USER, API_PASSWORD)
    ```

    Use instead:
    ```python
    @cachetools.cached(cachetools.TTLCache(maxsize=1, ttl=300))
    def get_api_token():
        return _login_with_workload_identity()
    ```

    ## References
    - cachetools TTLCache: https://cachetools.readthedocs.io/en/latest/#cachetools.TTLCache
    - Django cache timeouts: https://docs.djangoproject.com/en/stable/topics/cache/#basic-usage
    - OWASP NHI7:2025 Long-Lived Secrets
    """

    META = RuleMeta(
        id="LLC-PY-011",
        name="credential-cache-never-expires",
        summary="Credential cache that never expires",
        category=Category.NON_EXPIRING_TOKEN,
        severity=Severity.MEDIUM,
        precision=Precision.MEDIUM,
        owasp=("NHI7",),
        fix="Cache a token only until its `expires_at` minus a skew: store the expiry with the "
        "token (or use a TTLCache shorter than the token) and re-authenticate when it is reached.",
        kinds=frozenset({FileKind.PYTHON}),
        # What the decorators and clients are spelled with, not "functools" (in most files).
        triggers=(
            "lru_cache",
            "@cache\n",
            "@cache\r",
            "@cache ",
            "functools.cache\n",
            "functools.cache\r",
            "functools.cache ",
            "functools as ",
            "cache as ",
            "cachetools",
            "django.core.cache",
            "import redis",
            "from redis",
            "expires_in",
            "expires_at",
        ),
        # Every shape it flags names a credential (a fetcher, a cache key, a token response).
        requires=("token", "cred", "secret", "passw", "api_key", "apikey", "auth"),
    )

    VALID = [
        # Test code (rules.md 2.3.5): informational, like the other PY rules.
        Valid(
            "import functools, requests\n"
            "@functools.lru_cache(maxsize=1)\n"
            "def get_api_token():\n"
            '    return requests.post(STUB_URL).json()["access_token"]\n',
            path="tests/test_client.py",
        ),
        # Memoising the parent's provider per key: what it returns refreshes itself.
        Valid(
            "import functools\n"
            "import botocore.credentials\n"
            "class ExpressProvider(botocore.credentials.CredentialProvider):\n"
            "    @functools.lru_cache(maxsize=100)\n"
            "    def get_credentials(self, bucket):\n"
            "        return super().get_credentials(bucket=bucket)\n"
        ),
        Valid(
            "import cachetools\n"
            "@cachetools.cached(cachetools.TTLCache(maxsize=1, ttl=300))\n"
            "def get_api_token():\n"
            "    return _login()\n"
            "@cachetools.cached(cachetools.TTLCache(maxsize=1, ttl=30 * 86400))\n"
            "def get_public_keys():\n"
            "    return fetch_jwks()\n"
        ),
        # Not credential fetchers: a tokenizer, a database session, a settings object.
        Valid(
            "from functools import lru_cache, cache\n"
            "@lru_cache(maxsize=None)\n"
            "def get_tokenizer(name):\n"
            "    return load(name)\n"
            "@cache\n"
            "def get_session():\n"
            "    return sessionmaker()()\n"
            "@lru_cache\n"
            "def get_settings():\n"
            "    return Settings()\n"
        ),
        # A self-refreshing credential provider, cached as the SDKs recommend.
        Valid(
            "from functools import lru_cache\n"
            "from azure.identity import DefaultAzureCredential\n"
            "import google.auth\n"
            "@lru_cache\n"
            "def get_credential():\n"
            "    return DefaultAzureCredential()\n"
            "@lru_cache\n"
            "def get_google_credentials():\n"
            "    creds, _ = google.auth.default()\n"
            "    return creds\n"
        ),
        # Named like a fetcher but a lexer's token, not a credential.
        Valid(
            "import functools\n"
            "class Lexer:\n"
            "    @functools.lru_cache(maxsize=None)\n"
            "    def get_tokens(self, text):\n"
            "        return list(self.get_tokens_unprocessed(text))\n"
        ),
        # Django and redis with expiries; a token dict with a real expiry.
        Valid(
            "from django.core.cache import cache\n"
            "import redis\n"
            "r = redis.Redis()\n"
            'cache.set("api_token", tok, timeout=3000)\n'
            'r.set("api_token", tok, ex=3000)\n'
            'r.set("feature_flags", flags)\n'
            'resp = {"access_token": tok, "expires_in": 3600}\n'
        ),
        Valid(
            "import redis\n"
            "def store(tok):\n"
            "    r = redis.Redis()\n"
            '    r.hset("oauth", "access_token", tok)\n'
            '    r.expire("oauth", 3000)\n'
        ),
    ]
    INVALID = [
        Invalid(
            "import functools\n"
            "@functools.lru_cache(maxsize=None)  # expect: LLC-PY-011\n"
            "def get_api_token():\n"
            "    return _login(API_USER, API_PASSWORD)\n"
        ),
        # Aliased imports, a module-level cache and a TTL through a constant.
        Invalid(
            "from functools import cache as memo\n"
            "from cachetools import cached, TTLCache as Ttl, LRUCache\n"
            "MONTH = 30 * 86400\n"
            "TOKENS = Ttl(maxsize=10, ttl=MONTH)  # expect: LLC-PY-011\n"
            "@memo  # expect: LLC-PY-011\n"
            "def fetch_credentials():\n"
            '    return boto3.client("sts").assume_role(RoleArn=ARN, RoleSessionName="x")\n'
            "@cached(cache=LRUCache(maxsize=4))  # expect: LLC-PY-011\n"
            "def load_secret(name):\n"
            "    return vault.read_secret(name)\n"
        ),
        # The body calls a helper named after what it fetches.
        Invalid(
            "from functools import lru_cache\n"
            "@lru_cache  # expect: LLC-PY-011\n"
            "def get_access_token():\n"
            '    return _fetch_access_token()["access_token"]\n'
        ),
        Invalid(
            "import functools\n"
            "from azure.identity import DefaultAzureCredential\n"
            "@functools.cache  # expect: LLC-PY-011\n"
            "def get_graph_token():\n"
            '    return DefaultAzureCredential().get_token("https://graph.microsoft.com/.default").token\n'
        ),
        Invalid(
            "def tokens():\n"
            "    from django.core.cache import cache as django_cache\n"
            '    django_cache.set("github_token", tok, timeout=None)  # expect: LLC-PY-011\n'
        ),
        Invalid(
            "import redis\n"
            'r = redis.Redis.from_url("redis://cache:6379/0")\n'
            "def store(tok):\n"
            '    r.set(f"oauth:{CLIENT}:access_token", tok)  # expect: LLC-PY-011\n'
            'cached = {"access_token": tok, "expires_in": None}  # expect: LLC-PY-011\n'
        ),
    ]

    def leave_Module(self, original_node: cst.Module) -> None:
        if self.doc.is_test_code:  # test code (rules.md 2.3.5): informational only
            self.reports[:] = [replace(r, severity=Severity.INFO) for r in self.reports]

    # -- decorators -------------------------------------------------------------------------

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if not node.decorators or not _FETCHER.match(node.name.value):
            return
        if not self._fetches_credential(node):
            return
        for decorator in node.decorators:
            expr = decorator.decorator
            call = expr if isinstance(expr, cst.Call) else None
            names = self.doc.qualified_names(call.func if call else expr)
            row = cache_row(names, _DECORATORS)
            if row is not None:
                self._decorator(decorator, call, row, node.name.value)
            elif call is not None and not names.isdisjoint(_HOLDERS):
                cache = self.doc.argument(call, "cache", 0)
                if cache is not None:
                    self._cache_object(decorator, cache, node.name.value)

    def _decorator(
        self, decorator: cst.Decorator, call: cst.Call | None, row: Cache, what: str
    ) -> None:
        """A memoising decorator: its TTL argument, a TTL meaning "never", or its default."""
        ttl = self.doc.argument(call, *row.ttl) if call is not None and row.ttl else None
        if ttl is not None and self.doc.code(self.doc.resolve(ttl, call)) in row.never:
            self._forever(decorator, f"`{what}` is memoised with no expiry")
        elif ttl is not None:
            self._long(decorator, self.doc.fold_seconds(ttl, call), what)
        elif row.default == NEVER:
            self._forever(decorator, f"`{what}` is memoised with no expiry")

    def _cache_object(self, target: cst.CSTNode, cache: cst.BaseExpression, what: str) -> None:
        value = self.doc.resolve(cache, cache)
        if isinstance(value, cst.Dict) and not value.elements:
            self._forever(target, f"`{what}` is cached in a plain dict with no expiry")
        elif isinstance(value, cst.Call):
            row = cache_row(self.doc.qualified_names(value.func), CacheForm.CLASS)
            if row is not None and row.ttl is None:
                self._forever(target, f"`{what}` is cached in a cache without a TTL")
            elif row is not None and not (
                isinstance(cache, cst.Name) and _CREDENTIAL_KEY.search(cache.value)
            ):  # a cache named like a credential is reported where it is created
                self._ttl_cache(target, value, what)

    def _ttl_cache(self, target: cst.CSTNode, call: cst.Call, what: str) -> None:
        ttl = self.doc.argument(call, "ttl", 1)  # the CACHES row's slot of every TTL class
        if ttl is not None:
            self._long(target, self.doc.fold_seconds(ttl, call), what)

    # -- module-level caches, Django, redis, token dicts ------------------------------------

    def visit_Assign(self, node: cst.Assign) -> None:
        """``TOKEN_CACHE = TTLCache(maxsize=..., ttl=<more than a day>)``."""
        if not isinstance(node.value, cst.Call):
            return
        row = cache_row(self.doc.qualified_names(node.value.func), CacheForm.CLASS)
        if row is None or row.ttl is None:
            return
        for target in node.targets:
            name = target.target
            if isinstance(name, cst.Name) and _CREDENTIAL_KEY.search(name.value):
                self._ttl_cache(node, node.value, name.value)

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not isinstance(func, cst.Attribute) or not node.args:
            return
        method = func.attr.value
        for store in _STORES:
            if method in store.methods and self._is_store(store, func.value, node):
                if store.never:
                    self._timeout(store, node)
                else:
                    self._expiry(store, node, func.value, method)
                return

    def visit_Dict(self, node: cst.Dict) -> None:
        keys: dict[str, cst.DictElement] = {}
        for element in node.elements:
            if isinstance(element, cst.DictElement):
                key = string_value(element.key)
                if key is not None:
                    keys[key] = element
        if _TOKEN_KEYS.isdisjoint(keys):
            return
        for name in ("expires_in", "expires_at"):
            entry = keys.get(name)
            if entry is not None and _is_none(entry.value):
                self._forever(
                    entry, f"the token's `{name}` is None: it is treated as never expiring"
                )

    def _timeout(self, store: Cache, node: cst.Call) -> None:
        """Django: a per-call timeout whose "never" value is written (``timeout=None``)."""
        if store.ttl is None:
            return
        timeout = self.doc.argument(node, *store.ttl)
        never = self.doc.code(self.doc.resolve(timeout, node)) if timeout is not None else ""
        if never not in store.never:
            return
        if self._credential_key(node.args[0].value) or (
            len(node.args) > 1 and self._credential_key(node.args[1].value)
        ):
            self._forever(
                node,
                f"a credential is stored in {store.label} with "
                f"`{store.ttl[0]}={never}`",
            )

    def _expiry(
        self, store: Cache, node: cst.Call, receiver: cst.BaseExpression, method: str
    ) -> None:
        """redis: a write without any expiry argument or a follow-up expire call."""
        slots = [store.ttl] if store.ttl else []
        slots += [(kw, None) for kw in store.expiry]
        if method in store.expiry_methods and any(
            self.doc.has_argument(node, kw, pos) is not False for kw, pos in slots
        ):
            return
        keys = [node.args[0].value]
        if method == "hset" and len(node.args) > 1:
            keys.append(node.args[1].value)
        if not any(self._credential_key(k) for k in keys):
            return
        if isinstance(receiver, cst.Name) and any(
            m in store.expire_calls for m, _ in self.doc.calls_on(receiver.value, node)
        ):
            return
        self._forever(
            node, f"a credential is stored in {store.label} with `{method}` and no expiry"
        )

    # -- helpers ------------------------------------------------------------------------------

    def _forever(self, target: cst.CSTNode, what: str) -> None:
        self.report(
            target,
            f"Credential cache without expiry: {what}, so a short-lived token could not work "
            "here and a revoked one is used until the process restarts.",
            lifetime=Lifetime.never(),
        )

    def _long(self, target: cst.CSTNode, seconds: int | None, what: str) -> None:
        if seconds is None or seconds <= _MAX_TTL:
            return
        self.report(
            target,
            f"Credential cache for `{what}` keeps entries for {describe_duration(seconds)}: "
            "tokens are reused long after they should have expired.",
            lifetime=Lifetime.seconds(seconds),
        )

    def _fetches_credential(self, function: cst.FunctionDef) -> bool:
        """The body obtains a credential value, not a self-refreshing provider object.

        Evidence is a call into an auth, HTTP or cloud SDK module or one named like a login.
        A body that builds an SDK credential provider (``DefaultAzureCredential()``,
        ``google.auth.default()``, ``boto3.Session()``), which refreshes its own tokens, counts
        only if it also pulls a token out of it (``.get_token(...)``, ``.token``,
        ``["Credentials"]``, ``assume_role``).
        """
        evidence = provider = extraction = False
        stack: list[cst.CSTNode] = [function.body]
        while stack:
            node = stack.pop()
            if isinstance(node, cst.Call):
                names = self.doc.qualified_names(node.func)
                if any(name.split(".", 1)[0] in _AUTH_MODULES for name in names):
                    evidence = True
                if any(name.startswith(_PROVIDERS) for name in names):
                    provider = True
                callee = _callee_name(node.func)
                if callee is not None and _LOGIN_CALL.search(callee) and not _on_super(node):
                    evidence = True
                if callee is not None and _EXTRACTION_CALL.search(callee):
                    extraction = True
            elif isinstance(node, cst.Attribute) and node.attr.value in _TOKEN_ATTRIBUTES:
                extraction = True
            elif isinstance(node, cst.Subscript) and len(node.slice) == 1:
                index = node.slice[0].slice
                if isinstance(index, cst.Index) and string_value(index.value) in _TOKEN_FIELDS:
                    extraction = True
            stack.extend(node.children)
        return evidence and (extraction or not provider)

    def _credential_key(self, expr: cst.BaseExpression) -> bool:
        if isinstance(expr, cst.Name):
            return bool(_CREDENTIAL_KEY.search(expr.value))
        found = self.doc.literal_string(expr)
        if found is not None:
            return bool(_CREDENTIAL_KEY.search(found[0]))
        if isinstance(expr, cst.FormattedString):
            text = "".join(p.value for p in expr.parts if isinstance(p, cst.FormattedStringText))
            return bool(_CREDENTIAL_KEY.search(text))
        return False

    def _is_store(self, store: Cache, receiver: cst.BaseExpression, at: cst.CSTNode) -> bool:
        """The receiver is the store: a name under its prefix (``django.core.cache.cache``,
        ``caches["x"]``), or for ``constructors`` rows an object one of its classes built."""
        if store.constructors:
            if not self.doc.imports_from(store.module):
                return False
            value = self.doc.resolve(receiver, at)
            return isinstance(value, cst.Call) and any(
                n.startswith(store.prefix) for n in self.doc.qualified_names(value.func)
            )
        names = self.doc.qualified_names(receiver)
        if isinstance(receiver, cst.Subscript):
            names = self.doc.qualified_names(receiver.value)
        return any(n.startswith(store.prefix) for n in names)


def _on_super(call: cst.Call) -> bool:
    """``super().get_credentials(...)``: the parent's provider, which may refresh itself
    (botocore's S3 Express cache memoises refreshable credentials per bucket this way)."""
    func = call.func
    return (
        isinstance(func, cst.Attribute)
        and isinstance(func.value, cst.Call)
        and isinstance(func.value.func, cst.Name)
        and func.value.func.value == "super"
    )


def _callee_name(func: cst.BaseExpression) -> str | None:
    """The called name, or the method name of a call on anything (``client.login``)."""
    if isinstance(func, cst.Name):
        return func.value
    if isinstance(func, cst.Attribute):
        return func.attr.value
    return None


def _is_none(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"
