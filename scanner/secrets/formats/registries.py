"""Package-registry publish tokens (LLC-SRC-008). The row id is the rule's key for each format.

PyPI macaroons start with the base64url of their location (pypi.org: "AgEIcHlwaS5vcmc",
test.pypi.org: "AgENdGVzdC5weXBpLm9yZw"); npm tokens end with a CRC32 like GitHub's
(https://github.blog/security/announcing-npms-new-access-token-format/).
"""

from __future__ import annotations

from scanner.findings import Lifetime, Severity
from scanner.secrets.formats import Format

_FIX = ("Revoke the token and publish with Trusted Publishing (PyPI, npm, RubyGems, "
        "crates.io, NuGet), so CI exchanges its OIDC identity for a 15-minute token.")
_NUGET = (r"oy2[a-p][0-9a-z]{15}[aq][0-9a-z]{11}[eu][bdfhjlnprtvxz357][a-p][0-9a-z]{11}"
          r"[aeimquy4]")


def _row(id: str, provider: str, label: str, anchors: tuple[str, ...], pattern: str,
         severity: Severity, lifetime: Lifetime, why: str, source: str,
         validator: str = "not-filler") -> Format:
    return Format(id=id, provider=provider, label=label, anchors=anchors, pattern=pattern,
                  lifetime=lifetime, owasp=("NHI2", "NHI7"), severity=severity, fix=_FIX,
                  rule="LLC-SRC-008", why=why, validator=validator, source=source)


FORMATS = (
    _row("pypi", "PyPI", "PyPI API token", ("pypi-",),
         r"pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,1000}", Severity.CRITICAL, Lifetime.static(),
         "", "https://docs.pypi.org/trusted-publishers/", validator="pypi-macaroon"),
    _row("testpypi", "PyPI", "TestPyPI API token", ("pypi-",),
         r"pypi-AgENdGVzdC5weXBpLm9yZw[A-Za-z0-9_-]{50,1000}", Severity.LOW, Lifetime.static(),
         "it can only upload to test.pypi.org, but never expires",
         "https://docs.pypi.org/trusted-publishers/"),
    _row("npm", "npm", "npm access token", ("npm_",), r"npm_[A-Za-z0-9]{36}", Severity.CRITICAL,
         Lifetime.unknown(),
         "it publishes as its owner until it expires (granular write tokens: at most 90 "
         "days) or is revoked", "https://docs.npmjs.com/about-access-tokens/",
         validator="crc32-base62"),
    _row("rubygems", "RubyGems", "RubyGems API key", ("rubygems_",), r"rubygems_[a-f0-9]{48}",
         Severity.CRITICAL, Lifetime.unknown(),
         "it pushes gems until it is revoked or its optional expiry",
         "https://guides.rubygems.org/trusted-publishing/"),
    _row("crates", "crates.io", "crates.io API token", ("cio",), r"cio[A-Za-z0-9]{32}",
         Severity.CRITICAL, Lifetime.unknown(),
         "it publishes crates until it is revoked or its optional expiry",
         "https://crates.io/docs/trusted-publishing", validator="cargo-context"),
    _row("nuget", "NuGet", "NuGet API key", ("oy2",), _NUGET, Severity.CRITICAL,
         Lifetime.unknown(),
         "it pushes packages until it expires (365 days by default) or is revoked",
         ""),
    _row("clojars", "Clojars", "Clojars deploy token", ("clojars_",), r"CLOJARS_[a-f0-9]{60}",
         Severity.CRITICAL, Lifetime.static(), "deploy tokens do not expire",
         ""),
    _row("docker", "Docker Hub", "Docker Hub access token", ("dckr_pat_", "dckr_oat_"),
         r"dckr_(?:pat|oat)_[A-Za-z0-9_-]{27}", Severity.CRITICAL, Lifetime.unknown(),
         "it pushes images until it is revoked or its optional expiry",
         ""),
)
