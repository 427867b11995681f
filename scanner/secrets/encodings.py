"""Credentials that an encoding hides from the format rules: base64, JSON escapes, shell
line continuations.

The provider rules match a token's bytes as written. Three encodings change those bytes while
the credential stays as usable as before, and each occurs in committed files:

- **base64 where the context says base64**: a docker ``config.json``'s ``auths.*.auth`` (base64
  of ``user:password``), and values under keys named for base64 (``GCP_SA_KEY_BASE64``,
  ``credentials_b64``). Only those keys are decoded: base64 of random bytes is everywhere, and
  decoding every long string would turn images and hashes into candidates. Kubernetes Secrets'
  ``data`` and kubeconfig ``*-data`` keys are read by LLC-K8S-005/006 from their YAML view;
- **JSON escapes**: ``\\u005f`` for ``_``, ``\\/`` for ``/`` (PHP's ``json_encode`` and some
  serializers escape by default), so ``ghp\\u005f...`` never matches ``ghp_``;
- **shell line continuations**: a backslash-newline inside a word is removed by the shell
  (and by Python, C and JS inside a string), so a token split over two lines is one token.

Each finder yields a ``Hidden``: the place of the encoded text in the file, the encoding, and
the credential the decoded text holds, classified by the provider table (``catalogue``), so
the finding carries that provider's label and lifetime. Nothing is executed or fetched; a
value that does not decode cleanly is skipped.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache

import ahocorasick_rs

from scanner.findings import Lifetime, Severity
from scanner.secrets import catalogue, table
from scanner.secrets.filters import (
    WEAK_PASSWORDS,
    is_encrypted_value,
    is_placeholder,
    is_reference_value,
)
from scanner.secrets.patterns import TOKEN_CHARS, Match, standalone


@dataclass(frozen=True, slots=True)
class Credential:
    """What a decoded text holds: a provider token, a private key or a password."""

    label: str
    value: str
    lifetime: Lifetime
    severity: Severity
    fix: str = ""
    #: The provider row's reason, for the message ("" for keys and passwords).
    why: str = ""


@dataclass(frozen=True, slots=True)
class Hidden:
    """A credential under an encoding: where the encoded text is, and what it decodes to."""

    start: int
    end: int
    #: The encoded text as written (redacted in snippets like the credential itself).
    raw: str
    #: "base64", "JSON escapes" or "a line continuation".
    encoding: str
    credential: Credential


# --- what a decoded text holds -------------------------------------------------------------

_PEM = re.compile(r"-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY)-----\s+([A-Za-z0-9+/=\s:,-]{64,})")
_SERVICE_ACCOUNT = re.compile(r'"type"\s*:\s*"service_account"')
_PRIVATE_KEY_FIX = ("Revoke the key where it is registered and delete it from the history; "
                    "have the platform issue a short-lived credential (OIDC, workload identity) "
                    "instead of storing a key.")
_REGISTRY_FIX = ("Rotate the password; use the registry's short-lived tokens (a credential "
                 "helper, OIDC in CI) instead of a stored `auth`.")


@cache
def _provider_rules() -> tuple[str, ...]:
    return tuple(dict.fromkeys(row.rule for row in catalogue.all_formats()))


@cache
def _anchor_words() -> tuple[tuple[str, frozenset[str]], ...]:
    """The anchors of every row ``provider_tokens`` can report (with the provider rules they
    anchor), and the PEM header. A context row (``Datadog API key``: a key named beside its
    value) is skipped there, so its anchors select nothing: in a tree that names Datadog in
    every file they would send every decoded string through the Datadog rows for nothing."""
    rules: dict[str, set[str]] = {"private key": set()}
    for row in catalogue.all_formats():
        if row.context:
            continue
        for anchor in row.anchors:
            rules.setdefault(anchor, set()).add(row.rule)
    return tuple((word, frozenset(rules[word])) for word in sorted(rules))


@cache
def _anchors() -> ahocorasick_rs.BytesAhoCorasick:
    """Every row's anchors and the PEM header: a decoded text without one holds nothing."""
    return ahocorasick_rs.BytesAhoCorasick([w.encode() for w, _ in _anchor_words()])


