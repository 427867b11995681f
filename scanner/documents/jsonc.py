"""JSON with comments (``devcontainer.json``): comments and trailing commas blanked out.

VS Code's configuration files are JSONC: ``//`` and ``/* */`` comments and trailing commas,
which the YAML composer that reads every JSON file rejects. Each is replaced by spaces of the
same length (line breaks kept), so the composed nodes keep the file's exact positions. Valid
JSON comes back unchanged: it has no comment or trailing comma outside a string.
"""

from __future__ import annotations

from collections.abc import Callable


def strip_jsonc(text: str) -> str:
    """``text`` with comments outside strings, and commas before ``}``/``]``, blanked."""
    if "/" not in text and "," not in text:
        return text
    out = _outside_strings(list(text), _comment)
    return "".join(_outside_strings(out, _trailing_comma))


def _outside_strings(out: list[str], act: Callable[[list[str], int], int]) -> list[str]:
    """Call ``act(out, i)`` at each index outside a JSON string; it returns the next index."""
    i, n = 0, len(out)
    in_string = False
    while i < n:
        ch = out[i]
        if in_string:
            if ch == "\\":
                i += 2
                continue
            in_string = ch != '"'
            i += 1
        elif ch == '"':
            in_string = True
            i += 1
        else:
            i = act(out, i)
    return out


def _comment(out: list[str], i: int) -> int:
    n = len(out)
    if out[i] != "/" or i + 1 >= n or out[i + 1] not in "/*":
        return i + 1
    if out[i + 1] == "/":
        end = i
        while end < n and out[end] not in "\r\n":
            end += 1
    else:
        end = i + 2
        while end + 1 < n and not (out[end] == "*" and out[end + 1] == "/"):
            end += 1
        end = min(n, end + 2)
    for k in range(i, end):
        if out[k] not in "\r\n":
            out[k] = " "
    return end


def _trailing_comma(out: list[str], i: int) -> int:
    if out[i] == ",":
        k = i + 1
        while k < len(out) and out[k].isspace():
            k += 1
        if k < len(out) and out[k] in "}]":
            out[i] = " "
    return i + 1
