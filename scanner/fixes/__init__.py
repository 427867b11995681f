"""``outlive fix``: the mechanical fixes of a scan's findings, as a diff or written.

A fix exists where the session-scoped replacement is the same edit everywhere: a GitHub
Actions step's static AWS keys become an OIDC role (LLC-GHA-001), a PyPI token becomes trusted
publishing (LLC-GHA-005), a JWT without ``exp`` gains one (LLC-PY-001). Every other finding is
listed as having no automatic fix. Each fixed text is scanned again before it is offered: a
fix that would leave its finding, add another one, or not parse is dropped and listed, so
``--write`` never writes a change that does not do what it says.
"""

from __future__ import annotations

import difflib
import os
import stat
import tempfile
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from scanner.config import Config
from scanner.engine import Engine
from scanner.findings import Finding, Severity
from scanner.fixes.github import fix_github
from scanner.fixes.jwt_exp import fix_jwt_exp
from scanner.fixes.model import FileFix, Fixer
from scanner.rulemeta import RuleSpec

__all__ = ["FIXERS", "FileFix", "diff", "plan", "write"]

#: The rules with a mechanical fix, and the fixer of each.
FIXERS: dict[str, Fixer] = {
    "LLC-GHA-001": fix_github,
    "LLC-GHA-005": fix_github,
    "LLC-CI-002": fix_github,  # `twine upload` with TWINE_PASSWORD, in GitHub Actions only
    "LLC-PY-001": fix_jwt_exp,
}


def plan(
    root: Path, findings: Sequence[Finding], config: Config, rules: Sequence[RuleSpec]
) -> tuple[list[FileFix], list[Finding]]:
    """The fix of every file with a fixable finding, and the findings no fixer handles.

    ``findings`` are all findings of a scan of ``root`` (suppressed ones too: the check
    after a fix counts them); only active ones are fixed. A file is read again here
    (the scan does not keep texts); a file that changed since cannot be told apart, which is
    why the fixed text is scanned again before it counts.
    """
    by_file: dict[str, list[Finding]] = defaultdict(list)
    unfixable: list[Finding] = []
    for finding in findings:
        if finding.suppression is not None:
            continue
        if finding.rule_id in FIXERS and finding.commit is None:
            by_file[finding.location.path].append(finding)
        else:
            unfixable.append(finding)
    fixes: list[FileFix] = []
    engine: Engine | None = None
    for rel, found in sorted(by_file.items()):
        text = _read(root / rel)
        fix = FileFix(rel, text or "")
        fixes.append(fix)
        if text is None:
            fix.refused.extend((f, "the file cannot be read as UTF-8 text") for f in found)
            continue
        by_fixer: dict[Fixer, list[Finding]] = defaultdict(list)
        for finding in found:
            by_fixer[FIXERS[finding.rule_id]].append(finding)
        for fixer, chosen in by_fixer.items():
            fixer(fix, chosen, config)
        if fix.new_text is not None:
            engine = engine or Engine(rules, config)
            _verify(fix, engine, [f for f in findings if f.location.path == rel and _counted(f)])
    return fixes, unfixable


def _counted(finding: Finding) -> bool:
    """Whether the engine alone reports ``finding``: an in-source suppression hides it there,
    a baseline does not (the baseline applies after the engine)."""
    return finding.severity is not Severity.INFO and (
        finding.suppression is None or finding.suppression.kind != "inSource"
    )


def _verify(fix: FileFix, engine: Engine, before: list[Finding]) -> None:
    """Drop a fix whose text still holds a fixed finding or holds a new one."""
    if fix.new_text is None:
        return
    result = engine.scan_bytes(fix.path, fix.new_text.encode("utf-8"))
    after = [f for f in result.findings if _counted(f)]
    problem = None
    if any(e.level == "error" or e.kind == "parse" for e in result.errors):
        problem = "the fixed file would not parse; fix it by hand"
    elif len(after) > len(before) - len(fix.fixed) or {f.rule_id for f in after} - {
        f.rule_id for f in before
    }:
        problem = "the fixed file would still be reported; fix it by hand"
    if problem is not None:
        fix.refused.extend((f, problem) for f in fix.fixed)
        fix.fixed.clear()
        fix.notes.clear()
        fix.new_text = None


def _read(path: Path) -> str | None:
    try:
        data = path.read_bytes()
        return data.decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def diff(fix: FileFix) -> str:
    """The change as a unified diff, ``a/`` and ``b/`` paths as git prints them."""
    if fix.new_text is None:
        return ""
    lines = difflib.unified_diff(
        fix.text.splitlines(keepends=True),
        fix.new_text.splitlines(keepends=True),
        fromfile=f"a/{fix.path}",
        tofile=f"b/{fix.path}",
    )
    out = []
    for line in lines:
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def write(root: Path, fix: FileFix) -> None:
    """Replace the file with its fixed text, atomically and keeping its mode; a symbolic
    link is refused (OSError), never written through or replaced by a copy."""
    if fix.new_text is None:
        return
    path = root / fix.path
    info = path.lstat()
    if not stat.S_ISREG(info.st_mode):
        raise OSError(0, "not a regular file (a symbolic link?); fix it by hand")
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    temp = Path(name)
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(fix.new_text.encode("utf-8"))
        temp.chmod(stat.S_IMODE(info.st_mode))
        temp.replace(path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
