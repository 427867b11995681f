"""Necessary conditions on the raw text of a Python file, before ``ast`` parses it.

A text screen may only say no where ``sinkscreen``'s ``ast`` screen of the same rule says no
too (``tests/test_ast_prescreen.py`` checks it on every example, fixture and module of outlive):
it reads what the ``ast`` screen needs (a module imported, a call's name spelled, a keyword in
a call's position with a value a credential check could accept) from the text itself, so a
file that only imports SQLAlchemy, every module of an ORM project, is not even parsed.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable

from scanner.documents.python.libraries.caches import CacheForm, cache_calls, cache_rows
from scanner.documents.python.libraries.credential_slots import AWS_KEYWORDS as _AWS_KEYWORDS
from scanner.documents.python.libraries.credential_slots import (
    CREDENTIAL_HEADERS,
    PY005,
    PY006,
    PY007,
    SlotForm,
    slot_calls,
    slot_methods,
    slot_names,
    slot_params,
    slot_rows,
)
from scanner.secrets.patterns import compile_pattern
from scanner.secrets.values import credential_shaped

#: LLC-PY-005's call tables (``_CALLS``, ``_URL_CALLS``, ``_SERVICE_ACCOUNT_INFO``), read
#: from the ``CREDENTIAL_SLOTS`` registry, so a new row gates itself.
PY005_CALLS = slot_calls(PY005, SlotForm.ARGUMENT, SlotForm.URL, SlotForm.KEY_INFO)
#: Calls only in LLC-PY-005's ``_URL_CALLS``: a finding needs a password in a URL literal.
PY005_URL_ONLY = slot_calls(PY005, SlotForm.URL) - slot_calls(
    PY005, SlotForm.ARGUMENT, SlotForm.KEY_INFO
)
#: LLC-PY-005's ``_AWS`` keywords, which it checks on any call.
AWS_KEYWORDS = _AWS_KEYWORDS
#: LLC-PY-005's connection-string rows (``BlobServiceClient.from_connection_string``).
PY005_CONNECTION_STRINGS = slot_rows(PY005, SlotForm.CONNECTION_STRING)


#: A keyword named like a secret, then ``=`` (past blanks, continuations and comments). RE2:
#: Python's ``re`` tries the case-folded alternation at every position (1.3 s over
#: SQLAlchemy's Python files, RE2 0.04 s, the same verdicts).
_SECRET_KEYWORD_TEXT = compile_pattern(
    r"(?i)(?:api_?key|secret|token|password|passwd|credential|private_key)"
    r"[\s\\]*(?:#[^\n]*\n[\s\\]*)*="
)
#: (module, last names of its calls, the names that are only URL calls) of each LLC-PY-005
#: module: both are spelled in the file (the module in the import, the last name there or at
#: the call) wherever a call resolves to the name.
_PY005_SPELLED: tuple[tuple[str, tuple[str, ...], frozenset[str]], ...] = tuple(
    (
        module,
        tuple(sorted({n.rsplit(".", 1)[1] for n in PY005_CALLS if n.startswith(module + ".")})),
        frozenset(
            n.rsplit(".", 1)[1]
            for n in PY005_CALLS
            if n.startswith(module + ".")
            and all(
                m in PY005_URL_ONLY
                for m in PY005_CALLS
                if m.startswith(module + ".") and m.rsplit(".", 1)[1] == n.rsplit(".", 1)[1]
            )
        ),
    )
    for module in sorted({n.split(".")[0] for n in PY005_CALLS})
)
#: An ``@`` in a string literal (a URL's ``user:pass@``): after a non-blank character (the
#: quote, the password, a ``}``), or escaped. A decorator's ``@`` follows indentation.
_AT_IN_A_STRING = re.compile(r"\S@|\\x40|\\u0040|\\100|(?i:\\N\{COMMERCIAL AT\})")
#: Escapes that could spell a marker's characters: with one in the text, no narrowing.
_ESCAPE = re.compile(r"\\(?:[xuUN0-7])")


#: An import statement, at a line's start or after ``;`` or ``:`` (``try: import x``): the
#: module of a ``from``, or the names of an ``import`` (continuation lines included).
_IMPORT = re.compile(
    r"(?m)(?:^|[;:])[ \t]*(?:from[ \t]+([A-Za-z_][\w.]*)|import[ \t]+((?:[^\n;#\\]|\\\n)+))"
)
_ROOTS: tuple[str, frozenset[str]] | None = None


def _imported_roots(text: str) -> frozenset[str]:
    """The top-level packages the text's import statements name (how a call comes to resolve
    to a name inside one: the document resolves names through imports only). Relative
    imports name none. Only the lines that say ``import`` are read (with their continuation
    lines), each once. The last text's answer is kept: the screens ask once per module."""
    global _ROOTS
    if _ROOTS is not None and _ROOTS[0] is text:
        return _ROOTS[1]
    roots: set[str] = set()
    done = -1  # the end of the last line read
    at = text.find("import")
    while at >= 0:
        if at > done:
            start = text.rfind("\n", 0, at) + 1
            while start >= 2 and text[start - 2] == "\\":  # continued from the line before
                start = text.rfind("\n", 0, start - 2) + 1
            end = text.find("\n", at)
            while end >= 0 and text[end - 1] == "\\":  # a continued line goes on
                end = text.find("\n", end + 1)
            end = len(text) if end < 0 else end
            _roots_in(text[start:end], roots)
            done = end
        at = text.find("import", at + 6)
    found = frozenset(roots)
    _ROOTS = (text, found)
    return found