def _anchored_rules(text: str) -> set[str]:
    """The provider rules an anchor of which ``text`` holds: no other rule's row can match
    (the prefilter's contract), so only these are searched."""
    words = _anchor_words()
    lowered = text.lower().encode("utf-8", "surrogatepass")
    found: set[str] = set()
    for index, _start, _end in _anchors().find_matches_as_indexes(lowered, overlapping=True):
        found |= words[index][1]
    return found


def may_hold(text: str) -> bool:
    """Whether ``text`` holds an anchor of some provider row or a private-key header (a JSON
    escape may decode to a lone surrogate: bytes keep it)."""
    lowered = text.lower().encode("utf-8", "surrogatepass")
    return bool(_anchors().find_matches_as_indexes(lowered))


def provider_tokens(text: str) -> Iterator[Credential]:
    """Provider-table tokens in ``text``, checked as the provider rules check them (standalone,
    not a placeholder, the random part fits the row's charset, length and validator)."""
    if len(text) < 8:
        return
    present = _anchored_rules(text)
    for rule in _provider_rules():
        if rule not in present:
            continue
        for row, match in catalogue.find(text, rule):
            token = match.group()
            if row.context or not standalone(text, match.start(), match.end()):
                continue
            if is_placeholder(token):
                continue
            compiled = next(c for c in catalogue.formats(rule) if c.format is row)
            whole = compiled.pattern.search(token)
            body = _group1(whole) if whole is not None else token
            if not table.accepts(row, body):
                continue
            yield Credential(row.label, token, row.lifetime, row.severity, row.fix, row.why)


def _group1(match: Match) -> str:
    try:
        return match.group(1) or ""
    except IndexError:
        return match.group()


def decoded_credentials(text: str) -> list[Credential]:
    """The credentials a decoded text holds, most specific first (an empty list for none)."""
    if not may_hold(text):
        return []
    pem = _PEM.search(text.replace("\\n", "\n"))  # a key file's JSON escapes its newlines
    if pem is not None and "ENCRYPTED" not in pem.group(1) and "ENCRYPTED" not in pem.group(2):
        if _SERVICE_ACCOUNT.search(text):
            label = "Google Cloud service-account key (JSON with its private key)"
        else:
            label = f"private key (`{pem.group(1)}`)"
        return [Credential(label, pem.group(0).strip(), Lifetime.static(), Severity.CRITICAL,
                           _PRIVATE_KEY_FIX)]
    return list(provider_tokens(text))


def _printable(text: str) -> bool:
    """Text a person or a config tool wrote: printable, or line breaks and tabs (no control
    bytes, no lone surrogates a JSON escape can spell)."""
    return text.isprintable() or all(c.isprintable() or c in "\n\r\t" for c in text)


def secret_data_text(raw: str) -> str | None:
    """A Kubernetes Secret's ``data`` value as the cluster reads it: strict standard base64
    (line breaks allowed) of UTF-8 text, or None. One copy: the Kubernetes view decodes
    ``data`` with it for LLC-K8S-005, and LLC-SRC-023 judges a Secret's values through it."""
    compact = "".join(raw.split())
    try:
        return base64.b64decode(compact, validate=True).decode("utf-8")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None


def _b64decode(raw: str) -> str | None:
    """``raw`` decoded as standard or URL-safe base64 into printable UTF-8 text, or None."""
    compact = "".join(raw.split())
    padded = compact + "=" * (-len(compact) % 4)
    for urlsafe in (False, True):
        try:
            data = padded.encode("ascii")
            if urlsafe:
                data = data.replace(b"-", b"+").replace(b"_", b"/")
            text = base64.b64decode(data, validate=True).decode("utf-8")
        except (binascii.Error, ValueError, UnicodeDecodeError):
            continue
        if text and _printable(text):
            return text
    return None


