"""Rule documentation, rendered from each rule's docstring and metadata.

The docstring is the single source: ``outlive explain``, ``outlive rules --format markdown`` and
SARIF ``help.markdown`` all come from here, so they cannot drift apart.
"""

from __future__ import annotations

import inspect
import re

from scanner.durations import describe_duration, parse_duration
from scanner.rulemeta import RuleSpec
from scanner.secrets import catalogue

REQUIRED_SECTIONS = (
    "## What it does",
    "## Why is this bad?",
    "## Example",
    "Use instead:",
    "## References",
)
#: The distribution whose metadata names the project's home (``[project.urls]`` in pyproject).
DISTRIBUTION = "outlive"
#: ``Project-URL`` labels that name the home, most specific first (PEP 753 well-known labels).
HOME_LABELS = ("repository", "source", "sourcecode", "homepage", "home")
#: An absolute https URL of RFC 3986 characters only: anything else would not be a valid ``uri``.
_HTTPS_URL = re.compile(r"https://[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")

OWASP_NHI = {
    "NHI1": ("Improper Offboarding", "1-improper-offboarding"),
    "NHI2": ("Secret Leakage", "2-secret-leakage"),
    "NHI3": ("Vulnerable Third-Party NHI", "3-vulnerable-third-party-nhi"),
    "NHI4": ("Insecure Authentication", "4-insecure-authentication"),
    "NHI5": ("Overprivileged NHI", "5-overprivileged-nhi"),
    "NHI6": (
        "Insecure Cloud Deployment Configurations",
        "6-insecure-cloud-deployment-configurations",
    ),
    "NHI7": ("Long-Lived Secrets", "7-long-lived-secrets"),
    "NHI8": ("Environment Isolation", "8-environment-isolation"),
    "NHI9": ("NHI Reuse", "9-nhi-reuse"),
    "NHI10": ("Human Use of NHI", "10-human-use-of-nhi"),
}
OWASP_BASE = "https://owasp.org/www-project-non-human-identities-top-10/2025/"


def owasp_url(nhi: str) -> str:
    return OWASP_BASE + OWASP_NHI[nhi][1] + "/"


def docstring(rule: RuleSpec) -> str:
    return inspect.cleandoc(rule.__doc__ or "")


def missing_sections(rule: RuleSpec) -> list[str]:
    doc = docstring(rule)
    return [s for s in REQUIRED_SECTIONS if s not in doc]


def what_it_does(rule: RuleSpec) -> str:
    """The first paragraph of ``## What it does``, as one line."""
    doc = docstring(rule)
    match = re.search(r"## What it does\s*\n(.*?)(?:\n\s*\n|\n##|$)", doc, re.S)
    return " ".join(match.group(1).split()) if match else rule.META.summary


def project_url() -> str | None:
    """The project's home as the installed package's metadata gives it, or None.

    The one place outlive learns where it lives: from ``[project.urls]`` in pyproject.toml, as
    ``Project-URL: Repository, https://...`` in the installed metadata. With no such entry
    (a project with no public home yet, or a copy installed without metadata) there is no URL
    to point at, and callers omit theirs rather than invent one. ``importlib.metadata`` is
    imported here, not at the top: it pulls in ``email`` and ``zipfile``, and only SARIF asks.
    """
    import importlib.metadata

    try:
        meta = importlib.metadata.metadata(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        return None
    urls: dict[str, str] = {}
    for entry in meta.get_all("Project-URL") or []:
        label, sep, url = entry.partition(",")
        url = url.strip()
        if sep and _HTTPS_URL.fullmatch(url):
            # PEP 753 normalisation: case, spaces and punctuation do not matter in labels.
            urls.setdefault(re.sub(r"[^a-z]", "", label.lower()), url.rstrip("/"))
    for label in HOME_LABELS:
        url = urls.get(label)
        if url:
            return url
    for entry in meta.get_all("Home-page") or []:
        home = str(entry).strip()
        if _HTTPS_URL.fullmatch(home):
            return home.rstrip("/")
    return None


def rule_anchor(rule: RuleSpec) -> str:
    """The anchor of a rule's section in docs/rules.md (``<a id="llc-py-001">``)."""
    return rule.META.id.lower()


def help_uri(rule: RuleSpec, home: str | None) -> str | None:
    """Where a rule's page is on the web: docs/rules.md in the repository at ``home``.

    Only a GitHub repository has a known address for a file in it; for any other home, or
    none, there is no help URL (the page itself travels in SARIF ``help.markdown``).
    """
    if not home or not re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", home):
        return None
    return f"{home.removesuffix('.git')}/blob/main/docs/rules.md#{rule_anchor(rule)}"


def rule_markdown(rule: RuleSpec, heading: str = "#") -> str:
    """The full page of a rule: title, a metadata table, then the docstring."""
    meta = rule.META
    owasp = ", ".join(f"[{o}:2025 {OWASP_NHI[o][0]}]({owasp_url(o)})" for o in meta.owasp)
    kinds = (
        ", ".join(sorted(k.value for k in meta.kinds)) if len(meta.kinds) < 10 else "any text file"
    )
    body = docstring(rule).replace("\n## ", f"\n{heading}## ")
    if body.startswith("## "):
        body = heading + body
    return (
        f"{heading} {meta.id}: {meta.summary}\n\n"
        f"| | |\n|---|---|\n"
        f"| name | `{meta.name}` |\n"
        f"| category | {meta.category.value} |\n"
        f"| severity | {meta.severity.value} |\n"
        f"| precision | {meta.precision.value} |\n"
        f"| OWASP NHI | {owasp} |\n"
        f"| files | {kinds} |\n\n"
        f"{body}\n\n"
        f"{provider_table(meta.id, heading)}"
        f"**Session-scoped fix:** {meta.fix}\n"
    )


def lifetime_text(value: str) -> str:
    """A row's lifetime for the docs: ``static``, ``none``, ``unknown`` or a duration."""
    words = {"static": "no expiry (until revoked)", "none": "never expires",
             "unknown": "chosen at creation (may be none)"}
    if value in words:
        return words[value]
    seconds = parse_duration(value)
    return f"{describe_duration(seconds)} (`{value}`)" if seconds is not None else value


def provider_table(rule_id: str, heading: str = "#") -> str:
    """The provider formats a rule reads from the provider table, with their lifetimes.

    Generated from the rows (``scanner/secrets/providers.toml``), so the page lists every
    provider the rule knows and how long each credential lives, with the provider's page.
    Empty for a rule without rows.
    """
    rows = [c.format for c in catalogue.formats(rule_id)]
    if not rows:
        return ""
    lines = [f"{heading}## Providers", "",
             "| provider | credential | anchor | lifetime | severity |", "|---|---|---|---|---|"]
    for row in rows:
        anchor = ", ".join(f"`{a}`" for a in row.anchors)
        label = f"[{row.label}]({row.source})" if row.source else row.label
        keyword = " (keyword)" if row.context else ""
        lines.append(f"| {row.provider} | {label} | {anchor}{keyword} | "
                     f"{lifetime_text(row.lifetime.value)} | {row.severity.value} |")
    return "\n".join(lines) + "\n\n"


def rule_text(rule: RuleSpec) -> str:
    """Plain text for a terminal: the Markdown minus heading marks."""
    return re.sub(r"(?m)^#+ ", "", rule_markdown(rule))
