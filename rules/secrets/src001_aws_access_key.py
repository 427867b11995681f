"""LLC-SRC-001: AWS access keys, long-term (AKIA) versus temporary (ASIA)."""

from __future__ import annotations

import bisect
import re

from scanner.api import (
    ALL_KINDS,
    BASE32_UPPER,
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
    fake_token,
    sample_severity,
)

# Long-term ids: AKIA (IAM user or root), ABIA (STS bearer service), ACCA (context-specific),
# A3T* (older long-term ids). Key ids use the base32 alphabet A-Z2-7.
_LONG_TERM = compile_pattern(
    r"(?:^|[^A-Za-z0-9])((?:AKIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16})(?:[^A-Za-z0-9]|$)"
)
_TEMPORARY = compile_pattern(r"(?:^|[^A-Za-z0-9])(ASIA[A-Z2-7]{16})(?:[^A-Za-z0-9]|$)")
_SECRET = compile_pattern(
    r"(?i)aws_?secret_?(?:access_?)?key[\"']?\s*(?::|=|=>)\s*[\"']?"
    r"([A-Za-z0-9/+=]{40})(?:[^A-Za-z0-9/+=]|$)"
)
_DOC_KEY_ID = "AKIAIOSFODNN7EXAMPLE"
_DOC_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
_PAIR_WINDOW = 5  # lines between a key id and its secret to call them a pair
_STS_MAX_SECONDS = 36 * 3600  # GetSessionToken's ceiling; AssumeRole stops at 12 hours
# A key id as a presigned URL's credential scope (SigV4 `X-Amz-Credential=AKIA.../date/...`,
# SigV2 `AWSAccessKeyId=AKIA...`): the URL carries a signature, never the secret key.
_SCOPE_PARAM = re.compile(r"(?i)(?:X-Amz-Credential|AWSAccessKeyId)=$")
_SIGNATURE = re.compile(r"(?i)(?:X-Amz-Signature|Signature|sig)=([^&\s\"'<>\\]{8,})")
_URL_STOP = re.compile(r"[\s\"'<>`]")
_URL_MAX = 4096  # characters looked at before a key id for the start of its URL
_RESOURCE_PREFIX = re.compile(r"(?:^|[^A-Za-z0-9])[a-z]+-$")
# Written in place of a key id: `AKIAYOURACCESSKEYID0`.
_PLACEHOLDER_ID = re.compile(r"YOUR")

_KEY_ID = fake_token("AKIA", 16, BASE32_UPPER, seed=3)
_KEY_ID_2 = fake_token("AKIA", 16, BASE32_UPPER, seed=4)
_TEMP_ID = fake_token("ASIA", 16, BASE32_UPPER, seed=5)
_SECRET_KEY = fake_token("", 40, seed=6)
_SIGNATURE_HEX = fake_token("", 64, "0123456789abcdef", seed=7)


