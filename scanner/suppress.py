"""Inline suppressions: ``outlive: ignore[LLC-SRC-001] reason="..." until=2027-01-31``.

The grammar is strict on purpose (zizmor's lesson): a suppression that silently fails to parse
hides nothing, and one that parses too loosely hides too much. A blanket ``ignore`` is refused,
a reason is required, and a suppression past its ``until`` date stops suppressing and says so.
detect-secrets' ``pragma: allowlist secret`` is honoured for teams migrating from it.
"""

from __future__ import annotations

import bisect
import datetime as dt
import io
import re
import tokenize
from dataclasses import dataclass
from typing import Literal

from scanner.filekinds import YAML_KINDS, FileKind

# A directive must sit in a comment of one of the syntaxes we scan. Only the head is a regex; the
# rest of the grammar is read by the linear helpers below: the regexes it replaced backtracked over
# whitespace runs (a 32 KB comment line took half a minute). Every piece is linear in the line.
_HEAD = re.compile(r"(?:^|\s|;)(?:#|//|--|;|/\*|<!--|\{\{-?\s*/\*|\bREM\b)\s*outlive:")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")  # fromisoformat alone also takes 20270131 on 3.11+
_RULE_ID = re.compile(r"^LLC-[A-Z0-9]+-\d{3}$")
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


#: Runs of blanks longer than this are cut to this length before tokenizing (see below).
BLANK_RUN_MAX = 64
_BLANK_RUN = re.compile(rf"[ \t\f]{{{BLANK_RUN_MAX + 1},}}")


def cap_blank_runs(text: str) -> str:
    """``text`` with every run of blanks cut to ``BLANK_RUN_MAX`` characters, lines kept.

    The pure-Python tokenizer (Python 3.11 and older) retries its token regex at every blank
    of a run that ends in a character no token starts with (``$``, ``?``, a backtick, a NUL),
    which is quadratic: 8,000 spaces then ``$`` take 40 seconds. Line numbers and the tokens
    themselves are unchanged, which is all the callers (comments, operator counts) use.
    """
    if len(text) <= BLANK_RUN_MAX:
        return text
    return _BLANK_RUN.sub(lambda m: m.group()[:BLANK_RUN_MAX], text)


def python_comments(text: str) -> dict[int, str] | None:
    """Line number to comment text of every real comment in Python source.

    In Python a ``# outlive: ...`` inside a string literal (a test of this very grammar, say)
    is data, not a directive; the tokenizer tells the two apart. None when the file does not
    tokenize: callers then fall back to reading every line.
    """
    comments: dict[int, str] = {}
    try:
        for token in tokenize.generate_tokens(io.StringIO(cap_blank_runs(text)).readline):
            if token.type == tokenize.COMMENT:
                comments[token.start[0]] = token.string
    except (tokenize.TokenError, SyntaxError, ValueError):
        return None
    return comments


# -- where comments are ---------------------------------------------------------------------
#
# A directive is only a directive inside a real comment of the file's format. Documentation
# that quotes the grammar (a Markdown page, a string in a test, a JSON example) must neither
# suppress anything nor produce a warning, so each format says which text is a comment. The
# lexers below are small and linear: they find strings (so that ``"# not a comment"`` stays
# data), comments, and Markdown code (examples, so data too). YAML block scalars and heredocs
# are different: they hold an embedded script or file (a workflow's ``run: |``, Terraform's
# ``user_data``), whose own ``#`` and ``//`` comments are the only place a key inside them can
# be suppressed, so their lines are read as ``EMBEDDED`` text. They decide nothing else.


@dataclass(frozen=True, slots=True)
class Quote:
    """A string delimiter: text from it to its closer is data, never a comment."""

    delimiter: str
    escapes: bool = True  # a backslash escapes the next character
    multiline: bool = False  # the string may span lines (else it ends at the line's end)
    doubled: bool = False  # the delimiter written twice is one literal delimiter (YAML '')
    #: A character literal (C, Go, Rust): one character or escape, else the quote is not one
    #: (a Rust lifetime ``'a``, a Haskell prime ``x'``) and opens nothing.
    char: bool = False


