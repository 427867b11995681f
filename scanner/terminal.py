"""The terminal side of a scan: the progress bar, ``--statistics`` and ``--quiet`` text.

The bar is drawn on stderr, on a terminal only, and only once a scan has run for
``PROGRESS_DELAY`` seconds: a hook or a small repository finishes first and never flickers,
a CI log (not a terminal) never fills with carriage returns, and stdout, which may carry JSON
or SARIF, is never touched. ``OUTLIVE_PROGRESS=always`` forces it (tests, ``script``
recordings); ``never`` turns it off.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

from scanner.findings import Finding

if TYPE_CHECKING:
    from scanner.pipeline import ScanResult
    from scanner.reporters import ReportOptions

#: Seconds a scan runs before the bar appears.
PROGRESS_DELAY = 2.0
#: Seconds between two redraws: a tenth of a second looks live and costs nothing.
REDRAW_INTERVAL = 0.1
PROGRESS_ENV = "OUTLIVE_PROGRESS"


def progress_wanted(stream: TextIO, quiet: bool = False) -> bool:
    """Whether to draw the bar on ``stream``: a terminal (not ``TERM=dumb``), not ``--quiet``;
    ``OUTLIVE_PROGRESS`` ``always``/``never`` overrides."""
    forced = os.environ.get(PROGRESS_ENV, "").strip().lower()
    if forced == "always":
        return True
    if forced == "never" or quiet or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


class ProgressBar:
    """``[=====>    ] 1,204/3,880 files  48.2 MB  7 findings``, redrawn in place.

    Call it as ``progress(done, total, nbytes, findings)`` (the pipeline's callback), and
    ``close()`` when the scan ends: that erases the line, so the report starts clean.
    """

    def __init__(
        self,
        stream: TextIO,
        delay: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        width: int = 24,
    ) -> None:
        self.stream, self.clock, self.width = stream, clock, width
        self.delay = PROGRESS_DELAY if delay is None else delay
        self.started = clock()
        self.last = -1.0
        self.drawn = False

    def __call__(self, done: int, total: int, nbytes: int, findings: int) -> None:
        now = self.clock()
        if now - self.started < self.delay:
            return
        if done < total and now - self.last < REDRAW_INTERVAL:
            return
        self.last = now
        self.stream.write("\r\x1b[K" + render_line(done, total, nbytes, findings, self.width))
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.drawn = False


def render_line(done: int, total: int, nbytes: int, findings: int, width: int = 24) -> str:
    filled = width if total <= 0 else min(width, done * width // total)
    bar = "=" * filled + (">" if filled < width else "") + " " * max(0, width - filled - 1)
    plural = "" if findings == 1 else "s"
    return (
        f"[{bar}] {done:,}/{total:,} files  {nbytes / 1e6:.1f} MB  {findings:,} finding{plural}"
    )


def statistics(result: ScanResult) -> str:
    """Active findings counted per rule, most first, as ruff prints them:
    ``count  rule-id  name``."""
    counts: Counter[tuple[str, str]] = Counter(
        (f.rule_id, f.rule_name) for f in result.active
    )
    if not counts:
        return ""
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0][0]))
    count_width = max(len(str(n)) for _, n in rows)
    id_width = max(len(rule_id) for (rule_id, _), _ in rows)
    return "".join(
        f"{n:>{count_width}}  {rule_id:<{id_width}}  {name}\n" for (rule_id, name), n in rows
    )


def quiet_text(result: ScanResult, options: ReportOptions) -> str:
    """The text report's finding blocks alone: no summary line."""
    from scanner.reporters.text import finding_block

    shown: list[Finding] = [
        f for f in result.findings if options.show_suppressed or f.suppression is None
    ]
    lines: list[str] = []
    for finding in shown:
        lines.extend(finding_block(finding, options))
        lines.append("")
    return "\n".join(lines) + ("\n" if lines else "")
