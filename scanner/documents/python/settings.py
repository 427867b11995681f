"""Where configuration and stored secrets are read from, as data (rules.md 2.2 B).

The credential-source analysis (``sources``) asks these tables; a new settings library or
secret store is one row here. Federated sources are listed too, so that a platform-attested
credential is told apart from a stored one by the same tables.
"""

from __future__ import annotations

#: Strings that name a platform-attested source (rules.md 2.2 B, FEDERATED).
FEDERATED_MARKERS = (
    "serviceaccount/token",
    "169.254.169.254",
    "169.254.170.2",
    "fd00:ec2::254",
    "metadata.google.internal",
    "azure_federated_token_file",
    "aws_web_identity_token_file",
    "aws_container_credentials",
    "actions_id_token_request",
    "identity_endpoint",
    "msi_endpoint",
    "id_token",
    "/vault/secrets/",  # Vault Agent (injector) renders and renews what it writes here
)
#: Calls (by qualified-name prefix) that return a platform credential.
FEDERATED_CALL_PREFIXES = (
    "google.auth.default",
    "google.auth.identity_pool",
    "google.auth.aws",
    "google.auth.compute_engine",
    "google.auth.impersonated_credentials",
    "azure.identity.DefaultAzureCredential",
    "azure.identity.ManagedIdentityCredential",
    "azure.identity.WorkloadIdentityCredential",
    "azure.identity.aio.DefaultAzureCredential",
    "azure.identity.aio.ManagedIdentityCredential",
    "azure.identity.aio.WorkloadIdentityCredential",
    "botocore.credentials.RefreshableCredentials",
    "botocore.credentials.InstanceMetadataProvider",
    "botocore.credentials.AssumeRoleWithWebIdentityProvider",
    "kubernetes.config.load_incluster_config",
    "kubernetes.config.incluster_config",
)

#: Calls that read one environment variable (the first argument names it).
ENV_READS = frozenset({"os.getenv", "os.environ.get", "decouple.config", "os.environ.setdefault"})

#: Loaders of an open file: a file source only when their argument is a file.
LOADS = frozenset(
    {"json.load", "yaml.safe_load", "yaml.load", "tomllib.load", "tomli.load", "pickle.load"}
)
#: Loaders that take a path.
PATH_LOADS = frozenset(
    {"toml.load", "dotenv.dotenv_values", "dotenv.main.dotenv_values", "yaml.full_load"}
)

#: Module names whose attributes and constants are settings (``from app import settings``).
CONFIG_MODULES = frozenset(
    {"settings", "config", "conf", "configuration", "secrets", "credentials", "local_settings"}
)
#: Settings classes whose fields come from the environment or a dotenv file.
SETTINGS_BASES = frozenset(
    {"pydantic.BaseSettings", "pydantic_settings.BaseSettings", "pydantic.v1.BaseSettings"}
)
#: Constructors of objects whose every attribute, key and getter is configuration.
CONFIG_OBJECTS = frozenset(
    {
        "configparser.ConfigParser",
        "configparser.RawConfigParser",
        "configparser.SafeConfigParser",
        "dynaconf.Dynaconf",
        "dynaconf.LazySettings",
        "environ.Env",  # django-environ
        "environs.Env",
        "decouple.AutoConfig",
        "decouple.Config",
        "omegaconf.OmegaConf.load",
        "hydra.compose",
    }
)
#: Module-level objects that are configuration already (``from dynaconf import settings``).
#: ``streamlit.secrets`` is the app's ``secrets.toml`` (or the Cloud app's secrets box), read once.
CONFIG_SINGLETONS = frozenset(
    {"django.conf.settings", "dynaconf.settings", "decouple.config", "streamlit.secrets"}
)
#: Methods of a secret store that read a secret (each read once at start is a stored secret):
#: AWS Secrets Manager and SSM, GCP Secret Manager, Azure Key Vault, hvac KV.
SECRET_STORE_METHODS = frozenset(
    {
        "get_secret_value",
        "access_secret_version",
        "read_secret_version",
        "read_secret",
        "get_secret",
        "get_parameter",
        "get_parameters",
        "get_parameters_by_path",
    }
)
#: Methods that hand on their receiver's value (``x.strip()``), with no argument.
PASS_THROUGH_METHODS = frozenset(
    {"strip", "rstrip", "lstrip", "decode", "encode", "lower", "upper", "get_secret_value"}
)
#: Methods that cut or rewrite their receiver's text: an element is still the credential.
SPLIT_METHODS = frozenset(
    {
        "split",
        "rsplit",
        "partition",
        "rpartition",
        "splitlines",
        "replace",
        "removeprefix",
        "removesuffix",
        "strip",
        "rstrip",
        "lstrip",
        "decode",
        "encode",
    }
)
#: Functions that hand on their first argument's value, encoded or parsed.
PASS_THROUGH_CALLS = frozenset(
    {
        "json.loads",
        "base64.b64decode",
        "base64.urlsafe_b64decode",
        "base64.b64encode",
        "base64.standard_b64encode",
        "base64.urlsafe_b64encode",
        "urllib.parse.quote",
        "urllib.parse.quote_plus",
        "yaml.safe_load",
        "pydantic.SecretStr",
    }
)
#: Field specifiers whose ``default``/``default_factory`` is a class attribute's value.
FIELD_SPECIFIERS = frozenset(
    {"dataclasses.field", "pydantic.Field", "attr.ib", "attrs.field", "attr.field"}
)