@dataclass(frozen=True, slots=True)
class CommentSyntax:
    """Which text of a file format is a comment (see ``comment_syntax``).

    ``mode`` is ``lex`` (the tables below), ``python`` (the tokenizer), ``markdown`` (HTML
    comments outside code), ``none`` (JSON: no comments at all) or ``lines`` (a format outlive
    does not know: every line is read, as a plain text file has no syntax to go by).
    """

    name: str
    mode: Literal["lex", "python", "markdown", "none", "lines"] = "lex"
    line: tuple[str, ...] = ()  # regexes opening a comment that runs to the end of the line
    block: tuple[tuple[str, str], ...] = ()  # (opener regex, closer regex)
    quotes: tuple[Quote, ...] = ()
    #: None: a line comment opens anywhere; else only at a line start, after a blank or after
    #: one of these characters (shell ``a#b`` and YAML ``a#b`` are data).
    spaced: str | None = None
    #: Characters after which a quote opens a string (YAML: ``it's`` is a plain scalar); None:
    #: anywhere.
    quote_after: str | None = None
    escapes_outside: bool = False  # ``\"`` outside a string is not a string (shell, C)
    heredocs: str | None = None  # "shell" (``<<-`` strips tabs) or "hcl" (closer may indent)
    yaml_blocks: bool = False  # ``|`` and ``>`` block scalars hold embedded text


_DQ = Quote('"')
_SQ = Quote("'")
_SQ_RAW = Quote("'", escapes=False)
_CHAR = Quote("'", char=True)

PYTHON = CommentSyntax(
    "python",
    mode="python",
    line=("#",),
    quotes=(
        Quote('"""', escapes=False, multiline=True),
        Quote("'''", escapes=False, multiline=True),
        _DQ,
        _SQ,
    ),
)
YAML = CommentSyntax(
    "yaml",
    line=("#",),
    quotes=(Quote('"', multiline=True), Quote("'", escapes=False, multiline=True, doubled=True)),
    spaced="",
    quote_after="[{,:-?",
    yaml_blocks=True,
)
HELM = CommentSyntax(
    "helm",
    line=YAML.line,
    block=((r"\{\{-?\s*/\*", r"\*/\s*-?\}\}"),),
    quotes=YAML.quotes,
    spaced="",
    quote_after=YAML.quote_after,
    yaml_blocks=True,
)
TOML = CommentSyntax(
    "toml",
    line=("#",),
    quotes=(
        Quote('"""', escapes=False, multiline=True),
        Quote("'''", escapes=False, multiline=True),
        _DQ,
        _SQ_RAW,
    ),
)
SHELL = CommentSyntax(
    "shell",
    line=("#",),
    quotes=(Quote('"', multiline=True), Quote("'", escapes=False, multiline=True)),
    spaced=";&|()",
    escapes_outside=True,
    heredocs="shell",
)
DOTENV = CommentSyntax(
    "dotenv",
    line=("#",),
    quotes=(Quote('"', multiline=True), Quote("'", escapes=False, multiline=True)),
    spaced="",
    escapes_outside=True,
)
DOCKERFILE = CommentSyntax(
    "dockerfile",
    line=("#",),
    quotes=(_DQ, _SQ_RAW),
    spaced=";&|()",
    escapes_outside=True,
    heredocs="shell",
)
HCL = CommentSyntax(
    "hcl",
    line=("#", "//"),
    block=((r"/\*", r"\*/"),),
    quotes=(_DQ,),
    heredocs="hcl",
)
_C_BLOCK = ((r"/\*", r"\*/"),)
C_LIKE = CommentSyntax(
    "c-like", line=("//",), block=_C_BLOCK, quotes=(_DQ, _CHAR), escapes_outside=True
)
JAVASCRIPT = CommentSyntax(
    "javascript",
    line=("//",),
    block=_C_BLOCK,
    quotes=(_DQ, _SQ, Quote("`", multiline=True)),
    escapes_outside=True,
)
GO = CommentSyntax(
    "go",
    line=("//",),
    block=_C_BLOCK,
    quotes=(_DQ, _CHAR, Quote("`", escapes=False, multiline=True)),
    escapes_outside=True,
)
GROOVY = CommentSyntax(
    "groovy",
    line=("//",),
    block=_C_BLOCK,
    quotes=(
        Quote('"""', escapes=False, multiline=True),
        Quote("'''", escapes=False, multiline=True),
        _DQ,
        _SQ,
    ),
    escapes_outside=True,
)
JSONC = CommentSyntax("jsonc", line=("//",), block=_C_BLOCK, quotes=(_DQ,))
CSS = CommentSyntax("css", block=_C_BLOCK, quotes=(_DQ, _SQ))
SCSS = CommentSyntax("scss", line=("//",), block=_C_BLOCK, quotes=(_DQ, _SQ))
PHP = CommentSyntax(
    "php", line=("//", "#"), block=_C_BLOCK, quotes=(_DQ, _SQ), escapes_outside=True
)
SQL = CommentSyntax(
    "sql", line=("--",), block=_C_BLOCK, quotes=(Quote("'", escapes=False, multiline=True),)
)
DASHES = CommentSyntax("dashes", line=("--",), quotes=(_DQ, _CHAR))  # Lua, Haskell
HASH = CommentSyntax("hash", line=("#",), quotes=(_DQ, _SQ), spaced="")  # Ruby, Perl, R, ...
INI = CommentSyntax("ini", line=("#", ";"), spaced="")
BATCH = CommentSyntax("batch", line=(r"(?i:\bREM\b)",), spaced="@")
XML = CommentSyntax("xml", block=((r"<!--", r"-->"),))
MARKDOWN = CommentSyntax("markdown", mode="markdown")
JSON = CommentSyntax("json", mode="none")
LINES = CommentSyntax("text", mode="lines")
#: The body of a YAML block scalar or a heredoc: a script or file of a format not named, so the
#: comment markers common to them, a string never crossing a line (an unpaired quote must not
#: swallow the script), and an apostrophe inside a word (``don't``) opening nothing.
EMBEDDED = CommentSyntax(
    "embedded", line=("#", "//"), quotes=(_DQ, _SQ_RAW), spaced="", quote_after="=([{,:"
)

