"""Issuers of cloud sessions, Vault tokens, signed URLs and signed values (rows of ``ISSUERS``)."""

from __future__ import annotations

from scanner.documents.python.libraries.issuers.model import (
    DAY,
    HOUR,
    NEVER,
    NONE,
    ZERO,
    Issuer,
    Slot,
    names,
)

_STS = "https://docs.aws.amazon.com/STS/latest/APIReference/"
CLOUD_ROWS = (
    # AssumeRole*: DurationSeconds, one hour by default, up to the role's maximum (12 h).
    Issuer(
        "sts.assume_role",
        "boto3",
        "STS role sessions",
        "LLC-PY-008",
        "sts",
        methods=names("assume_role", "assume_role_with_web_identity", "assume_role_with_saml"),
        lifetime=Slot("DurationSeconds"),
        default=HOUR,
        maximum=12 * HOUR,
        source=_STS + "API_AssumeRole.html",
    ),
    # GetSessionToken / GetFederationToken: IAM-user keys only; 12 hours by default, up to 36 h.
    Issuer(
        "sts.user_key",
        "boto3",
        "STS sessions from an IAM user",
        "LLC-PY-008",
        "sts",
        methods=names("get_session_token", "get_federation_token"),
        lifetime=Slot("DurationSeconds"),
        default=12 * HOUR,
        maximum=36 * HOUR,
        source=_STS + "API_GetSessionToken.html",
    ),
    # Google IAM Credentials: generateAccessToken lifetime, one hour by default, 12 h at most.
    Issuer(
        "gcp.generate_access_token",
        "google-cloud-iam",
        "impersonated access tokens",
        "LLC-PY-008",
        "sts",
        methods=names("generate_access_token"),
        gate=("google.cloud.iam_credentials", "google.cloud.iam_credentials_v1"),
        lifetime=Slot("lifetime", 3, "proto"),
        default=HOUR,
        maximum=12 * HOUR,
        source="https://cloud.google.com/iam/docs/reference/credentials/rest/v1/"
        "projects.serviceAccounts/generateAccessToken",
    ),
    # hvac token create: ttl / period / no_parent / explicit_max_ttl (PY-009 reads them all).
    Issuer(
        "hvac.create_token",
        "hvac",
        "Vault tokens",
        "LLC-PY-009",
        "vault",
        methods=names("create", "create_orphan", "create_token"),
        lifetime=Slot("ttl", form="string"),
        never=ZERO,
        source="https://developer.hashicorp.com/vault/api-docs/auth/token#create-token",
    ),
    # AppRole secret_id_ttl: 0 (the default) means secret IDs never expire.
    Issuer(
        "hvac.approle",
        "hvac",
        "AppRole secret IDs",
        "LLC-PY-009",
        "vault",
        methods=names("create_or_update_approle"),
        gate=("hvac",),
        managers=names("approle"),
        lifetime=Slot("secret_id_ttl", form="string"),
        never=ZERO,
        default=NEVER,
        source="https://developer.hashicorp.com/vault/api-docs/auth/approle#create-update-approle",
    ),
    # S3 pre-signed URLs: ExpiresIn, one hour by default, SigV4 caps at 7 days.
    Issuer(
        "s3.presigned_url",
        "boto3",
        "pre-signed URLs",
        "LLC-PY-010",
        "presign",
        methods=names("generate_presigned_url"),
        lifetime=Slot("ExpiresIn", 2),
        default=HOUR,
        maximum=7 * DAY,
        source="https://docs.aws.amazon.com/boto3/latest/reference/services/s3/client/"
        "generate_presigned_url.html",
    ),
    Issuer(
        "s3.presigned_post",
        "boto3",
        "pre-signed POSTs",
        "LLC-PY-010",
        "presign",
        methods=names("generate_presigned_post"),
        lifetime=Slot("ExpiresIn", 4),
        default=HOUR,
        maximum=7 * DAY,
        source="https://docs.aws.amazon.com/boto3/latest/reference/services/s3/client/"
        "generate_presigned_post.html",
    ),
    # GCS signed URLs: expiration is required (a timedelta, datetime or Unix time); V4 caps 7 d.
    Issuer(
        "gcs.signed_url",
        "google-cloud-storage",
        "signed URLs",
        "LLC-PY-010",
        "presign",
        methods=names("generate_signed_url"),
        lifetime=Slot("expiration", 0, "deadline"),
        maximum=7 * DAY,
        source="https://cloud.google.com/python/docs/reference/storage/latest/"
        "google.cloud.storage.blob.Blob#google_cloud_storage_blob_Blob_generate_signed_url",
    ),
    # Azure SAS: expiry is required (unless a stored access policy sets it).
    Issuer(
        "azure.sas",
        "azure-storage",
        "SAS tokens",
        "LLC-PY-010",
        "presign",
        methods=names(
            "generate_blob_sas",
            "generate_container_sas",
            "generate_account_sas",
            "generate_queue_sas",
            "generate_file_sas",
            "generate_share_sas",
            "generate_file_system_sas",
            "generate_directory_sas",
            "generate_table_sas",
        ),
        gate=("azure",),
        lifetime=Slot("expiry", form="deadline"),
        source="https://learn.microsoft.com/en-us/python/api/azure-storage-blob/"
        "azure.storage.blob#azure-storage-blob-generate-blob-sas",
    ),
)

_ITS = "https://itsdangerous.palletsprojects.com/en/stable/timed/"
_SIGNING = "https://docs.djangoproject.com/en/stable/topics/signing/"
SIGNER_ROWS = (
    # itsdangerous timed serializers and signers: no max_age, no expiry check.
    Issuer(
        "itsdangerous",
        "itsdangerous",
        "timed tokens",
        "LLC-PY-012",
        "signed",
        methods=names("loads", "loads_unsafe", "unsign", "validate"),
        gate=("itsdangerous",),
        receivers=names(
            "itsdangerous.URLSafeTimedSerializer",
            "itsdangerous.TimedSerializer",
            "itsdangerous.TimestampSigner",
            "itsdangerous.timed.TimedSerializer",
            "itsdangerous.timed.TimestampSigner",
            "itsdangerous.url_safe.URLSafeTimedSerializer",
        ),
        lifetime=Slot("max_age", 1),
        never=NONE,
        default=NEVER,
        source=_ITS,
    ),
    # django.core.signing: loads(max_age=None) and TimestampSigner.unsign(max_age=None).
    # ``signing.loads`` without max_age is common for signed data that is no credential
    # (session data, OAuth state): only an explicit ``max_age=None`` is reported.
    Issuer(
        "django.signing.loads",
        "Django",
        "signed values",
        "LLC-PY-012",
        "signed",
        names("django.core.signing.loads"),
        lifetime=Slot("max_age"),
        never=NONE,
        default=NEVER,
        explicit=True,
        source=_SIGNING,
    ),
    Issuer(
        "django.signing.TimestampSigner",
        "Django",
        "timestamped values",
        "LLC-PY-012",
        "signed",
        methods=names("unsign", "unsign_object"),
        gate=("django",),
        receivers=names("django.core.signing.TimestampSigner"),
        lifetime=Slot("max_age", 1),
        never=NONE,
        default=NEVER,
        source=_SIGNING,
    ),
)
