"""Recall and precision of outlive on a peer's public regression corpus (CredSweeper's samples).

CredSweeper (Samsung) keeps about 230 credential samples in many languages and formats in
``tests/samples/`` and, in ``tests/data/*.json``, the findings each of its configurations gives
on them. No one here wrote them, so they measure what outlive misses and what it reports too
much. Nothing of the corpus is committed: give the directory of a CredSweeper checkout::

    python bench/corpus_score.py /path/to/CredSweeper                      # this checkout
    python bench/corpus_score.py /path/to/CredSweeper --before /tmp/base    # before and after
    python bench/corpus_score.py /path/to/CredSweeper --detect-secrets      # (a) and (b)
    python bench/corpus_score.py /path/to/CredSweeper --clean-tree /tmp/Django-5.2 --detect-secrets
    python bench/corpus_score.py /path/to/CredSweeper --misses --extras     # lines to triage

What counts (one unit is a line of a sample file, ``(file, line)``):

- **expected**: the lines of ``tests/data/output.json``, CredSweeper's default run (its
  filters and its ML model), minus rules that report no credential (``UUID``, ``AWS S3
  Bucket``, ``Firebase Domain``, ``Nonce``, ``Salt``, ``Tencent WeChat API App ID``) and
  minus lines in files outlive does not read (archives, class files, key stores: reported as
  out of scope);
- **grey**: lines another CredSweeper configuration reports but the default does not: those
  its ML model rejected (``no_ml.json``), its ``--doc`` mode and its ``--depth 3 --pedantic``
  mode, plus the non-credential rules above. An outlive finding there is neither right nor
  wrong (an ML verdict is a judgement, not ground truth) and is counted apart;
- **recall** = expected credentials (a CredSweeper finding with all its lines: a PEM key
  lists each of them; findings on the same lines count once) on whose lines outlive reports
  a finding (its primary location, a line its span covers, or a related location) /
  expected credentials;
- **precision** = outlive findings on an expected line / outlive findings not on a grey line;
  ``raw precision`` divides by all findings instead.

Samples are copied to a neutral directory first: under ``tests/samples`` outlive's noise
policy would read every file as test data. Findings are those a user sees by default
(``--show-info`` adds info ones). ``--before DIR`` runs the outlive source tree in DIR (a
``git worktree`` of an older commit) the same way.

``--detect-secrets`` adds variant (b): detect-secrets' ``KeywordDetector``,
``Base64HighEntropyString`` and ``HexHighEntropyString`` plugins, with its default filters,
run on the lines outlive's prefilter selects (lines holding a trigger of a selected SRC rule),
their findings added to outlive's where outlive has none on that line. ``--clean-tree DIR``
scans a tree without secrets both ways: every finding there is a false positive.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

Line = tuple[str, int]

#: CredSweeper rules that find no credential (an identifier, a bucket name, a salt).
NOT_CREDENTIALS = frozenset({"UUID", "AWS S3 Bucket", "Firebase Domain", "Nonce", "Salt",
                             "Tencent WeChat API App ID"})

#: CredSweeper rule -> family (outlive's provider families, plus password, generic, key).
FAMILIES: dict[str, tuple[str, ...]] = {
    "password": ("Password", "SQL Password", "CMD Password", "CMD ConvertTo-SecureString",
                 "CURL User Password", "URL Credentials", "Basic Authorization",
                 "CURL Options", "Credential", "Auth", "NTLM Token"),
    "generic": ("Key", "Secret", "Token", "API", "CMD Secret", "CMD Token",
                "Bearer Authorization", "OTP / 2FA Secret"),
    "jwt/jwk": ("JSON Web Token", "JWK", "JSON Web Key"),
    "private-key": ("PEM Private Key", "BASE64 Private Key", "BASE64 encoded PEM Private Key",
                    "Age Secret Key", "NKEY Seed"),
    "cloud": ("AWS Client ID", "AWS Multi", "AWS MWS Key", "AWS AppSync GraphQL API Key",
              "Alibaba Access Key ID", "Alibaba Multi", "Azure Access Token",
              "Azure Secret Value", "Azure Storage Account Key", "Google API Key",
              "Google Multi", "Google OAuth Access Token", "Google OAuth Refresh Token",
              "Google OAuth Secret", "Akamai Credentials", "CloudFlare API Token",
              "Digital Ocean Token", "Heroku Credentials", "Netlify Token", "Vercel Token",
              "Defined Networking API Key", "Amazon Bedrock API Key"),
    "vcs/ci": ("Github App Installation Token", "Github Classic Token",
               "Github Fine-granted Token", "Gitlab Prefix Token", "Bitbucket App Password",
               "Bitbucket HTTP Access Token", "Bitbucket Repository Access Token",
               "Atlassian PAT token", "Jira / Confluence PAT token", "SonarQube Credentials",
               "Docker Swarm Key", "Docker Swarm Token", "Hashicorp Terraform Token"),
    "registry": ("NPM Token", "PyPi API Token", "RubyGems API Key", "NuGet API key",
                 "Clojars Deploy Token", "Docker Access Token", "Jfrog Token"),
    "secret-manager": ("1Password Account Token", "Hashicorp Vault Token", "Doppler API Key"),
    "ai": ("OpenAI Token", "Anthropic API Key", "Hugging Face User Access Token",
           "Groq API Key", "DeepSeek API Key", "Perplexity API Key", "X AI API Key",
           "Together AI API Key", "LLAMA API Key", "Tavily API Key"),
    "chat/email": ("Slack Token", "Slack Webhook", "Discord Bot Token", "Discord Webhook",
                   "Telegram Bot API Token", "SendGrid API Key", "MailChimp API Key",
                   "MailGun API Key", "Brevo API Key", "Twilio Credentials"),
    "payments": ("Stripe Credentials", "Square Access Token", "Square Credentials",
                 "PayPal Braintree Access Token", "Shopify Token", "Picatic API Key"),
    "observability": ("NewRelic Credentials", "Sentry Organization Auth Token",
                      "Sentry User Auth Token", "Dynatrace API Token",
                      "Grafana Access Policy Token", "Grafana Provisioned API Key",
                      "Grafana Service Account Token", "PostHog Credentials"),
    "data/saas": ("Databricks Access Token", "PlanetScale Credentials", "Supabase Credentials",
                  "Notion Integration Token", "Linear API Key", "Figma Personal Access Token",
                  "Postman Credentials", "Dropbox API secret (long term)", "Dropbox App secret",
                  "Dropbox OAuth2 API Access Token", "Salesforce Credentials",
                  "WunderGraph API Key"),
    "social/identity": ("Facebook Access Token", "Facebook App Token", "Instagram Access Token",
                        "X App-Only Authentication Bearer Token"),
}
_FAMILY_OF = {rule: family for family, rules in FAMILIES.items() for rule in rules}


def family(rule: str) -> str:
    return _FAMILY_OF.get(rule, "other")


@dataclass
class Expected:
    """What CredSweeper's reports say about the samples: credentials, each with its lines."""

    #: One credential (a CredSweeper finding; a PEM key lists all its lines) -> its rule.
    positive: dict[frozenset[Line], str] = field(default_factory=dict)
    grey: set[Line] = field(default_factory=set)
    out_of_scope: dict[frozenset[Line], str] = field(default_factory=dict)

    @property
    def lines(self) -> set[Line]:
        return set().union(*self.positive) if self.positive else set()


