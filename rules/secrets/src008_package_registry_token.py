"""LLC-SRC-008: package-registry publish tokens (PyPI, npm, RubyGems, crates.io, NuGet, ...)."""

from __future__ import annotations

import base64
import binascii
import re

from scanner.api import (
    ALL_KINDS,
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
    catalogue,
    compile_pattern,
    crc32_base62,
    fake_token,
    has_crc32_base62,
    looks_fake,
    shannon_entropy,
    standalone,
)

_RULE = "LLC-SRC-008"
# The formats are catalogue rows (scanner/secrets/providers.toml); a row's id is the
# key the checks below use. With the literal each pattern starts with: a format absent from
# the file costs no regex pass.
# crates.io tokens are "cio" and 32 characters: only trusted in a file that mentions cargo or
# crates, or lives under a path that does (~/.cargo/credentials.toml).
_CARGO_CONTEXT = compile_pattern(r"(?i)cargo|crates")

# Registry configuration lines with a credential after them.
_NPMRC = compile_pattern(
    r"//[^\s'\"]+/:_(?P<field>authToken|auth|password)[ \t]*=[ \t]*[\"']?(?P<value>[^\s\"'#;]+)"
)
_NUGET_CONFIG = compile_pattern(
    r"(?i)<add\s+key=\"(?:ClearText)?Password\"\s+value=\"(?P<value>[^\"]{8,})\"\s*/>"
)
_GEM_CREDENTIALS = compile_pattern(r":rubygems_api_key:[ \t]*(?P<value>[a-f0-9]{32})\b")
_PYPIRC_SECTION = re.compile(r"^\[(?P<name>[^\]]+)\]", re.MULTILINE)
_PYPIRC_PASSWORD = re.compile(r"^[ \t]*password[ \t]*[=:][ \t]*(?P<value>\S+)[ \t]*$",
                              re.MULTILINE)
_OTHER_FORMATS = ("npm_", "pypi-", "ghp_", "github_pat_", "glpat-")

# PyPI caveats (warehouse.macaroons.caveats): [0, expires_at, not_before] is an expiry,
# [1, [...]] / [2, [...]] restrict to projects, [4, ...] is a Trusted Publishing token.
_EXPIRY = re.compile(rb"\[0,(\d{9,11}),(\d{9,11})\]")
_LEGACY_EXPIRY = re.compile(rb'"exp":\s*(\d{9,11}).{0,40}?"nbf":\s*(\d{9,11})')
_PROJECTS = re.compile(rb'\[[12],\[("[^\]]*)\]\]|"projects":\s*\[([^\]]*)\]')
_TRUSTED = re.compile(rb"\[4,\"")
_MIN_ENTROPY = 3.0
_MIN_TOKEN = 16  # characters of an auth token in .npmrc (legacy npm tokens are 36-char UUIDs)
_MIN_PASSWORD = 8
_WORDS = re.compile(r"(?i)token|secret|passw|apikey|api_key|changeit")


def _varint(number: int) -> bytes:
    out = b""
    while True:
        byte, number = number & 0x7F, number >> 7
        out += bytes([byte | 0x80 if number else byte])
        if not number:
            return out


def _pypi_token(caveats: list[bytes], seed: int, host: bytes = b"pypi.org") -> str:
    """A v2 macaroon with PyPI's layout, base64url, as the fixtures need (not a real token)."""
    ident = b'{"nonce": "' + fake_token("", 32, "0123456789abcdef", seed).encode() + b'"}'
    raw = b"\x02\x01" + _varint(len(host)) + host + b"\x02" + _varint(len(ident)) + ident
    raw += b"\x00"
    for caveat in caveats:
        raw += b"\x02" + _varint(len(caveat)) + caveat + b"\x00"
    raw += b"\x00\x06\x20" + fake_token("", 32, seed=seed + 1).encode()
    return "pypi-" + base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _checksummed(prefix: str, seed: int) -> str:
    body = fake_token("", 30, seed=seed)
    return prefix + body + crc32_base62(body)