def _registry_password(password: str) -> bool:
    """A docker ``auth`` password: the context says it is one, so a hex string is a token
    (GitHub's 40-hex tokens, registry robot tokens), not a hash. Placeholders, references,
    ciphertext, weak and default passwords and filler stay out."""
    if len(password) < 8 or len(set(password)) < 5 or any(c.isspace() for c in password):
        return False
    if password.lower() in WEAK_PASSWORDS or is_placeholder(password):
        return False
    return not (is_reference_value(password) or is_encrypted_value(password)
                or "{{" in password or "${" in password)


def _user_password(decoded: str) -> list[Credential]:
    """Docker's ``auth``: ``user:password``; the password may itself be a provider token."""
    user, sep, password = decoded.partition(":")
    if not sep or not user or not password:
        return []
    found = decoded_credentials(password) or decoded_credentials(decoded)
    if found:
        return found
    if _registry_password(password):
        return [Credential(f"registry password of `{user}`", password, Lifetime.static(),
                           Severity.HIGH, _REGISTRY_FIX)]
    return []


# --- base64 where the context says base64 ----------------------------------------------------

#: A docker config's ``"auth": "<base64>"`` (``auths`` entries; ``.dockercfg`` has no wrapper).
_DOCKER_AUTH = re.compile(r'"auth"\s*:\s*"([A-Za-z0-9+/=]{12,})"')
#: After a key named for base64: the assignment and a literal of 24+ base64 characters.
_BASE64_VALUE = re.compile(
    r"""["']?[ \t]*(?::=|=>|=|:)[ \t]*(["']?)([A-Za-z0-9+/_-]{24,}={0,2})"""
)
_BASE64_WORD = re.compile(r"(?i)base64|b64")
_BASE64_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")
_KEY_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-")


def base64_values(text: str) -> Iterator[Hidden]:
    """Credentials base64-encoded under keys that say so (docker ``auth``, ``*_BASE64``)."""
    lowered = text.lower()
    if '"auth"' in lowered:
        for match in _DOCKER_AUTH.finditer(text):
            decoded = _b64decode(match.group(1))
            if decoded is None:
                continue
            for credential in _user_password(decoded)[:1]:
                yield Hidden(match.start(1), match.end(1), match.group(1), "base64", credential)
    if "base64" not in lowered and "b64" not in lowered:
        return
    key_end = -1
    for word in _BASE64_WORD.finditer(text):
        if word.start() < key_end:
            continue
        key_end = word.end()  # the key runs on over name characters (linear: never rescanned)
        while key_end < len(text) and text[key_end] in _KEY_CHARS:
            key_end += 1
        value = _BASE64_VALUE.match(text, key_end)
        if value is None:
            continue
        quote, raw = value.group(1), value.group(2)
        if quote and not text.startswith(quote, value.end()):
            continue
        if not quote and value.end() < len(text) and text[value.end()] not in " \t\r\n,;}]#":
            continue
        decoded = _b64decode(raw)
        if decoded is None:
            continue
        for credential in decoded_credentials(decoded)[:1]:
            yield Hidden(value.start(2), value.end(2), raw, "base64", credential)


#: base64 of ``-----BEGIN``: a value that says itself it is an encoded PEM block.
_PEM_BASE64 = re.compile(r"LS0tLS1CRUdJTi[A-Za-z0-9+/]{60,}={0,2}")
#: A Kubernetes object or kubeconfig: LLC-K8S-005/006 decode its ``data`` and ``*-data``.
_API_VERSION = re.compile(r'(?m)(?:^[ \t-]*|")apiVersion"?[ \t]*:')
_KIND = re.compile(r'(?m)(?:^[ \t-]*|")kind"?[ \t]*:')


