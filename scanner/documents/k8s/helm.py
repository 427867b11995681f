"""Helm chart templates as YAML: mask the template actions, keep what parses.

A chart template is Go text/template over YAML and is not YAML until rendered; rendering needs
the chart's values and the Helm binary, which outlive does not run. Masking keeps positions:
an action alone on its lines (``{{- if .Values.x }}``, ``{{- toYaml . | nindent 8 }}``) is
removed (its newlines kept), and so is the whole value of a key (``labels: {{- include ... |
nindent 4 }}``, which renders as a nested mapping); an action inside a line becomes ``«___»``
of the same length (a plain scalar, recognisably templated). Each ``---`` document is composed
on its own, and a document that still does not parse is dropped without a word: the template
was never promised to be YAML, and the raw-text rules read the file whatever happens here.
"""

from __future__ import annotations

import re

import yaml

from scanner.documents.k8s.model import TEMPLATE_MARK
from scanner.documents.text import max_bracket_depth
from scanner.documents.yaml import MAX_NESTING, Node

try:
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml missing
    _Loader = yaml.SafeLoader

_ACTION = re.compile(r"\{\{.*?\}\}", re.DOTALL)
_KEY_END = re.compile(r"^\s*(?:-\s+)?[^\s#'\"][^#]*:\s*$")
_SEPARATOR = re.compile(r"(?m)^---[ \t]*(?:#.*)?$")
#: Bound on the documents composed per template (a generated file of thousands of objects).
MAX_DOCUMENTS = 500


def mask(text: str) -> str:
    """``text`` with every template action masked; every line keeps its number, and every
    character that is kept keeps its column."""
    out: list[str] = []
    last = 0
    for match in _ACTION.finditer(text):
        start, end = match.span()
        out.append(text[last:start])
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        line_end = len(text) if line_end < 0 else line_end
        before = _ACTION.sub("", text[line_start:start])
        after = _ACTION.sub("", text[end:line_end])
        action = match.group(0)
        if not after.strip() and (not before.strip() or _KEY_END.search(before)):
            # Alone on its line(s), or the whole value of `key:` (`labels: {{- include ... |
            # nindent 4 }}`, often followed by more of the mapping): rendered YAML or a
            # computed scalar; blank leaves `key:` a mapping the next lines may fill.
            # Removed, not spaced out: only later lines' columns matter, and a line of
            # spaces deeper than a block scalar's first line would break it.
            if not before.strip() and out:
                out[-1] = out[-1].rstrip(" \t")
            out.append(re.sub(r"[^\n]", "", action))
        elif "\n" in action:
            out.append(re.sub(r"[^\n]", "_", action))
        else:
            out.append(TEMPLATE_MARK + "_" * (len(action) - 2) + "\u00bb")
        last = end
    out.append(text[last:])
    return "".join(out)


def compose(text: str) -> tuple[Node, ...]:
    """The roots of the documents of a template that parse once masked, with true positions."""
    masked = mask(text)
    if max_bracket_depth(masked, MAX_NESTING) > MAX_NESTING:
        return ()
    roots: list[Node] = []
    starts = [0] + [m.end() for m in _SEPARATOR.finditer(masked)]
    ends = [m.start() for m in _SEPARATOR.finditer(masked)] + [len(masked)]
    for start, end in list(zip(starts, ends, strict=True))[:MAX_DOCUMENTS]:
        chunk = masked[start:end]
        if not chunk.strip():
            continue
        # Blank lines in front keep every mark's line true to the file; the column of the
        # chunk's first line is kept by padding with spaces.
        line = masked.count("\n", 0, start)
        column = start - (masked.rfind("\n", 0, start) + 1)
        try:
            root = yaml.compose("\n" * line + " " * column + chunk, Loader=_Loader)
        except yaml.YAMLError:
            continue
        if root is not None:
            roots.append(root)
    return tuple(roots)