#: File name extensions (lower-cased) to syntax, for files whose kind does not settle it.
_BY_SUFFIX: dict[str, CommentSyntax] = {
    ".py": PYTHON,
    ".pyi": PYTHON,
    ".pyw": PYTHON,
    ".yml": YAML,
    ".yaml": YAML,
    ".toml": TOML,
    ".json": JSON,
    ".jsonc": JSONC,
    ".json5": JSONC,
    ".md": MARKDOWN,
    ".markdown": MARKDOWN,
    ".html": XML,
    ".htm": XML,
    ".xhtml": XML,
    ".xml": XML,
    ".svg": XML,
    ".plist": XML,
    ".csproj": XML,
    ".sh": SHELL,
    ".bash": SHELL,
    ".zsh": SHELL,
    ".ksh": SHELL,
    ".mk": SHELL,
    ".env": DOTENV,
    ".tf": HCL,
    ".tfvars": HCL,
    ".hcl": HCL,
    ".nomad": HCL,
    ".js": JAVASCRIPT,
    ".mjs": JAVASCRIPT,
    ".cjs": JAVASCRIPT,
    ".jsx": JAVASCRIPT,
    ".ts": JAVASCRIPT,
    ".tsx": JAVASCRIPT,
    ".mts": JAVASCRIPT,
    ".cts": JAVASCRIPT,
    ".go": GO,
    ".java": C_LIKE,
    ".kt": C_LIKE,
    ".kts": C_LIKE,
    ".scala": C_LIKE,
    ".swift": C_LIKE,
    ".c": C_LIKE,
    ".h": C_LIKE,
    ".cc": C_LIKE,
    ".cpp": C_LIKE,
    ".hpp": C_LIKE,
    ".cs": C_LIKE,
    ".rs": C_LIKE,
    ".dart": JAVASCRIPT,
    ".groovy": GROOVY,
    ".gradle": GROOVY,
    ".php": PHP,
    ".css": CSS,
    ".scss": SCSS,
    ".less": SCSS,
    ".sql": SQL,
    ".lua": DASHES,
    ".hs": DASHES,
    ".rb": HASH,
    ".pl": HASH,
    ".pm": HASH,
    ".r": HASH,
    ".ex": HASH,
    ".exs": HASH,
    ".cmake": HASH,
    ".ini": INI,
    ".cfg": INI,
    ".conf": INI,
    ".properties": INI,
    ".bat": BATCH,
    ".cmd": BATCH,
}

