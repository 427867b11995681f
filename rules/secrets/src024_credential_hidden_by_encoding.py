"""LLC-SRC-024: a credential hidden by an encoding (base64, JSON escapes, a line continuation)."""

from __future__ import annotations

import base64
import json
import re

from scanner.api import (
    ALL_KINDS,
    ALNUM,
    BASE64,
    Category,
    Invalid,
    Precision,
    RuleMeta,
    Severity,
    Span,
    TextDocument,
    TextRule,
    Valid,
    crc32_base62,
    fake_pem,
    fake_token,
    path_class,
)
from scanner.api.hidden import hidden_credentials

_BODY = fake_token("", 30, ALNUM, seed=241)
_PAT = "ghp_" + _BODY + crc32_base62(_BODY)
_GLPAT = fake_token("glpat-", 20, ALNUM, seed=242)
_PASSWORD = fake_token("", 20, BASE64, seed=243).replace("/", "#")
_PEM = fake_pem("PRIVATE KEY", 6, seed=244)


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _docker(auth: str, registry: str = "ghcr.io") -> str:
    return json.dumps({"auths": {registry: {"auth": auth}}}, indent=2) + "\n"


def _escaped(token: str) -> str:
    return token.replace("_", "\\u005f").replace("-", "\\u002d")


_SERVICE_ACCOUNT = json.dumps({"type": "service_account", "project_id": "ci-prod",
                               "private_key_id": "a1b2", "private_key": _PEM + "\n",
                               "client_email": "deploy@ci-prod.iam.gserviceaccount.com"})
_RULE = "LLC-SRC-024"
_CONT = re.compile(r"\\\r?\n")


