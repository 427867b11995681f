"""SARIF that GitHub code scanning ingests as is (issue 9): URIs, limits, severities, messages,
category, fingerprints and the project's URLs, each against what GitHub documents."""

from __future__ import annotations

import email.message
import importlib.metadata
import json
import os
import re
import sys
import urllib.parse
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import FormatChecker
from jsonschema.validators import validator_for

from scanner import docs
from scanner.api import BASE32_UPPER, fake_token
from scanner.cli import main
from scanner.findings import (
    Finding,
    Lifetime,
    Location,
    Precision,
    RelatedLocation,
    Severity,
    Suppression,
)
from scanner.pipeline import ScanResult, Stats
from scanner.registry import all_rules, get_rule
from scanner.reporters import ReportOptions
from scanner.reporters import sarif as reporter

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())
FORMATS = FormatChecker()
VALIDATOR = validator_for(SCHEMA)(SCHEMA, format_checker=FORMATS)

#: What CodeQL and GitHub take for an embedded link in plain message text (the regex of
#: CodeQL's sarif-utils, re-spelled for Python): an unescaped `[`, escaped text, `](id)`.
LINK = re.compile(r"(?<!\\)(?:\\\\)*\[((?:[^\\\]\[]|\\\\|\\\]|\\\[)*)\]\((\d+)\)")


def schema_errors(log: dict) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in sorted(VALIDATOR.iter_errors(log), key=str)
    ]


def test_format_checking_is_really_on():
    """Without rfc3986-validator (the test extra) jsonschema skips `uri-reference` silently."""
    assert not FORMATS.conforms("a b.py", "uri-reference")
    assert not FORMATS.conforms("caf\u00e9.py", "uri-reference")
    assert not FORMATS.conforms("relative/path", "uri")
    assert FORMATS.conforms("a%20b.py", "uri-reference")


# -- synthetic scans, through the reporter ---------------------------------------------------------

RULE = get_rule("LLC-SRC-001")


def finding(
    path: str = "app/.env",
    line: int = 1,
    severity: Severity | None = None,
    message: str = "AWS long-term access key id committed.",
    related: tuple[RelatedLocation, ...] = (),
    value: str = "v",
    suppressed: bool = False,
    rule: type = RULE,
) -> Finding:
    meta = rule.META
    return Finding(
        location=Location(path, line, 1, line, 21),
        rule_id=meta.id,
        rule_name=meta.name,
        category=meta.category,
        severity=severity or meta.severity,
        precision=meta.precision,
        message=message,
        snippet="KEY=AKIA…",
        fingerprint=f"{value:0>32}"[-32:],
        owasp=meta.owasp,
        lifetime=Lifetime.static(),
        fix=meta.fix,
        related=related,
        suppression=Suppression("inSource", "known") if suppressed else None,
    )


def log_of(*findings: Finding, **options: object) -> dict:
    result = ScanResult(Path(), tuple(findings), (), tuple(all_rules()), Stats(1, 0, 0))
    return json.loads(reporter.render(result, ReportOptions(**options)))  # type: ignore[arg-type]


def results_of(log: dict) -> list[dict]:
    return log["runs"][0].get("results", [])


def uri_of(result: dict) -> str:
    return result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]


# -- 1. artifactLocation.uri -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("app/settings.py", "app/settings.py"),
        ("./app/x.py", "app/x.py"),
        ("my file.env", "my%20file.env"),
        ("100%.env", "100%25.env"),
        ("a#b.env", "a%23b.env"),
        ("why?.env", "why%3F.env"),
        ("[id]/page.env", "%5Bid%5D/page.env"),
        ("caf\u00e9/cl\u00e9.env", "caf%C3%A9/cl%C3%A9.env"),
        ("back\\slash.env", "back%5Cslash.env"),
        ("bell\x07\x1b\x7f.env", "bell%07%1B%7F.env"),
        ("c1\x85.env", "c1%C2%85.env"),
        ("c:/key.env", "c%3A/key.env"),  # not the scheme `c`
        ("dir/a:b.env", "dir/a:b.env"),  # a colon after the first segment is plain data
        # A non-UTF-8 byte becomes U+FFFD: upload-sarif's decodeURIComponent throws on `%FF`.
        (os.fsdecode(b"key\xff.env"), "key%EF%BF%BD.env"),
        ("a+b=c&d;e,f!$'()*@.env", "a+b=c&d;e,f!$'()*@.env"),
    ],
)
def test_uri_encoding(path, expected):
    assert reporter.uri(path) == expected
    assert FORMATS.conforms(expected, "uri-reference")