def _items(report: Path) -> Iterator[tuple[str, frozenset[Line]]]:
    for item in json.loads(report.read_text(encoding="utf-8")):
        lines = set()
        for data in item["line_data_list"]:
            name = data["path"].replace("\\", "/").split("samples/", 1)[-1]
            lines.add((name, int(data["line_num"])))
        yield item["rule"], frozenset(lines)


def expected(repo: Path, readable: set[str]) -> Expected:
    data = repo / "tests" / "data"
    out = Expected()
    for rule, lines in _items(data / "output.json"):
        if rule in NOT_CREDENTIALS:
            out.grey |= lines
        elif any(name not in readable or number < 1 for name, number in lines):
            out.out_of_scope.setdefault(lines, rule)
        else:
            out.positive.setdefault(lines, rule)
    for name in ("no_ml.json", "doc.json", "depth_3_pedantic.json"):
        if (data / name).is_file():
            for _, lines in _items(data / name):
                out.grey |= lines
    out.grey -= out.lines
    return out


def copy_samples(repo: Path, into: Path) -> Path:
    """The samples under a neutral path (``tests/samples`` would make them test data)."""
    target = into / "corpus"
    shutil.copytree(repo / "tests" / "samples", target)
    return target


def _source_env(source: Path | None, scratch: Path) -> dict[str, str]:
    env = dict(os.environ)
    if source is None:
        return env
    shim = scratch / f"shim-{abs(hash(str(source)))}"
    if not shim.exists():  # the rules ship as ``outlive_rules``: a package dir maps them
        shim.mkdir()
        (shim / "scanner").symlink_to(source / "scanner")
        (shim / "outlive_rules").symlink_to(source / "rules")
    env["PYTHONPATH"] = str(shim)
    return env


