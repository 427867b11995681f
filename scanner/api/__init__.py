"""Everything a rule author needs, and the only part of ``scanner`` a rule may import."""

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
from scanner.api.fakes import ALNUM, BASE32_UPPER, BASE64, fake_pem, fake_token
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
from scanner.durations import parse_duration
from scanner.filekinds import ALL_KINDS, FileKind
from scanner.findings import Category, Lifetime, Precision, Severity
from scanner.secrets import compile_pattern, shannon_entropy

__all__ = [
    "ALNUM",
    "BASE32_UPPER",
    "BASE64",
    "ALL_KINDS",
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
    "dotted_name",
    "fake_pem",
    "fake_token",
    "is_literal",
    "literal_dict_keys",
    "parse_duration",
    "shannon_entropy",
    "string_value",
    "yamlnodes",
]