# Path segments as os.fsdecode gives them: any character but `/` and NUL, bytes that are not
# UTF-8 arriving as U+DC80..U+DCFF.
_SEGMENT = st.text(
    alphabet=st.one_of(
        st.characters(exclude_categories=("Cs",), exclude_characters="/\x00"),
        st.characters(min_codepoint=0xDC80, max_codepoint=0xDCFF),
        st.sampled_from("%#?[] :\\@!$&'()*+,;="),
    ),
    min_size=1,
    max_size=12,
).filter(lambda s: s not in (".", ".."))
HOSTILE_PATHS = st.lists(_SEGMENT, min_size=1, max_size=4).map("/".join)


@settings(max_examples=200, deadline=None)
@given(HOSTILE_PATHS)
def test_any_file_name_is_a_relative_reference_to_its_own_bytes(path):
    encoded = reporter.uri(path)
    assert FORMATS.conforms(encoded, "uri-reference"), encoded
    parts = urllib.parse.urlsplit(encoded)
    assert (parts.scheme, parts.netloc, parts.query, parts.fragment) == ("", "", "", "")
    assert not encoded.startswith(("/", "./"))
    # Percent-decoding gives back the file name (bytes that are not UTF-8 as U+FFFD), and
    # strict UTF-8 decoding succeeds, as decodeURIComponent in GitHub's upload-sarif needs.
    decoded = urllib.parse.unquote_to_bytes(encoded).decode("utf-8")
    assert decoded == re.sub("[\udc80-\udcff]", "\ufffd", path)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(HOSTILE_PATHS, min_size=1, max_size=4))
def test_logs_with_hostile_paths_validate_with_format_checking(paths):
    findings = [
        finding(
            path=p,
            line=i + 1,
            related=(RelatedLocation(Location(p, i + 2, 1, i + 2, 5), f"see [{p}](0) too"),),
        )
        for i, p in enumerate(paths)
    ]
    log = log_of(*findings)
    assert schema_errors(log) == []
    for result in results_of(log):
        linked = [int(m.group(2)) for m in LINK.finditer(result["message"]["text"])]
        assert linked == [loc["id"] for loc in result["relatedLocations"]]


ON_DISK = {
    "space name.env": "space%20name.env",
    "hash#.env": "hash%23.env",
    "pct%41.env": "pct%2541.env",
    "q?.env": "q%3F.env",
    "[brackets].env": "%5Bbrackets%5D.env",
    "c:colon.env": "c%3Acolon.env",
    "\u00fcml\u00e4ut.env": "%C3%BCml%C3%A4ut.env",
    "back\\slash.env": "back%5Cslash.env",
    "ctl\x01.env": "ctl%01.env",
}


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file names")
def test_hostile_names_on_disk_end_to_end(tmp_path, monkeypatch):
    key = fake_token("AKIA", 16, BASE32_UPPER, seed=41)
    for name in ON_DISK:
        (tmp_path / name).write_text(f"AWS_ACCESS_KEY_ID={key}\n", encoding="utf-8")
    raw = os.fsencode(tmp_path) + b"/raw\xfe.env"
    Path(os.fsdecode(raw)).write_text(f"AWS_ACCESS_KEY_ID={key}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(main, ["scan", "--no-cache", "--format", "sarif", "."],
                             catch_exceptions=False)
    assert res.exit_code == 1, res.stderr
    log = json.loads(res.stdout)
    assert schema_errors(log) == []
    uris = sorted(uri_of(r) for r in results_of(log))
    assert uris == sorted([*ON_DISK.values(), "raw%EF%BF%BD.env"])
    for encoded in ON_DISK.values():  # each URI of a UTF-8 name, decoded, is a file on disk
        assert Path(os.fsdecode(urllib.parse.unquote_to_bytes(encoded))).is_file(), encoded
    notes = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert [n["descriptor"]["id"] for n in notes] == ["outlive/non-utf8-name"]


