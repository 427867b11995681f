"""Plain text with offset-to-position mapping: the document every text file gets.

Rules that scan raw text (the secret formats) work on character offsets; this converts an offset
span to the 1-based line and column of the output contract in one place.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from scanner.findings import Location

_NEWLINE = re.compile(r"\r\n|\r|\n")
_BRACKETS = re.compile(r"[\[\](){}]")


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open range of character offsets ``[start, end)`` in a document's text."""

    start: int
    end: int


class TextDocument:
    """The decoded text of a file, with line starts for position lookups."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        self._starts: list[int] | None = None

    @property
    def _line_starts(self) -> list[int]:
        """Computed on first use: most files have no finding and never need a position."""
        if self._starts is None:
            starts = [0]
            starts.extend(m.end() for m in _NEWLINE.finditer(self.text))
            self._starts = starts
        return self._starts

    @property
    def line_count(self) -> int:
        return len(self._line_starts)

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset."""
        offset = max(0, min(offset, len(self.text)))
        index = bisect.bisect_right(self._line_starts, offset) - 1
        return index + 1, offset - self._line_starts[index] + 1

    def offset(self, line: int, column: int) -> int:
        """Character offset of a 1-based (line, column)."""
        line = max(1, min(line, len(self._line_starts)))
        return self._line_starts[line - 1] + column - 1

    def locate(self, span: Span) -> Location:
        line, column = self.position(span.start)
        end_line, end_column = self.position(max(span.end, span.start))
        return Location(self.path, line, column, end_line, end_column)

    def line_text(self, line: int) -> str:
        """The text of a 1-based line, without its line break."""
        if line < 1 or line > len(self._line_starts):
            return ""
        start = self._line_starts[line - 1]
        end = self._line_starts[line] if line < len(self._line_starts) else len(self.text)
        return self.text[start:end].rstrip("\r\n")

    def line_span(self, line: int) -> Span:
        """The span of a 1-based line, without its line break."""
        start = self.offset(line, 1)
        return Span(start, start + len(self.line_text(line)))


def max_bracket_depth(text: str, limit: int) -> int:
    """Upper bound of bracket nesting, cheap when the text has few brackets.

    Native parsers (libyaml, LibCST's) crash the process on absurd nesting instead of raising,
    so callers refuse a document whose bound passes ``limit``. Brackets inside strings count too:
    the bound may be high, never low.
    """
    opens = text.count("[") + text.count("{") + text.count("(")
    if opens <= limit:
        return opens
    depth = deepest = 0
    for match in _BRACKETS.finditer(text):
        if match.group() in "[({":
            depth += 1
            deepest = max(deepest, depth)
        elif depth:
            depth -= 1
    return deepest
