"""Judging one value: does it have a provider's format, could it be a credential at all.

The Python rules (PY-005, PY-007) ask these about a literal they already hold; the text rules
find tokens in raw text through the catalogue instead.
"""

from __future__ import annotations

import re

from scanner.secrets.filters import is_placeholder, looks_fake, shannon_entropy

#: Well-known credential shapes, whole-value matches: (pattern, what it is). Enough to name the
#: provider in a message and raise severity; the SRC rules remain the authority on formats.
_CREDENTIAL_FORMATS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), label)
    for pattern, label in (
        (r"(?:AKIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16}", "long-term AWS access key id"),
        (r"gh[pousr]_[A-Za-z0-9]{36,}", "GitHub token"),
        (r"github_pat_[A-Za-z0-9_]{22,}", "GitHub fine-grained token"),
        (r"gl(?:pat|dt|ptt|rt|oas|cbt)-[A-Za-z0-9_-]{20,}", "GitLab token"),
        (r"xox[abposr]-[A-Za-z0-9-]{10,}", "Slack token"),
        (r"(?:sk|rk)_live_[A-Za-z0-9]{20,}", "Stripe live key"),
        (r"sk-ant-[a-z]+\d*-[A-Za-z0-9_-]{20,}", "Anthropic API key"),
        (r"sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}", "OpenAI API key"),
        (r"AIza[0-9A-Za-z_-]{35}", "Google API key"),
        (r"hv[sbr]\.[A-Za-z0-9_-]{24,}", "Vault token"),
        (r"hf_[A-Za-z0-9]{34,}", "Hugging Face token"),
        (r"npm_[A-Za-z0-9]{36}", "npm token"),
        (r"pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}", "PyPI token"),
        # A key body, not a stand-in (``"...PRIVATE KEY-----\\nINLINE KEY\\n-----END..."``).
        (r"(?s)-----BEGIN [A-Z ]*PRIVATE KEY-----(?=.*[A-Za-z0-9+/]{40}).+", "private key"),
        (r"(?s).*AccountKey=[A-Za-z0-9+/=]{40,}.*", "Azure storage account key"),
    )
)


def credential_format(value: str) -> str | None:
    """The provider format ``value`` has (``"GitHub token"``), or None for anything else."""
    stripped = value.strip()
    for pattern, label in _CREDENTIAL_FORMATS:
        if pattern.fullmatch(stripped):
            return label
    return None


#: Values that name something instead of being a secret: ``no-key-required``, ``OPENAI_API_KEY``
#: (an environment variable's name passed by mistake), paths and URLs.
_NOT_A_SECRET = re.compile(
    r"^(?:[a-z]+(?:[-_.][a-z]+)*|[A-Z]+(?:[-_.][A-Z]+)*)$|://|^[/~.]"
)


def credential_shaped(value: str, min_length: int = 16, *, random: bool = False) -> bool:
    """Could ``value`` be a credential: long enough, one word, not a placeholder.

    Words joined by dashes or underscores in one case (``no-key-required``, ``OPENAI_API_KEY``),
    paths and URLs are names, not secrets. ``random=True`` adds the entropy gate for values
    found by name alone (a keyword such as ``api_key=``): letters and digits mixed, at least 3
    bits of entropy per character, and not obviously hand-made (``looks_fake``). A known
    provider format always passes.
    """
    if credential_format(value) is not None:
        return True
    if len(value) < min_length or any(c.isspace() for c in value) or is_placeholder(value):
        return False
    if _NOT_A_SECRET.search(value):
        return False
    if not random:
        return True
    has_digit = any(c.isdigit() for c in value)
    has_alpha = any(c.isalpha() for c in value)
    return has_digit and has_alpha and shannon_entropy(value) >= 3.0 and not looks_fake(value)