def run_outlive(tree: Path, source: Path | None, scratch: Path, show_info: bool,
                select: str) -> tuple[dict[str, object], float]:
    """Scan ``tree`` with the outlive in ``source`` (None: this interpreter's) as the CLI does."""
    command = [sys.executable, "-m", "scanner.cli", "scan", ".", "--format", "json",
               "--no-cache", "--exit-zero"]
    if select:
        command += ["--select", select]
    if show_info:
        command.append("--show-info")
    started = time.perf_counter()
    done = subprocess.run(command, cwd=tree, env=_source_env(source, scratch),
                          capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"outlive failed ({done.returncode}):\n{done.stderr[-3000:]}")
    report: dict[str, object] = json.loads(done.stdout)
    return report, elapsed


@dataclass(frozen=True)
class Hit:
    """One finding, with every sample line it stands on."""

    rule: str
    lines: frozenset[Line]
    primary: Line
    message: str


def hits(report: dict[str, object]) -> list[Hit]:
    out = []
    for finding in report["findings"]:  # type: ignore[attr-defined]
        loc = finding["location"]
        path = loc["path"].lstrip("./")
        end = loc.get("end_line") or loc["line"]
        lines = {(path, n) for n in range(loc["line"], end + 1)}
        for related in finding.get("related", []):
            rel = related["location"]
            lines.add((rel["path"].lstrip("./"), rel["line"]))
        out.append(Hit(finding["rule"], frozenset(lines), (path, loc["line"]),
                       finding["message"]))
    return out


def readable_files(report: dict[str, object], tree: Path) -> set[str]:
    skipped = {e["path"].lstrip("./") for e in report["errors"]  # type: ignore[attr-defined]
               if e.get("kind") == "skipped"}
    return {p.relative_to(tree).as_posix() for p in tree.rglob("*")
            if p.is_file()} - skipped


@dataclass
class Score:
    label: str
    found: set[Line]
    tp: int
    fp: list[Hit]
    grey: int
    total: int
    seconds: float
    by_rule: dict[str, Counter[str]]

    @property
    def precision(self) -> float:
        return self.tp / max(1, self.tp + len(self.fp))

    @property
    def raw_precision(self) -> float:
        return self.tp / max(1, self.total)


def score(label: str, found_hits: Iterable[Hit], exp: Expected, seconds: float) -> Score:
    found: set[Line] = set()
    tp, grey, fps = 0, 0, []
    by_rule: dict[str, Counter[str]] = defaultdict(Counter)
    total = 0
    positive = exp.lines
    for hit in found_hits:
        total += 1
        on = hit.lines & positive
        found |= on
        if on:
            tp += 1
            by_rule[hit.rule]["tp"] += 1
        elif hit.lines & exp.grey:
            grey += 1
            by_rule[hit.rule]["grey"] += 1
        else:
            fps.append(hit)
            by_rule[hit.rule]["fp"] += 1
    return Score(label, found, tp, fps, grey, total, seconds, by_rule)


def _found(creds: list[frozenset[Line]], s: Score) -> int:
    return sum(1 for cred in creds if cred & s.found)


def recall_table(exp: Expected, scores: list[Score]) -> list[str]:
    per: dict[str, list[frozenset[Line]]] = defaultdict(list)
    for cred, rule in exp.positive.items():
        per[family(rule)].append(cred)
    head = f"{'family':<17}{'creds':>6}" + "".join(f"{s.label:>14}" for s in scores)
    rows = [head]
    for fam in [*FAMILIES, "other"]:
        lines = per.get(fam)
        if not lines:
            continue
        cells = "".join(f"{_found(lines, s) / len(lines):>14.2f}" for s in scores)
        rows.append(f"{fam:<17}{len(lines):>6}{cells}")
    total = len(exp.positive)
    cells = "".join(f"{_found(list(exp.positive), s) / max(1, total):>14.2f}" for s in scores)
    rows.append(f"{'all':<17}{total:>6}{cells}")
    return rows


