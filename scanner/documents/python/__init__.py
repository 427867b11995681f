"""The Python document and its analyses, one module per floor (design.md 2b).

``syntax`` and ``walk`` are pure helpers; ``names`` (imports) < ``bindings`` < ``values`` <
``fold`` are the floors of the document itself; ``flow`` and the analyses on it (``loops``,
``schedules``, ``sources``) see the document only through those floors; ``document`` puts them
together; ``guard`` screens text before LibCST sees it; ``libraries/`` holds library facts.
"""

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