_PYPI_USER = _pypi_token([b'{"version": 1, "permissions": "user"}'], seed=81)
_PYPI_TRUSTED = _pypi_token([b"[0,1800000900,1800000000]", b'[4,"3f1c"]'], seed=83)
_TESTPYPI = _pypi_token([b'[1,["sampleproject"]]'], seed=85, host=b"test.pypi.org")
_NPM = _checksummed("npm_", seed=87)
_RUBYGEMS = fake_token("rubygems_", 48, "0123456789abcdef", seed=88)
_CRATES = fake_token("cio", 32, seed=89)
_DOCKER = fake_token("dckr_pat_", 27, seed=90)
_NUGET_KEY = ("oy2" + fake_token("", 1, "abcdefghijklmnop", 91)
              + fake_token("", 15, "abcdefghijklmnopqrstuvwxyz0123456789", 92) + "a"
              + fake_token("", 11, "abcdefghijklmnopqrstuvwxyz0123456789", 93) + "e" + "b"
              + fake_token("", 1, "abcdefghijklmnop", 94)
              + fake_token("", 11, "abcdefghijklmnopqrstuvwxyz0123456789", 95) + "q")
_LEGACY_NPM = (fake_token("", 8, "0123456789abcdef", 96) + "-"
               + fake_token("", 4, "0123456789abcdef", 97) + "-4"
               + fake_token("", 3, "0123456789abcdef", 98) + "-a"
               + fake_token("", 3, "0123456789abcdef", 99) + "-"
               + fake_token("", 12, "0123456789abcdef", 100))