def precision_rows(scores: list[Score]) -> list[str]:
    rows = [f"{'':<17}{'findings':>9}{'on expected':>12}{'grey':>6}{'wrong':>7}"
            f"{'precision':>11}{'raw':>7}{'seconds':>9}"]
    for s in scores:
        rows.append(f"{s.label:<17}{s.total:>9}{s.tp:>12}{s.grey:>6}{len(s.fp):>7}"
                    f"{s.precision:>11.2f}{s.raw_precision:>7.2f}{s.seconds:>9.2f}")
    return rows


def rule_rows(s: Score) -> list[str]:
    rows = [f"{s.label}: per rule  tp / grey / wrong"]
    for rule in sorted(s.by_rule):
        c = s.by_rule[rule]
        rows.append(f"  {rule:<22}{c['tp']:>5}{c['grey']:>6}{c['fp']:>7}")
    return rows


# --- variant (b): detect-secrets plugins on the lines the prefilter selects ---------------

DS_PLUGINS = [
    {"name": "KeywordDetector"},
    {"name": "Base64HighEntropyString", "limit": 4.5},
    {"name": "HexHighEntropyString", "limit": 3.0},
]


def _src_triggers() -> list[bytes]:
    from scanner.registry import select_rules

    return sorted({t.encode() for rule in select_rules(["LLC-SRC"], [])
                   for t in rule.META.triggers})


def detect_secrets_hits(tree: Path) -> tuple[list[Hit], float, int, int]:
    """detect-secrets' keyword and entropy plugins on prefilter-selected lines of ``tree``.

    Returns the hits, the seconds spent, the lines selected and the lines read.
    """
    import ahocorasick_rs

    # The benchmark is the one place besides scanner/secrets/ that may import detect-secrets
    # (the optional extra `outlive[detect-secrets]`).
    from detect_secrets.core.scan import _is_filtered_out, _scan_line  # noqa: TID251
    from detect_secrets.settings import get_plugins, transient_settings  # noqa: TID251
    from detect_secrets.util.code_snippet import get_code_snippet  # noqa: TID251

    automaton = ahocorasick_rs.BytesAhoCorasick(_src_triggers())
    out: list[Hit] = []
    selected = read = 0
    started = time.perf_counter()
    with transient_settings({"plugins_used": DS_PLUGINS}):
        plugins = get_plugins()
        for path in sorted(p for p in tree.rglob("*") if p.is_file()):
            data = path.read_bytes()
            if b"\0" in data[:8192] or len(data) > 1 << 20:
                continue
            rel = path.relative_to(tree).as_posix()
            lines = data.decode("utf-8", "replace").splitlines()
            read += len(lines)
            for number, line in enumerate(lines, start=1):
                if len(line) > 1000 or not automaton.find_matches_as_indexes(
                        line.lower().encode("utf-8", "replace")):
                    continue
                selected += 1
                snippet = get_code_snippet(lines=lines, line_number=number)
                if _is_filtered_out(required_filter_parameters=["line"], filename=rel,
                                    line=line, context=snippet):
                    continue
                for plugin in plugins:
                    for secret in _scan_line(plugin=plugin, filename=rel, line=line,
                                             line_number=number, context=snippet):
                        if _is_filtered_out(required_filter_parameters=["context"],
                                            filename=rel, secret=secret.secret_value,
                                            plugin=plugin, line=line, context=snippet):
                            continue
                        out.append(Hit(f"DS:{secret.type}", frozenset({(rel, number)}),
                                       (rel, number), secret.type))
    return out, time.perf_counter() - started, selected, read