class CredentialHiddenByEncoding(TextRule):
    """## What it does
    Finds provider tokens, private keys and registry passwords that an encoding hides from
    the format rules, decodes them, and reports them at the encoded text with the decoded
    provider's lifetime:
    - **base64 where the context says base64**: a docker `config.json`'s `auths.*.auth`
      (base64 of `user:password`; the password may be a provider token), and values under keys
      named for base64 (`GCP_SA_KEY_BASE64=...`, `"credentials_b64": ...`) that decode to a
      private key, a service-account key file or a provider token. Other base64 is never
      decoded (images, hashes and ciphertext would decode to noise), and Kubernetes Secret
      `data:` values and kubeconfig `*-data` keys are read by LLC-K8S-005 and LLC-K8S-006.
      A value that says itself what it is, base64 of a PEM block (`LS0tLS1CRUdJTi...`, which
      is `-----BEGIN`), is decoded anywhere outside Kubernetes YAML;
    - **JSON escapes**: `"ghp\\u005f..."` or `"glpat\\u002d..."` (serializers that escape
      `_`, `-` or `/`) decode to the token;
    - **a line continuation inside a word**: `TOKEN=glpat-abc\\` then `def...` on the next line,
      which the shell (and Python, C or JS inside a string) joins into one token.
    A token that is also written whole in the same text is left to its format rule; a value
    that does not decode to text, a placeholder and an encrypted key stay quiet. UTF-16 and
    UTF-32 files with a byte-order mark are decoded before every rule runs. Registry passwords
    (no provider format) in test, fixture, example and docs paths are graded info.

    ## Why is this bad?
    An encoding is not encryption: anyone who reads the file decodes the credential in one
    command, and it stays valid for its provider's lifetime, while the format rules that would
    have found it see only the encoded bytes (OWASP NHI2 Secret Leakage, NHI7).

    ## Example
    ```json
    {"auths": {"ghcr.io": {"auth": "Y2k6Z2hwX..."}}}
    ```

    Use instead:
    ```json
    {"credsStore": "desktop",
     "credHelpers": {"123456789012.dkr.ecr.eu-west-1.amazonaws.com": "ecr-login"}}
    ```

    ## References
    - Docker, credential stores and helpers: https://docs.docker.com/reference/cli/docker/login/#credential-stores
    - RFC 8259, JSON string escapes: https://www.rfc-editor.org/rfc/rfc8259#section-7
    - POSIX shell, escape character (backslash-newline): https://pubs.opengroup.org/onlinepubs/9799919799/utilities/V3_chap02.html#tag_19_02_01
    """

    META = RuleMeta(
        id=_RULE,
        name="credential-hidden-by-encoding",
        summary="Credential hidden by base64, JSON escapes or a line continuation",
        category=Category.STATIC_SECRET,
        severity=Severity.HIGH,
        precision=Precision.HIGH,
        owasp=("NHI2", "NHI7"),
        fix="Remove the credential and rotate it: decoding is one command. Use a credential "
        "helper (docker `credsStore`), a secret manager read at run time, or a short-lived "
        "credential the platform issues (OIDC, workload identity).",
        kinds=ALL_KINDS,
        # ls0tls1crudjti: base64 of "-----BEGIN", lower-cased as the prefilter reads it.
        triggers=('"auth"', "base64", "b64", "ls0tls1crudjti", "\\u", "\\/", "\\\n",
                  "\\\r\n"),
    )

    VALID = [
        Valid(json.dumps({"credsStore": "desktop",
                          "credHelpers": {"gcr.io": "gcloud"}}, indent=2) + "\n",
              path=".docker/config.json"),
        Valid(_docker(_b64("ci:changeme"), "registry.example.com"), path=".docker/config.json"),
        Valid(_docker(_b64("ci:${REGISTRY_PASSWORD}")), path="deploy/config.json"),
        Valid('{"title": "Caf\\u00e9 \\u2014 menu", "url": "https:\\/\\/example.com\\/menu"}\n',
              path="public/data.json"),
        Valid('{"token": "' + _escaped("glpat-xxxxxxxxxxxxxxxxxxxx") + '"}\n',
              path="config/sample.json"),
        Valid("docker run \\\n  --rm \\\n  -e GITLAB_TOKEN \\\n  registry/app:1.2\n",
              path="scripts/run.sh"),
        Valid("LOGO_BASE64=" + fake_token("iVBORw0KGgo", 60, BASE64, seed=245) + "\n",
              path=".env"),
        Valid("env:\n  GCP_SA_KEY_BASE64: ${{ secrets.GCP_SA_KEY_BASE64 }}\n",
              path=".github/workflows/deploy.yml"),
        Valid(f"NOTE_B64={_b64('see the runbook for how tokens are rotated')}\n", path=".env"),
    ]
    INVALID = [
        Invalid(_docker(_b64("ci:" + _PAT)), path=".docker/config.json", lines=(4,)),
        Invalid(_docker(_b64("deploy:" + _PASSWORD), "registry.example.com"),
                path="deploy/docker-config.json", lines=(4,)),
        Invalid(f"GCP_SA_KEY_BASE64={_b64(_SERVICE_ACCOUNT)}  # expect: {_RULE}\n",
                path=".env"),
        Invalid(f'<signing>\n  <key value="{_b64(_PEM)}"/>  <!-- expect: {_RULE} -->\n'
                "</signing>\n", path="conf/signing.xml"),
        Invalid(f"gitlab:\n  token_b64: \"{_b64(_GLPAT)}\"  # expect: {_RULE}\n",
                path="config/ci.yaml"),
        Invalid('{"github-oauth": {"github.com": "' + _escaped(_PAT) + '"}}\n',
                path="auth.json", lines=(1,)),
        # Reported where the token starts (the line with the backslash takes no comment).
        Invalid(f"export GITLAB_TOKEN={_GLPAT[:12]}\\\n{_GLPAT[12:]}\n",
                path="scripts/release.sh", lines=(1,)),
    ]

    def check(self, doc: TextDocument) -> None:
        sample = path_class(doc.path) is not None
        for hidden in hidden_credentials(doc.text):
            credential = hidden.credential
            severity = credential.severity
            if sample and not credential.why and credential.label.startswith("registry"):
                severity = Severity.INFO  # a password with no format, in sample data
            how = {
                "base64": "base64-encoded (an encoding, not encryption)",
                "JSON escapes": "spelled with JSON escapes",
            }.get(hidden.encoding, "split by a line continuation")
            reason = credential.why or "it works until someone rotates it"
            self.report(
                Span(hidden.start, hidden.end),
                f"{credential.label[:1].upper()}{credential.label[1:]} committed to a file, "
                f"{how}: {reason}.",
                lifetime=credential.lifetime,
                value=credential.value,
                severity=severity,
                secrets=tuple(p for p in _CONT.split(hidden.raw) if p),
                fix=credential.fix or None,
            )
