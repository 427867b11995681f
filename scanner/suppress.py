"""Inline suppressions: ``outlive: ignore[LLC-SRC-001] reason="..." until=2027-01-31``.

The grammar is strict on purpose (zizmor's lesson): a suppression that silently fails to parse
hides nothing, and one that parses too loosely hides too much. A blanket ``ignore`` is refused,
a reason is required, and a suppression past its ``until`` date stops suppressing and says so.
detect-secrets' ``pragma: allowlist secret`` is honoured for teams migrating from it.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import tokenize
from dataclasses import dataclass

# A directive must sit in a comment of one of the syntaxes we scan.
_DIRECTIVE = re.compile(
    r"(?:^|\s|;)(?:#|//|--|;|/\*|<!--|\{\{-?\s*/\*|\bREM\b)\s*outlive:(?P<body>.*)$"
)
_TRAILER = re.compile(r"\s*(?:-->|\*/\s*-?\}\}|\*/)\s*$")
_IGNORE = re.compile(r"^ignore(?:\[(?P<ids>[^\]]*)\])?(?P<rest>(?:\s.*)?)$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")  # fromisoformat alone also takes 20270131 on 3.11+
_RULE_ID = re.compile(r"^LLC-[A-Z0-9]+-\d{3}$")
_ARG = re.compile(r'\s+(?P<key>[a-z]+)=(?:"(?P<quoted>[^"]*)"|(?P<bare>\S+))')
_PRAGMA = re.compile(r"pragma:\s*allowlist\s+(?P<next>nextline\s+)?secret")


@dataclass(frozen=True, slots=True)
class Directive:
    """A parsed ``outlive: ignore[...]`` applying to its own line and the next one."""

    line: int
    rule_ids: tuple[str, ...]  # empty for a blanket ignore (only when allowed) or a pragma
    reason: str
    until: dt.date | None
    pragma: bool = False

    def covers(self, line: int) -> bool:
        if self.pragma:
            return line == self.line
        return line in (self.line, self.line + 1)

    def applies_to(self, rule_id: str) -> bool:
        return not self.rule_ids or rule_id in self.rule_ids

    def expired(self, today: dt.date) -> bool:
        return self.until is not None and self.until < today


@dataclass(frozen=True, slots=True)
class DirectiveError:
    line: int
    message: str


def parse_line(
    text: str, line: int, *, allow_blanket: bool = False, require_reason: bool = True
) -> Directive | DirectiveError | None:
    """Parse one source line; None when it holds no directive at all."""
    pragma = _PRAGMA.search(text)
    if pragma is not None and "outlive:" not in text:
        target = line + 1 if pragma.group("next") else line
        return Directive(target, (), "pragma: allowlist secret (detect-secrets)", None, pragma=True)
    match = _DIRECTIVE.search(text)
    if match is None:
        return None
    body = _TRAILER.sub("", match.group("body")).strip()
    if body == "fixture":
        return None  # marks a file of deliberately fake credentials; suppresses nothing
    ignore = _IGNORE.match(body)
    if ignore is None:
        return DirectiveError(
            line,
            f"unknown outlive directive {body.split()[0]!r}; expected "
            'ignore[LLC-XXX-NNN] reason="..."'
            if body
            else 'empty outlive directive; expected ignore[LLC-XXX-NNN] reason="..."',
        )
    ids_text = ignore.group("ids")
    rule_ids: tuple[str, ...] = ()
    if ids_text is None or not ids_text.strip():
        if not allow_blanket:
            return DirectiveError(
                line,
                "blanket `outlive: ignore` is refused: name the rule ids, "
                'as in ignore[LLC-SRC-001] reason="..." (or set allow-blanket-ignores = true)',
            )
    else:
        parts = [p.strip() for p in ids_text.split(",")]
        bad = [p for p in parts if not _RULE_ID.match(p)]
        if bad:
            return DirectiveError(line, f"not a rule id in outlive: ignore[...]: {bad[0]!r}")
        rule_ids = tuple(parts)
    rest = ignore.group("rest")
    args: dict[str, str] = {}
    pos = 0
    for arg in _ARG.finditer(rest):
        if arg.start() != pos:
            break
        key = arg.group("key")
        if key in args:
            return DirectiveError(line, f"`{key}=` given twice in outlive: ignore")
        args[key] = arg.group("quoted") if arg.group("quoted") is not None else arg.group("bare")
        pos = arg.end()
    if rest[pos:].strip():
        return DirectiveError(
            line, f'cannot read {rest[pos:].strip()!r}: write reason="..." and until=YYYY-MM-DD'
        )
    unknown = set(args) - {"reason", "until"}
    if unknown:
        return DirectiveError(line, f"unknown key `{sorted(unknown)[0]}=` in outlive: ignore")
    reason = args.get("reason", "").strip()
    if "reason" in args and not reason:
        return DirectiveError(line, "empty reason in outlive: ignore; say why it is safe")
    if require_reason and not reason:
        return DirectiveError(line, 'outlive: ignore needs reason="..." saying why it is safe')
    until: dt.date | None = None
    if "until" in args:
        try:
            if not _DATE.match(args["until"]):
                raise ValueError(args["until"])
            until = dt.date.fromisoformat(args["until"])
        except ValueError:
            return DirectiveError(
                line, f"until={args['until']} is not a date of the form YYYY-MM-DD"
            )
    return Directive(line, rule_ids, reason, until)


def python_comments(text: str) -> dict[int, str] | None:
    """Line number to comment text of every real comment in Python source.

    In Python a ``# outlive: ...`` inside a string literal (a test of this very grammar, say)
    is data, not a directive; the tokenizer tells the two apart. None when the file does not
    tokenize: callers then fall back to reading every line.
    """
    comments: dict[int, str] = {}
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.COMMENT:
                comments[token.start[0]] = token.string
    except (tokenize.TokenError, SyntaxError, ValueError):
        return None
    return comments


def parse_text(
    text: str,
    *,
    allow_blanket: bool = False,
    require_reason: bool = True,
    python: bool = False,
) -> tuple[list[Directive], list[DirectiveError]]:
    """Every directive of a file (cheap: only lines mentioning ``outlive:`` or the pragma).

    With ``python=True`` only real comments count, not look-alikes inside string literals.
    """
    directives: list[Directive] = []
    errors: list[DirectiveError] = []
    if "outlive:" not in text and "allowlist" not in text:
        return directives, errors
    comments = python_comments(text) if python else None
    for number, line in enumerate(text.splitlines(), start=1):
        if "outlive:" not in line and "allowlist" not in line:
            continue
        if comments is not None:
            if number not in comments:
                continue
            line = comments[number]
        parsed = parse_line(
            line, number, allow_blanket=allow_blanket, require_reason=require_reason
        )
        if isinstance(parsed, Directive):
            directives.append(parsed)
        elif isinstance(parsed, DirectiveError):
            errors.append(parsed)
    return directives, errors
