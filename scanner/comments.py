"""Where the comments of a file are: the comment syntax description and its linear lexers.

A directive is only a directive inside a real comment of the file's format. Documentation
that quotes the grammar (a Markdown page, a string in a test, a JSON example) must neither
suppress anything nor produce a warning, so each format says which text is a comment. The
lexers below are small and linear: they find strings (so that ``"# not a comment"`` stays
data), comments, and Markdown code (examples, so data too). YAML block scalars and heredocs
are different: they hold an embedded script or file (a workflow's ``run: |``, Terraform's
``user_data``), whose own ``#`` and ``//`` comments are the only place a key inside them can
be suppressed, so their lines are read as ``EMBEDDED`` text. They decide nothing else.

Kept apart from ``scanner.suppress`` (the directive grammar) because where comments are is a
question of file formats, not of directives; it imports nothing of outlive. The table saying
which syntax each file has is ``scanner.comment_syntaxes``.
"""

from __future__ import annotations

import bisect
import io
import re
import tokenize
from dataclasses import dataclass
from typing import Literal

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
    """Which text of a file format is a comment (``comment_syntaxes`` has one per format).

    ``mode`` is ``lex`` (the lexers below), ``python`` (the tokenizer), ``markdown`` (HTML
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


#: The body of a YAML block scalar or a heredoc: a script or file of a format not named, so the
#: comment markers common to them, a string never crossing a line (an unpaired quote must not
#: swallow the script), and an apostrophe inside a word (``don't``) opening nothing.
EMBEDDED = CommentSyntax(
    "embedded",
    line=("#", "//"),
    quotes=(Quote('"'), Quote("'", escapes=False)),
    spaced="",
    quote_after="=([{,:",
)

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

