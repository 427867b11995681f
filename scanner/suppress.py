"""Inline suppressions: ``outlive: ignore[LLC-SRC-001] reason="..." until=2027-01-31``.

The grammar is strict on purpose (zizmor's lesson): a suppression that silently fails to parse
hides nothing, and one that parses too loosely hides too much. A blanket ``ignore`` is refused,
a reason is required, and a suppression past its ``until`` date stops suppressing and says so.
detect-secrets' ``pragma: allowlist secret`` is honoured for teams migrating from it; gitleaks'
``gitleaks:allow`` and trufflehog's ``trufflehog:ignore`` only when asked
(``--honour-other-pragmas``): they name no rule and give no reason, so they hide every rule's
finding on their line, which a team should choose knowingly.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from scanner.comment_syntaxes import LINES, PYTHON
from scanner.comments import CommentSyntax, comment_pieces

# A directive must sit in a comment of one of the syntaxes we scan. Only the head is a regex; the
# rest of the grammar is read by the linear helpers below: the regexes it replaced backtracked over
# whitespace runs (a 32 KB comment line took half a minute). Every piece is linear in the line.
_HEAD = re.compile(r"(?:^|\s|;)(?:#|//|--|;|/\*|<!--|\{\{-?\s*/\*|\bREM\b)\s*outlive:")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")  # fromisoformat alone also takes 20270131 on 3.11+
_RULE_ID = re.compile(r"^LLC-[A-Z0-9]+-\d{3}$")
_PRAGMA = re.compile(r"pragma:\s*allowlist\s+(?P<next>nextline\s+)?secret")
#: Other scanners' inline allows, honoured only with ``other_pragmas`` (same line only, as
#: gitleaks and trufflehog read them).
_OTHER_PRAGMAS = (
    (re.compile(r"\bgitleaks:allow\b"), "gitleaks:allow (gitleaks)"),
    (re.compile(r"\btrufflehog:ignore\b"), "trufflehog:ignore (trufflehog)"),
)
#: Soon enough to warn that an ``until=`` will end a suppression (and fail a gate).
EXPIRY_WARNING_DAYS = 14


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

    def expires_soon(self, today: dt.date, days: int = EXPIRY_WARNING_DAYS) -> bool:
        """Still in force, but not ``days`` days from ``today``."""
        return self.until is not None and today <= self.until < today + dt.timedelta(days=days)


@dataclass(frozen=True, slots=True)
class DirectiveError:
    line: int
    message: str


def parse_line(
    text: str,
    line: int,
    *,
    allow_blanket: bool = False,
    require_reason: bool = True,
    other_pragmas: bool = False,
) -> Directive | DirectiveError | None:
    """Parse one source line; None when it holds no directive at all."""
    pragma = _PRAGMA.search(text)
    if pragma is not None and "outlive:" not in text:
        target = line + 1 if pragma.group("next") else line
        return Directive(target, (), "pragma: allowlist secret (detect-secrets)", None, pragma=True)
    if other_pragmas and "outlive:" not in text:
        for pattern, reason in _OTHER_PRAGMAS:
            found_pragma = pattern.search(text)
            if found_pragma is not None:
                # Free text after the pragma is often the why (`# trufflehog:ignore (test
                # fixture)`): kept with it, cut short, for --show-suppressed.
                why = text[found_pragma.end() :].strip(" \t\r\n-:;()[]+*/>")
                if why:
                    reason = f"{reason}: {why[:120]}"
                return Directive(line, (), reason, None, pragma=True)
    found = _directive_body(text)
    if found is None:
        return None
    body = _strip_trailer(found).strip()
    if body == "fixture":
        return None  # marks a file of deliberately fake credentials; suppresses nothing
    ignore = _split_ignore(body)
    if ignore is None:
        return DirectiveError(
            line,
            f"unknown outlive directive {body.split()[0]!r}; expected "
            'ignore[LLC-XXX-NNN] reason="..."'
            if body
            else 'empty outlive directive; expected ignore[LLC-XXX-NNN] reason="..."',
        )
    ids_text, rest = ignore
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
    pairs, pos = _read_args(rest)
    args: dict[str, str] = {}
    for key, value in pairs:
        if key in args:
            return DirectiveError(line, f"`{key}=` given twice in outlive: ignore")
        args[key] = value
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


def _directive_body(text: str) -> str | None:
    """What follows the first ``outlive:`` that opens a directive, or None.

    The body runs to the end of the text and holds no newline (a final one is dropped), as
    ``(?P<body>.*)$`` did; a head whose body would cross a newline is skipped. Heads found by
    ``finditer`` do not overlap, and one starting inside another ends at the same ``outlive:``,
    so the first head past the last inner newline is the one the old leftmost search found.
    """
    end = len(text) - 1 if text.endswith("\n") else len(text)
    last_newline = text.rfind("\n", 0, end)
    for head in _HEAD.finditer(text):
        if head.end() > last_newline:
            return text[head.end() : end]
    return None


def _strip_trailer(body: str) -> str:
    """``body`` without a closing ``-->``, ``*/`` or ``*/ -}}`` (a Helm comment) at its end.

    The text before the closer keeps its spaces; the caller strips it.
    """
    core = body.rstrip()
    if core.endswith("-->"):
        return core[:-3]
    if core.endswith("}}"):
        inner = core[:-2]
        if inner.endswith("-"):
            inner = inner[:-1]
        inner = inner.rstrip()
        return inner[:-2] if inner.endswith("*/") else body
    if core.endswith("*/"):
        return core[:-2]
    return body


def _split_ignore(body: str) -> tuple[str | None, str] | None:
    """``ignore[ids] rest`` as (ids or None when bracketless, rest); None when not an ignore.

    ``rest`` is empty or starts with whitespace: ``ignore[X]reason=...`` and ``ignorex`` are not
    ignores.
    """
    if not body.startswith("ignore"):
        return None
    tail = body[6:]
    if tail.startswith("["):
        close = tail.find("]", 1)
        if close == -1:
            return None
        rest = tail[close + 1 :]
        return (tail[1:close], rest) if not rest or rest[0].isspace() else None
    return (None, tail) if not tail or tail[0].isspace() else None


def _read_args(rest: str) -> tuple[list[tuple[str, str]], int]:
    """The leading ``key="quoted"`` / ``key=bare`` arguments of ``rest`` and where they end.

    Each argument is whitespace, a lowercase key, ``=``, then a quoted value (up to the next
    quote) or else a bare run of non-space characters. One pass: the search for a closing quote
    is skipped once none is left, so ``a="x b="x ...`` stays linear.
    """
    pairs: list[tuple[str, str]] = []
    length = len(rest)
    last_quote = rest.rfind('"')
    pos = 0
    while True:
        at = pos
        while at < length and rest[at].isspace():
            at += 1
        if at == pos:
            break
        key_end = at
        while key_end < length and "a" <= rest[key_end] <= "z":
            key_end += 1
        if key_end == at or key_end >= length or rest[key_end] != "=":
            break
        value_at = key_end + 1
        close = -1
        if value_at < length and rest[value_at] == '"' and value_at < last_quote:
            close = rest.find('"', value_at + 1)
        if close != -1:
            pairs.append((rest[at:key_end], rest[value_at + 1 : close]))
            pos = close + 1
            continue
        value_end = value_at
        while value_end < length and not rest[value_end].isspace():
            value_end += 1
        if value_end == value_at:
            break
        pairs.append((rest[at:key_end], rest[value_at:value_end]))
        pos = value_end
    return pairs, pos


#: Words without which a text holds no directive (the pragmas' own words: cheap to look for).
_OTHER_WORDS = ("gitleaks:allow", "trufflehog:ignore")


def _may_hold_directive(text: str, other_pragmas: bool) -> bool:
    """``outlive:``, detect-secrets' ``pragma: allowlist`` (both words: an API's "allowlist"
    alone is no pragma), or with ``other_pragmas`` gitleaks' and trufflehog's words."""
    if "outlive:" in text or ("allowlist" in text and "pragma:" in text):
        return True
    return other_pragmas and any(word in text for word in _OTHER_WORDS)


def parse_text(
    text: str,
    *,
    allow_blanket: bool = False,
    require_reason: bool = True,
    python: bool = False,
    syntax: CommentSyntax | None = None,
    other_pragmas: bool = False,
) -> tuple[list[Directive], list[DirectiveError]]:
    """Every directive in the comments of a file, and at most one error per line.

    ``syntax`` says which text is a comment (``comment_syntax``); without it ``python=True``
    reads Python and anything else reads every line. ``other_pragmas`` honours gitleaks' and
    trufflehog's allows too. Cheap: files that mention neither ``outlive:`` nor a pragma are
    not lexed at all.
    """
    directives: list[Directive] = []
    errors: list[DirectiveError] = []
    if not _may_hold_directive(text, other_pragmas):
        return directives, errors
    if syntax is None:
        syntax = PYTHON if python else LINES
    failed: set[int] = set()
    for number, piece in comment_pieces(text, syntax):
        if not _may_hold_directive(piece, other_pragmas):
            continue
        parsed = parse_line(
            piece,
            number,
            allow_blanket=allow_blanket,
            require_reason=require_reason,
            other_pragmas=other_pragmas,
        )
        if isinstance(parsed, Directive):
            directives.append(parsed)
        elif isinstance(parsed, DirectiveError) and number not in failed:
            failed.add(number)
            errors.append(parsed)
    return directives, errors


def expiring(
    directives: list[Directive], used: set[tuple[int, str]], today: dt.date
) -> list[DirectiveError]:
    """A warning per directive that suppressed something and whose ``until`` comes within
    ``EXPIRY_WARNING_DAYS``: the day it passes, the finding fails the gate again."""
    out = []
    for index, directive in enumerate(directives):
        if directive.until is None or not directive.expires_soon(today):
            continue
        if not any(i == index for i, _ in used):
            continue
        days = (directive.until - today).days
        when = "today" if days == 0 else f"in {days} day{'s' if days != 1 else ''}"
        out.append(
            DirectiveError(
                directive.line,
                f"the outlive: ignore on line {directive.line} expires on {directive.until} "
                f"({when}); after that its finding counts again: fix it, or renew `until=` "
                "with a reason",
            )
        )
    return out


def unused(
    directives: list[Directive],
    used: set[tuple[int, str]],
    judged: Callable[[str], bool],
    known: Callable[[str], bool],
) -> list[DirectiveError]:
    """``--report-unused-ignores``: each rule id of an ``outlive: ignore`` that suppressed
    nothing on its lines (ruff's RUF100). Only ids the scan could have reported here count
    (``judged``: selected, not per-path ignored), so ``--select`` never makes a directive
    look unused; an id that names no rule (``known``) is always reported. Other tools'
    pragmas are left alone: they may still serve the tool they were written for."""
    out = []
    for index, directive in enumerate(directives):
        if directive.pragma:
            continue
        hit = {rule for i, rule in used if i == index}
        if not directive.rule_ids:
            if not hit:
                out.append(
                    DirectiveError(
                        directive.line,
                        f"unused suppression: the blanket outlive: ignore on line "
                        f"{directive.line} matched no finding; remove it",
                    )
                )
            continue
        for rule_id in directive.rule_ids:
            if rule_id in hit:
                continue
            if not known(rule_id):
                why = f"names {rule_id}, which is not an outlive rule"
            elif judged(rule_id):
                why = f"matched no {rule_id} finding on its line or the next"
            else:
                continue
            out.append(
                DirectiveError(
                    directive.line,
                    f"unused suppression: the outlive: ignore on line {directive.line} {why}; "
                    "remove the id (or the whole comment)",
                )
            )
    return out
