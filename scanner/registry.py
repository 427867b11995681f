"""Find the rule classes shipped in ``outlive_rules``, validate them, select them.

Rules are discovered by walking the package (no hand-kept list to drift, unlike entry points),
and every class's metadata is checked when loaded, so a broken rule fails loudly rather than
silently never firing.

Importing every rule imports every parser (LibCST, the CI model, YAML): most of a second. So a
scan, ``outlive rules``, ``explain`` and SARIF read the rules' metadata from a generated index
(``rules/_index.json``: each rule's META, document, class and docstring), and a rule's module is
imported only when a file needs that rule (``RuleInfo.load``). The index is regenerated, never
edited: ``python -m scanner.registry`` (``tests/test_start_cost.py`` compares it with every
rule's real META and says so). It records the size of every rule module and provider table it
was built from; when one differs (a rule edited, added or removed since), the index is not
trusted and the rules are imported as before: slower, never wrong.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import pkgutil
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from scanner.filekinds import ALL_KINDS, FileKind
from scanner.findings import Category, Precision, Severity
from scanner.rulemeta import RuleMeta, RuleSpec

if TYPE_CHECKING:
    from scanner.api.rule import Rule

RULES_PACKAGE = "outlive_rules"
INDEX_NAME = "_index.json"
INDEX_FORMAT = 1
#: The one command that rewrites the index (run it after adding or changing a rule).
REGENERATE = "python -m scanner.registry"
#: Besides the rule modules, what a rule's META is computed from and changes without them.
_META_INPUTS = Path(__file__).parent / "secrets"


class RegistryError(Exception):
    """A rule is malformed or a selector names no rule (exit code 2)."""


class RuleInfo:
    """A rule's metadata as the index gives it, and its class, imported on first ``load()``.

    It reads like a rule class for everything that only reads metadata (``META``,
    ``DOCUMENT``, ``__doc__``), so reporters and docs take either (``RuleSpec``).
    """

    def __init__(
        self,
        meta: RuleMeta,
        document: str,
        doc: str | None,
        module: str,
        name: str,
        cls: type[Rule] | None = None,
    ) -> None:
        self.META = meta
        self.DOCUMENT = document
        self.__doc__ = doc
        self.module = module
        self.name = name
        self._cls = cls

    def load(self) -> type[Rule]:
        """The rule class (its module imported now, once)."""
        if self._cls is None:
            cls: type[Rule] = getattr(importlib.import_module(self.module), self.name)
            self._cls = cls
            return cls
        return self._cls

    def __repr__(self) -> str:
        return f"RuleInfo({self.META.id})"


def load(rule: RuleSpec) -> type[Rule]:
    """The class of a rule given as its class or as its ``RuleInfo``."""
    return rule.load() if isinstance(rule, RuleInfo) else cast("type[Rule]", rule)


# -- the rules themselves (imports every rule module) -----------------------------------------


@lru_cache(maxsize=1)
def all_rules() -> tuple[type[Rule], ...]:
    """Every concrete rule class, sorted by id."""
    from scanner.api.rule import CiRule, IacRule, PythonRule, Rule, TextRule, YamlRule

    bases = (Rule, TextRule, PythonRule, YamlRule, CiRule, IacRule)
    package = importlib.import_module(RULES_PACKAGE)
    found: dict[str, type[Rule]] = {}
    for info in pkgutil.walk_packages(package.__path__, prefix=RULES_PACKAGE + "."):
        module = importlib.import_module(info.name)
        for obj in vars(module).values():
            if (
                isinstance(obj, type)
                and issubclass(obj, Rule)
                and obj not in bases
                and obj.__module__ == module.__name__
                and "META" in vars(obj)
            ):
                problems = obj.META.problems()
                if problems:
                    raise RegistryError(f"rule {obj.__name__}: " + "; ".join(problems))
                other = found.get(obj.META.id)
                if other is not None and other is not obj:
                    raise RegistryError(
                        f"rule id {obj.META.id} is used by both {other.__name__} and {obj.__name__}"
                    )
                found[obj.META.id] = obj
    return tuple(found[key] for key in sorted(found))


def get_rule(rule_id: str) -> type[Rule] | None:
    found = rule_info(rule_id)
    return found.load() if found is not None else None


def select_rules(select: Sequence[str] = (), ignore: Sequence[str] = ()) -> tuple[type[Rule], ...]:
    """Rule classes enabled by ``select`` (all when empty) minus ``ignore``."""
    return tuple(info.load() for info in select_infos(select, ignore))


# -- the index: metadata without the rule bodies ----------------------------------------------


@lru_cache(maxsize=1)
def catalogue() -> tuple[RuleInfo, ...]:
    """Every rule's ``RuleInfo``, sorted by id: from the index when it is current, else from
    the rule modules themselves."""
    data = _read_index()
    if data is not None:
        try:
            return tuple(_info_from(row) for row in data["rules"])
        except (KeyError, TypeError, ValueError):
            pass  # an index of another shape: rebuild from the rules
    return tuple(info_of(cls) for cls in all_rules())


def rule_info(rule_id: str) -> RuleInfo | None:
    wanted = rule_id.upper()
    return next((r for r in catalogue() if r.META.id == wanted), None)


def matches(rule_id: str, selector: str) -> bool:
    """``LLC-GHA`` selects the family, ``LLC-GHA-001`` the rule, ``ALL`` everything."""
    selector = selector.strip().upper().rstrip("-")
    return selector == "ALL" or rule_id == selector or rule_id.startswith(selector + "-")


def select_infos(select: Sequence[str] = (), ignore: Sequence[str] = ()) -> tuple[RuleInfo, ...]:
    """Rules enabled by ``select`` (all when empty) minus ``ignore``; unknown selectors fail."""
    rules = catalogue()
    for selector in (*select, *ignore):
        if not any(matches(r.META.id, selector) for r in rules):
            raise RegistryError(
                f"{selector!r} matches no rule; `outlive rules` lists the ids and families"
            )
    chosen = [r for r in rules if not select or any(matches(r.META.id, s) for s in select)]
    return tuple(r for r in chosen if not any(matches(r.META.id, s) for s in ignore))


def ids(rules: Iterable[RuleSpec]) -> list[str]:
    return [r.META.id for r in rules]


def info_of(cls: type[Rule]) -> RuleInfo:
    return RuleInfo(cls.META, cls.DOCUMENT, cls.__doc__, cls.__module__, cls.__name__, cls)


def rules_dir() -> Path:
    """Where the rules package is, found without importing it."""
    spec = importlib.util.find_spec(RULES_PACKAGE)
    locations = list(spec.submodule_search_locations or ()) if spec is not None else []
    if not locations:
        raise RegistryError(f"the rules package {RULES_PACKAGE} is not installed")
    return Path(locations[0])


def index_path() -> Path:
    return rules_dir() / INDEX_NAME


def source_stamp() -> dict[str, int]:
    """``{file: size}`` of every rule module and of the provider tables: what the index was
    built from. About one ``stat`` per rule, far less than importing one."""
    stamp: dict[str, int] = {}
    root = rules_dir()
    pending = [(root, "")]
    while pending:
        directory, prefix = pending.pop()
        with os.scandir(directory) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False) and entry.name != "__pycache__":
                    pending.append((Path(entry.path), f"{prefix}{entry.name}/"))
                elif entry.name.endswith(".py"):
                    stamp[f"rules/{prefix}{entry.name}"] = entry.stat().st_size
    with os.scandir(_META_INPUTS) as entries:
        for entry in entries:
            if entry.name == "providers.toml":  # the one table file (``table.table_files``)
                stamp[f"scanner/secrets/{entry.name}"] = entry.stat().st_size
    return dict(sorted(stamp.items()))


def build_index() -> dict[str, Any]:
    """The index of the rules as they are now (imports every rule)."""
    rows = []
    for cls in all_rules():
        m = cls.META
        rows.append({
            "id": m.id, "name": m.name, "summary": m.summary, "category": m.category.value,
            "severity": m.severity.value, "precision": m.precision.value,
            "owasp": list(m.owasp), "fix": m.fix,
            "kinds": "all" if m.kinds == ALL_KINDS else sorted(k.value for k in m.kinds),
            "triggers": list(m.triggers), "requires": list(m.requires),
            "document": cls.DOCUMENT, "module": cls.__module__, "class": cls.__name__,
            "doc": cls.__doc__,
        })
    return {"format": INDEX_FORMAT, "regenerate": REGENERATE, "stamp": source_stamp(),
            "rules": rows}


def write_index(path: Path | None = None) -> Path:
    target = path or index_path()
    body = json.dumps(build_index(), indent=1, ensure_ascii=False) + "\n"
    target.write_text(body, encoding="utf-8")
    return target


def _read_index() -> dict[str, Any] | None:
    """The index, or None when it is missing, of another format or not current."""
    try:
        data = json.loads(index_path().read_bytes())
    except (OSError, ValueError, RegistryError):
        return None
    if type(data) is not dict or data.get("format") != INDEX_FORMAT:
        return None
    if data.get("stamp") != source_stamp():
        return None
    return data


def _info_from(row: dict[str, Any]) -> RuleInfo:
    kinds = row["kinds"]
    meta = RuleMeta(
        id=row["id"], name=row["name"], summary=row["summary"],
        category=Category(row["category"]), severity=Severity(row["severity"]),
        precision=Precision(row["precision"]), owasp=tuple(row["owasp"]), fix=row["fix"],
        kinds=ALL_KINDS if kinds == "all" else frozenset(FileKind(k) for k in kinds),
        triggers=tuple(row["triggers"]), requires=tuple(row["requires"]),
    )
    return RuleInfo(meta, row["document"], row["doc"], row["module"], row["class"])


if __name__ == "__main__":
    print(f"wrote {write_index()}")  # noqa: T201 - the regeneration command's one line
