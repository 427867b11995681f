"""Everything a rule author needs, and the only part of ``scanner`` a rule may import."""

from scanner.api.fakes import ALNUM, BASE32_UPPER, BASE64, fake_pem, fake_token
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
from scanner.config import Thresholds
from scanner.documents import yaml as yamlnodes
from scanner.documents.ci import Entry, GithubWorkflow, Job, Step
from scanner.documents.hcl import HclAttribute, HclBlock, HclDocument
from scanner.documents.python import (
    Origin,
    PythonDocument,
    call_argument,
    dotted_name,
    is_literal,
    literal_dict_keys,
    string_value,
)
from scanner.documents.text import Span, TextDocument
from scanner.documents.yaml import YamlDocument
from scanner.durations import describe_duration, parse_duration
from scanner.filekinds import ALL_KINDS, FileKind
from scanner.findings import Category, Lifetime, Precision, Severity
from scanner.secrets import (
    compile_pattern,
    crc32_base62,
    credential_format,
    credential_shaped,
    has_crc32_base62,
    looks_fake,
    shannon_entropy,
    standalone,
)

__all__ = [
    "ALL_KINDS",
    "ALNUM",
    "BASE32_UPPER",
    "BASE64",
    "OWASP_IDS",
    "Category",
    "CiRule",
    "Entry",
    "FileKind",
    "GithubWorkflow",
    "HclAttribute",
    "HclBlock",
    "HclDocument",
    "IacRule",
    "Invalid",
    "Job",
    "Lifetime",
    "Origin",
    "Precision",
    "PythonDocument",
    "PythonRule",
    "Report",
    "Rule",
    "RuleContext",
    "RuleMeta",
    "Severity",
    "Span",
    "Step",
    "TextDocument",
    "TextRule",
    "Thresholds",
    "Valid",
    "YamlDocument",
    "YamlRule",
    "call_argument",
    "compile_pattern",
    "crc32_base62",
    "credential_format",
    "credential_shaped",
    "describe_duration",
    "dotted_name",
    "fake_pem",
    "fake_token",
    "has_crc32_base62",
    "is_literal",
    "literal_dict_keys",
    "looks_fake",
    "parse_duration",
    "shannon_entropy",
    "standalone",
    "string_value",
    "yamlnodes",
]
