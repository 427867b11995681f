"""The project pre-pass: file kinds that other files of the tree decide, computed once per scan.

A file's kind is mostly its own path and first bytes (``filekinds.classify``), but not always:
a GitLab CI file may have any name once the root ``.gitlab-ci.yml`` includes it, an Azure
Pipelines template once a pipeline names it in ``template:`` (and, to come,
a chart directory's ``Chart.yaml`` makes its ``templates/`` Helm, a ``Pulumi.yaml`` makes its
stack files Pulumi). ``survey`` reads those deciding files once, before any file is scanned, and
returns ``ProjectFacts``: small, immutable and picklable, so every worker process classifies
with the same facts, and the result cache is keyed by them (``cache_part``).

Two facts are for rules rather than for classification, and cost nothing on a tree without
them: the credential resources of local Terraform modules that a ``module`` block's
``source = "./..."`` names (so LLC-IAC-001/003 point from the call to the key it mints), and
the ServiceAccounts federated with a cloud identity (IRSA, GKE or Azure workload identity) in
any manifest of the tree (so LLC-K8S-004 sees a pod's federation declared in another file).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from scanner.discovery import MAX_AUX_FILE_SIZE
from scanner.filekinds import FileKind, classify
from scanner.findings import Location
from scanner.reading import Refused, safe_read

if TYPE_CHECKING:  # the HCL parser loads only when a tree has local modules
    from scanner.documents.hcl import HclBlock


@dataclass(frozen=True, slots=True)
class ProjectFacts:
    """What the pre-pass learnt: each path whose kind another file decides."""

    #: ``(relative path, kind)`` pairs, sorted by path, one per path.
    decided: tuple[tuple[str, FileKind], ...] = ()
    #: Credential resources of the local modules that ``module`` blocks name, in path order.
    modules: tuple[ModuleCredential, ...] = ()
    #: Federated ServiceAccounts declared anywhere in the tree, in path order.
    accounts: tuple[FederatedAccount, ...] = ()

    @property
    def kinds(self) -> dict[str, FileKind]:
        """``decided`` as the mapping ``classify`` reads (build it once, not per file)."""
        return dict(self.decided)

    def cache_part(self) -> str:
        """The facts as one string for the cache key: other facts, other findings.

        A module's resource or a ServiceAccount that moves, appears or goes changes the
        string, so the files whose findings point at it are scanned again.
        """
        parts = [f"{rel}={kind.value}" for rel, kind in self.decided]
        parts += [m.key() for m in self.modules]
        parts += [a.key() for a in self.accounts]
        return ",".join(parts)

    def module_credentials(self, module_dir: str) -> tuple[ModuleCredential, ...]:
        """The credential resources the local module in ``module_dir`` declares."""
        return tuple(m for m in self.modules if m.module == module_dir)

    def federated_account(
        self, rel: str, name: str, namespace: str | None
    ) -> FederatedAccount | None:
        """The federated ServiceAccount ``name`` that a workload in the file ``rel`` runs as,
        declared in another file of its kustomize build, chart or directory tree."""
        for account in self.accounts:
            if account.location.path != rel and account.name == name and account.covers(
                rel, namespace
            ):
                return account
        return None


@dataclass(frozen=True, slots=True)
class ModuleCredential:
    """A credential-creating resource of a local Terraform module, and what switches it on."""

    #: The module's directory, relative to the scan root.
    module: str
    #: The canonical type (``aws.iam.access_key``), and the native type and name as written.
    canonical: str
    native: str
    name: str
    location: Location
    #: Variables its ``count`` or ``for_each`` reads (through ``local``s one level deep).
    gates: tuple[str, ...] = ()
    #: ``(variable, default expression)`` for those of ``gates`` that have a default.
    defaults: tuple[tuple[str, str], ...] = ()
    #: It has a ``count`` or ``for_each`` at all (one without ``gates`` is unknown).
    conditional: bool = False
    #: ``(attribute, variable)`` for its attributes set to a variable as they are
    #: (``status = var.access_key_status``); their defaults are in ``defaults`` too.
    fed: tuple[tuple[str, str], ...] = ()

    def key(self) -> str:
        loc = self.location
        gates = "+".join(self.gates)
        defaults = "+".join(f"{v}:{d}" for v, d in self.defaults)
        fed = "+".join(f"{a}:{v}" for a, v in self.fed)
        return (f"m:{self.module}|{self.native}.{self.name}|{loc.path}:{loc.line}:{loc.column}:"
                f"{loc.end_line}:{loc.end_column}|{int(self.conditional)}|{gates}|{defaults}"
                f"|{fed}")


@dataclass(frozen=True, slots=True)
class FederatedAccount:
    """A ServiceAccount bound to a cloud identity, and the files whose workloads it serves."""

    name: str
    namespace: str | None
    #: The annotation or label that federates it (``eks.amazonaws.com/role-arn``).
    annotation: str
    #: Where that annotation is written.
    location: Location
    #: Directories whose files it serves with every subdirectory (its own directory; none for
    #: a Terraform module, whose subdirectories are other modules)...
    trees: tuple[str, ...] = ()
    #: ...and exactly (the directories of every kustomize build that includes it).
    builds: tuple[str, ...] = ()

    def covers(self, rel: str, namespace: str | None) -> bool:
        """A workload in ``rel`` in ``namespace`` may run as this account: the namespaces
        agree where both are written (kustomize often sets it for the whole build)."""
        if namespace and self.namespace and namespace != self.namespace:
            return False
        folder = posixpath.dirname(rel)
        if folder in self.builds:
            return True
        return any(not tree or folder == tree or folder.startswith(tree + "/")
                   for tree in self.trees)

    def key(self) -> str:
        loc = self.location
        return (f"a:{self.namespace or ''}/{self.name}|{self.annotation}|{loc.path}:{loc.line}:"
                f"{loc.column}|{'+'.join(self.trees)}|{'+'.join(self.builds)}")


def survey(root: Path, files: Iterable[str] = ()) -> ProjectFacts:
    """The facts of the tree at ``root``; ``files`` are the discovered relative paths.

    The GitLab includes come from the root file whether or not it is among ``files``: a
    pre-commit run that passes only an included file must still scan it as GitLab CI. Facts
    that the file list alone decides (chart directories) are to read ``files``.
    """
    files = tuple(files)  # read twice below: a generator would leave Azure with nothing
    decided: dict[str, FileKind] = {}
    for rel in sorted(gitlab_includes(root, files)):
        decided.setdefault(rel, FileKind.GITLAB_CI)
    for rel in sorted(azure_templates(root, files)):
        decided.setdefault(rel, FileKind.AZURE_PIPELINES)
    return ProjectFacts(
        tuple(sorted(decided.items())),
        module_credentials(root, files),
        federated_accounts(root, files),
    )


#: Bound on the ``.gitlab-ci.yml`` files read for includes (a tree of vendored projects).
MAX_GITLAB_FILES = 200


def gitlab_includes(root: Path, files: Iterable[str] = ()) -> frozenset[str]:
    """Local files a ``.gitlab-ci.yml`` includes: they are GitLab CI too.

    The root's file is read whether or not it is among ``files``; a ``.gitlab-ci.yml`` deeper
    in the tree (a vendored project, a monorepo part scanned from the top) is its own
    project's root, so its ``local:`` paths are relative to its directory.
    """
    roots = [".gitlab-ci.yml"]
    roots += sorted(
        rel for rel in files
        if posixpath.basename(rel) in (".gitlab-ci.yml", ".gitlab-ci.yaml") and "/" in rel
    )[:MAX_GITLAB_FILES]
    out: set[str] = set()
    for ci_file in roots:
        # Read through the same checks as every scanned file: a FIFO or a link to /dev/zero
        # of that name must neither block the scan nor fill memory.
        data = safe_read(root / ci_file, MAX_AUX_FILE_SIZE, root=root)
        if isinstance(data, Refused):
            continue
        base = posixpath.dirname(ci_file)
        for line in data.decode("utf-8", errors="replace").splitlines():
            stripped = line.strip().lstrip("-").strip()
            if stripped.startswith("local:"):
                stripped = stripped[len("local:") :].strip()
            value = stripped.strip("'\"")
            if value.endswith((".yml", ".yaml")) and " " not in value and ":" not in value:
                target = posixpath.normpath(posixpath.join(base, value.lstrip("/")))
                if not target.startswith("../") and target not in ("..", "."):
                    out.add(target)
    return frozenset(out)


#: ``template: path.yml`` (a step, job, stage, variables or ``extends`` template), with the
#: path quoted or not; ``path@self`` is this repository, ``path@repo`` another one (left out,
#: as are ``${{ }}`` paths).
_AZURE_TEMPLATE = re.compile(
    r"^\s*(?:-\s*)?template:\s*(['\"]?)([^\s'\"#@${}]+\.ya?ml)(?:@self)?\1\s*(?:#.*)?$"
)
#: Bound on the Azure files read for templates, so a tree of thousands cannot slow the pre-pass.
MAX_AZURE_FILES = 500
#: Bounds on the unsettled YAML files read to sniff an Azure pipeline: how many, and how large
#: (a pipeline is a few KiB; a large YAML file is data, and is not read at all).
MAX_AZURE_SNIFFED = 1000
MAX_AZURE_SNIFFED_SIZE = 64 * 1024
_HEAD = 8192  # what the engine's classify sees (engine.HEAD_BYTES)


def azure_templates(root: Path, files: Iterable[str] = ()) -> frozenset[str]:
    """Local template files that Azure pipelines reference: they are Azure Pipelines too.

    The pipelines are the root ``azure-pipelines.yml`` (read whether or not it is among
    ``files``, as for GitLab), every file its path makes Azure, and the YAML files the path
    leaves open whose head ``classify`` sniffs as a pipeline (``eng/pipelines/ci.yml``).
    A path is relative to the file that names it, or with a leading ``/`` to the repository
    root; templates naming templates are followed.
    """
    files = tuple(files)
    pending = [n for n in ("azure-pipelines.yml", "azure-pipelines.yaml") if (root / n).is_file()]
    unsettled: list[str] = []
    for rel in files:
        if not rel.lower().endswith((".yml", ".yaml")):
            continue  # every Azure file is YAML; classifying all paths costs 12 us each
        kind = classify(rel)
        if kind is FileKind.AZURE_PIPELINES:
            pending.append(rel)
        elif kind is FileKind.TEXT:
            unsettled.append(rel)
    # Within the bound, the paths that say "pipeline" first (`eng/pipelines/`, `.pipelines/`).
    unsettled.sort(key=lambda rel: "pipeline" not in rel.lower())
    for rel in unsettled[:MAX_AZURE_SNIFFED]:
        data = safe_read(root / rel, MAX_AZURE_SNIFFED_SIZE, root=root)
        if isinstance(data, Refused):
            continue
        if classify(rel, data[:_HEAD]) is FileKind.AZURE_PIPELINES:
            pending.append(rel)
    present = frozenset(posixpath.normpath(f.replace("\\", "/")) for f in files)
    seen: set[str] = set()
    out: set[str] = set()
    while pending and len(seen) < MAX_AZURE_FILES:
        rel = posixpath.normpath(pending.pop().replace("\\", "/"))
        if rel in seen:
            continue
        seen.add(rel)
        data = safe_read(root / rel, MAX_AUX_FILE_SIZE, root=root)
        if isinstance(data, Refused):
            continue
        for line in data.decode("utf-8", errors="replace").splitlines():
            match = _AZURE_TEMPLATE.match(line)
            if match is None:
                continue
            target = _azure_target(root, rel, match.group(2), present)
            if target is not None:
                out.add(target)
                pending.append(target)
    return frozenset(out)


def _azure_target(root: Path, rel: str, ref: str, present: frozenset[str]) -> str | None:
    """The root-relative path ``ref`` (named in ``rel``) points at, None outside the root.

    A leading ``/`` is the repository root, which is the scan root only when the repository
    is scanned from its top: a scan from a parent directory (a tree of checkouts, a monorepo
    part) puts it at the nearest directory above ``rel`` that holds the template, else at
    the scan root.
    """
    if ref.startswith("/"):
        tail = ref.lstrip("/")
        base = posixpath.dirname(rel)
        target = posixpath.normpath(tail)
        while base:
            candidate = posixpath.normpath(posixpath.join(base, tail))
            if candidate in present or (root / candidate).is_file():
                target = candidate
                break
            base = posixpath.dirname(base)
    else:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), ref))
    if target.startswith("../") or target in ("..", "."):
        return None
    return target


# -- local Terraform modules -------------------------------------------------------------------

#: ``source = "./x"`` or ``"../x"`` in a ``module`` block (a local path: no registry, no URL).
_LOCAL_SOURCE = re.compile(rb'^[ \t]*source[ \t]*=[ \t]*"(\.\.?/[^"$]*)"', re.M)
#: Bounds: ``.tf`` files read for module calls, module directories followed, files read in
#: each, and bytes parsed in all (a module is a few files; a monorepo has thousands of .tf).
MAX_TF_CALLERS = 5000
MAX_MODULE_DIRS = 200
MAX_MODULE_FILES = 60
MAX_MODULE_BYTES = 8 * 1024 * 1024
#: The credential types a module call is judged by (LLC-IAC-001 and LLC-IAC-003 read them):
#: Terraform name -> canonical type, as in ``documents/iac/types.py`` (a test holds them
#: equal; spelt here so that the pre-pass imports no IaC loader on a tree without them).
MODULE_CREDENTIAL_TYPES: tuple[tuple[str, str], ...] = (
    ("aws_iam_access_key", "aws.iam.access_key"),
    ("google_service_account_key", "gcp.iam.service_account_key"),
)
_VAR = re.compile(r"\bvar\.([A-Za-z_][\w-]*)")
_LOCAL = re.compile(r"\blocal\.([A-Za-z_][\w-]*)")
_WHOLE_VAR = re.compile(r"var\.([A-Za-z_][\w-]*)")


def module_credentials(root: Path, files: Iterable[str] = ()) -> tuple[ModuleCredential, ...]:
    """The credential resources of every local module some ``.tf`` file of ``files`` calls.

    Only the calling files are read in full (a byte search for ``source = "./``); a module
    directory is parsed only if one of its files names a credential resource type, and then
    in those files and the ones holding the ``locals`` and ``variable`` blocks they read.
    """
    dirs: set[str] = set()
    callers = [rel for rel in files if rel.endswith(".tf")][:MAX_TF_CALLERS]
    root = root.resolve()  # once, not once per file inside safe_read
    for rel in callers:
        data = safe_read(root / rel, MAX_AUX_FILE_SIZE, root=root)
        if isinstance(data, Refused) or b"module" not in data:
            continue
        for match in _LOCAL_SOURCE.finditer(data):
            target = posixpath.normpath(
                posixpath.join(posixpath.dirname(rel), match.group(1).decode("utf-8", "replace"))
            )
            if not target.startswith("../") and target != "..":
                dirs.add(target)  # "." is the root module, called from a test fixture
    if not dirs:
        return ()
    natives = dict(MODULE_CREDENTIAL_TYPES)
    budget = [MAX_MODULE_BYTES]
    out: list[ModuleCredential] = []
    for folder in sorted(dirs)[:MAX_MODULE_DIRS]:
        out.extend(_module_dir(root, folder, natives, budget))
    return tuple(out)


def _module_dir(
    root: Path, folder: str, natives: dict[str, str], budget: list[int]
) -> list[ModuleCredential]:
    path = root / folder
    if not path.is_dir():
        return []
    texts: dict[str, str] = {}
    for tf in sorted(path.glob("*.tf"))[:MAX_MODULE_FILES]:
        data = safe_read(tf, MAX_AUX_FILE_SIZE, root=root)
        if not isinstance(data, Refused):
            rel = tf.name if folder == "." else posixpath.join(folder, tf.name)
            texts[rel] = data.decode("utf-8", "replace")
    wanted = [rel for rel, text in texts.items()
              if "resource" in text and any(f'"{n}"' in text for n in natives)]
    if not wanted:
        return []
    from scanner.documents.hcl import HclDocument

    def parse(rel: str) -> HclDocument | None:
        if budget[0] < len(texts[rel]):
            return None
        budget[0] -= len(texts[rel])
        try:
            return HclDocument(rel, texts[rel])
        except Exception:  # a file the parser refuses: its resources are not facts
            return None

    found: list[tuple[HclDocument, HclBlock]] = []
    for rel in wanted:
        doc = parse(rel)
        if doc is not None:
            found += [(doc, b) for b in doc.iter_blocks("resource")
                      if len(b.labels) >= 2 and b.labels[0] in natives]
    gates_of = {id(b): _count_source(b) for _, b in found}
    others = [rel for rel in texts if rel not in wanted]
    docs = [d for d in (parse(r) for r in others if _needed(texts[r], gates_of)) if d]
    docs += list(dict.fromkeys(doc for doc, _ in found))
    locals_ = {name: attr.source for doc in docs for block in doc.iter_blocks("locals")
               for name, attr in block.attributes.items()}
    defaults = {block.labels[0]: attr.source.strip()
                for doc in docs for block in doc.iter_blocks("variable")
                if block.labels and (attr := block.attribute("default")) is not None}
    out = []
    for doc, block in found:
        count = gates_of[id(block)]
        gates = list(_VAR.findall(count or ""))
        for local in _LOCAL.findall(count or ""):
            gates += [g for g in _VAR.findall(locals_.get(local, "")) if g not in gates]
        gates = list(dict.fromkeys(gates))
        fed = [(name, m.group(1)) for name, attr in block.attributes.items()
               if name not in ("count", "for_each")
               and (m := _WHOLE_VAR.fullmatch(attr.source.strip())) is not None]
        read = list(dict.fromkeys([*gates, *(v for _, v in fed)]))
        out.append(ModuleCredential(
            module=folder,
            canonical=natives[block.labels[0]],
            native=block.labels[0],
            name=block.labels[1],
            location=doc.locate(block.node),
            gates=tuple(gates),
            defaults=tuple((g, defaults[g]) for g in read if g in defaults),
            conditional=count is not None,
            fed=tuple(fed),
        ))
    return out


def _count_source(block: HclBlock) -> str | None:
    attr = block.attribute("count") or block.attribute("for_each")
    return attr.source if attr is not None else None


def _needed(text: str, gates_of: dict[int, str | None]) -> bool:
    """A module file that may hold a local some resource's ``count`` reads, or variables
    (whose defaults say what a call that leaves an input out gets)."""
    counts = " ".join(c for c in gates_of.values() if c)
    return ("locals" in text and "local." in counts) or "variable" in text


# -- federated ServiceAccounts -----------------------------------------------------------------

#: The annotations and labels that federate a ServiceAccount (``k8s.load.FEDERATION_KEYS``),
#: as bytes for the search that decides whether a file is parsed at all.
_FEDERATION = (b"eks.amazonaws.com/role-arn", b"iam.gke.io/gcp-service-account",
               b"azure.workload.identity/")
_ACCOUNT_KIND = re.compile(
    rb"kind:[ \t]*['\"]?ServiceAccount\b|kubernetes_(?:default_)?service_account"
)
MAX_ACCOUNT_FILES = 20000  # files looked at (a byte search each)
MAX_ACCOUNT_SIZE = 512 * 1024
MAX_KUSTOMIZATIONS = 2000
_KUSTOMIZATIONS = ("kustomization.yaml", "kustomization.yml", "Kustomization")


def federated_accounts(root: Path, files: Iterable[str] = ()) -> tuple[FederatedAccount, ...]:
    """Every ServiceAccount of the tree with a federation annotation, and its scope.

    A file is parsed only if its bytes name a ServiceAccount and a federation key. A chart
    template that is not YAML until rendered gives nothing, nor does an account whose name
    is templated; an annotation value filled in at deploy time (``'{{ .Values.roleArn }}'``)
    federates, as it does in the file itself.
    """
    files = tuple(files)
    root = root.resolve()  # once, not once per file inside safe_read
    found: list[tuple[str, str, str | None, str, Location]] = []
    for rel in files[:MAX_ACCOUNT_FILES]:
        lowered = rel.lower()
        terraform = lowered.endswith(".tf")
        if not (terraform or lowered.endswith((".yaml", ".yml"))):
            continue
        data = safe_read(root / rel, MAX_ACCOUNT_SIZE, root=root)
        if (
            isinstance(data, Refused)
            or not any(key in data for key in _FEDERATION)
            or not _ACCOUNT_KIND.search(data)
        ):
            continue
        found += _accounts_in(rel, data.decode("utf-8", "replace"), terraform)
    if not found:
        return ()
    builds = _kustomize_builds(root, files)
    charts = {posixpath.dirname(f) for f in files if posixpath.basename(f) == "Chart.yaml"}
    out = []
    for rel, name, namespace, annotation, location in found:
        folder = posixpath.dirname(rel)
        dirs = sorted({d for build in builds if folder in build for d in build})
        if rel.endswith(".tf"):  # a module is one directory: its subdirectories are others
            trees, dirs = [], dirs or [folder]
        else:
            chart = next((c for c in _ancestors(folder) if c in charts), None)
            trees = [folder] if chart is None else [chart]
        out.append(FederatedAccount(
            name=name, namespace=namespace, annotation=annotation, location=location,
            trees=tuple(trees), builds=tuple(dirs),
        ))
    return tuple(out)


def _ancestors(folder: str) -> Iterator[str]:
    """``folder`` and each directory above it, the root (``""``) last."""
    while folder:
        yield folder
        folder = posixpath.dirname(folder)
    yield ""


def _accounts_in(
    rel: str, text: str, terraform: bool
) -> list[tuple[str, str, str | None, str, Location]]:
    from scanner.documents import yaml as y
    from scanner.documents.k8s import K8sView, build

    try:
        if terraform:
            from scanner.documents.hcl import HclDocument
            from scanner.documents.k8s import terraform as k8s_terraform

            view: K8sView = k8s_terraform.build(HclDocument(rel, text))
        else:
            view = build(rel, y.YamlDocument(rel, text).roots)
    except Exception:  # not parseable: the scan itself reports it, no fact comes of it
        return []
    out = []
    for account in view.service_accounts:
        manifest = account.manifest
        if account.federated is None or not manifest.name or "{{" in manifest.name:
            continue
        metadata = y.get(manifest.node, "metadata")
        node = (y.get_key(y.get(metadata, "annotations"), account.federated)
                or y.get_key(y.get(metadata, "labels"), account.federated) or manifest.node)
        start, end = node.start_mark, node.end_mark
        location = Location(rel, start.line + 1, start.column + 1, end.line + 1, end.column + 1)
        out.append((rel, manifest.name, manifest.namespace, account.federated, location))
    return out


def _kustomize_builds(root: Path, files: Iterable[str]) -> list[frozenset[str]]:
    """The directories each kustomization pulls in (itself, its resources, bases, components
    and patches, followed through the kustomizations they hold), one set per kustomization."""
    from scanner.documents import yaml as y

    pulls: dict[str, set[str]] = {}
    for rel in [f for f in files if posixpath.basename(f) in _KUSTOMIZATIONS][
        :MAX_KUSTOMIZATIONS
    ]:
        data = safe_read(root / rel, MAX_AZURE_SNIFFED_SIZE, root=root)
        if isinstance(data, Refused):
            continue
        try:
            roots = y.YamlDocument(rel, data.decode("utf-8", "replace")).roots
        except y.YamlError:
            continue
        folder = posixpath.dirname(rel)
        refs: list[str | None] = []
        for doc in roots[:1]:
            for key in ("resources", "bases", "components", "patchesStrategicMerge", "crds"):
                refs += [y.scalar(item) for item in y.elements(y.get(doc, key))]
            for key in ("patches", "patchesJson6902"):
                refs += [y.scalar(y.get(item, "path")) for item in y.elements(y.get(doc, key))]
        out = pulls.setdefault(folder, set())
        for ref in refs:
            if not ref or "://" in ref or ref.startswith(("github.com", "git@")):
                continue
            target = posixpath.normpath(posixpath.join(folder, ref))
            if target.startswith("../") or target == "..":
                continue
            if target.lower().endswith((".yaml", ".yml", ".json")):
                target = posixpath.dirname(target)
            out.add("" if target == "." else target)
    builds = []
    for start in pulls:
        seen = {start}
        pending = [start]
        while pending:
            for nxt in pulls.get(pending.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    pending.append(nxt)
        builds.append(frozenset(seen))
    return builds
