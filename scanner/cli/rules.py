"""``outlive rules`` and ``outlive explain``: the catalogue as text, Markdown or JSON."""

from __future__ import annotations

import json as _json

import click

from scanner.cli.app import (
    fail,
    main,
)
from scanner.docs import rule_markdown, rule_text
from scanner.registry import catalogue, rule_info


@main.command("rules")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "json"], case_sensitive=False),
    default="text",
)
def rules_command(fmt: str) -> None:
    """List every rule outlive can run."""
    rules = catalogue()
    if fmt == "json":
        data = [
            {
                "id": r.META.id,
                "name": r.META.name,
                "summary": r.META.summary,
                "category": r.META.category.value,
                "severity": r.META.severity.value,
                "precision": r.META.precision.value,
                "owasp": list(r.META.owasp),
                "kinds": sorted(k.value for k in r.META.kinds),
                "fix": r.META.fix,
            }
            for r in rules
        ]
        click.echo(_json.dumps(data, indent=2))
    elif fmt == "markdown":
        click.echo("# outlive rules\n")
        click.echo("| id | name | severity | OWASP NHI | summary |\n|---|---|---|---|---|")
        for r in rules:
            m = r.META
            click.echo(
                f"| [{m.id}](#{m.id.lower()}) | `{m.name}` | {m.severity.value} | "
                f"{', '.join(m.owasp)} | {m.summary} |"
            )
        for r in rules:
            # Explicit anchors: SARIF helpUri links to docs/rules.md#llc-xxx-nnn.
            click.echo(f'\n<a id="{r.META.id.lower()}"></a>\n')
            click.echo(rule_markdown(r, heading="##"))
    else:
        id_w = max((len(r.META.id) for r in rules), default=0)
        name_w = max((len(r.META.name) for r in rules), default=0)
        nhi_w = max((len(",".join(r.META.owasp)) for r in rules), default=0)
        for r in rules:
            m = r.META
            click.echo(
                f"{m.id:<{id_w}}  {m.name:<{name_w}}  {m.severity.value:<8}  "
                f"{','.join(m.owasp):<{nhi_w}}  {m.summary}"
            )


@main.command("explain")
@click.argument("rule_id")
def explain_command(rule_id: str) -> None:
    """Show the documentation of one rule."""
    rule = rule_info(rule_id)
    if rule is None:
        fail(f"no rule {rule_id!r}; `outlive rules` lists them")
    click.echo(rule_text(rule))
