"""Filters for values that are not real credentials: placeholders, filler, published samples.

One copy of each test, shared by every rule family: a placeholder in a ``.env.example``, a
hand-made ``ghp_xxxx…`` in a test, a key from a vendor's documentation. Entropy is here too,
as a tie-breaker, never the sole evidence.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import re
from collections import Counter
from collections.abc import Iterable

# Catalogue 0.4: values that are clearly not real credentials.
_PLACEHOLDER_WORDS = (
    "example",
    "dummy",
    "changeme",
    "change-me",
    "change_me",
    "placeholder",
    "redacted",
    "fake",
    "test",
    "sample",
    "notreal",
    "not-a-real",
    "insert",
    "replace",
    "todo",
    "fixme",
)
_PLACEHOLDER_PATTERNS = re.compile(
    r"""(?ix)
      ^\s*$                                   # empty
    | <[^<>]*>                                # <your-key>
    | \$\{[^}]*\} | \$\([^)]*\) | \{\{.*?\}\}  # ${VAR} $(cmd) {{ var }}
    | ^\$[A-Za-z_][A-Za-z0-9_]*$              # $VAR
    | ^%[A-Za-z_][A-Za-z0-9_]*%$              # %VAR%
    | %\([a-z_]+\)s                           # %(name)s
    | xxxx | ^x{3}$ | \*\*\* | \.\.\. | …
    | ^\{\d*\}$ | ^%[sdr]$ | ^\?$                 # {0} {} %s ?: format and bind slots
    | your[-_ ]?(?:api[-_ ]?)?(?:key|token|secret|password)
    | ^(?:none|null|nil|true|false|password|secret|token)$
    """
)


# Example credentials printed in specifications, copied into library docstrings and tests:
# RFC 6749 (OAuth 2.0) sections 4.1 to 6 and RFC 5849 (OAuth 1.0) section 1.2; HTTP
# authentication's Mufasa and Aladdin (RFC 2069, 2617, 7616, 7617) and RFC 6750's bearer token.
_DOCUMENTED_SAMPLES = frozenset(
    {
        "CircleOfLife",
        "Circle Of Life",
        "Circle of Life",
        "open sesame",
        "QWxhZGRpbjpvcGVuIHNlc2FtZQ==",
        "mF_9.B5f-4.1JqM",
        "2YotnFZFEjr1zCsicMWpAA",
        "tGzv3JOkF0XG5Qx2TlKWIA",
        "SplxlOBeZQQYbYS6WxSbIA",
        "8xLOxBtZp8",
        "ad180jjd733klru7",
        "hh5s93j4hdidpola",
        "hdk48Djdsa",
        "nnch734d00sl2jdk",
        "pfkkdhi9sl3r4s00",
        "kd94hf93k423kf44",
        "dh893hdasih9",
    }
)


def is_placeholder(value: str, extra_words: Iterable[str] = ()) -> bool:
    """True for values that stand in for a credential instead of being one."""
    if value in _DOCUMENTED_SAMPLES or _PLACEHOLDER_PATTERNS.search(value):
        return True
    lowered = value.lower()
    if any(word in lowered for word in _PLACEHOLDER_WORDS):
        return True
    return any(word.lower() in lowered for word in extra_words if word)


#: Common, default and sample passwords: the top of every leaked-password list, the defaults
#: of databases, brokers and tutorials, and the words people type when a form asks. One copy,
#: read by LLC-SRC-013 (URLs), LLC-SRC-023 (passwords) and the value gates.
WEAK_PASSWORDS = frozenset(
    {
        "pass", "passwd", "passw0rd", "password", "password1", "password12", "password123",
        "password1234", "pwd", "pw", "pword", "p4ss", "p@ss", "p@ssword", "p@ssw0rd",
        "pa55word", "pa55w0rd", "passphrase", "secret", "secret1", "secret123", "s3cr3t",
        "mypassword", "mypass", "mysecret", "mysecretpassword", "yourpassword", "userpass",
        "user", "username", "login", "credentials", "cred", "creds", "apikey", "api-key",
        "api_key", "key", "access-token", "accesstoken", "token", "auth", "oauth2", "private",
        "foo", "bar", "baz", "qux", "foobar", "hunter2", "xyzzy", "plugh", "***", "admin",
        "admin1", "admin123", "admin1234", "administrator", "root", "toor", "guest", "default",
        "demo", "dev", "development", "local", "localhost", "docker", "postgres", "postgresql",
        "mysql", "mariadb", "redis", "mongo", "mongodb", "rabbitmq", "rabbit", "minio",
        "minioadmin", "sa", "tiger", "scott", "letmein", "qwerty", "qwerty123", "1234",
        "12345", "123456", "1234567", "12345678", "123456789", "1234567890", "abc123",
        "abcd1234", "welcome", "welcome1", "welcome123", "passw0rd!", "password!", "changeit",
        "changeme", "iloveyou", "trustno1", "monkey", "dragon", "master", "sunshine",
        "football", "baseball", "superman", "batman", "shadow", "michael", "princess",
        "test", "test123", "test1234", "testing", "tester", "testpass", "testpassword",
        "example", "sample", "dummy", "fake", "mock", "temp", "temporary", "qazwsx",
        "zaq12wsx", "1q2w3e4r", "1qaz2wsx", "asdfgh", "asdf1234", "open", "opensesame",
        "sesame", "hello", "hello123", "helloworld", "none", "null", "nil", "empty", "blank",
        "notset", "unset", "unknown", "xxx", "secretkey", "secretpassword", "supersecret",
        "topsecret", "verysecret", "pass123", "pass1234", "user123", "root123", "oracle",
        "manager", "system", "sys", "postgres123", "mysql123", "redis123", "neo4j", "elastic",
        "changeme123", "insecure", "unsafe", "nopassword", "nopass", "vagrant", "ubuntu",
        "raspberry", "alpine", "jenkins", "gitlab", "github", "django", "rails", "flask",
    }
)

#: A value that reads a secret from somewhere else: an environment read in any language,
#: a template or interpolation, a secret manager or config reference.
_REFERENCE_VALUE = re.compile(
    r"""(?ix)
      \$\{ | \$\( | ^\$[A-Za-z_] | \{\{ | \}\} | \#\{ | @\{ | ^%[A-Za-z_]\w*%$ | %\([\w.-]+\)[sd]
    | \bos\.(?:environ|getenv) | \bgetenv\s*\( | \bprocess\.env\b | \bSystem\.getenv
    | \bENV\s*\[ | \bENV\.fetch | \bEnvironment\.GetEnvironmentVariable | \benv\s*\(
    | \bSecrets?\.[A-Z] | \bsecrets\.[A-Za-z_] | \bvars\.[A-Za-z_] | \bsettings\.[A-Za-z_]
    | \bconfig\s*\( | \blookup\s*\( | \bfile\s*\( | \bvar\.[A-Za-z_] | \blocal\.[A-Za-z_]
    | ^(?:vault|op|secret|sm|gcp-sm|awssm|azkv|ssm|secretsmanager|keyvault|akv|ref\+\w+)://
    | ^(?:vault|ssm|env|secrets?|keychain|file|k8s|sops|akv):[A-Za-z/_]
    | ^arn:aws | ^projects/[\w-]+/secrets/
    | ^\.(?:Values|Release|Chart|Capabilities|Files|Template)\b | ^\.[A-Z]\w*(?:\.\w+)+$
    """
)
#: Ciphertext that only a key elsewhere opens: SOPS (``ENC[AES256_GCM,...]`` in YAML, JSON,
#: dotenv and INI alike), Shopify's ejson (``EJ[1:<key>:<nonce>:<box>]``), Ansible Vault,
#: Jasypt, Spring Cloud Config, Vault transit, AWS KMS ciphertext blobs (``AQICAH``,
#: ``AQECAH``), Bitnami sealed secrets, age and PGP armour, Jenkins' ``{AQAAABAAAA...}``
#: secrets, CI services' secure vars. git-crypt files start with ``\0GITCRYPT``: discovery
#: skips them as binary.
_ENCRYPTED_VALUE = re.compile(
    r"""(?x)
      ^ENC\[ | ^ENC\( | ^EJ\[\d+: | ^\$ANSIBLE_VAULT | ^!vault | ^\{cipher\} | ^vault:v\d+:
    | ^AQ[EI]CAH | ^\{AQAAAB[A-Za-z0-9+/]{20,}={0,2}\}$
    | ^(?:encrypted|enc|cipher|secure|kms):
    | ^-----BEGIN\ (?:PGP\ MESSAGE|AGE\ ENCRYPTED\ FILE) | ^Ag[A-Za-z0-9+/]{300,}
    """
)
#: Lines that say the value on them (or just below) is ciphertext: ``secure:``, ``!vault``,
#: ``encryptedData:``, ``encrypted_value``, sops metadata.
ENCRYPTED_CONTEXT = re.compile(
    r"(?i)(?:^|[\s{,\"'])(?:secure|encrypted[\w-]*|encrypteddata|ciphertext|sealed[\w-]*)"
    r"[\"']?\s*[:=]|!vault\b|\$ANSIBLE_VAULT|\bENC\[|\bEJ\[\d+:"
)


def is_reference_value(value: str) -> bool:
    """A value that points at a secret instead of being one (env read, template, reference)."""
    return bool(_REFERENCE_VALUE.search(value))


def is_encrypted_value(value: str) -> bool:
    """Ciphertext: a secret only a key kept elsewhere opens, not a leak by itself."""
    return bool(_ENCRYPTED_VALUE.search(value.strip()))


def shannon_entropy(value: str) -> float:
    """Bits per character; used only as a tie-breaker, never as the sole evidence."""
    if not value:
        return 0.0
    counts = Counter(value)
    total = len(value)
    return -sum(n / total * math.log2(n / total) for n in counts.values())


_RUNS = (
    "abcdefghijklmnopqrstuvwxyz",
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "0123456789",
)
_FAKE_RUN = 6  # characters: a random body of a token almost never holds 6 in sequence


def looks_fake(body: str) -> bool:
    """A token body no generator would emit, as hand-written test data and docs use.

    True for bodies with few distinct characters (``aaaa…``, ``abab…``), a run of one character,
    an alphabet or digit sequence of six or more (``abcdef``, ``123456``, ``987654``), or a short
    unit repeated (``abc123abc123…``). Random bodies of the lengths tokens use pass these tests
    with a probability far above 99.9 %; call it on the random part, not on a fixed prefix.
    """
    n = len(body)
    if n == 0:
        return True
    if len(set(body)) <= max(3, min(10, n // 4)):
        return True
    for unit in range(1, min(8, n // 2) + 1):
        if body == (body[:unit] * (n // unit + 1))[:n]:
            return True
    same = 1
    for previous, char in itertools.pairwise(body):
        same = same + 1 if char == previous else 1
        if same >= _FAKE_RUN:
            return True
    for alphabet in _RUNS:
        for sequence in (alphabet, alphabet[::-1]):
            for i in range(len(sequence) - _FAKE_RUN + 1):
                if sequence[i : i + _FAKE_RUN] in body:
                    return True
    return False


#: SHA-256 of token values that are published examples or public keys copied into countless
#: repositories, stored hashed so no token literal sits in the source. Rules report them at
#: info at most. Sources: gitleaks' `gcp-api-key` allowlist (public Google API keys shipped in
#: open-source code), Slack's oauth.v2.access documentation response, the Azurite key.
_KNOWN_EXAMPLES = frozenset({
    # gitleaks gcp-api-key allowlist
    "f56e323494a6ffc2064e7a955908957d84f0755e5f975dabd64328d0359a8f7c",
    "2037abcaffb2b77785da716cf7ccff4ff4d00c4ea930db0167b7d71f50af7eb4",
    "3f370c9dd8225c63b5c77de1f785edc9712958f18bb612d5fa2e0ae33aeca682",
    "e4a5542bb7fd7b67e943c71ad29c34b5972c9840597e7eda53e666f44d5da0b9",
    "a19f89ab3555eac10c40741f6df79ecf0935998f15569f8db9d67bce0181fff6",
    "0b476bdf9acf2123d547b5ae76f1e59884d8ec9553ee0c47e9f31fd4768f3f3c",
    "eb540d2b6ee2a0a47c5779bc8a0141784c6b753840d4c6f4e2428a6e86e9e0b1",
    "37f8f09bdf12c2f2eae4ead7273a62ddb0c23459cbf902892f282b57f7ed6619",
    "8731261cb72d86267a32a532ebd3df429e2144e5e4ced7e13568bc9e6c8fb1b1",
    "49f777db995e8260da7ca9ffdf0c08d66f0453e97ec967018baf2cdfe3b582d0",
    "27a9a42931dff7eb2f8434e20a9bce976ea364e7bee49187f19d5cfeca9c7045",
    "dc0fcf046c61640cbd1e8b999ada3262d722c2ca4bf42dceac999020ffdbb614",
    "4c98242dcadc8b29005c6b4aad526552d5ea1842149154c0694adeec75847583",
    "ea9bb1082cf95663f5faca23b8b15ef2aa0fce0a5c6df9c32dcb85b2e0a4513d",
    "3a8b61d0f636b007840c0d40ba12bcf48465dc054cdc1a68704a33521d84b665",
    "a6c814bc555ae62c7bd8b58ec07bf559c7ed3a009976a1e0acc9cef0d4473b41",
    # Slack documentation, oauth.v2.access response (bot token)
    "2ddc147f3a3b5a1722b8ed6be3c45c49a7156b17fca5d11410137a6d04def6eb",
    # Azurite / Azure Storage Emulator account key (devstoreaccount1), Microsoft's documentation
    "0011cc25eb4320717494d2703e8cba85743e71b500283c21c8b88147992f9059",
})


def is_known_example(value: str) -> bool:
    """A published example or well-known public key (see ``_KNOWN_EXAMPLES``)."""
    return hashlib.sha256(value.encode("utf-8", "replace")).hexdigest() in _KNOWN_EXAMPLES