def _roots_in(lines: str, roots: set[str]) -> None:
    for match in _IMPORT.finditer(lines):
        module, names = match.group(1), match.group(2)
        if module:
            roots.add(module.split(".")[0])
        elif names:
            for item in names.replace("\\\n", " ").split(","):
                word = item.strip().strip("()").split(" ")[0]
                if word:
                    roots.add(word.split(".")[0])


#: A quote, then ``scheme://user:pass@`` up to its ``@`` (no quote, blank or backslash in it).
_URL_LITERAL = re.compile(
    r"""["'](?P<url>[A-Za-z][A-Za-z0-9+.-]*://[^:/@\s'"\\]*"""
    r""":(?P<password>[^@/\s'"\\]+)@)"""
)


def _refused_urls(text: str) -> set[int]:
    """The text positions of the ``://`` and the ``@`` of each URL literal whose password
    ``credential_shaped`` refuses (``"postgresql://scott:tiger@host"``).

    Neither can be the ``://`` or the ``@`` of a URL LLC-PY-005 reports. Its match is anchored
    at the start of the joined literal: if this quote opens a piece, the pieces before it are
    scheme characters only and the password is this one; if the quote is inside a string, no
    scheme can reach across it. And another URL's password cannot reach this ``@``: this
    literal's ``//`` stands between (a password holds no ``/``).
    """
    covered: set[int] = set()
    for match in _URL_LITERAL.finditer(text):
        prefix = text[max(0, match.start() - 2) : match.start()]
        if "f" in prefix.lower():
            continue  # an f-string: its pieces are the ``ast`` screen's markers (no finding)
        if credential_shaped(match.group("password")):
            continue
        covered.add(text.index("://", match.start("url")))
        covered.add(match.end("url") - 1)
    return covered


def _url_markers_text(text: str) -> bool:
    """What ``_py005``'s URL-call branch needs among the string constants (``://`` and an
    ``@``, or ``password=``), asked of the raw text: a ``://`` and an ``@`` in a string that
    are not those of a URL whose password no check accepts."""
    if "password=" in text or _ESCAPE.search(text) is not None:
        return True
    if "://" not in text or _AT_IN_A_STRING.search(text) is None:
        return False
    covered = _refused_urls(text)
    if not covered:
        return True
    scheme = any(m.start() not in covered for m in re.finditer("://", text))
    return scheme and any(m.end() - 1 not in covered for m in _AT_IN_A_STRING.finditer(text))


#: After a secret-named keyword's ``=``: a plain literal (a string without escapes, a number,
#: ``None``/``True``/``False``) or an attribute (``settings.TOKEN``: no literal) that ends the
#: argument (``,`` or ``)``, or the line when the next
#: line starts another ``name =`` or closes the call). Anything else may hold a secret.
_PLAIN_VALUE = re.compile(
    r"[ \t]*(?:\\\r?\n[ \t]*)*"
    r"(?:(?P<prefix>[rRbBuU]{0,2})(?:\"(?P<double>[^\"\\\n]*)\"|'(?P<single>[^'\\\n]*)')"
    r"|(?P<constant>None|True|False|\d[\w.]*|[A-Za-z_]\w*(?:[ \t]*\.[ \t]*[A-Za-z_]\w*)+))"
    r"[ \t]*(?:[,)]|(?:#[^\n]*)?\r?\n[ \t]*(?:[)\]}]|[A-Za-z_]\w*[ \t]*=(?!=)))"
)


#: A value whose first primary is called, subscripted or has an attribute read
#: (``settings.token``, ``get()``, ``env["K"] + x``), or an f-string: whatever follows, the
#: expression is no name, no constant and no ``+`` of those, so no literal.
_NO_LITERAL = re.compile(
    r"[ \t]*(?:\\\r?\n[ \t]*)*(?:[A-Za-z_]\w*[ \t]*[(.\[]|[fF][rR]?['\"]|[rR][fF]['\"])"
)


