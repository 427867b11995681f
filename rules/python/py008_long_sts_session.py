"""LLC-PY-008: long STS sessions, and STS sessions minted from an IAM-user key."""

from __future__ import annotations

from dataclasses import replace

import libcst as cst

from scanner.api import (
    AIOBOTO3_CLIENT_FACTORIES,
    BOTO3_CLIENT_FACTORIES,
    Category,
    FileKind,
    Invalid,
    Lifetime,
    Precision,
    PythonRule,
    RuleMeta,
    Severity,
    Valid,
    describe_duration,
    issuer_of,
    issuers_of,
    proto_seconds,
    slot_value,
    string_value,
)

#: The issuer table's rows: STS methods, their defaults, Google's generateAccessToken.
_ROWS = {row.key: row for row in issuers_of("LLC-PY-008")}
_ASSUME = _ROWS["sts.assume_role"].methods
_USER_KEY = _ROWS["sts.user_key"].methods
_STS_DEFAULT = _ROWS["sts.user_key"].default or 43200  # GetSessionToken's default (12 hours)
_GOOGLE = _ROWS["gcp.generate_access_token"]
_CLIENT_FACTORIES = BOTO3_CLIENT_FACTORIES | AIOBOTO3_CLIENT_FACTORIES
_MEDIUM_AT = 4 * 3600