# -- 2. GitHub's limits ----------------------------------------------------------------------------


def test_limits_are_githubs():
    assert reporter.MAX_RESULTS == 25_000
    assert reporter.MAX_RELATED_LOCATIONS == 1_000
    assert reporter.MAX_DESCRIPTION == 1_024
    assert reporter.MAX_NAME == 255


def test_results_over_the_limit_keep_the_most_severe(monkeypatch):
    monkeypatch.setattr(reporter, "MAX_RESULTS", 3)
    findings = [
        finding("a.env", severity=Severity.LOW, value="1"),
        finding("b.env", severity=Severity.CRITICAL, value="2"),
        finding("c.env", severity=Severity.MEDIUM, value="3"),
        finding("d.env", severity=Severity.CRITICAL, value="4", suppressed=True),
        finding("e.env", severity=Severity.HIGH, value="5"),
        finding("f.env", severity=Severity.MEDIUM, value="6"),
    ]
    log = log_of(*findings, show_suppressed=True)
    assert schema_errors(log) == []
    # Active before suppressed, then by severity, ties in report order; kept in report order.
    assert [uri_of(r) for r in results_of(log)] == ["b.env", "c.env", "e.env"]
    notes = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    [limit] = [n for n in notes if n["descriptor"]["id"] == "outlive/sarif-limit"]
    assert limit.get("level", "warning") == "warning"  # SARIF's default notification level
    assert "3 most severe of 6 results" in limit["message"]["text"]
    assert "3 of the least severe were left out" in limit["message"]["text"]
    assert log == log_of(*findings, show_suppressed=True)  # deterministic


def test_under_the_limit_nothing_is_left_out():
    log = log_of(*(finding(f"{i}.env", value=str(i)) for i in range(5)))
    assert len(results_of(log)) == 5
    assert "toolExecutionNotifications" not in log["runs"][0]["invocations"][0]