#: Kinds whose syntax the kind alone settles (a JSON-suffixed file of a YAML kind is JSON).
_BY_KIND: dict[FileKind, CommentSyntax] = {
    FileKind.PYTHON: PYTHON,
    FileKind.SHELL: SHELL,
    FileKind.DOTENV: DOTENV,
    FileKind.DOCKERFILE: DOCKERFILE,
    FileKind.TERRAFORM: HCL,
    FileKind.JENKINSFILE: GROOVY,
    FileKind.HELM: HELM,
}

_JSONC_NAMES = re.compile(r"(?:^|/)(?:\.vscode/[^/]*|[tj]sconfig[^/]*)\.json$")


def comment_syntax(path: str, kind: FileKind = FileKind.TEXT, head: str = "") -> CommentSyntax:
    """The comment syntax of the file at ``path`` of ``kind`` (``head``: its first characters).

    The kind decides where it is precise (Python, shell, Terraform, ...); otherwise the name's
    suffix does, and a file outlive knows no syntax for is read line by line, as before.
    """
    lowered = path.replace("\\", "/").lower()
    base = lowered.rsplit("/", 1)[-1]
    if lowered.endswith(".json"):
        if kind is FileKind.DEVCONTAINER or _JSONC_NAMES.search(lowered):
            return JSONC
        return JSON
    if base.endswith(".template") and kind is FileKind.CLOUDFORMATION:
        return JSON if head.lstrip().startswith("{") else YAML
    known = _BY_KIND.get(kind)
    if known is not None:
        return known
    if kind in YAML_KINDS:
        return YAML
    dot = base.rfind(".")
    return _BY_SUFFIX.get(base[dot:], LINES) if dot != -1 else LINES

_NEWLINES = re.compile(r"\r\n?")
_NOT_NEWLINE = re.compile(r"[^\n]")


def comment_pieces(text: str, syntax: CommentSyntax) -> list[tuple[int, str]]:
    """(line number, comment text on that line) for every comment of ``text``.

    A comment over several lines gives one piece per line; only its first piece starts with
    the opener, so a directive must open its comment, as the grammar requires. Lines are
    counted as the rest of outlive counts them (``\\n``, ``\\r\\n`` or a lone ``\\r``).
    """
    text = _NEWLINES.sub("\n", text)
    if syntax.mode == "none":
        return []
    if syntax.mode == "lines":
        return list(enumerate(text.split("\n"), start=1))
    if syntax.mode == "python":
        comments = python_comments(text)
        if comments is not None:
            return sorted(comments.items())
        # Does not tokenize: the lexer still keeps strings apart from comments.
    elif syntax.mode == "markdown":
        return _pieces(text, _markdown_comments(text))
    if not syntax.yaml_blocks:
        return _pieces(text, _lex(text, syntax))
    blocks = _yaml_blocks(text)
    if not blocks:
        return _pieces(text, _lex(text, syntax))
    # Lex the YAML with the blocks blanked (offsets and line breaks kept), then each block as
    # embedded text.
    parts, at = [], 0
    for start, end in blocks:
        parts += [text[at:start], _NOT_NEWLINE.sub(" ", text[start:end])]
        at = end
    spans = _lex("".join([*parts, text[at:]]), syntax)
    for start, end in blocks:
        spans += _lex(text, EMBEDDED, start, end)
    return _pieces(text, sorted(spans))


def _pieces(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, str]]:
    """Split comment spans (sorted by start) into per-line pieces.

    A span starting inside the one before is dropped: a Helm ``{{/* ... */}}`` comment over
    lines that look like a block scalar is one comment, not two.
    """
    pieces: list[tuple[int, str]] = []
    number, at, covered = 1, 0, 0
    for start, end in spans:
        if start < covered:
            continue
        covered = end
        number += text.count("\n", at, start)
        at = start
        for offset, part in enumerate(text[start:end].split("\n")):
            pieces.append((number + offset, part))
    return pieces


