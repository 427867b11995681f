"""Helpers imported from another module of the same package, resolved by name (issue 13).

The common split puts the loop in a task module and the credential read in an auth module
(``from .auth import load_refresh_token``). Reading that module would make one file's findings
depend on another file's content, which the per-file cache (keyed by the file's own bytes and
the project facts) cannot see, and parsing it costs a second parse per file. So the rule is
by name, and conservative:

- only functions imported from this project (a relative import, or a package that is a
  directory on the file's own path), never from a third-party library;
- only names that say they *read* a stored credential: a reading verb (``get``, ``load``,
  ``read``, ``fetch_stored``...) and a credential noun (``refresh_token``, ``client_secret``,
  ``api_key``, ``password``, ``private_key``...);
- never names that say they mint (``access``, ``new``, ``refresh_access``, ``exchange``,
  ``federated``, ``assertion``, ``identity``...): those are sinks or platform sources.
"""

from __future__ import annotations

import re

#: A reading verb, then a credential noun, as the whole name (``_`` separated, any case).
_STORED_HELPER = re.compile(
    r"^_*(?:get|load|read|fetch_stored|stored|saved|cached|lookup|retrieve)_"
    r"(?:[a-z0-9]+_)*?"
    r"(?:refresh_?token|client_?secret|secret(?:_key)?|api_?key|password|passwd|"
    r"private_?key|app_?key|secret_?id)s?$",
    re.IGNORECASE,
)
#: Words that mean the helper mints or attests, rather than reads something stored.
_MINTS = frozenset(
    {
        "access",
        "new",
        "fresh",
        "mint",
        "minted",
        "exchange",
        "issue",
        "federated",
        "assertion",
        "identity",
        "oidc",
        "workload",
        "session",
        "jwt",
        "sign",
        "signed",
        "accesstoken",
        "idtoken",
    }
)


def stored_helper(name: str) -> bool:
    """Whether a helper's name says it returns a stored credential."""
    if not _STORED_HELPER.match(name):
        return False
    lowered = name.lower()
    return "id_token" not in lowered and not _MINTS.intersection(lowered.split("_"))


#: A minting verb, then a token noun: ``request_new_access_token``, ``refresh_access_token``,
#: ``renew_token``, ``get_fresh_token``. Used by ``keepalive`` for the other half of the split
#: (the loop in a task module calling the auth module's minting helper).
_MINT_HELPER = re.compile(
    r"^_*(?:(?:refresh|renew|request|mint|acquire|obtain|exchange|rotate|regenerate|get|fetch)_)"
    r"(?:[a-z0-9]+_)*?(?:access_?token|bearer_?token|auth_?token|token)s?$",
    re.IGNORECASE,
)
_MINT_VERBS = frozenset(
    {"refresh", "renew", "new", "fresh", "mint", "acquire", "obtain", "exchange", "rotate",
     "regenerate", "request"}
)


def mint_helper(name: str) -> bool:
    """Whether a helper's name says it mints a fresh token (not merely reads one): a token
    noun, and a minting verb (``get_token`` alone reads a cache as often as it mints)."""
    if not _MINT_HELPER.match(name):
        return False
    words = set(name.lower().strip("_").split("_"))
    return bool(words & _MINT_VERBS) and "id" not in words and "identity" not in words


def same_project(module: str, path: str) -> bool:
    """A relative import, or a module whose top package is a directory of ``path``."""
    if module.startswith("."):
        return True
    top = module.split(".", 1)[0]
    return bool(top) and top in path.replace("\\", "/").split("/")[:-1]