class AwsAccessKey(TextRule):
    """## What it does
    Finds AWS access key ids in any text file and tells long-term keys (`AKIA`, `ABIA`, `ACCA`,
    `A3T`) from temporary STS keys (`ASIA`). It also finds a 40-character secret access key
    assigned to `aws_secret_access_key` (in `.env`, INI, YAML, JSON, properties). A key id with
    its secret within five lines is a complete credential and is reported as critical.
    AWS's documentation keys (`AKIAIOSFODNN7EXAMPLE`) are reported at info only. A key id as
    the credential scope of a presigned URL (`X-Amz-Credential=AKIA.../20190814/...`,
    `AWSAccessKeyId=`) with no secret beside it is low (info in documentation), and the URL's
    signature is masked in every snippet; ids inside ARNs (`arn:aws:kms:...:key/AKIA...`) and
    `AKIAYOUR...` placeholders are not reported. Noise policy: a key id alone carries no
    checksum, so in tests, fixtures, examples and docs it is graded `low`; a key id with its
    secret stays critical wherever it is.

    ## Why is this bad?
    An `AKIA` key belongs to an IAM user and works until someone deletes it: months or years
    after it was pasted into a file, anyone who reads the repository can act as that user
    (OWASP NHI2 Secret Leakage, NHI7 Long-Lived Secrets). `ASIA` keys expire within hours,
    but a leaked one is still usable until then.

    ## Example
    ```ini
    [default]
    aws_access_key_id = AKIA...
    aws_secret_access_key = ...
    ```

    Use instead:
    ```yaml
    # GitHub Actions: OIDC federation, no stored key
    permissions: { id-token: write, contents: read }
    steps:
      - uses: aws-actions/configure-aws-credentials@v4
        with: { role-to-assume: arn:aws:iam::123456789012:role/deploy, aws-region: eu-west-1 }
    ```

    ## References
    - AWS unique id prefixes: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids
    - GetAccessKeyInfo (AKIA long-term, ASIA temporary): https://docs.aws.amazon.com/STS/latest/APIReference/API_GetAccessKeyInfo.html
    - Deactivate, then delete a leaked key: `aws iam update-access-key --status Inactive`
    """

    META = RuleMeta(
        id="LLC-SRC-001",
        name="aws-access-key",
        summary="AWS access key in a file (long-term AKIA or temporary ASIA)",
        category=Category.STATIC_SECRET,
        severity=Severity.HIGH,
        precision=Precision.VERY_HIGH,
        owasp=("NHI2", "NHI7"),
        fix="Deactivate and delete the key, check CloudTrail for its use, and switch to roles "
        "with short-lived credentials (OIDC from CI, IRSA, IAM Roles Anywhere).",
        kinds=ALL_KINDS,
        triggers=("akia", "abia", "acca", "a3t", "asia", "aws_secret", "awssecret"),
    )

    VALID = [
        Valid("AWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID}\nAWS_SECRET_ACCESS_KEY=${AWS_SECRET}\n",
              path=".env"),
        # The documentation keys are info only, not a finding at low or above.
        Valid(f"aws_access_key_id = {_DOC_KEY_ID}\naws_secret_access_key = {_DOC_SECRET}\n",
              path=".aws/credentials"),
        Valid("aws_access_key_id = AKIAXXXXXXXXXXXXXXXX\n", path="docs/setup.md"),
        Valid('key = os.environ["AWS_ACCESS_KEY_ID"]  # e.g. AKIA followed by 16 characters\n',
              path="app/settings.py"),
        # Too long or too short to be a key id; embedded in a longer word.
        Valid(f"id: X{_KEY_ID}\nref: {_KEY_ID}ABC\n", path="notes.txt"),
        Valid("timezone: Asia/Tokyo\nregion: ASIAPACIFIC\n", path="config.yaml"),
        # A KMS key ARN and a placeholder spelled in the key id's alphabet.
        Valid(f'"KmsKeyId": "arn:aws:kms:us-east-1:123456789012:key/{_KEY_ID}"\n'
              "aws_access_key_id = AKIAYOURACCESSKEYID2\n", path="config/backup.json"),
        # An expired presigned URL in an API reference: the id is the signature's scope.
        Valid(f'{{"url": "https://b.s3.amazonaws.com/k?X-Amz-Credential={_KEY_ID}%2F20190814'
              "%2Fus-west-2%2Fs3%2Faws4_request&X-Amz-Expires=3600&X-Amz-Signature="
              f'{_SIGNATURE_HEX}"}}\n', path="docs/presign.rst"),
    ]
    INVALID = [
        Invalid(
            f"[default]\naws_access_key_id = {_KEY_ID}  # expect: LLC-SRC-001\n"
            f"aws_secret_access_key = {_SECRET_KEY}\n",
            path=".aws/credentials",
        ),
        Invalid(f'AWS_KEY = "{_KEY_ID_2}"  # expect: LLC-SRC-001\n', path="app/settings.py"),
        # Outside docs, a presigned URL's key id is low: it names a standing IAM-user key.
        Invalid(f"curl 'https://b.s3.amazonaws.com/k?AWSAccessKeyId={_KEY_ID}&Expires=1566"
                f"&Signature={_SIGNATURE_HEX}'  # expect: LLC-SRC-001\n", path="scripts/get.sh"),
        Invalid(
            f"env:\n  AWS_ACCESS_KEY_ID: {_TEMP_ID}  # expect: LLC-SRC-001\n",
            path="deploy/values.yaml",
        ),
        Invalid(
            '{\n  "region": "eu-west-1",\n'
            f'  "aws_secret_access_key": "{_SECRET_KEY}"\n}}\n',
            path="config/aws.json",
            lines=(3,),
        ),
    ]

    def check(self, doc: TextDocument) -> None:
        text = doc.text
        secrets = []
        for match in _SECRET.finditer(text):
            value = match.group(1)
            secrets.append((doc.position(match.start(1))[0], value, Span(match.start(1),
                                                                        match.end(1))))
        # Secrets sorted by line (they are found in order), so each key id looks only at the
        # few within its window: a minified file with thousands of pairs stays linear.
        secret_lines = [s[0] for s in secrets]
        paired: set[int] = set()
        for match in _LONG_TERM.finditer(text):
            key_id = match.group(1)
            span = Span(match.start(1), match.end(1))
            line = doc.position(span.start)[0]
            if _in_arn(text, span.start):
                continue  # `arn:aws:kms:...:key/AKIA...`: a resource id in docs, not a key id
            if "EXAMPLE" in key_id:
                signature = _presigned(text, span.start, span.end)
                self.report(span, "AWS documentation example access key id (not a real key).",
                            lifetime=Lifetime.static(), value=key_id, severity=Severity.INFO,
                            secrets=[signature] if signature else [])
                continue
            if self.context.is_placeholder(key_id) or _PLACEHOLDER_ID.search(key_id):
                continue
            lo = bisect.bisect_left(secret_lines, line - _PAIR_WINDOW)
            hi = bisect.bisect_right(secret_lines, line + _PAIR_WINDOW)
            near = [s for s in secrets[lo:hi]
                    if s[1] != _DOC_SECRET and not self.context.is_placeholder(s[1])]
            if near:
                secret_line, secret, secret_span = min(near, key=lambda s: abs(s[0] - line))
                paired.add(secret_span.start)
                self.report(
                    span,
                    "Long-term AWS access key id with its secret access key on line "
                    f"{secret_line}: a complete IAM-user credential that never expires.",
                    lifetime=Lifetime.static(),
                    value=key_id,
                    severity=Severity.CRITICAL,
                    related=[(secret_span, "the secret access key of this key id")],
                    secrets=[secret],
                )
            elif (signature := _presigned(text, span.start, span.end)) is not None:
                # A signature's credential scope: the id names the signer, the URL expires,
                # and the secret is not here. Its signature is masked like a secret.
                self.report(
                    span,
                    "Long-term AWS access key id as the credential scope of a presigned URL: "
                    "the id alone signs nothing, but it names an IAM user's standing key.",
                    lifetime=Lifetime.static(),
                    value=key_id,
                    severity=Severity.INFO if sample_severity(doc.path, Evidence.SHAPE)
                    else Severity.LOW,
                    secrets=[signature],
                )
            else:
                # Noise policy: a key id alone is a shape nothing verifies; low in samples.
                self.report(
                    span,
                    "Long-term AWS access key id (IAM user or root): it works until someone "
                    "deletes it.",
                    lifetime=Lifetime.static(),
                    value=key_id,
                    severity=sample_severity(doc.path, Evidence.SHAPE),
                )
        for match in _TEMPORARY.finditer(text):
            key_id = match.group(1)
            if self.context.is_placeholder(key_id):
                continue
            self.report(
                Span(match.start(1), match.end(1)),
                "Temporary AWS access key id (STS): it expires within hours, but is usable "
                "by anyone who reads it until then.",
                lifetime=Lifetime.seconds(_STS_MAX_SECONDS),
                value=key_id,
                severity=Severity.LOW,
            )
        for _, secret, span in secrets:
            if span.start in paired:
                continue
            if secret == _DOC_SECRET:
                self.report(span, "AWS documentation example secret access key (not real).",
                            lifetime=Lifetime.static(), value=secret, severity=Severity.INFO)
                continue
            if self.context.is_placeholder(secret) or len(set(secret)) < 10:
                continue
            self.report(
                span,
                "AWS secret access key assigned in a file: with its key id it is a long-term "
                "credential that never expires.",
                lifetime=Lifetime.static(),
                value=secret,
            )


def _url_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The URL-like token around ``[start, end)``: up to blanks, quotes or angle brackets."""
    lo, floor = start, max(0, start - _URL_MAX)
    while lo > floor and not _URL_STOP.match(text[lo - 1]):
        lo -= 1
    stop = _URL_STOP.search(text, end)
    return lo, stop.start() if stop else len(text)


def _presigned(text: str, start: int, end: int) -> str | None:
    """The signature of the presigned URL whose credential scope the key id at ``start`` is."""
    if not _SCOPE_PARAM.search(text, max(0, start - 24), start):
        return None
    lo, hi = _url_bounds(text, start, end)
    signature = _SIGNATURE.search(text, lo, hi)
    return signature.group(1) if signature else None


def _in_arn(text: str, start: int) -> bool:
    """The key id sits inside an ARN's resource part (``arn:aws:kms:...:key/AKIA...``) or a
    resource id (RDS ``db-AKIA...``, ``cluster-AKIA...``), as API references write them."""
    lo, _ = _url_bounds(text, start, start)
    token = text[lo:start]
    return "arn:aws" in token or _RESOURCE_PREFIX.search(token) is not None
