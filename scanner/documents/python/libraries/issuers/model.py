"""The issuer table's schema: a ``Slot`` (where a lifetime is passed) and an ``Issuer`` row."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

#: ``Issuer.default``: the library issues a token that never expires when nothing sets one.
NEVER = -1
HOUR = 3600
DAY = 86400


class SettingSite(Enum):
    """Where a settings key is written, for ``Issuer.sites``.

    A key is an application's configuration only where the framework reads it from: a key in
    any other dict (a framework's own defaults table, a test's expected values) sets nothing.
    """

    APP_CONFIG = "app-config"  # app.config["K"] = v, app.config.update(K=v), settings.K = v
    CONFIG_CLASS = "config-class"  # class Config: K = v (pydantic BaseSettings fields too)
    SETTINGS_MODULE = "settings-module"  # K = v at module level of settings.py, config.py, ...
    CONSTANT = "constant"  # K = v at module level of any module: the application's own constant
    CONTAINER = "container"  # a key of the row's ``container`` dict: SIMPLE_JWT = {"K": v}


#: Where a framework reads its configuration: its config object, a config class, a settings
#: module (Flask's ``from_object``/``from_pyfile``, Django's ``DJANGO_SETTINGS_MODULE``).
CONFIG_SITES = frozenset(
    {SettingSite.APP_CONFIG, SettingSite.CONFIG_CLASS, SettingSite.SETTINGS_MODULE}
)


@dataclass(frozen=True, slots=True)
class Slot:
    """Where a lifetime is passed: a keyword (or position) of the call.

    ``form`` says how to read it: ``duration`` (a number of ``unit`` seconds or a timedelta),
    ``deadline`` (an instant: ``now + delta``, a datetime), ``string`` (Vault's ``"8760h"``),
    ``proto`` (a protobuf ``Duration(seconds=N)``), ``claims`` (a claims dict, whose ``exp``
    is the lifetime). ``in_dict`` is the position of a dict argument the keyword is a key of
    (python-gitlab's ``create({...})``).
    """

    keyword: str
    position: int | None = None
    form: str = "duration"
    unit: int = 1
    in_dict: int | None = None


@dataclass(frozen=True, slots=True)
class Issuer:
    """One way to issue a token, and what bounds its life (see the module docstring)."""

    key: str
    library: str
    issues: str  # what it issues, for messages
    rule: str
    kind: str  # which threshold: jwt, access, refresh, session, api, sts, vault, presign, signed
    calls: frozenset[str] = frozenset()  # qualified names of the function or class called
    methods: frozenset[str] = frozenset()  # method names, on an object built by ``receivers``
    receivers: frozenset[str] = frozenset()  # constructors of the receiver; empty: any
    managers: frozenset[str] = frozenset()  # the receiver's last attribute (``x.access_tokens``)
    settings: frozenset[str] = frozenset()  # settings keys (constants, config keys, dict keys)
    container: str = ""  # a settings dict the key lives in: SIMPLE_JWT, REST_KNOX
    sites: frozenset[SettingSite] = CONFIG_SITES  # where a settings key counts
    gate: tuple[str, ...] = ()  # the file must import one of these modules
    lifetime: Slot | None = None
    also: tuple[Slot, ...] = ()  # other arguments that set an expiry (python_jwt ``expires``)
    never: frozenset[str] = frozenset()  # values that turn expiry off: False, None, 0
    default: int | None = None  # seconds when nothing sets it; NEVER; None: required or unknown
    maximum: int | None = None  # the service's own cap, in seconds
    explicit: bool = False  # only an explicit "no expiry" value is reported, not an absent one
    quiet: str = ""  # why it is never reported, when bounded by design
    source: str = ""

    def set_at(self, sites: frozenset[SettingSite], container: str | None) -> bool:
        """Whether a settings key written at ``sites`` (inside dict ``container``) sets this row.

        A row with a ``container`` is read only from that dict; any other from its ``sites``.
        """
        if self.container:
            return container == self.container and SettingSite.CONTAINER in sites
        return not self.sites.isdisjoint(sites)


def names(*names: str) -> frozenset[str]:
    return frozenset(names)


CLAIMS0 = Slot("payload", 0, "claims")
FALSE = names("False")
NONE = names("None")
ZERO = names("0", "0s")