def pem_base64(text: str) -> Iterator[Hidden]:
    """Private keys written as base64 of their PEM block (``LS0tLS1CRUdJTi...``) anywhere but
    in Kubernetes YAML (whose rules decode them in context)."""
    if "LS0tLS1CRUdJTi" not in text:
        return
    if _API_VERSION.search(text) and _KIND.search(text):
        return
    for match in _PEM_BASE64.finditer(text):
        if not standalone(text, match.start(), match.end(), _BASE64_CHARS):
            continue
        decoded = _b64decode(match.group())
        if decoded is None:
            continue
        for credential in decoded_credentials(decoded)[:1]:
            yield Hidden(match.start(), match.end(), match.group(), "base64", credential)


# --- JSON escapes -------------------------------------------------------------------------

#: A double-quoted string with its escapes (the unrolled loop: linear in ``re``).
_JSON_STRING = re.compile(r'"([^"\\\n]*(?:\\.[^"\\\n]*)*)"')


def json_escaped(text: str) -> Iterator[Hidden]:
    """Credentials in JSON strings spelled with ``\\uXXXX`` or ``\\/`` escapes."""
    if "\\u" not in text and "\\/" not in text:
        return
    for match in _JSON_STRING.finditer(text):
        inner = match.group(1)
        if len(inner) < 8 or ("\\u" not in inner and "\\/" not in inner):
            continue
        try:
            decoded = json.loads(f'"{inner}"')
        except ValueError:
            continue
        if not isinstance(decoded, str) or decoded == inner or not _printable(decoded):
            continue
        found = decoded_credentials(decoded)[:1]
        if not found:
            continue
        plain = {c.value for c in decoded_credentials(inner)}
        for credential in found:
            if credential.value in plain or credential.value in inner:
                continue  # written as is: the format rules report it already
            yield Hidden(match.start(1), match.end(1), inner, "JSON escapes", credential)


# --- line continuations -------------------------------------------------------------------

_CONTINUATION = re.compile(r"\\\r?\n")


def continued(text: str) -> Iterator[Hidden]:
    """Tokens split by a backslash-newline inside a word (no blank on the next line)."""
    if "\\\n" not in text and "\\\r\n" not in text:
        return
    done = -1
    for match in _CONTINUATION.finditer(text):
        cut = match.start()
        if cut <= done or cut == 0 or match.end() >= len(text):
            continue
        if text[cut - 1] not in TOKEN_CHARS or text[match.end()] not in TOKEN_CHARS:
            continue
        start = cut
        while start > 0 and text[start - 1] in TOKEN_CHARS:
            start -= 1
        pieces, end = _joined(text, start)
        done = end
        joined = "".join(pieces)
        if len(pieces) < 2 or len(joined) < 16:
            continue
        for credential in decoded_credentials(joined)[:1]:
            if credential.value in pieces:
                continue  # one piece holds it whole: the format rules see it
            yield Hidden(start, end, text[start:end], "a line continuation", credential)


def _joined(text: str, start: int) -> tuple[list[str], int]:
    """The word that begins at ``start``, continued over backslash-newlines: its pieces and
    the offset after its last character."""
    pieces: list[str] = []
    at = start
    while True:
        end = at
        while end < len(text) and text[end] in TOKEN_CHARS:
            end += 1
        pieces.append(text[at:end])
        follow = _CONTINUATION.match(text, end)
        if follow is None or follow.end() >= len(text) or text[follow.end()] not in TOKEN_CHARS:
            return pieces, end
        at = follow.end()


#: Every finder, in the order a rule runs them.
FINDERS: tuple[Callable[[str], Iterator[Hidden]], ...] = (
    base64_values, pem_base64, json_escaped, continued,
)


def hidden_credentials(text: str) -> Iterator[Hidden]:
    """Every hidden credential of ``text``, each place once (the first finder wins)."""
    taken: list[tuple[int, int]] = []
    for finder in FINDERS:
        for hidden in finder(text):
            if any(s < hidden.end and hidden.start < e for s, e in taken):
                continue
            taken.append((hidden.start, hidden.end))
            yield hidden