def _keyword_position(text: str, start: int) -> bool:
    """Whether the identifier that ends at ``start``'s match may be a call's keyword: after a
    ``(`` or a ``,``, on its line or at the end of the line before (a comment there: maybe).
    An assignment statement (``token = x``), an attribute or a chained target is none."""
    i = start
    while i > 0 and (text[i - 1].isalnum() or text[i - 1] == "_"):
        i -= 1
    j = i - 1
    crossed = False
    while j >= 0 and text[j] in " \t\\\r\n":
        crossed = crossed or text[j] == "\n"
        j -= 1
    if j < 0:
        return False
    if crossed and "#" in text[text.rfind("\n", 0, j) + 1 : j + 1]:
        return True  # the line before may end in a comment: its last code character is unknown
    return text[j] in "(,"


def _secret_keyword_text(text: str) -> bool:
    """``_py005``'s secret-named keyword: a call's keyword (not an assignment statement) whose
    value is not a plain literal that ``_may_hold_secret`` refuses (``password="tiger"``,
    ``token=None``)."""
    for match in _SECRET_KEYWORD_TEXT.finditer(text):
        end = match.end()
        if text.startswith("=", end):
            continue  # ``password == x``: a comparison, no keyword
        if not _keyword_position(text, match.start()):
            continue
        if _NO_LITERAL.match(text, end) is not None:
            continue  # a call, attribute, subscript or f-string: ``literal_string`` reads none
        plain = _PLAIN_VALUE.match(text, end)
        if plain is None:
            return True
        if plain.group("constant") is not None:
            continue  # a number, None, a bool: no credential check accepts them
        value = plain.group("double")
        if value is None:
            value = plain.group("single")
        if credential_shaped(value, random=True):
            return True
    return False


#: Each module of ``_PY005_SPELLED``: its call names and the names that are only URL calls.
_PY005_BY_MODULE = {module: (names, url_only) for module, names, url_only in _PY005_SPELLED}
#: LLC-PY-005's keywords it checks on any call (``_AWS``), then ``=``, as the secret-named
#: keywords are found (a call's position is checked after).
_AWS_KEYWORD_TEXT = compile_pattern(
    "(?:" + "|".join(re.escape(w) for w in sorted(AWS_KEYWORDS)) + r")[\s\\]*(?:#[^\n]*\n[\s\\]*)*="
)
#: LLC-PY-005's module keys (``stripe.api_key = ...``): an attribute of that name assigned
#: (annotated or not; ``+=`` and ``==`` are no assignment).
PY005_MODULE_KEYS = frozenset(
    n.rsplit(".", 1)[-1] for n in slot_names(PY005, SlotForm.MODULE_ATTRIBUTE)
)
_MODULE_KEY_TEXT = re.compile(
    r"\.[ \t]*(?:" + "|".join(re.escape(k) for k in sorted(PY005_MODULE_KEYS)) + r")"
    r"[ \t]*(?::[^=\n]*)?=(?!=)"
)


def _aws_keyword_text(text: str) -> bool:
    """An AWS key keyword passed to a call (``_py005``'s ``AWS_KEYWORDS`` among the keywords)."""
    for match in _AWS_KEYWORD_TEXT.finditer(text):
        if not text.startswith("=", match.end()) and _keyword_position(text, match.start()):
            return True
    return False


def _py005_text(text: str) -> bool:
    """What the text must contain for ``_py005`` to pass: checked before any parse, so a file
    that only imports SQLAlchemy (every module of an ORM project) is not even parsed."""
    roots = _imported_roots(text)
    for module in roots & _PY005_BY_MODULE.keys():
        names, url_only = _PY005_BY_MODULE[module]
        spelled = [n for n in names if n in text]
        if any(n not in url_only for n in spelled):
            return True
        if spelled and _url_markers_text(text):
            return True
    if _MODULE_KEY_TEXT.search(text) is not None or _aws_keyword_text(text):
        return True
    if any(  # the prefix's package is imported, the method is spelled at the call
        row.prefix.split(".")[0] in roots and any(m in text for m in row.methods)
        for row in PY005_CONNECTION_STRINGS
    ):
        return True
    return _secret_keyword_text(text)


# -- LLC-PY-006, LLC-PY-007 and LLC-PY-011: what their ``ast`` screens read, in the text ------

#: LLC-PY-006's Azure client-secret calls, its AWS key pair, its Google key-file methods and
#: environment variable (``sinkscreen._py006`` reads the same tables).
PY006_AZURE = frozenset(
    call for call, params in slot_params(PY006).items() if "client_secret" in params
)
PY006_AWS_PAIR = frozenset({"aws_access_key_id", "aws_secret_access_key"})
PY006_GOOGLE_METHODS = slot_methods(PY006, SlotForm.KEY_FILE) | slot_methods(
    PY006, SlotForm.KEY_INFO
)
(PY006_GOOGLE_ENV,) = slot_names(PY006, SlotForm.ENV_VAR)


