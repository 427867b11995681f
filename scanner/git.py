"""git, run so that the repository being scanned cannot make it run anything.

Every git call of outlive goes through ``git_command``: a fixed argv with the repository's own
programs (fsmonitor, hooks, pagers, diff, textconv and filter drivers) switched off, no shell,
stdin from /dev/null and a timeout. The work-tree questions asked of git (``git_toplevel``,
``repository_root``, the exclude files ``ls-files`` would read) live here too. Kept apart from
``scanner.discovery``, which lists and reads files, so the rules for calling git safely sit in
one short module that the config and the CLI use without the listing code.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

#: Seconds a git call may take. A hostile ``.git`` (a FIFO for a config or an exclude file)
#: makes git block in ``open()``; past this the scan lists the directory itself.
GIT_TIMEOUT = 60.0
#: Submodules inside submodules are listed this many levels deep; deeper ones are reported.
MAX_SUBMODULE_DEPTH = 8


#: ``-c`` settings on every git call. A repository's own ``.git/config`` names programs git
#: runs (``core.fsmonitor`` runs on ``ls-files``; hooks, pagers, diff drivers, credential
#: helpers, ssh and askpass on other commands); the command line wins over that file.
#: ``safe.directory`` is left alone on purpose: git then refuses a repository owned by another
#: user (a ``.git`` planted in a shared folder) and discovery lists the directory itself.
_GIT_CONFIG = (
    "core.fsmonitor=false",
    "core.useBuiltinFSMonitor=false",
    f"core.hooksPath={os.devnull}",
    "core.untrackedCache=false",
    "core.pager=cat",
    "core.sshCommand=",
    "core.askPass=",
    "core.alternateRefsCommand=",
    "credential.helper=",
    "diff.external=",
    "protocol.allow=never",
    "log.showSignature=false",
    "gc.auto=0",
    "maintenance.auto=false",
)
#: Subcommands that read file contents: there a repository's diff, textconv and filter
#: drivers (programs named in its config) would run, so they are switched off too.
_DIFF_COMMANDS = frozenset(
    {"diff", "diff-files", "diff-index", "diff-tree", "format-patch", "log", "show", "whatchanged"}
)
_CONTENT_COMMANDS = _DIFF_COMMANDS | {"archive", "blame", "cat-file", "grep", "status"}


class GitError(Exception):
    """git was found but did not answer (it timed out, or could not be started)."""


def git_environment() -> dict[str, str]:
    """The environment of every git call: no system config, no prompt, no pager, no writes."""
    env = dict(os.environ)
    env.pop("GIT_EXTERNAL_DIFF", None)
    env.update(
        GIT_CONFIG_NOSYSTEM="1",
        GIT_TERMINAL_PROMPT="0",
        GIT_OPTIONAL_LOCKS="0",  # a scan never refreshes or writes the index
        GIT_PROTOCOL_FROM_USER="0",
        GIT_PAGER="cat",
        PAGER="cat",
        GIT_ASKPASS="",
        SSH_ASKPASS="",
        GIT_NO_REPLACE_OBJECTS="1",  # replace refs could show other content than was committed
    )
    return env


def git_argv(git: str, directory: Path, *args: str) -> list[str]:
    """The full argv of ``git -C directory args...`` with the repository's programs disabled."""
    argv = [git, "--no-pager", "--literal-pathspecs", "-C", str(directory)]
    for setting in _GIT_CONFIG:
        argv += ["-c", setting]
    if not args:
        return argv
    command, rest = args[0], list(args[1:])
    if command in _CONTENT_COMMANDS:
        for setting in _filter_overrides(git, directory):
            argv += ["-c", setting]
    if command in _DIFF_COMMANDS:
        rest = ["--no-ext-diff", "--no-textconv", *rest]
    return [*argv, command, *rest]


