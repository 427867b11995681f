"""The comment syntax of every file format outlive reads, and ``comment_syntax`` to pick one.

Data only: the lexers that read these descriptions live in ``scanner.comments``. Kept apart so
that both stay small and a new format is a row here, not a change to the lexers.
"""

from __future__ import annotations

import re

from scanner.comments import CommentSyntax, Quote
from scanner.filekinds import KINDS, FileKind

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

#: Every syntax above by its name, the name a ``KindSpec.comments`` gives.
_BY_NAME: dict[str, CommentSyntax] = {
    s.name: s
    for s in (PYTHON, YAML, HELM, TOML, SHELL, DOTENV, DOCKERFILE, HCL, C_LIKE, JAVASCRIPT, GO,
              GROOVY, JSONC, CSS, SCSS, PHP, SQL, DASHES, HASH, INI, BATCH, XML, MARKDOWN, JSON,
              LINES)
}

#: Kinds whose syntax the kind alone settles (a JSON-suffixed file of a YAML kind is JSON),
#: read from the kind table: an unknown name there fails here, at import.
_BY_KIND: dict[FileKind, CommentSyntax] = {
    spec.kind: _BY_NAME[spec.comments] for spec in KINDS if spec.comments
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
    dot = base.rfind(".")
    return _BY_SUFFIX.get(base[dot:], LINES) if dot != -1 else LINES
