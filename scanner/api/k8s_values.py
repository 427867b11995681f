"""What a committed value is, for the Kubernetes rules K8S-004..006: a provider format, a
generated-looking secret under a credential-named key, or nothing to report."""

from __future__ import annotations

import re

from scanner.api import RuleContext, catalogue, credential_format, generated_secret

#: Placeholders that tools write in place of a value (``kubectl config view`` prints these).
REDACTED = frozenset({"DATA+OMITTED", "REDACTED", "<redacted>", "***", "xxx"})
_KEY_WORDS = re.compile(
    r"(?i)pass|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credential|auth"
)
#: Keys of a Secret that name or locate something rather than hold a secret.
_NOT_SECRET_KEY = re.compile(
    r"(?i)(?:^|[._-])(?:user(?:name)?|login|e?mail|host(?:name)?|url|uri|endpoint|server|"
    r"region|port|namespace|database|db|bucket|container|name|path|dir|file|"
    r"(?:client|app|account|tenant|subscription|project|key)[_-]?id|issuer|audience|"
    r"crt|cert|certificate|ca|pem|pub|public[_-]?key|config|conf|ya?ml|json|ini|toml)$"
)
#: Kubernetes' dependent env expansion (`$(OTHER_VAR)`) and shell-style references.
_REFERENCE = re.compile(r"\$\(|\$\{|^\$[A-Za-z_]")


def provider_format(text: str) -> str | None:
    """The label of the provider credential format ``text`` is (whole), or None."""
    row = catalogue.classify(text)
    if row is not None:
        return row.label
    return credential_format(text)


def is_reference(text: str) -> bool:
    return _REFERENCE.search(text) is not None


def secret_value(
    key: str, text: str, context: RuleContext, *, secret_store: bool = False
) -> tuple[bool, str | None]:
    """``(is a committed secret, provider label)`` for the value ``text`` under ``key``.

    Outside a provider format, the key must be named like a credential; in a Secret (or a
    secretGenerator: ``secret_store``) every key holds a secret by definition, except keys
    that name or locate something (``username``, ``host``, ``ca.crt``, ``client-id``).
    """
    stripped = text.strip()
    if not stripped or stripped in REDACTED or is_reference(stripped):
        return False, None
    label = provider_format(stripped)
    if label is not None:
        return not context.is_placeholder(stripped), label
    if secret_store:
        named = _KEY_WORDS.search(key) is not None or not _NOT_SECRET_KEY.search(key)
    else:
        named = _KEY_WORDS.search(key) is not None
    return named and generated_secret(key, stripped, context.is_placeholder), None
