"""GitLab CI loaded into the CI model: ``.gitlab-ci.yml`` and the local files it includes.

Each file loads on its own (the project pre-pass makes included files GitLab CI). Jobs are the
top-level mappings that are not global keywords; hidden jobs (``.name``) are templates, merged
into jobs through ``extends:``, merge keys and ``!reference`` (``gitlab_config``). A job's steps
are its script sections (``hooks: pre_get_sources_script``, ``before_script``, ``script``,
``after_script``), ``default:`` supplying those it leaves out (``inherit: default:`` says which
it takes); its federation is ``id_tokens:``, GitLab's OIDC switch.

GitLab expands ``$VAR`` in ``variables:`` values, but never in scripts: the shell does, so a
script's ``Script.expression`` is None and every ``$`` there is shell syntax.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import islice
from pathlib import PurePosixPath

from scanner.documents import yaml as y
from scanner.documents.ci.gitlab_config import Conf, Config, Value, names
from scanner.documents.ci.model import (
    Entry,
    Federation,
    Job,
    Pipeline,
    Script,
    Step,
    ValueKind,
    link,
)
from scanner.documents.ci.scripts import split_commands
from scanner.documents.yaml import Node, YamlDocument

HOW = "add `id_tokens:` with an `aud` for the cloud to this job"
#: Top-level keys that configure the pipeline rather than name a job.
RESERVED = frozenset(
    {
        "stages",
        "variables",
        "default",
        "include",
        "workflow",
        "image",
        "services",
        "cache",
        "before_script",
        "after_script",
        "types",
        "spec",
    }
)
#: Script sections, in the order the runner runs them (``hooks:`` holds the first).
SECTIONS = ("pre_get_sources_script", "before_script", "script", "after_script")
#: What ``default:`` (or the deprecated top-level keys) gives every job that lacks it.
_DEFAULTED = ("before_script", "after_script", "image", "services", "id_tokens", "tags", "hooks")
#: The ones GitLab still reads at the top level (deprecated there).
_TOP_LEVEL_DEFAULTS = ("before_script", "after_script", "image", "services")
#: A variable read in a ``variables:`` value; ``$$`` is a literal dollar sign.
_VARIABLE = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))")
_ROOT_NAMES = (".gitlab-ci.yml", ".gitlab-ci.yaml")
#: Bound on a section's lines: nested lists of aliases could otherwise flatten to billions.
MAX_SCRIPT_LINES = 10_000


@dataclass(frozen=True, slots=True, eq=False)
class GitlabJob(Job):
    """A GitLab job, with what the model's ``Job`` does not say.

    ``key_node`` is the job's name in the file, where job-level findings report. ``secrets``
    maps each ``secrets:`` name (a value fetched from Vault or a cloud secret manager) to its
    key node; ``id_tokens`` each ID token name to its key node. ``missing`` names templates
    and references this job uses that the file does not define, so what they add is unknown.
    """

    key_node: Node | None = None
    image: str | None = None
    services: tuple[str, ...] = ()
    #: Runner tags: a job without any may run on the instance's shared runners.
    tags: tuple[str, ...] = ()
    id_tokens: Mapping[str, Node] = field(default_factory=dict)
    secrets: Mapping[str, Node] = field(default_factory=dict)
    extends: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    #: The job passes variables to later jobs (``artifacts: reports: dotenv:``).
    dotenv: bool = False


def classify(node: Node | None, *, expand: bool = True) -> tuple[ValueKind, tuple[str, ...]]:
    """A ``variables:`` value's kind and the variables it reads (``$VAR``, as written
    without braces): a value reading any variable is an expression, other text a literal."""
    text = y.scalar(node)
    if text is None:
        return ValueKind.OTHER, ()
    if not expand:
        return ValueKind.LITERAL, ()
    refs: list[str] = []
    for m in _VARIABLE.finditer(text.replace("$$", "")):
        ref = "$" + (m.group(1) or m.group(2))
        if ref not in refs:
            refs.append(ref)
    if refs:
        return ValueKind.EXPRESSION, tuple(refs)
    return ValueKind.LITERAL, ()


def load(doc: YamlDocument) -> Pipeline | None:
    """The loader row for GitLab CI files: None when the file holds no configuration."""
    root = _config_root(doc)
    if root is None:
        return None
    config = Config(root)
    kind = "pipeline" if PurePosixPath(doc.path).name.lower() in _ROOT_NAMES else "include"
    defaults = _defaults(config)
    global_env = entries(config, config.get(config.top, "variables"))
    jobs: list[Job] = []
    for name, key_node, value in config.top_level():
        if name in RESERVED or name.startswith(".") or not isinstance(value, Conf):
            continue
        jobs.append(_job(config, name, key_node, value, defaults, global_env, kind))
    workflow = config.top.key_node("workflow")
    pipeline = Pipeline(
        system="gitlab",
        kind=kind,
        doc=doc,
        root=root,
        env=global_env,
        permissions=None,
        triggers={"workflow": workflow} if workflow is not None else {},
        jobs=tuple(jobs),
    )
    return link(pipeline)


def entries(config: Config, node: Value | None) -> dict[str, Entry]:
    """A ``variables:`` mapping, each value classified; ``{value: ..., description: ...}``
    entries read their ``value`` (and ``expand: false`` makes it a literal)."""
    out: dict[str, Entry] = {}
    if not isinstance(node, Conf):
        return out
    for key, (key_node, raw) in node.items.items():
        value = config.deref(raw)
        expand = True
        if isinstance(value, Conf):
            expand = y.scalar(_node(config.get(value, "expand"))) not in ("false", "False")
            inner = _node(config.get(value, "value"))
            if inner is None:
                out[key] = Entry(key, key_node, value.node, ValueKind.OTHER)
                continue
            value = inner
        if value is None:
            continue
        kind, refs = classify(value, expand=expand)
        out[key] = Entry(key, key_node, value, kind, refs)
    return out


def _config_root(doc: YamlDocument) -> Node | None:
    """The configuration document: a ``spec:`` header (CI/CD inputs) comes before it."""
    for root in doc.roots:
        if not isinstance(root, y.MappingNode):
            continue
        keys = {k for k, _, _ in y.items(root)}
        if keys and keys <= {"spec"}:
            continue
        return root
    return None


@dataclass(frozen=True, slots=True)
class _Defaults:
    """What ``default:`` and the deprecated top-level keys give jobs: key -> (key, value)."""

    items: dict[str, tuple[Node, Value]]


def _defaults(config: Config) -> _Defaults:
    items: dict[str, tuple[Node, Value]] = {}
    for key in _TOP_LEVEL_DEFAULTS:
        if key in config.top.items:
            key_node, raw = config.top.items[key]
            items[key] = (key_node, raw)
    default = config.get(config.top, "default")
    if isinstance(default, Conf):
        for key in _DEFAULTED:
            if key in default.items:
                items[key] = default.items[key]
    return _Defaults(items)


def _inherits(config: Config, job: Conf, what: str, key: str) -> bool:
    """``inherit: default:`` / ``inherit: variables:``: true, false, or a list of keys."""
    setting = _node(config.get(_conf(config.get(job, "inherit")), what))
    text = y.scalar(setting)
    if text is not None:
        return text.strip().lower() != "false"
    if isinstance(setting, y.SequenceNode):
        return key in names(setting)
    return True


def _job(
    config: Config,
    name: str,
    key_node: Node,
    raw: Conf,
    defaults: _Defaults,
    global_env: dict[str, Entry],
    kind: str,
) -> GitlabJob:
    config.missing = set()
    conf = config.extended(name) or raw

    def setting(key: str) -> tuple[Node | None, Value | None]:
        """The job's own (or inherited through extends) value, else the default's."""
        if key in conf.items:
            return conf.items[key][0], config.get(conf, key)
        if key in defaults.items and _inherits(config, conf, "default", key):
            default_key, value = defaults.items[key]
            return default_key, config.deref(value)
        return None, None

    steps: list[Step] = []
    for section in SECTIONS:
        if section == "script":  # the one section `default:` cannot give
            section_key, value = conf.key_node(section), config.get(conf, section)
        elif section == "pre_get_sources_script":
            hooks = _conf(setting("hooks")[1])
            section_key = hooks.key_node(section) if hooks is not None else None
            value = config.get(hooks, section)
        else:
            section_key, value = setting(section)
        nodes = tuple(islice(config.lines(value), MAX_SCRIPT_LINES))
        if section_key is None or not nodes:
            continue
        steps.append(
            Step(
                node=_node(value) or section_key,
                job_id=name,
                index=len(steps),
                name=section,
                uses=None,
                uses_node=None,
                with_={},
                env={},
                script=Script(nodes, None, split_commands),
            )
        )
    env = {k: e for k, e in global_env.items() if _inherits(config, conf, "variables", k)}
    env.update(entries(config, config.get(conf, "variables")))
    tokens_key, tokens = setting("id_tokens")
    id_tokens = _keys(tokens)
    secrets = _keys(config.get(conf, "secrets"))
    image_value = setting("image")[1]
    image = y.scalar(_node(image_value)) or y.scalar(_node(config.get(_conf(image_value), "name")))
    environment_node = _node(config.get(conf, "environment"))
    environment = y.scalar(environment_node)
    if environment is None:
        environment = y.scalar(_node(config.get(_conf(config.get(conf, "environment")), "name")))
    missing = tuple(sorted(config.missing))
    return GitlabJob(
        job_id=name,
        node=raw.node,
        env=env,
        permissions=None,
        steps=tuple(steps),
        federation=_federation(conf, tokens_key, id_tokens, missing, kind),
        environment=environment,
        environment_node=environment_node or conf.key_node("environment"),
        key_node=key_node,
        image=image,
        services=_services(config, setting("services")[1]),
        tags=names(setting("tags")[1]),
        id_tokens=id_tokens,
        secrets=secrets,
        extends=names(config.get(raw, "extends")),
        missing=missing,
        dotenv=_dotenv(config, conf),
    )


def _federation(
    conf: Conf,
    tokens_key: Node | None,
    id_tokens: Mapping[str, Node],
    missing: tuple[str, ...],
    kind: str,
) -> Federation:
    """``id_tokens:`` on the job (its own, a template's or ``default:``'s) lets it mint an
    OIDC token per audience; without it the job can only use stored credentials."""
    if tokens_key is not None and id_tokens:
        where = "`default:`" if tokens_key is not conf.key_node("id_tokens") else "the job"
        listed = ", ".join(f"`{t}`" for t in id_tokens)
        return Federation(True, f"`id_tokens:` ({listed}) in {where}", HOW, tokens_key)
    if missing:
        return Federation(
            None,
            f"the job uses {', '.join(f'`{m}`' for m in missing)}, not defined in this file, "
            "which may add "
            "`id_tokens:`",
            HOW,
        )
    if kind == "include":
        return Federation(
            None,
            "no `id_tokens:` in this included file; the including pipeline's `default:` may add "
            "them",
            HOW,
        )
    return Federation(False, "no `id_tokens:` in the job or in `default:`", HOW, tokens_key)


def _dotenv(config: Config, conf: Conf) -> bool:
    reports = config.get(_conf(config.get(conf, "artifacts")), "reports")
    return config.get(_conf(reports), "dotenv") is not None


def _keys(value: Value | None) -> dict[str, Node]:
    if not isinstance(value, Conf):
        return {}
    return {key: key_node for key, (key_node, _) in value.items.items()}


def _services(config: Config, value: Value | None) -> tuple[str, ...]:
    out: list[str] = []
    for element in y.elements(_node(value)):
        item = config.deref(element)
        node = _node(item)
        text = y.scalar(node) or y.scalar(y.get(node, "name"))
        if text is not None:
            out.append(text)
    return tuple(out)


def _node(value: Value | None) -> Node | None:
    return value if isinstance(value, Node) else None


def _conf(value: Value | None) -> Conf | None:
    return value if isinstance(value, Conf) else None