def test_exit_code_counts_what_the_log_left_out(tmp_path, monkeypatch):
    monkeypatch.setattr(reporter, "MAX_RESULTS", 1)
    for i in range(3):
        key = fake_token("AKIA", 16, BASE32_UPPER, seed=60 + i)
        (tmp_path / f"k{i}.env").write_text(f"AWS_ACCESS_KEY_ID={key}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)

    def run(*args: str) -> tuple[int, str]:
        res = CliRunner().invoke(main, ["scan", "--no-cache", *args, "."], catch_exceptions=False)
        return res.exit_code, res.stdout

    code, out = run("--format", "sarif")
    log = json.loads(out)
    assert len(results_of(log)) == 1
    assert code == 1
    code_json, out_json = run("--format", "json")
    assert code_json == code
    assert len(json.loads(out_json)["findings"]) == 3


def test_related_locations_over_the_limit():
    related = tuple(
        RelatedLocation(Location("app/x.py", n, 1, n, 2), f"step {n}") for n in range(1, 1006)
    )
    log = log_of(finding(related=related))
    assert schema_errors(log) == []
    [result] = results_of(log)
    assert len(result["relatedLocations"]) == 1_000
    ids = [loc["id"] for loc in result["relatedLocations"]]
    assert ids == list(range(1_000))
    text = result["message"]["text"]
    linked = [int(m.group(2)) for m in LINK.finditer(text)]
    assert linked == list(range(reporter.MAX_LINKED))
    assert f"and {1005 - reporter.MAX_LINKED} more" in text
    assert len(result["locations"]) == 1  # GitHub uses only the first


# -- 3. severity per result ------------------------------------------------------------------------


def test_same_rule_at_two_severities_gets_two_descriptors(tmp_path, monkeypatch):
    real = fake_token("AKIA", 16, BASE32_UPPER, seed=77)
    documented = "AKIA" + "IOSFODNN7" + "EXAMPLE"  # AWS's documentation key, reported at info
    (tmp_path / "prod.env").write_text(f"AWS_ACCESS_KEY_ID={real}\n", encoding="utf-8")
    (tmp_path / "docs.md").write_text(f"Example: `{documented}`\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(
        main, ["scan", "--no-cache", "--show-info", "--format", "sarif", "."],
        catch_exceptions=False,
    )
    assert res.exit_code == 1, res.stderr
    log = json.loads(res.stdout)
    assert schema_errors(log) == []
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    by_uri = {uri_of(r): r for r in results_of(log)}
    prod, doc = by_uri["prod.env"], by_uri["docs.md"]
    assert prod["ruleId"] == "LLC-SRC-001"
    assert doc["ruleId"] == "LLC-SRC-001/info"
    for result in (prod, doc):
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["properties"]["rule"] == "LLC-SRC-001"
    default = RULE.META.severity
    assert rules[prod["ruleIndex"]]["properties"]["security-severity"] == (
        default.security_severity
    )
    info = rules[doc["ruleIndex"]]
    assert "security-severity" not in info["properties"]  # no security alert for a doc key
    assert info["defaultConfiguration"]["level"] == "note"
    assert (prod["level"], doc["level"]) == (reporter._LEVEL[default], "note")
    assert info["name"] == rules[prod["ruleIndex"]]["name"]
    ids = [r["id"] for r in rules]
    assert ids == sorted(ids)
    assert len(ids) == len(set(ids))


def test_variant_descriptor_only_for_severities_used():
    default = RULE.META.severity
    other = Severity.LOW if default is not Severity.LOW else Severity.MEDIUM
    log = log_of(finding(value="1"), finding("b.env", severity=other, value="2"))
    ids = [r["id"] for r in log["runs"][0]["tool"]["driver"]["rules"]]
    assert f"LLC-SRC-001/{other.value}" in ids
    assert not any(i.startswith("LLC-SRC-001/") and i != f"LLC-SRC-001/{other.value}"
                   for i in ids)
    assert not any("/" in i for i in ids if not i.startswith("LLC-SRC-001"))
    plain = [r["id"] for r in log_of(finding())["runs"][0]["tool"]["driver"]["rules"]]
    assert not any("/" in i for i in plain)


def test_fingerprint_does_not_depend_on_the_descriptor_id():
    plain, info = finding(value="abc"), finding(severity=Severity.INFO, value="abc")
    log = log_of(plain, info)
    prints = [r["partialFingerprints"] for r in results_of(log)]
    assert prints == [{"outlive/v1": plain.stable_fingerprint}] * 2
    assert "primaryLocationLineHash" not in prints[0]  # upload-sarif computes it (README)


# -- 4. lengths and messages -----------------------------------------------------------------------


def test_descriptor_fields_within_githubs_limits():
    log = log_of(*(finding(rule=r, value=r.META.id) for r in all_rules()))
    for rule in log["runs"][0]["tool"]["driver"]["rules"]:
        assert len(rule["name"]) <= 255
        assert len(rule["shortDescription"]["text"]) <= 1_024
        assert len(rule["fullDescription"]["text"]) <= 1_024
        assert len(rule["properties"]["tags"]) <= 10  # GitHub shows at most 10 tags


def test_long_descriptions_are_cut(monkeypatch):
    long = "Flags a credential. " * 200
    monkeypatch.setattr(reporter, "what_it_does", lambda rule: long)
    log = log_of(finding())
    for rule in log["runs"][0]["tool"]["driver"]["rules"]:
        text = rule["fullDescription"]["text"]
        assert len(text) <= 1_024
        assert text.endswith("…")
        assert text.startswith("Flags a credential.")


@pytest.mark.parametrize(
    ("message", "head"),
    [
        ("JWT minted without `exp`: the token never expires.", "JWT minted without `exp`: the "
         "token never expires."),
        ("Short one. Then a second sentence.", "Short one."),
        ("A JWT minted without `exp` claim in a place where the token is handed to every worker "
         "of the fleet: the token never expires, so anyone keeps access.",
         "A JWT minted without `exp` claim in a place where the token is handed to every worker "
         "of the fleet."),
        ("Refresh-token grant from a stored refresh token (the `refresh_token` entry of the file "
         "`/var/lib/sync/oauth.json`, then replaced by each refresh): the workload keeps it.",
         "Refresh-token grant from a stored refresh token."),
        ("Keys of this kind, e.g. AKIA ones, never expire. Rotate them.",
         "Keys of this kind, e.g. AKIA ones, never expire."),
        ("No final stop here", "No final stop here."),
    ],
)
def test_headline(message, head):
    got, detail = reporter.headline(message)
    assert got == head
    assert len(got) <= reporter.MAX_HEADLINE
    # Nothing is lost: every word of the message is in the headline or the detail.
    words = set(re.findall(r"\w+", message))
    assert words <= set(re.findall(r"\w+", got + " " + detail))


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=600))
def test_any_message_opens_with_a_short_sentence(message):
    head, _ = reporter.headline(message)
    assert len(head) <= reporter.MAX_HEADLINE