def constant_text(value: ast.Constant) -> str | None:
    """A constant as ``string_value`` reads it: a string, or bytes decoded as Latin-1."""
    if isinstance(value.value, str):
        return value.value
    if isinstance(value.value, bytes):
        return value.value.decode("latin-1")
    return None


def _spelled(text: str, roots: frozenset[str], calls: frozenset[str]) -> bool:
    """A call of ``calls`` can resolve here: its package imported, its last name spelled."""
    return any(c.split(".")[0] in roots and c.rsplit(".", 1)[-1] in text for c in calls)


def _py006_text(text: str) -> bool:
    if PY006_GOOGLE_ENV in text or all(k in text for k in PY006_AWS_PAIR):
        return True
    roots = _imported_roots(text)
    if "google" in roots and any(m in text for m in PY006_GOOGLE_METHODS):
        return True
    return _spelled(text, roots, PY006_AZURE)


#: LLC-PY-007's header names, basic-auth classes and ``auth=`` keyword.
PY007_HEADERS = CREDENTIAL_HEADERS
PY007_BASIC_AUTH = slot_calls(PY007, SlotForm.BASIC_AUTH)
_AUTH_KEYWORD = re.compile(r"(?:^|[^\w])auth[\s\\]*(?:#[^\n]*\n[\s\\]*)*=(?!=)")


def _py007_text(text: str) -> bool:
    """A header name (a dict key, a keyword, a subscript, a string a name is bound to), an
    ``add_header``/``putheader`` call, an ``auth=`` keyword, or a basic-auth class."""
    lowered = text.lower()
    if any(h in lowered for h in PY007_HEADERS):
        return True
    if "add_header" in text or "putheader" in text or _AUTH_KEYWORD.search(text) is not None:
        return True
    return _spelled(text, _imported_roots(text), PY007_BASIC_AUTH)


#: LLC-PY-011's fetcher names, credential words, cache classes and stores (``sinkscreen``
#: reads the same).
PY011_TOKEN_KEYS = frozenset({"access_token", "refresh_token", "id_token", "token"})
PY011_FETCHER = re.compile(
    r"(?i)^_*(?:get|fetch|load|obtain|read|retrieve|acquire|request|issue|mint|generate|create)"
    r"_?(?:\w*_)?(?:tokens?|credentials?|creds|secrets?|api_?keys?|access_?keys?|jwts?)$"
)
PY011_CLASSES = cache_calls(CacheForm.CLASS)
PY011_CREDENTIAL_KEY = re.compile(r"(?i)token|cred|secret|api_?key|access_?key")
_DEF = re.compile(r"(?m)^[ \t]*(?:async[ \t]+)?def[ \t]+([A-Za-z_]\w*)")
#: A string joined with ``+`` next to a literal, or an escape: a credential's name may be
#: spelled in pieces or escapes there, which the text search above cannot see.
_JOINED_OR_ESCAPED = re.compile(r"['\"][ \t]*\+|\+[ \t]*[rRbBuU]?['\"]|\\[xuUN0-7]")


def _py011_text(text: str) -> bool:
    """A token dict with a None expiry, a decorated fetcher, or a cache class or store named
    or keyed for a credential."""
    if ("expires_in" in text or "expires_at" in text) and "None" in text and "token" in text:
        return True
    if "@" in text and any(PY011_FETCHER.match(m.group(1)) for m in _DEF.finditer(text)):
        return True
    if PY011_CREDENTIAL_KEY.search(text) is None and not _JOINED_OR_ESCAPED.search(text):
        return False  # a cache object and a store write both need a credential's name
    roots = _imported_roots(text)
    if _spelled(text, roots, PY011_CLASSES):
        return True
    return any(
        store.prefix.split(".")[0] in roots and any(m in text for m in store.methods)
        for store in cache_rows(CacheForm.STORE)
    )


#: Necessary conditions on the raw text of a rule's screen: no parse needed to say no.
TEXT_SCREENS: dict[str, Callable[[str], bool]] = {
    "LLC-PY-005": _py005_text,
    "LLC-PY-006": _py006_text,
    "LLC-PY-007": _py007_text,
    "LLC-PY-011": _py011_text,
}


def text_may_fire(rule_id: str, text: str) -> bool:
    """False only when the text lacks what ``rule_id``'s sink screen needs."""
    check = TEXT_SCREENS.get(rule_id)
    return check is None or check(text)