class LongStsSession(PythonRule):
    """## What it does
    Flags calls on a boto3 STS client (`boto3.client("sts")`, `session.client("sts")`, or a
    name bound to one):
    - `assume_role`, `assume_role_with_web_identity`, `assume_role_with_saml` with
      `DurationSeconds` above `thresholds.role_session_max_seconds` (1 hour by default): low,
      medium from 4 hours;
    - `get_session_token` and `get_federation_token`, which only work with an IAM user's
      long-term key: low, medium when the session is longer than an hour (their default is
      12 hours);
    - Google IAM Credentials `generate_access_token(lifetime=Duration(seconds=N))` above the
      same threshold (its default is one hour, its cap 12 hours).

    The methods and their defaults are rows of the issuer table
    (`scanner/documents/python/libraries/issuers/`).

    `DurationSeconds` is folded through constants and arithmetic; an unknown value is not
    reported for `assume_role*`.

    ## Why is this bad?
    Temporary credentials are only as short as their session. A 12-hour session outlives most
    tasks by hours, and a session minted from an IAM-user key puts that permanent key on the
    machine that calls STS (OWASP NHI7 Long-Lived Secrets, NHI6 Insecure Cloud Deployment
    Configurations).

    ## Example
    ```python
    sts = boto3.client("sts")
    sts.assume_role(RoleArn=ARN, RoleSessionName="etl", DurationSeconds=43200)
    ```

    Use instead:
    ```python
    sts.assume_role(RoleArn=ARN, RoleSessionName="etl", DurationSeconds=900)
    ```

    ## References
    - AssumeRole: https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
    - GetSessionToken: https://docs.aws.amazon.com/STS/latest/APIReference/API_GetSessionToken.html
    - OWASP NHI7:2025 Long-Lived Secrets
    """

    META = RuleMeta(
        id="LLC-PY-008",
        name="long-sts-session",
        summary="Long STS sessions, or STS minted from an IAM-user key",
        category=Category.NON_EXPIRING_TOKEN,
        severity=Severity.LOW,
        precision=Precision.HIGH,
        owasp=("NHI7", "NHI6"),
        fix="Request the shortest session that covers the task (15 to 60 minutes) and re-assume "
        "per task, from web identity or an instance role rather than an IAM-user key.",
        kinds=frozenset({FileKind.PYTHON}),
        triggers=("boto3", "aioboto3", "generate_access_token"),
    )

    VALID = [
        Valid(
            "from google.cloud import iam_credentials_v1\n"
            "from google.protobuf.duration_pb2 import Duration\n"
            "iam = iam_credentials_v1.IAMCredentialsClient()\n"
            "iam.generate_access_token(name=SA, scope=S, lifetime=Duration(seconds=900))\n"
        ),
        Valid(
            "import boto3\n"
            'sts = boto3.client("sts")\n'
            'creds = sts.assume_role(RoleArn=ARN, RoleSessionName="etl", DurationSeconds=900)\n'
        ),
        # The default duration (1 hour), a duration from a parameter, another client.
        Valid(
            "import boto3\n"
            "def creds(seconds):\n"
            '    sts = boto3.client("sts")\n'
            '    sts.assume_role(RoleArn=ARN, RoleSessionName="etl")\n'
            '    return sts.assume_role(RoleArn=ARN, RoleSessionName="x",'
            " DurationSeconds=seconds)\n"
        ),
        Valid(
            "import boto3\n"
            'iam = boto3.client("iam")\n'
            "iam.get_session_token(DurationSeconds=36 * 3600)\n"
            "cache.get_session_token(user)\n"
        ),
    ]
    INVALID = [
        Invalid(
            "from google.cloud import iam_credentials_v1\n"
            "from google.protobuf.duration_pb2 import Duration\n"
            "iam = iam_credentials_v1.IAMCredentialsClient()\n"
            "iam.generate_access_token(  # expect: LLC-PY-008\n"
            "    name=SA, scope=S, lifetime=Duration(seconds=12 * 3600))\n"
        ),
        Invalid(
            "import boto3\n"
            'sts = boto3.client("sts")\n'
            'sts.assume_role(RoleArn=ARN, RoleSessionName="etl", DurationSeconds=12 * 3600)'
            "  # expect: LLC-PY-008\n"
        ),
        # Aliased import, a module constant and a function-level import.
        Invalid(
            "SESSION = 2 * 60 * 60\n"
            "def creds(token):\n"
            "    import boto3 as aws\n"
            '    client = aws.Session().client(service_name="sts")\n'
            "    return client.assume_role_with_web_identity(  # expect: LLC-PY-008\n"
            "        RoleArn=ARN, RoleSessionName='ci', WebIdentityToken=token,\n"
            "        DurationSeconds=SESSION)\n"
        ),
        Invalid(
            "from boto3 import client as aws_client\n"
            'aws_client("sts").get_session_token()  # expect: LLC-PY-008\n'
        ),
        Invalid(
            "import boto3\n"
            'sts = boto3.session.Session(profile_name="deploy").client("sts")\n'
            'sts.get_federation_token(Name="bot", DurationSeconds=900)  # expect: LLC-PY-008\n'
        ),
    ]

    def leave_Module(self, original_node: cst.Module) -> None:
        if self.doc.is_test_code:  # test code (rules.md 2.3.5): informational only
            self.reports[:] = [replace(r, severity=Severity.INFO) for r in self.reports]

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not isinstance(func, cst.Attribute):
            return
        method = func.attr.value
        if method in _GOOGLE.methods:
            self._google(node)
            return
        if method not in _ASSUME and method not in _USER_KEY:
            return
        if not self._is_sts_client(func.value, node):
            return
        duration = self.doc.argument(node, "DurationSeconds")
        seconds = self.doc.fold_seconds(duration, node) if duration is not None else None
        limit = self.context.thresholds.role_session_max_seconds
        if method in _ASSUME:
            if seconds is None or seconds <= limit:
                return
            self.report(
                node,
                f"`{method}` requests a session of {describe_duration(seconds)}, above the "
                f"{describe_duration(limit)} limit: the credentials outlive the task.",
                lifetime=Lifetime.seconds(seconds),
                severity=Severity.MEDIUM if seconds >= _MEDIUM_AT else Severity.LOW,
            )
            return
        if duration is not None and seconds is None:
            lifetime, long_session = Lifetime.unknown(), False
        else:
            effective = _STS_DEFAULT if seconds is None else seconds
            lifetime, long_session = Lifetime.seconds(effective), effective > limit
        self.report(
            node,
            f"`{method}` can only be called with an IAM user's long-term access key, which "
            "then lives on this machine; use a role (web identity, instance or task role).",
            lifetime=lifetime,
            severity=Severity.MEDIUM if long_session else Severity.LOW,
        )

    def _google(self, node: cst.Call) -> None:
        """IAM Credentials ``generate_access_token(lifetime=Duration(seconds=N))``."""
        if issuer_of(self.doc, node, self.META.id) is not _GOOGLE or _GOOGLE.lifetime is None:
            return
        _, value = slot_value(self.doc, node, _GOOGLE.lifetime)
        request = self.doc.argument(node, "request", 0)
        if value is None and request is not None:
            value = self.doc.dict_value(request, "lifetime", node)
        seconds_expr = proto_seconds(self.doc, value) if value is not None else None
        seconds = self.doc.fold_seconds(seconds_expr, node) if seconds_expr is not None else None
        limit = self.context.thresholds.role_session_max_seconds
        if seconds is None or seconds <= limit:
            return
        self.report(
            node,
            f"`generate_access_token` asks for a {describe_duration(seconds)} access token, "
            f"above the {describe_duration(limit)} limit: the token outlives the task.",
            lifetime=Lifetime.seconds(seconds),
            severity=Severity.MEDIUM if seconds >= _MEDIUM_AT else Severity.LOW,
        )

    def _is_sts_client(self, receiver: cst.BaseExpression, at: cst.CSTNode) -> bool:
        value = self.doc.resolve(receiver, at)
        if not isinstance(value, cst.Call):
            return False
        func = value.func
        is_factory = not self.doc.qualified_names(func).isdisjoint(_CLIENT_FACTORIES) or (
            isinstance(func, cst.Attribute)
            and func.attr.value == "client"
            and self._is_boto_session(func.value, value)
        )
        if not is_factory:
            return False
        service = self.doc.argument(value, "service_name", 0)
        return service is not None and string_value(self.doc.resolve(service, value)) == "sts"

    def _is_boto_session(self, expr: cst.BaseExpression, at: cst.CSTNode) -> bool:
        value = self.doc.resolve(expr, at)
        return isinstance(value, cst.Call) and any(
            n.startswith(("boto3.", "aioboto3.", "botocore."))
            for n in self.doc.qualified_names(value.func)
        )