class PackageRegistryToken(TextRule):
    """## What it does
    Finds package-registry publish credentials in any text file: PyPI and TestPyPI API tokens
    (`pypi-AgEIcHlwaS5vcmc…` macaroons), npm tokens (`npm_`, CRC32-checked like GitHub's),
    RubyGems (`rubygems_`), crates.io (`cio…`, only in files that mention cargo or crates),
    NuGet (`oy2…`), Clojars (`CLOJARS_`) and Docker Hub (`dckr_pat_`, `dckr_oat_`) tokens, and
    literal credentials in registry configuration: `.npmrc` `//host/:_authToken=`, `_auth=`
    and `_password=` lines, `.pypirc` passwords, `nuget.config` `ClearTextPassword`, and
    `~/.gem/credentials` keys. References (`${NPM_TOKEN}`, `%NUGET_KEY%`) and placeholders
    are skipped.

    PyPI tokens are decoded offline: a token whose macaroon carries an expiry caveat (the
    15-minute tokens that Trusted Publishing mints) is graded by that lifetime, and the
    message says whether the token is account-wide or scoped to projects.

    ## Why is this bad?
    A publish token lets anyone who reads it push a new version of the package: a
    supply-chain compromise of every user who installs it. Most of these tokens live until
    someone revokes them (OWASP NHI2 Secret Leakage, NHI7 Long-Lived Secrets).

    ## Example
    ```ini
    ; .npmrc
    //registry.npmjs.org/:_authToken=npm_...
    ```

    Use instead:
    ```yaml
    # Trusted Publishing: the registry trusts the CI's OIDC identity, no token is stored
    permissions: { id-token: write, contents: read }
    steps:
      - run: npm publish --provenance
    ```

    ## References
    - PyPI Trusted Publishing: https://docs.pypi.org/trusted-publishers/
    - PyPI macaroon caveats: https://github.com/pypi/warehouse/blob/main/warehouse/macaroons/caveats/__init__.py
    - npm token format and checksum: https://github.blog/security/announcing-npms-new-access-token-format/
    - npm granular tokens (write: at most 90 days): https://docs.npmjs.com/about-access-tokens/
    - npm trusted publishing: https://docs.npmjs.com/trusted-publishers/
    - RubyGems trusted publishing: https://guides.rubygems.org/trusted-publishing/
    - crates.io trusted publishing: https://crates.io/docs/trusted-publishing
    - gitleaks `pypi-upload-token`, `npm-access-token`, `rubygems-api-token`,
      `clojars-api-token`, `nuget-config-password`
    """

    META = RuleMeta(
        id=_RULE,
        name="package-registry-token",
        summary="Package-registry publish token in a file (PyPI, npm, RubyGems, crates.io, ...)",
        category=Category.STATIC_SECRET,
        severity=Severity.CRITICAL,
        precision=Precision.VERY_HIGH,
        owasp=("NHI2", "NHI7"),
        fix="Revoke the token and publish with Trusted Publishing (PyPI, npm, RubyGems, "
        "crates.io, NuGet), so CI exchanges its OIDC identity for a 15-minute token.",
        kinds=ALL_KINDS,
        # The formats' anchors, and the registry configuration files' keys and sections.
        triggers=(*catalogue.triggers(_RULE), ":_auth", ":_password", "cleartextpassword",
                  "[pypi]", "[testpypi]", "[distutils]"),
    )

    VALID = [
        Valid("//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n"
              "//npm.pkg.github.com/:_authToken=$GITHUB_TOKEN\n"
              "//somewhere-else.com/myorg/:_authToken=MYTOKEN1\n", path=".npmrc"),
        Valid("[pypi]\nusername = __token__\npassword = <your PyPI token>\n", path=".pypirc"),
        Valid("- uses: pypa/gh-action-pypi-publish@release/v1\n"
              "  with:\n    password: ${{ secrets.PYPI_API_TOKEN }}\n",
              path=".github/workflows/release.yml"),
        # Right shape, wrong checksum; filler; a placeholder.
        Valid(f"NPM_TOKEN={fake_token('npm_', 36, seed=101)}\nNPM_OTHER=npm_{'a1' * 18}\n"
              "RUBYGEMS=rubygems_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n",
              path="tests/fixtures/env"),
        # "cio" and 32 characters outside any cargo context: a hash, not a token.
        Valid(f"digest: {_CRATES}\n", path="build/manifest.yml"),
        Valid('<add key="ClearTextPassword" value="%NUGET_PASSWORD%" />\n', path="nuget.config"),
    ]
    INVALID = [
        Invalid(f"//registry.npmjs.org/:_authToken={_NPM}  # expect: LLC-SRC-008\n"
                f"//npm.example.com/:_authToken={_LEGACY_NPM}  # expect: LLC-SRC-008\n",
                path=".npmrc"),
        Invalid(f"[pypi]\nusername = __token__\npassword = {_PYPI_USER}\n", path=".pypirc",
                lines=(3,)),
        Invalid(f':rubygems_api_key: {_RUBYGEMS}  # expect: LLC-SRC-008\n',
                path="home/.gem/credentials"),
        Invalid(f'[registry]\ntoken = "{_CRATES}"  # expect: LLC-SRC-008\n',
                path="home/.cargo/credentials.toml"),
        Invalid(f"dotnet nuget push pkg.nupkg -k {_NUGET_KEY}  # expect: LLC-SRC-008\n"
                f"echo {_DOCKER} | docker login -u ci --password-stdin  # expect: LLC-SRC-008\n",
                path="scripts/publish.sh"),
        # Short-lived (Trusted Publishing, 15 minutes) and TestPyPI tokens: low.
        Invalid(f"TWINE_PASSWORD={_PYPI_TRUSTED}  # expect: LLC-SRC-008\n"
                f"TEST_PYPI_TOKEN={_TESTPYPI}  # expect: LLC-SRC-008\n", path=".env"),
    ]

    def check(self, doc: TextDocument) -> None:
        text = doc.text
        done: set[int] = set()
        for compiled in catalogue.formats(_RULE):  # compiled on first use, then cached
            fmt, needle, pattern = compiled.format, compiled.needle, compiled.pattern
            if needle not in text:
                continue
            if fmt.id == "crates" and not (_CARGO_CONTEXT.search(text)
                                            or _CARGO_CONTEXT.search(doc.path)):
                continue
            for match in pattern.finditer(text):
                start, end = match.start(), match.end()
                token = match.group()
                if not standalone(text, start, end) or self.context.is_placeholder(token):
                    continue
                if not self._plausible(fmt.id, token):
                    continue
                done.add(start)
                if fmt.id == "pypi":
                    self._pypi(Span(start, end), token)
                else:
                    self.report(Span(start, end), f"{fmt.label} committed to a file: {fmt.why}.",
                                lifetime=fmt.lifetime, value=token, severity=fmt.severity)
        self._config_lines(doc, done)

    @staticmethod
    def _plausible(key: str, token: str) -> bool:
        if key == "npm":
            return has_crc32_base62(token[4:])
        if key == "crates":
            body = token[3:]
            mixed = sum(any(t(c) for c in body) for t in (str.islower, str.isupper, str.isdigit))
            return mixed == 3 and not looks_fake(body)
        body = token.split("_")[-1] if key in {"docker", "clojars", "rubygems"} else token[3:]
        return not looks_fake(body)

    def _pypi(self, span: Span, token: str) -> None:
        data = token[len("pypi-") :]
        try:
            raw = base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))
        except (binascii.Error, ValueError):
            raw = b""
        expiry = _EXPIRY.search(raw) or _LEGACY_EXPIRY.search(raw)
        projects = _PROJECTS.search(raw)
        if _TRUSTED.search(raw):
            scope = "a Trusted Publishing token"
        elif projects:
            names = (projects.group(1) or projects.group(2) or b"").count(b'"') // 2
            scope = f"scoped to {names} project{'s' if names != 1 else ''}"
        else:
            scope = "account-wide: it can upload to every project its owner maintains"
        if expiry is None:
            self.report(span, f"PyPI API token committed to a file ({scope}); it never "
                        "expires.", lifetime=Lifetime.static(), value=token)
            return
        seconds = max(0, int(expiry.group(1)) - int(expiry.group(2)))
        short = seconds <= self.context.thresholds.access_token_max_lifetime
        self.report(
            span,
            f"PyPI API token committed to a file ({scope}); its expiry caveat limits it to "
            f"{seconds // 60} minutes, and it is usable by any reader until then.",
            lifetime=Lifetime.seconds(seconds),
            value=token,
            severity=Severity.LOW if short else Severity.HIGH,
        )

    def _config_lines(self, doc: TextDocument, done: set[int]) -> None:
        text = doc.text
        name = doc.path.replace("\\", "/").rsplit("/", 1)[-1].lower()
        found: list[tuple[int, int, str, str]] = []
        for match in _NPMRC.finditer(text):
            field = {"authToken": "an auth token", "auth": "base64 credentials",
                     "password": "a password"}[match.group(1)]
            found.append((match.start(2), match.end(2), match.group(2),
                          f"npm registry configuration with {field} for "
                          f"{match.group().split('/:_', 1)[0]}"))
        if name == "nuget.config" or name.endswith(".config"):
            for match in _NUGET_CONFIG.finditer(text):
                found.append((match.start(1), match.end(1), match.group(1),
                              "NuGet source credentials in clear text"))
        for match in _GEM_CREDENTIALS.finditer(text):
            found.append((match.start(1), match.end(1), match.group(1), "RubyGems API key"))
        if name == ".pypirc":
            found.extend(_pypirc_passwords(text))
        for start, end, value, what in found:
            if start in done or value.startswith(_OTHER_FORMATS):
                continue
            if self.context.is_placeholder(value) or not _literal_credential(value, what):
                continue
            self.report(Span(start, end), f"{what} committed to a file: registry "
                        "credentials publish as their owner until revoked.",
                        lifetime=Lifetime.unknown(), value=value)


def _literal_credential(value: str, what: str) -> bool:
    """A configuration value that looks issued, not written by hand for documentation."""
    if value.startswith(("$", "%", "{")) or looks_fake(value):
        return False
    if len(value) < (_MIN_TOKEN if "auth token" in what else _MIN_PASSWORD):
        return False
    if _WORDS.search(value):
        return False  # MYTOKEN1, npm-secret-token: names, not values
    classes = sum(any(t(c) for c in value) for t in (str.islower, str.isupper, str.isdigit))
    return classes >= 2 and shannon_entropy(value) >= _MIN_ENTROPY


def _pypirc_passwords(text: str) -> list[tuple[int, int, str, str]]:
    """Password values in .pypirc, with the section (index server) they belong to."""
    out = []
    sections = [(m.start(), m.group(1)) for m in _PYPIRC_SECTION.finditer(text)]
    for match in _PYPIRC_PASSWORD.finditer(text):
        section = next((n for s, n in reversed(sections) if s < match.start()), "")
        if section == "distutils":
            continue
        out.append((match.start(1), match.end(1), match.group(1),
                    f"Password for the [{section}] index in .pypirc"))
    return out