def _opener(syntax: CommentSyntax) -> re.Pattern[str]:
    """One regex finding the next place a string, comment or heredoc may start."""
    cached = _OPENERS.get(syntax.name)
    if cached is not None:
        return cached
    parts: list[str] = []
    if syntax.escapes_outside:
        parts.append(r"(?P<esc>\\[\s\S])")
    for index, (opener, _) in enumerate(syntax.block):
        parts.append(f"(?P<b{index}>{opener})")
    if syntax.line:
        before = "" if syntax.spaced is None else f"(?<![^\\s{re.escape(syntax.spaced)}])"
        parts.append(f"(?P<line>{before}(?:{'|'.join(syntax.line)}))")
    if syntax.heredocs:
        parts.append(_HEREDOC)
    for index, quote in enumerate(syntax.quotes):
        before = (
            ""
            if syntax.quote_after is None
            else f"(?<![^\\s{re.escape(syntax.quote_after)}])"
        )
        parts.append(f"(?P<q{index}>{before}{re.escape(quote.delimiter)})")
    pattern = re.compile("|".join(parts) if parts else r"(?!)")
    _OPENERS[syntax.name] = pattern
    return pattern


_OPENERS: dict[str, re.Pattern[str]] = {}
#: ``<<WORD``, ``<<-'WORD'``, ``<<"WORD"``, ``<<\WORD`` (not the ``<<<`` here-string).
_HEREDOC = (
    r"(?P<heredoc><<(?!<)(?P<strip>[-~]?)[ \t]*"
    r"(?:'(?P<w1>[^'\n]+)'|\"(?P<w2>[^\"\n]+)\"|\\?(?P<w3>[A-Za-z_][\w.-]*)))"
)
_CLOSERS: dict[str, re.Pattern[str]] = {}


def _closer(pattern: str) -> re.Pattern[str]:
    compiled = _CLOSERS.get(pattern)
    if compiled is None:
        compiled = _CLOSERS[pattern] = re.compile(pattern)
    return compiled


def _string_body(quote: Quote) -> re.Pattern[str]:
    """The rest of a string after its opening ``quote``, closer included."""
    key = f"{quote.delimiter}|{quote.escapes}|{quote.multiline}|{quote.doubled}|{quote.char}"
    compiled = _CLOSERS.get(key)
    if compiled is not None:
        return compiled
    d = re.escape(quote.delimiter)
    if quote.char:
        body = rf"(?:\\.[^{d}\n]{{0,9}}|[^\\{d}\n]){d}"
    elif len(quote.delimiter) > 1:
        body = rf"[\s\S]*?{d}" if quote.multiline else rf".*?{d}"
    else:
        newline = "" if quote.multiline else r"\n"
        backslash = "\\\\" if quote.escapes else ""
        plain = f"[^{d}{newline}{backslash}]*"
        if quote.escapes:
            escaped = r"\\[\s\S]" if quote.multiline else r"\\."
            body = f"{plain}(?:{escaped}{plain})*{d}"
        elif quote.doubled:
            body = f"{plain}(?:{d}{d}{plain})*{d}"
        else:
            body = f"{plain}{d}"
    compiled = _CLOSERS[key] = re.compile(body)
    return compiled


def _line_end(text: str, at: int) -> int:
    end = text.find("\n", at)
    return len(text) if end == -1 else end


