"""Everything a rule author needs, and the only part of ``scanner`` a rule may import."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # for type checkers; at run time each name loads on first use (_LAZY)
    from scanner import credentials
    from scanner.api.ci_examples import Stored, invalid_in, valid_in
    from scanner.api.fakes import ALNUM, BASE32_UPPER, BASE64, fake_pem, fake_token
    from scanner.api.fakesession import (
        AUTO_SESSION_KINDS,
        FS001_KINDS,
        MINT_TRIGGERS,
        Analysis,
        KeepAlive,
        Reach,
        Sink,
        SinkGatedRule,
        SinkKind,
        analyse,
        auto_session,
        credential_note,
        describe,
        is_placeholder_literal,
        minted_clause,
        related,
        severity_of,
    )
    from scanner.api.k8s import (
        EnvVar,
        K8sRule,
        K8sView,
        KubeField,
        KubeUser,
        Manifest,
        PodSpec,
        Secret,
        SecretEntry,
        SecretGenerator,
        ServiceAccount,
        shown,
        templated,
        value_entries,
    )
    from scanner.api.provider_rule import ProviderRule, provider_meta, report_rows, row_examples
    from scanner.api.rule import (
        OWASP_IDS,
        CiRule,
        IacRule,
        Invalid,
        PythonRule,
        Report,
        Rule,
        RuleContext,
        RuleMeta,
        TextRule,
        Valid,
        YamlRule,
    )
    from scanner.api.sessions import session_severity
    from scanner.config import Thresholds
    from scanner.documents import yaml as yamlnodes
    from scanner.documents.ci import (
        AzurePipeline,
        Command,
        Entry,
        Federation,
        GithubWorkflow,
        GitlabJob,
        Job,
        Pipeline,
        Step,
        ValueKind,
    )
    from scanner.documents.ci.docker import dockerfile_of
    from scanner.documents.ci.jenkins import bindings as jenkins_bindings
    from scanner.documents.dockerfile import Dockerfile, Instruction
    from scanner.documents.hcl import HclAttribute, HclBlock, HclDocument
    from scanner.documents.iac import (
        Attr,
        FrontEnd,
        HclValues,
        Resolved,
        Resource,
        hcl_values,
    )
    from scanner.documents.iac import Origin as ValueOrigin
    from scanner.documents.iac import ansible as ansible_yaml
    from scanner.documents.iac import inline as iac_inline
    from scanner.documents.iac import policy as iam_policy
    from scanner.documents.iac import serverless as serverless_yaml
    from scanner.documents.iac.credential_resources import (
        CredentialResource,
        credential_resource,
    )
    from scanner.documents.python import (
        CredentialClass,
        CredentialSource,
        Origin,
        PythonDocument,
        Schedule,
        call_argument,
        dotted_name,
        is_literal,
        is_test_path,
        literal_dict_keys,
        string_value,
    )
    from scanner.documents.python.keepalive import sink_source
    from scanner.documents.python.libraries.aws import (
        AIOBOTO3_CLIENT_FACTORIES,
        BOTO3_CLIENT_FACTORIES,
        STS_ASSUME_METHODS,
        STS_USER_KEY_METHODS,
    )
    from scanner.documents.python.libraries.caches import (
        CACHES,
        Cache,
        CacheForm,
        cache_calls,
        cache_row,
    )
    from scanner.documents.python.libraries.credential_slots import (
        AWS_KEYWORDS,
        CREDENTIAL_HEADERS,
        CREDENTIAL_SLOTS,
        CredentialSlot,
        SlotForm,
        slot_calls,
        slot_low_keywords,
        slot_methods,
        slot_names,
        slot_params,
        slot_rows,
    )
    from scanner.documents.python.libraries.google import (
        GOOGLE_USER_CREDENTIALS,
        authorized_user_file,
    )
    from scanner.documents.python.libraries.issuers import (
        ISSUERS,
        NEVER,
        Issuer,
        SettingSite,
        Slot,
        in_rejection_test,
        issuer_of,
        issuers_of,
        methods_of,
        module_sites,
        proto_seconds,
        settings_of,
        slot_value,
        turns_off,
    )
    from scanner.documents.python.libraries.jwt import is_apns_token, jwt_issue, sets_exp_elsewhere
    from scanner.documents.python.libraries.oauth import OAUTH_SESSION_CLASSES
    from scanner.documents.python.libraries.vault import HVAC_CLIENTS
    from scanner.documents.python.libraries.verifiers import VERIFIERS, Verifier
    from scanner.documents.shell import SimpleCommand, Word
    from scanner.documents.text import Span, TextDocument
    from scanner.documents.yaml import YamlDocument
    from scanner.durations import describe_duration, parse_duration
    from scanner.filekinds import ALL_KINDS, COMMAND_KINDS, FileKind
    from scanner.findings import Category, Lifetime, Precision, Severity
    from scanner.secrets import (
        CODE_SUFFIXES,
        CREDENTIAL_KEYWORDS,
        ENCRYPTED_CONTEXT,
        NOT_CREDENTIAL_KEY,
        PASSWORD_KEYWORDS,
        WEAK_PASSWORDS,
        Evidence,
        PathClass,
        assignment_pattern,
        bare_value_ends,
        catalogue,
        code_lines,
        compile_pattern,
        crc32_base62,
        credential_format,
        credential_shaped,
        credential_value,
        generated_secret,
        has_crc32_base62,
        is_encrypted_value,
        is_known_example,
        is_password_key,
        is_reference_key,
        is_reference_value,
        literal_prefix,
        looks_fake,
        password_value,
        path_class,
        sample_severity,
        shannon_entropy,
        standalone,
    )
    from scanner.secrets.formats import Format as SecretFormat

#: Exported name -> (module, attribute), in ``exports.py``: add a name there and in the block
#: above (tests/test_start_cost.py checks that they agree).
from scanner.api.exports import LAZY as _LAZY

__all__ = [
    "AIOBOTO3_CLIENT_FACTORIES",
    "ALL_KINDS",
    "ALNUM",
    "AUTO_SESSION_KINDS",
    "AWS_KEYWORDS",
    "BASE32_UPPER",
    "BASE64",
    "BOTO3_CLIENT_FACTORIES",
    "CACHES",
    "CODE_SUFFIXES",
    "COMMAND_KINDS",
    "CREDENTIAL_HEADERS",
    "CREDENTIAL_KEYWORDS",
    "CREDENTIAL_SLOTS",
    "ENCRYPTED_CONTEXT",
    "FS001_KINDS",
    "GOOGLE_USER_CREDENTIALS",
    "HVAC_CLIENTS",
    "ISSUERS",
    "MINT_TRIGGERS",
    "NEVER",
    "NOT_CREDENTIAL_KEY",
    "OAUTH_SESSION_CLASSES",
    "OWASP_IDS",
    "PASSWORD_KEYWORDS",
    "STS_ASSUME_METHODS",
    "STS_USER_KEY_METHODS",
    "VERIFIERS",
    "WEAK_PASSWORDS",
    "Analysis",
    "Attr",
    "AzurePipeline",
    "Cache",
    "CacheForm",
    "Category",
    "CiRule",
    "Command",
    "CredentialClass",
    "CredentialResource",
    "CredentialSlot",
    "CredentialSource",
    "Dockerfile",
    "Entry",
    "EnvVar",
    "Evidence",
    "Federation",
    "FileKind",
    "FrontEnd",
    "GithubWorkflow",
    "GitlabJob",
    "HclAttribute",
    "HclBlock",
    "HclDocument",
    "HclValues",
    "IacRule",
    "Instruction",
    "Invalid",
    "Issuer",
    "Job",
    "K8sRule",
    "K8sView",
    "KeepAlive",
    "KubeField",
    "KubeUser",
    "Lifetime",
    "Manifest",
    "Origin",
    "PathClass",
    "Pipeline",
    "PodSpec",
    "Precision",
    "ProviderRule",
    "PythonDocument",
    "PythonRule",
    "Reach",
    "Report",
    "Resolved",
    "Resource",
    "Rule",
    "RuleContext",
    "RuleMeta",
    "Schedule",
    "Secret",
    "SecretEntry",
    "SecretFormat",
    "SecretGenerator",
    "ServiceAccount",
    "SettingSite",
    "Severity",
    "SimpleCommand",
    "Sink",
    "SinkGatedRule",
    "SinkKind",
    "Slot",
    "SlotForm",
    "Span",
    "Step",
    "Stored",
    "TextDocument",
    "TextRule",
    "Thresholds",
    "Valid",
    "ValueKind",
    "ValueOrigin",
    "Verifier",
    "Word",
    "YamlDocument",
    "YamlRule",
    "analyse",
    "ansible_yaml",
    "assignment_pattern",
    "authorized_user_file",
    "auto_session",
    "bare_value_ends",
    "cache_calls",
    "cache_row",
    "call_argument",
    "catalogue",
    "code_lines",
    "compile_pattern",
    "crc32_base62",
    "credential_format",
    "credential_note",
    "credential_resource",
    "credential_shaped",
    "credential_value",
    "credentials",
    "describe",
    "describe_duration",
    "dockerfile_of",
    "dotted_name",
    "fake_pem",
    "fake_token",
    "generated_secret",
    "has_crc32_base62",
    "hcl_values",
    "iac_inline",
    "iam_policy",
    "in_rejection_test",
    "invalid_in",
    "is_apns_token",
    "is_encrypted_value",
    "is_known_example",
    "is_literal",
    "is_password_key",
    "is_placeholder_literal",
    "is_reference_key",
    "is_reference_value",
    "is_test_path",
    "issuer_of",
    "issuers_of",
    "jenkins_bindings",
    "jwt_issue",
    "literal_dict_keys",
    "literal_prefix",
    "looks_fake",
    "methods_of",
    "minted_clause",
    "module_sites",
    "parse_duration",
    "password_value",
    "path_class",
    "proto_seconds",
    "provider_meta",
    "related",
    "report_rows",
    "row_examples",
    "sample_severity",
    "serverless_yaml",
    "session_severity",
    "sets_exp_elsewhere",
    "settings_of",
    "severity_of",
    "shannon_entropy",
    "shown",
    "sink_source",
    "slot_calls",
    "slot_low_keywords",
    "slot_methods",
    "slot_names",
    "slot_params",
    "slot_rows",
    "slot_value",
    "standalone",
    "string_value",
    "templated",
    "turns_off",
    "valid_in",
    "value_entries",
    "yamlnodes",
]


def __getattr__(name: str) -> object:
    """Load an exported name on first use and keep it (PEP 562)."""
    try:
        module_name, attribute = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    module = importlib.import_module(module_name)
    try:
        value = getattr(module, attribute)
    except AttributeError:  # a submodule its package does not import itself
        value = importlib.import_module(f"{module_name}.{attribute}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