def test_message_shape_and_links():
    chain = (
        RelatedLocation(Location("app/x.py", 3, 1, 3, 9), "the refresh token is read here"),
        RelatedLocation(Location("app/x.py", 9, 1, 9, 9), "the loop [forever] re-mints it"),
    )
    long = ("A background thread keeps a session alive forever by re-minting tokens from a "
            "stored refresh token (the `refresh_token` entry of the file `oauth.json`): whoever "
            "copies it can mint tokens [0](1) endlessly.")
    log = log_of(finding(message=long, related=chain))
    [result] = results_of(log)
    text = result["message"]["text"]
    first = text.split(". ", 1)[0] + "."
    assert first == ("A background thread keeps a session alive forever by re-minting tokens "
                     "from a stored refresh token.")
    assert len(first) <= 120
    links = [(m.group(1), int(m.group(2))) for m in LINK.finditer(text)]
    # Only outlive's own links: the `[0](1)` from the message is escaped, not a link.
    assert links == [("the refresh token is read here", 0),
                     ("the loop \\[forever\\] re-mints it", 1)]
    assert "\\[0\\](1)" in text
    assert [loc["id"] for loc in result["relatedLocations"]] == [0, 1]
    assert text.index("Related:") < text.index("Lifetime: static.") < text.index("Fix: ")
    assert schema_errors(log) == []


# -- 5. --sarif-category ---------------------------------------------------------------------------


