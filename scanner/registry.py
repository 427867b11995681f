"""Find the rule classes shipped in ``outlive_rules``, validate them, select them.

Rules are discovered by walking the package (no hand-kept list to drift, unlike entry points),
and every class's metadata is checked when loaded, so a broken rule fails loudly at start-up
rather than silently never firing.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable, Sequence
from functools import lru_cache

from scanner.api.rule import CiRule, IacRule, PythonRule, Rule, TextRule, YamlRule

RULES_PACKAGE = "outlive_rules"
_BASES = (Rule, TextRule, PythonRule, YamlRule, CiRule, IacRule)


class RegistryError(Exception):
    """A rule is malformed or a selector names no rule (exit code 2)."""


@lru_cache(maxsize=1)
def all_rules() -> tuple[type[Rule], ...]:
    """Every concrete rule class, sorted by id."""
    package = importlib.import_module(RULES_PACKAGE)
    found: dict[str, type[Rule]] = {}
    for info in pkgutil.walk_packages(package.__path__, prefix=RULES_PACKAGE + "."):
        module = importlib.import_module(info.name)
        for obj in vars(module).values():
            if (
                isinstance(obj, type)
                and issubclass(obj, Rule)
                and obj not in _BASES
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
    for rule in all_rules():
        if rule.META.id == rule_id.upper():
            return rule
    return None


def matches(rule_id: str, selector: str) -> bool:
    """``LLC-GHA`` selects the family, ``LLC-GHA-001`` the rule, ``ALL`` everything."""
    selector = selector.strip().upper().rstrip("-")
    return selector == "ALL" or rule_id == selector or rule_id.startswith(selector + "-")


def select_rules(select: Sequence[str] = (), ignore: Sequence[str] = ()) -> tuple[type[Rule], ...]:
    """Rules enabled by ``select`` (all when empty) minus ``ignore``; unknown selectors fail."""
    rules = all_rules()
    for selector in (*select, *ignore):
        if not any(matches(r.META.id, selector) for r in rules):
            raise RegistryError(
                f"{selector!r} matches no rule; `outlive rules` lists the ids and families"
            )
    chosen = [r for r in rules if not select or any(matches(r.META.id, s) for s in select)]
    return tuple(r for r in chosen if not any(matches(r.META.id, s) for s in ignore))


def ids(rules: Iterable[type[Rule]]) -> list[str]:
    return [r.META.id for r in rules]
