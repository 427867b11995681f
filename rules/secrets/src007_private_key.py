"""LLC-SRC-007: private key material (PEM and OpenSSH), not public keys or certificates."""

from __future__ import annotations

import re

from scanner.api import (
    ALL_KINDS,
    Category,
    Evidence,
    Invalid,
    Lifetime,
    Precision,
    RuleMeta,
    Severity,
    Span,
    TextDocument,
    TextRule,
    Valid,
    compile_pattern,
    fake_pem,
    sample_severity,
    shannon_entropy,
)

_BEGIN = compile_pattern(r"-----BEGIN ((?:[A-Z0-9_-]+ ){0,4}PRIVATE KEY(?: BLOCK)?)-----")
_BASE64_CHARS = re.compile(r"[A-Za-z0-9+/=]")
_ESCAPES = re.compile(r"\\[nrt]")
_HEADER = re.compile(r"(?m)^[ \t]*[A-Za-z-]+:[^\n]*$")
# What may wrap a line of key data in source code: quotes, concatenation, commas, brackets.
_WRAPPING = " \t\r\"'+,()[]`;"
_BASE64_LINE = re.compile(r"[A-Za-z0-9+/=]+")
_MIN_BODY = 64  # base64 characters: shorter bodies are elided documentation samples
_MAX_BLOCK = 64 * 1024  # a private key block is a few KiB; stop looking for END after this
_MIN_ENTROPY = 3.5  # bits per character; real base64 is near 6, "AAAA..." fillers near 0
# Words documentation writes into a sample key's body (aws-cli's "\nEXAMPLEcOZy..."); base64
# of a real key holds one of them by chance about once in ten million keys.
_SAMPLE_BODY = re.compile(r"EXAMPLE|[Ee]xample|SAMPLE|[Ss]ample|xxxxx|XXXXX")


def _json_line(text: str) -> str:
    """One line with escaped newlines, as keys appear in JSON and .env files."""
    return text.replace("\n", "\\n")


_RSA = fake_pem("RSA PRIVATE KEY", seed=11)
_OPENSSH = fake_pem("OPENSSH PRIVATE KEY", seed=12)
_PKCS8_ENCRYPTED = fake_pem("ENCRYPTED PRIVATE KEY", seed=13)
_EC = fake_pem("EC PRIVATE KEY", lines=3, seed=14)