def union(outlive: list[Hit], extra: list[Hit]) -> list[Hit]:
    """outlive's findings plus one per line where only detect-secrets reports."""
    covered = set().union(*(h.lines for h in outlive)) if outlive else set()
    seen: set[Line] = set()
    added = []
    for hit in extra:
        if hit.primary in covered or hit.primary in seen:
            continue
        seen.add(hit.primary)
        added.append(hit)
    return [*outlive, *added]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("credsweeper", type=Path, help="a CredSweeper checkout")
    parser.add_argument("--before", type=Path, help="an older outlive source tree to compare")
    parser.add_argument("--select", default="",
                        help="rules to run, comma-separated (default: every rule)")
    parser.add_argument("--show-info", action="store_true", help="count info findings too")
    parser.add_argument("--detect-secrets", action="store_true",
                        help="also score outlive plus detect-secrets plugins (variant b)")
    parser.add_argument("--clean-tree", type=Path, help="a tree without secrets to scan too")
    parser.add_argument("--misses", action="store_true", help="list expected lines missed")
    parser.add_argument("--extras", action="store_true", help="list wrong findings")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)

    repo = args.credsweeper.resolve()
    if not (repo / "tests" / "samples").is_dir() or not (repo / "tests" / "data").is_dir():
        parser.error(f"{repo} has no tests/samples and tests/data")
    with tempfile.TemporaryDirectory(prefix="outlive-corpus-") as tmp:
        scratch = Path(tmp)
        tree = copy_samples(repo, scratch)
        runs: list[tuple[str, Path | None]] = [("after", None)]
        if args.before:
            runs.insert(0, ("before", args.before.resolve()))
        scores: list[Score] = []
        exp: Expected | None = None
        for label, source in runs:
            report, seconds = run_outlive(tree, source, scratch, args.show_info, args.select)
            if exp is None:
                exp = expected(repo, readable_files(report, tree))
            found = hits(report)
            scores.append(score(label, found, exp, seconds))
            if args.detect_secrets and label == "after":
                extra, ds_seconds, selected, read = detect_secrets_hits(tree)
                scores.append(score("after+ds", union(found, extra), exp, seconds + ds_seconds))
                print(f"detect-secrets: {len(extra)} line findings on {selected} of {read} "
                      f"lines the prefilter selects, {ds_seconds:.2f} s")
        if exp is None:
            raise SystemExit("no run")
        print(f"expected credentials: {len(exp.positive)}  grey lines: {len(exp.grey)}  "
              f"out of scope (files outlive does not read): {len(exp.out_of_scope)}")
        print("\nrecall per family (CredSweeper's rule of the line)")
        print("\n".join(recall_table(exp, scores)))
        print("\nprecision")
        print("\n".join(precision_rows(scores)))
        for s in scores:
            print()
            print("\n".join(rule_rows(s)))
        last = scores[-1] if not args.detect_secrets else scores[-2]
        if args.misses:
            print(f"\nmissed by {last.label}:")
            for cred in sorted(exp.positive, key=min):
                if not cred & last.found:
                    name, number = min(cred)
                    print(f"  {name}:{number}  {exp.positive[cred]}")
        if args.extras:
            for s in scores[-2:] if args.detect_secrets else [last]:
                print(f"\nwrong findings of {s.label}:")
                for hit in sorted(s.fp, key=lambda h: h.primary):
                    print(f"  {hit.primary[0]}:{hit.primary[1]}  {hit.rule}  {hit.message[:90]}")
        clean = None
        if args.clean_tree:
            root = args.clean_tree.resolve()
            report, seconds = run_outlive(root, None, scratch, args.show_info, args.select)
            base_hits = hits(report)
            clean = {"tree": str(root), "outlive": len(base_hits), "seconds": seconds}
            line = f"\nclean tree {root}: outlive {len(base_hits)} findings ({seconds:.1f} s)"
            if args.detect_secrets:
                extra, ds_seconds, selected, read = detect_secrets_hits(root)
                more = len(union(base_hits, extra)) - len(base_hits)
                clean.update({"detect_secrets_added": more, "ds_seconds": ds_seconds,
                              "lines_selected": selected, "lines_read": read})
                line += (f"; detect-secrets adds {more} on {selected} of {read} selected "
                         f"lines (+{ds_seconds:.1f} s)")
            print(line)
            by_rule = Counter(h.rule for h in base_hits)
            print("  outlive per rule:", dict(by_rule.most_common()))
        if args.json:
            args.json.write_text(json.dumps({
                "expected": len(exp.positive), "grey": len(exp.grey),
                "out_of_scope": len(exp.out_of_scope),
                "runs": [{"label": s.label,
                          "recall": _found(list(exp.positive), s) / max(1, len(exp.positive)),
                          "precision": s.precision, "raw_precision": s.raw_precision,
                          "findings": s.total, "tp": s.tp, "grey": s.grey,
                          "wrong": len(s.fp), "seconds": s.seconds} for s in scores],
                "clean_tree": clean,
            }, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