def _lex(
    text: str, syntax: CommentSyntax, pos: int = 0, size: int | None = None
) -> list[tuple[int, int]]:
    """The spans of every comment of ``text[pos:size]``, skipping strings. Linear.

    An unterminated string ends at the end of its line (a stray apostrophe must not hide the
    rest of the file); an unterminated block comment runs to the end, as compilers read it.
    Heredoc bodies are read as ``EMBEDDED`` text.
    """
    opener = _opener(syntax)
    spans: list[tuple[int, int]] = []
    pending: list[tuple[str, bool]] = []  # heredocs opened on the current line
    pending_end = -1
    closers: dict[str, dict[str, list[int]]] = {}  # see _skip_heredocs
    size = len(text) if size is None else size
    while pos < size:
        match = opener.search(text, pos, size)
        if pending and (match is None or match.start() > pending_end):
            body = pending_end + 1
            end = _skip_heredocs(text, body, pending, syntax, closers)
            spans += _lex(text, EMBEDDED, body, end)
            pos = max(pos, end)
            pending = []
            continue
        if match is None:
            break
        group = match.lastgroup or ""
        start = match.start()
        if group == "esc":
            pos = match.end()
        elif group == "line":
            pos = min(_line_end(text, start), size)
            spans.append((start, pos))
        elif group.startswith("b"):
            closer = _closer(syntax.block[int(group[1:])][1]).search(text, match.end(), size)
            pos = size if closer is None else closer.end()
            spans.append((start, pos))
        elif group == "heredoc":
            word = match.group("w1") or match.group("w2") or match.group("w3") or ""
            pending.append((word, match.group("strip") == "-"))
            pending_end = _line_end(text, start)
            pos = match.end()
        else:
            quote = syntax.quotes[int(group[1:])]
            string = _string_body(quote).match(text, match.end(), size)
            if string is not None:
                pos = string.end()
            else:
                pos = match.end() if quote.char else min(_line_end(text, start), size)
    return spans


def _skip_heredocs(
    text: str,
    at: int,
    words: list[tuple[str, bool]],
    syntax: CommentSyntax,
    closers: dict[str, dict[str, list[int]]],
) -> int:
    """Where the bodies of the heredocs opened on the line before ``at`` end (closers included).

    A word with no closing line is not taken for a heredoc (``1<<x`` in shell arithmetic):
    nothing is skipped. Closing lines are looked up in an index of the file's lines, built
    once, so that many heredocs (or ``<<`` look-alikes) stay linear.
    """
    for word, strip_tabs in words:
        way = "strip" if syntax.heredocs == "hcl" else "tabs" if strip_tabs else "exact"
        index = closers.get(way)
        if index is None:
            index = closers[way] = _line_index(text, way)
        starts = index.get(word, [])
        found = bisect.bisect_left(starts, at)
        if found == len(starts):
            return at
        at = _line_end(text, starts[found]) + 1
    return min(at, len(text))


def _line_index(text: str, way: str) -> dict[str, list[int]]:
    """Each line of ``text`` (stripped as heredoc closers are compared) to its line starts."""
    index: dict[str, list[int]] = {}
    offset = 0
    for line in text.split("\n"):
        key = line.strip() if way == "strip" else line.lstrip("\t") if way == "tabs" else line
        if key:
            index.setdefault(key, []).append(offset)
        offset += len(line) + 1
    return index


_INDICATOR = re.compile(r"[|>][1-9+-]{0,2}")


def _block_parent(line: str) -> int | None:
    """The indentation a block scalar's content must exceed, if ``line`` opens one, else None.

    ``key: |``, ``- |``, ``- key: >-``, ``key: !Sub |`` (a tag or an anchor may come first)
    and a trailing ``# comment`` open one; ``key: a |`` is a plain scalar. Read word by word,
    not with one regex: a regex over the optional dashes, key and tags backtracks
    quadratically on a line of ``- - - ...``.
    """
    indent = len(line) - len(line.lstrip(" \t"))
    at, last_dash = indent, -1
    while line.startswith("-", at) and line[at + 1 : at + 2] in (" ", "\t"):
        last_dash = at
        at += 1
        while at < len(line) and line[at] in " \t":
            at += 1
    words = line[at:].split()
    for index, word in enumerate(words):
        if word.startswith("#"):
            words = words[:index]
            break
    if not words or not _INDICATOR.fullmatch(words[-1]):
        return None
    before = words[:-1]
    while before and before[-1][0] in "!&":
        before.pop()
    if before:
        return at if before[-1].endswith(":") else None
    return last_dash if last_dash != -1 else indent - 1