@pytest.fixture
def one_key(tmp_path, monkeypatch) -> Path:
    key = fake_token("AKIA", 16, BASE32_UPPER, seed=90)
    (tmp_path / "k.env").write_text(f"AWS_ACCESS_KEY_ID={key}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def scan_sarif(*args: str) -> tuple[int, str, str]:
    res = CliRunner().invoke(main, ["scan", "--no-cache", "--format", "sarif", *args, "."],
                             catch_exceptions=False)
    return res.exit_code, res.stdout, res.stderr


@pytest.mark.parametrize(
    ("category", "automation_id"),
    [("backend", "backend/"), ("frontend/node-20", "frontend/node-20/"), ("web/", "web/")],
)
def test_sarif_category(one_key, category, automation_id):
    code, out, _ = scan_sarif("--sarif-category", category)
    assert code == 1
    log = json.loads(out)
    assert log["runs"][0]["automationDetails"] == {"id": automation_id}
    assert schema_errors(log) == []
    # GitHub: the category is everything before the last `/`.
    assert automation_id.rsplit("/", 1)[0] == category.rstrip("/")


def test_no_category_leaves_it_to_the_uploader(one_key):
    _, out, _ = scan_sarif()
    assert "automationDetails" not in json.loads(out)["runs"][0]


@pytest.mark.parametrize("category", ["", "   ", "/", "bad\x1bname", "tab\tname", "rtl\u202e",
                                      " padded", os.fsdecode(b"not-utf8-\xff")])
def test_bad_category_is_a_usage_error(one_key, category):
    code, out, err = scan_sarif("--sarif-category", category)
    assert code == 2
    assert out == ""
    assert "--sarif-category" in err
    assert "give a name such as" in err
    assert "\x1b" not in err
    assert "Traceback" not in err


# -- 7. helpUri and informationUri from the package metadata ---------------------------------------


def _metadata(*urls: str, home_page: str | None = None) -> email.message.Message:
    meta = email.message.Message()
    meta["Name"] = "outlive"
    for url in urls:
        meta["Project-URL"] = url
    if home_page:
        meta["Home-page"] = home_page
    return meta


def test_project_url_follows_pyproject():
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"].get("urls", {})
    home = docs.project_url()
    if not declared:
        assert home is None  # no public home yet: nothing invented
    else:
        assert home in {u.rstrip("/") for u in declared.values()}


@pytest.mark.parametrize(
    ("urls", "home", "on_github"),
    [
        (("Repository, https://github.com/acme/outlive",), "https://github.com/acme/outlive", True),
        (("Homepage, https://outlive.example.org/", "Source, https://github.com/acme/outlive/"),
         "https://github.com/acme/outlive", True),
        (("Homepage, https://outlive.example.org",), "https://outlive.example.org", False),
        (("Repository, not a url",), None, False),
        (("Repository, https://github.com/acme/out live",), None, False),
        ((), None, False),
    ],
)
def test_urls_from_metadata(monkeypatch, urls, home, on_github):
    monkeypatch.setattr(importlib.metadata, "metadata", lambda name: _metadata(*urls))
    assert docs.project_url() == home
    log = log_of(finding())
    assert schema_errors(log) == []
    driver = log["runs"][0]["tool"]["driver"]
    assert driver.get("informationUri") == home
    for rule in driver["rules"]:
        if on_github:
            anchor = rule["id"].split("/")[0].lower()
            assert rule["helpUri"] == f"{home}/blob/main/docs/rules.md#{anchor}"
        else:
            assert "helpUri" not in rule


def test_help_uri_of_a_git_url():
    assert docs.help_uri(RULE, "https://github.com/acme/outlive.git") == (
        "https://github.com/acme/outlive/blob/main/docs/rules.md#llc-src-001"
    )
    assert docs.help_uri(RULE, "https://gitlab.com/acme/outlive") is None
    assert docs.help_uri(RULE, None) is None


def test_home_page_field_is_the_last_resort(monkeypatch):
    meta = _metadata(home_page="https://github.com/acme/outlive")
    monkeypatch.setattr(importlib.metadata, "metadata", lambda name: meta)
    assert docs.project_url() == "https://github.com/acme/outlive"


def test_no_metadata_at_all(monkeypatch):
    def missing(name: str) -> None:
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "metadata", missing)
    assert docs.project_url() is None
    driver = log_of(finding())["runs"][0]["tool"]["driver"]
    assert "informationUri" not in driver


def test_no_placeholder_home_left():
    """The placeholder organisation is gone from code and docs outside the README."""
    for path in [*ROOT.joinpath("scanner").rglob("*.py"), ROOT / "pyproject.toml",
                 *ROOT.joinpath("docs").rglob("*.md")]:
        assert "outlive-scanner" not in path.read_text(encoding="utf-8"), path


def test_suppressed_variant_results_still_point_right():
    log = log_of(finding(severity=Severity.INFO, suppressed=True), show_suppressed=True)
    [result] = results_of(log)
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert rules[result["ruleIndex"]]["id"] == result["ruleId"] == "LLC-SRC-001/info"
    assert result["suppressions"][0]["kind"] == "inSource"


def test_precision_breaks_severity_ties(monkeypatch):
    monkeypatch.setattr(reporter, "MAX_RESULTS", 1)
    loose = replace(finding("a.env", value="1"), precision=Precision.LOW)
    sure = replace(finding("b.env", value="2"), precision=Precision.VERY_HIGH)
    assert [uri_of(r) for r in results_of(log_of(loose, sure))] == ["b.env"]
