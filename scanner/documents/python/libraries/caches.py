"""The ``CACHES`` table: cache APIs, and which of their settings mean "keep for ever".

One row per cache mechanism a credential can be parked in: memoising decorators, cache
classes handed to a decorator or held in a variable, and key-value stores written with a
per-call expiry. A row says where its TTL goes (``ttl``), what happens when nothing sets it
(``default``: seconds, or ``NEVER``), which written value means "never" (``never``), and for
stores which methods write and which keywords or follow-up calls set an expiry. LLC-PY-011
reads the table, and so does the ``ast`` pre-screen; each row has an INVALID and a VALID example
in ``tests/test_python_registries.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

#: ``Cache.default``: entries never expire when nothing sets a TTL (the issuers' ``NEVER``).
NEVER = -1


class CacheForm:
    """What kind of cache a row is (``Cache.form``)."""

    DECORATOR = "decorator"  # ``@lru_cache`` on a function: memoises its result
    HOLDER = "holder"  # ``@cached(cache=...)``: the cache object it is given decides
    CLASS = "class"  # a cache object (``TTLCache(...)``, ``LRUCache(...)``)
    STORE = "store"  # a key-value store written per call (Django cache, redis)


@dataclass(frozen=True, slots=True)
class Cache:
    """One cache API and the setting that bounds an entry's life (see the module docstring)."""

    key: str
    library: str
    form: str
    calls: frozenset[str] = frozenset()  # qualified names (decorators, classes)
    label: str = ""  # STORE: how messages name it
    prefix: str = ""  # STORE: the receiver's qualified-name prefix (``django.core.cache.``)
    module: str = ""  # STORE: the file must import this module
    constructors: bool = False  # STORE: the receiver is built by a call under ``prefix``
    methods: frozenset[str] = frozenset()  # STORE: the writing methods
    ttl: tuple[str, int | None] | None = None  # where the TTL goes (keyword, position)
    default: int = NEVER  # seconds when nothing sets a TTL
    never: frozenset[str] = frozenset()  # a TTL value meaning "never" (``None``)
    expiry: tuple[str, ...] = ()  # STORE: other keywords that set an expiry (redis ``px``)
    expiry_methods: frozenset[str] = frozenset()  # STORE: the writes that take ``expiry``
    expire_calls: frozenset[str] = frozenset()  # STORE: follow-up calls that set one
    source: str = ""


def _s(*names: str) -> frozenset[str]:
    return frozenset(names)


_CT = "https://cachetools.readthedocs.io/en/latest/"
_NONE = _s("None")

CACHES: tuple[Cache, ...] = (
    Cache("functools.lru_cache", "functools", CacheForm.DECORATOR,
          calls=_s("functools.lru_cache", "functools.cache"),
          source="https://docs.python.org/3/library/functools.html#functools.lru_cache"),
    Cache("cachetools.func", "cachetools", CacheForm.DECORATOR,
          calls=_s("cachetools.func.lru_cache", "cachetools.func.lfu_cache",
                   "cachetools.func.fifo_cache", "cachetools.func.rr_cache",
                   "cachetools.func.mru_cache"), source=_CT),
    Cache("cachetools.func.ttl_cache", "cachetools", CacheForm.DECORATOR,
          calls=_s("cachetools.func.ttl_cache"), ttl=("ttl", 1), default=600, source=_CT),
    Cache("async_lru.alru_cache", "async-lru", CacheForm.DECORATOR,
          calls=_s("async_lru.alru_cache"), ttl=("ttl", None), never=_NONE,
          source="https://github.com/aio-libs/async-lru"),
    Cache("cachetools.cached", "cachetools", CacheForm.HOLDER,
          calls=_s("cachetools.cached", "cachetools.cachedmethod"), ttl=("cache", 0),
          source=_CT),
    Cache("cachetools.TTLCache", "cachetools", CacheForm.CLASS,
          calls=_s("cachetools.TTLCache", "cachetools.TLRUCache"), ttl=("ttl", 1), default=0,
          source=_CT),
    Cache("cachetools.Cache", "cachetools", CacheForm.CLASS,
          calls=_s("cachetools.Cache", "cachetools.LRUCache", "cachetools.LFUCache",
                   "cachetools.FIFOCache", "cachetools.RRCache", "cachetools.MRUCache"),
          source=_CT),
    Cache("django.cache", "Django", CacheForm.STORE, label="the Django cache",
          prefix="django.core.cache.",
          methods=_s("set", "add", "get_or_set"), ttl=("timeout", 2), default=300,
          never=_NONE,
          source="https://docs.djangoproject.com/en/stable/topics/cache/#basic-usage"),
    Cache("redis", "redis-py", CacheForm.STORE, label="redis", prefix="redis.", module="redis",
          constructors=True, methods=_s("set", "hset"), ttl=("ex", 2),
          expiry_methods=_s("set"),
          expiry=("px", "exat", "pxat", "keepttl"),
          expire_calls=_s("expire", "pexpire", "expireat", "pexpireat", "persist"),
          source="https://redis.readthedocs.io/en/stable/commands.html#redis.commands.core"
          ".CoreCommands.set"),
)


def cache_rows(form: str) -> tuple[Cache, ...]:
    """The rows of one form."""
    return tuple(c for c in CACHES if c.form == form)


def cache_calls(form: str) -> frozenset[str]:
    """Every qualified name of the rows of ``form``."""
    return frozenset(n for c in cache_rows(form) for n in c.calls)


def cache_row(names: frozenset[str], form: str) -> Cache | None:
    """The row of ``form`` one of ``names`` belongs to."""
    return next((c for c in cache_rows(form) if not c.calls.isdisjoint(names)), None)
