"""The Python document and its analyses, one module per floor (design.md 2b).

``syntax`` and ``walk`` are pure helpers; ``names`` (imports) < ``bindings`` < ``values`` <
``fold`` are the floors of the document itself; ``flow`` and the analyses on it (``loops``,
``schedules``, ``sources``) see the document only through those floors; ``document`` puts them
together; ``guard`` screens text before LibCST sees it; ``libraries/`` holds library facts.

The names below load on first use (module ``__getattr__``): ``guard`` and the sink screens
live in this package but need no LibCST, and a worker that screens Python files without
building a LibCST document should not pay for importing it (about 0.2 s).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scanner.documents.python.bindings import Assignment, KeyWrite, ScopeNode
    from scanner.documents.python.document import (
        MAX_NESTING,
        PythonDocument,
        PythonParseError,
        is_test_path,
    )
    from scanner.documents.python.schedules import Schedule
    from scanner.documents.python.sources import CredentialClass, CredentialSource
    from scanner.documents.python.syntax import (
        call_argument,
        dotted_name,
        is_literal,
        literal_dict_keys,
        literal_number,
        string_value,
    )
    from scanner.documents.python.values import Origin

#: Exported name -> the module that defines it.
_LAZY = {
    "Assignment": "bindings",
    "KeyWrite": "bindings",
    "ScopeNode": "bindings",
    "MAX_NESTING": "document",
    "PythonDocument": "document",
    "PythonParseError": "document",
    "is_test_path": "document",
    "Schedule": "schedules",
    "CredentialClass": "sources",
    "CredentialSource": "sources",
    "call_argument": "syntax",
    "dotted_name": "syntax",
    "is_literal": "syntax",
    "literal_dict_keys": "syntax",
    "literal_number": "syntax",
    "string_value": "syntax",
    "Origin": "values",
}


def __getattr__(name: str) -> object:
    """Load an exported name on first use and keep it (PEP 562)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "MAX_NESTING",
    "Assignment",
    "CredentialClass",
    "CredentialSource",
    "KeyWrite",
    "Origin",
    "PythonDocument",
    "PythonParseError",
    "Schedule",
    "ScopeNode",
    "call_argument",
    "dotted_name",
    "is_literal",
    "is_test_path",
    "literal_dict_keys",
    "literal_number",
    "string_value",
]