def _filter_overrides(git: str, directory: Path) -> list[str]:
    """Empty clean/smudge/process commands for every filter driver the config names."""
    try:
        names = _run(
            [
                git,
                "--no-pager",
                "-C",
                str(directory),
                "config",
                "--null",
                "--name-only",
                "--get-regexp",
                r"^filter\.",
            ],
            timeout=GIT_TIMEOUT,
        )
    except GitError:
        names = None
    drivers = set()
    if names is not None and names.returncode == 0:
        for key in names.stdout.decode("utf-8", "surrogateescape").split("\0"):
            if key.count(".") >= 2:
                drivers.add(key[len("filter.") :].rsplit(".", 1)[0])
    out = []
    for driver in sorted(drivers):
        out += [f"filter.{driver}.{k}=" for k in ("clean", "smudge", "process")]
        out.append(f"filter.{driver}.required=false")
    return out


def git_command(
    directory: Path, *args: str, timeout: float | None = None
) -> subprocess.CompletedProcess[bytes] | None:
    """Run ``git args...`` in ``directory`` safely; None when git is not installed.

    Every git call of outlive goes through here: fixed argv, no shell, stdin from /dev/null,
    output captured, the repository's programs disabled (``_GIT_CONFIG``), a timeout. Raises
    ``GitError`` when git does not answer in time.
    """
    git = shutil.which("git")
    if git is None:
        return None
    return _run(git_argv(git, directory, *args), timeout=timeout or GIT_TIMEOUT)


def _run(argv: list[str], timeout: float) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(  # noqa: S603 - fixed argv, no shell
            argv,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=timeout,
            check=False,
            env=git_environment(),
        )
    except subprocess.TimeoutExpired:
        raise GitError(f"git did not answer within {timeout:g} s") from None
    except (OSError, subprocess.SubprocessError) as exc:
        raise GitError(f"git could not be run: {exc}") from None


def git_toplevel(directory: Path) -> Path | None:
    """The top folder of the git work tree holding ``directory``; None outside one.

    None too when git is missing, does not answer, or refuses the repository (one owned by
    another user, see ``safe.directory``).
    """
    try:
        done = git_command(directory, "rev-parse", "--show-toplevel", timeout=GIT_TIMEOUT / 6)
    except GitError:
        return None
    if done is None or done.returncode != 0:
        return None
    top = done.stdout.decode("utf-8", "surrogateescape").strip()
    return Path(top) if top else None


def repository_root(directory: Path) -> Path | None:
    """The top of the outermost git work tree holding ``directory``; None outside one.

    A submodule's checkout is part of its superproject's: a scan of ``.`` at the superproject's
    top lists the submodule's files as ``sub/...``, so a scan started inside the submodule
    names them the same way (one baseline, one set of SARIF URIs). Superprojects are followed
    at most ``MAX_SUBMODULE_DEPTH`` levels up; git only names one when its index records this
    work tree as a submodule, and it refuses one owned by another user like any repository.
    """
    top = git_toplevel(directory)
    for _ in range(MAX_SUBMODULE_DEPTH):
        if top is None:
            return None
        try:
            done = git_command(
                top, "rev-parse", "--show-superproject-working-tree", timeout=GIT_TIMEOUT / 6
            )
        except GitError:
            return top
        above = "" if done is None or done.returncode != 0 else done.stdout.decode(
            "utf-8", "surrogateescape"
        ).strip()
        if not above:
            return top
        top = Path(above)
    return top


def special_exclude_file(directory: Path, info_exclude: list[str]) -> Path | None:
    """The exclude file git would read for ``ls-files`` that is a FIFO or a device, if any.

    ``.git/info/exclude`` and ``core.excludesFile`` (which the repository's own config can set)
    are opened by git with a blocking ``open()``: a FIFO there stalls git until the timeout.
    """
    candidates = [directory / p for p in info_exclude]
    configured = git_command(
        directory, "config", "--path", "--get", "core.excludesFile", timeout=GIT_TIMEOUT / 6
    )
    if configured is not None and configured.returncode == 0:
        value = configured.stdout.decode("utf-8", "surrogateescape").strip()
        if value:
            candidates.append(directory / value)
    for candidate in candidates:
        try:
            mode = candidate.stat().st_mode
        except OSError:
            continue  # a missing exclude file is normal
        if not stat.S_ISREG(mode):
            return candidate
    return None