class PrivateKey(TextRule):
    """## What it does
    Finds private keys in PEM or OpenSSH form in any text file: RSA, EC, DSA, OpenSSH, PKCS#8
    and PGP private key blocks, whether on separate lines or inside a string with `\\n`
    escapes (JSON, `.env`, Python). A block needs a matching `END` line and at least 64
    characters of key data, so elided documentation samples (`MIIE...`) stay quiet, as do
    bodies that say they are samples (`EXAMPLE`, `sample`, `xxxxx` written into the base64).
    Public keys, certificates and certificate requests are never flagged. Encrypted private
    keys are reported at medium: the passphrase is one more secret to find, not a control.

    Noise policy: nothing verifies that a PEM block is a real key, so in tests, fixtures,
    examples and documentation (`tests/test.key`, `testdata/key.pem`, `conftest.py`,
    `docs/`) a private key is graded `low`: there it is a generated test key far more often
    than a leak. Formats a checksum or a provider's structure verifies keep full severity.

    ## Why is this bad?
    A private key does not expire: an SSH key, a TLS key or a signing key committed to a
    repository authenticates its holder until the key pair is replaced everywhere it is
    trusted (OWASP NHI2 Secret Leakage, NHI7 Long-Lived Secrets).

    ## Example
    ```python
    DEPLOY_KEY = \"\"\"-----BEGIN OPENSSH PRIVATE KEY-----
    b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW...
    -----END OPENSSH PRIVATE KEY-----\"\"\"
    ```

    Use instead:
    ```bash
    # short-lived SSH certificates from a CA instead of a standing key
    vault write -field=signed_key ssh-client-signer/sign/deploy public_key=@id_ed25519.pub ttl=15m
    ```

    ## References
    - RFC 7468, textual encodings of PKIX, PKCS and CMS structures: https://www.rfc-editor.org/rfc/rfc7468
    - Vault SSH certificate authority: https://developer.hashicorp.com/vault/docs/secrets/ssh/signed-ssh-certificates
    - cert-manager, short-lived TLS certificates: https://cert-manager.io/docs/
    """

    META = RuleMeta(
        id="LLC-SRC-007",
        name="private-key",
        summary="Private key material committed to a file",
        category=Category.STATIC_SECRET,
        severity=Severity.CRITICAL,
        precision=Precision.VERY_HIGH,
        owasp=("NHI2", "NHI7"),
        fix="Revoke or replace the key pair; use short-lived SSH certificates (Vault SSH CA, "
        "OS Login) or certificates from an issuing CA with short lifetimes (cert-manager, ACME).",
        kinds=ALL_KINDS,
        triggers=("private key",),
    )

    VALID = [
        Valid(
            "-----BEGIN PUBLIC KEY-----\n"
            "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n"
            "-----END PUBLIC KEY-----\n",
            path="keys/signing.pub",
        ),
        Valid(_RSA.replace("RSA PRIVATE KEY", "CERTIFICATE"), path="certs/ca.pem"),
        # Documentation with an elided body, and a mention in prose.
        Valid(
            "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA...\n-----END RSA PRIVATE KEY-----\n",
            path="docs/tls.md",
        ),
        Valid('if line.startswith("-----BEGIN RSA PRIVATE KEY-----"):\n    kind = "rsa"\n',
              path="app/keys.py"),
        # Code that mentions both markers has no key between them.
        Valid(
            "def kind_of(line):\n"
            '    if line.startswith("-----BEGIN RSA PRIVATE KEY-----"):\n'
            "        return parse_rsa_key_material(line, strict=True, allow_encrypted=False)\n"
            '    return line.endswith("-----END RSA PRIVATE KEY-----")\n',
            path="app/pem.py",
        ),
        # A BEGIN with no END is not a key block.
        Valid("-----BEGIN EC PRIVATE KEY-----\n" + "A1b2" * 10 + "\n", path="notes.txt"),
        Valid("-----BEGIN RSA PRIVATE KEY-----\n" + ("A" * 64 + "\n") * 4
              + "-----END RSA PRIVATE KEY-----\n", path="tests/filler.pem"),
        # A body that says it is a sample (an API reference's response with `EXAMPLE`).
        Valid('{"keyPair": {"privateKey": "'
              + _json_line(_RSA.replace("-----\n", "-----\nEXAMPLE", 1)) + '"}}\n',
              path="api/responses/create-key-pair.json"),
    ]
    INVALID = [
        Invalid(f'DEPLOY_KEY = """{_OPENSSH}"""\n', path="app/deploy.py", lines=(1,)),
        Invalid("# expect: LLC-SRC-007 on the next line\n" + _RSA + "\n", path="id_rsa",
                lines=(2,)),
        Invalid(
            '{\n  "type": "service_account",\n'
            f'  "private_key": "{_json_line(_EC)}\\n"\n}}\n',
            path="config/sa.json",
            lines=(3,),
        ),
        Invalid(_PKCS8_ENCRYPTED + "\n", path="keys/server.key", lines=(1,)),
    ]

    def check(self, doc: TextDocument) -> None:
        text = doc.text
        pos = 0
        while True:
            begin = _BEGIN.search(text[pos:]) if pos else _BEGIN.search(text)
            if begin is None:
                return
            start = pos + begin.start()
            label = begin.group(1)
            body_start = pos + begin.end()
            end_marker = f"-----END {label}-----"
            end = text.find(end_marker, body_start, body_start + _MAX_BLOCK)
            if end == -1:
                pos = body_start
                continue
            pos = end + len(end_marker)
            raw_body = text[body_start:end]
            if "..." in raw_body or "…" in raw_body:
                continue  # base64 has no dots: an elided documentation sample, not a key
            if _SAMPLE_BODY.search(raw_body):
                continue  # `EXAMPLE`, `xxxxx` written into the body: a documentation sample
            body = _HEADER.sub("", _ESCAPES.sub("\n", raw_body))
            if not _only_key_data(body):
                continue  # code between a BEGIN and an END marker, not a key body
            data = "".join(_BASE64_CHARS.findall(body))
            if len(data) < _MIN_BODY or shannon_entropy(data) < _MIN_ENTROPY:
                continue
            encrypted = label.startswith("ENCRYPTED") or "ENCRYPTED" in raw_body[:200]
            kind = label.replace(" BLOCK", "").replace("PRIVATE KEY", "private key").strip()
            kind = kind.removeprefix("ENCRYPTED ")  # "Encrypted private key", said once
            if encrypted:
                message = (f"Encrypted {kind} committed to the repository: it never expires, and "
                           "only a passphrase stands between a reader and the key.")
            else:
                message = (f"{kind[0].upper()}{kind[1:]} committed to the repository: it "
                           "authenticates its holder until the key pair is replaced.")
            # Noise policy: nothing verifies a PEM block, so in tests, fixtures, examples and
            # docs (generated test keys) it is graded low.
            severity = sample_severity(doc.path, Evidence.SHAPE)
            self.report(
                Span(start, pos),
                message,
                lifetime=Lifetime.static(),
                value=raw_body.strip(),
                severity=severity or (Severity.MEDIUM if encrypted else None),
            )


def _only_key_data(body: str) -> bool:
    """Every line between the markers is base64 (once quotes and concatenation are peeled).

    Code that merely mentions the markers (``line.startswith("-----BEGIN RSA PRIVATE KEY")``
    and, lines later, the END marker) has identifiers, calls and spaces in between.
    """
    for line in body.split("\n"):
        piece = line.strip(_WRAPPING)
        if piece and _BASE64_LINE.fullmatch(piece) is None:
            return False
    return True

