"""Provider credential formats: the ``Format`` row type (rows live in ``../providers.toml``).

A row says what a token looks like (``pattern``, the RE2 pattern the owning rule runs, and
``anchors``, the lower-case literals without which it cannot occur: the prefilter's triggers),
how long it lives (``lifetime``, with the provider page that says so in ``source``), and what
to do about it. The rows are data in ``scanner/secrets/providers.toml``, read by
``scanner.secrets.table``; rules read them through ``scanner.secrets.catalogue``, and adding a
provider is one row there (with its sample and decoy, the row's two examples). Rows hold no
logic: validators are named, and each rule keeps the checks only it needs (a PyPI macaroon's
caveats, a SAS's dates).
"""

from __future__ import annotations

from dataclasses import dataclass

from scanner.findings import Lifetime, Severity


@dataclass(frozen=True, slots=True)
class Format:
    """One provider credential format."""

    #: Stable kebab-case name of the row (``github-classic-pat``).
    id: str
    provider: str
    #: What a message calls it: "GitHub classic personal access token".
    label: str
    #: Lower-case literals (case-insensitive) of which one occurs in every match.
    anchors: tuple[str, ...]
    pattern: str
    lifetime: Lifetime
    owasp: tuple[str, ...]
    severity: Severity
    fix: str
    #: The rule that reports it (``LLC-SRC-002``).
    rule: str
    #: The half-sentence after "committed to a file:" in the rule's message.
    why: str = ""
    #: Seconds the token lives when the provider fixes it; None when it can be unlimited.
    seconds: int | None = None
    #: Case-sensitive literal every match holds, tested with ``in`` before the regex runs.
    #: Empty: the pattern's literal prefix.
    needle: str = ""
    #: Named check of the random part (``crc32-base62``); the rule implements it.
    validator: str = ""
    #: Upper and lower case (and digits) must each appear this often in the random part.
    mixed: int = 0
    #: A token shorter than this must mix upper case, lower case and digits.
    mixed_below: int = 0
    #: The provider's page for the format and its lifetime.
    source: str = ""
    #: Provider family (``cloud``, ``vcs``, ``ci``, ...; see ``scanner/secrets/providers.toml``).
    family: str = ""
    #: True when the pattern needs a nearby keyword (no unique prefix): precision medium.
    context: bool = False
    #: Charset of the random part (group 1): ``alnum``, ``hex``, ``base64``, ... ("" unchecked).
    charset: str = ""
    #: Min and max length of the random part; (0, 0) when unchecked.
    length: tuple[int, int] = (0, 0)
    #: Test templates: a line the rule must find, and a look-alike it must not.
    sample: str = ""
    decoy: str = ""
    #: Lower-case words that, on the match's line, mark a use the provider means to be public
    #: (a CircleCI status badge's token): such a match is not reported.
    quiet: tuple[str, ...] = ()