def _yaml_blocks(text: str) -> list[tuple[int, int]]:
    """The offsets of the content of every ``|`` and ``>`` block scalar of ``text``.

    Content is every following line that is blank or indented deeper than the node holding
    the indicator. The indicator line itself stays YAML (its ``# ...`` is a YAML comment).
    """
    blocks: list[tuple[int, int]] = []
    if "|" not in text and ">" not in text:
        return blocks
    parent: int | None = None  # the indentation a block's content must exceed
    block_start = offset = 0
    for line in text.split("\n"):
        start, offset = offset, offset + len(line) + 1
        if parent is not None:
            stripped = line.lstrip(" ")
            if not stripped.strip() or len(line) - len(stripped) > parent:
                continue
            blocks.append((block_start, start - 1))
            parent = None
        if "|" not in line and ">" not in line:
            continue
        parent = _block_parent(line)
        block_start = offset
    if parent is not None and block_start < len(text):
        blocks.append((block_start, len(text)))
    return [(a, b) for a, b in blocks if a < b]


_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})(.*)")
_MD_TOKEN = re.compile(r"<!--|`+")


def _markdown_comments(text: str) -> list[tuple[int, int]]:
    """The spans of the HTML comments of a Markdown document, outside code.

    Fenced code blocks, indented code blocks and code spans are data: a page that shows
    ``<!-- outlive: ignore[...] -->`` in a code block documents the syntax and must not
    suppress anything. A comment may span lines; a code span is read within its line.
    """
    spans: list[tuple[int, int]] = []
    fence: tuple[str, int] | None = None
    previous_blank, previous_code = True, False
    offset = 0
    comment_start: int | None = None
    for line in text.split("\n"):
        start, offset = offset, offset + len(line) + 1
        pos = 0
        if comment_start is not None:
            close = line.find("-->")
            if close == -1:
                continue
            spans.append((comment_start, start + close + 3))
            comment_start = None
            pos = close + 3
        else:
            if fence is not None:
                closing = _FENCE.fullmatch(line)
                if (
                    closing is not None
                    and closing.group(1)[0] == fence[0]
                    and len(closing.group(1)) >= fence[1]
                    and not closing.group(2).strip()
                ):
                    fence = None
                continue
            opening = _FENCE.fullmatch(line)
            if opening is not None and not (
                opening.group(1)[0] == "`" and "`" in opening.group(2)
            ):
                fence = (opening.group(1)[0], len(opening.group(1)))
                continue
            blank = not line.strip()
            indented = len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip(" ")) >= 4
            if not blank and indented and (previous_blank or previous_code):
                previous_blank, previous_code = False, True
                continue
            previous_blank, previous_code = blank, False
        runs: dict[int, list[int]] | None = None  # backtick run length -> their starts
        while True:
            token = _MD_TOKEN.search(line, pos)
            if token is None:
                break
            if token.group() == "<!--":
                close = line.find("-->", token.end())
                if close == -1:
                    comment_start = start + token.start()
                    break
                spans.append((start + token.start(), start + close + 3))
                pos = close + 3
                continue
            if runs is None:
                runs = {}
                for run in re.finditer(r"`+", line):
                    runs.setdefault(len(run.group()), []).append(run.start())
            length = len(token.group())
            starts = runs[length]
            later = bisect.bisect_right(starts, token.start())
            pos = starts[later] + length if later < len(starts) else token.end()
    if comment_start is not None:
        spans.append((comment_start, len(text)))
    return spans


def parse_text(
    text: str,
    *,
    allow_blanket: bool = False,
    require_reason: bool = True,
    python: bool = False,
    syntax: CommentSyntax | None = None,
) -> tuple[list[Directive], list[DirectiveError]]:
    """Every directive in the comments of a file, and at most one error per line.

    ``syntax`` says which text is a comment (``comment_syntax``); without it ``python=True``
    reads Python and anything else reads every line. Cheap: files that mention neither
    ``outlive:`` nor the pragma are not lexed at all.
    """
    directives: list[Directive] = []
    errors: list[DirectiveError] = []
    if "outlive:" not in text and "allowlist" not in text:
        return directives, errors
    if syntax is None:
        syntax = PYTHON if python else LINES
    failed: set[int] = set()
    for number, piece in comment_pieces(text, syntax):
        if "outlive:" not in piece and "allowlist" not in piece:
            continue
        parsed = parse_line(
            piece, number, allow_blanket=allow_blanket, require_reason=require_reason
        )
        if isinstance(parsed, Directive):
            directives.append(parsed)
        elif isinstance(parsed, DirectiveError) and number not in failed:
            failed.add(number)
            errors.append(parsed)
    return directives, errors
