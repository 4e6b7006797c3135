"""Write one coodie_core module for one legacy module: UserTypes, then Documents.

A model whose only model base is converted in the same module subclasses it and
declares only the fields that differ; otherwise it is flattened onto
``Document``. Each class gets a ``Settings`` with the exact table (or type) name;
a polymorphic base names its ``discriminator``, its subclasses their
``discriminator_value``.
"""

from __future__ import annotations

import json
import textwrap
from dataclasses import dataclass, field

from coodie_compat.convert.fieldplan import (
    FieldSpec,
    field_problem,
    field_specs,
    render_field,
    render_udt_field,
)
from coodie_compat.convert.imports import WIDTH, ImportTable
from coodie_compat.convert.model import Finding, RawClass
from coodie_compat.convert.parse import SourceModule
from coodie_compat.convert.registry import Registry
from coodie_compat.convert.render import TypeRenderer
from coodie_compat.convert.resolve import ModelPlan, Resolver, UdtPlan
from coodie_compat.convert.settings import CoreSettings, check_options, settings_lines

__all__ = ["ClassReport", "GeneratedModule", "generate_module"]


@dataclass(frozen=True)
class ClassReport:
    """What happened to one class: ``target`` is its table or type."""

    name: str
    target: str
    findings: tuple[Finding, ...]
    line: int = 0


@dataclass(frozen=True)
class GeneratedModule:
    """The generated source (None when the module defines no model or UserType)."""

    module: str
    code: str | None
    reports: tuple[ClassReport, ...]


@dataclass
class _Emitted:
    fields: dict[str, FieldSpec]
    settings: CoreSettings


@dataclass
class _Module:
    source: SourceModule
    resolver: Resolver
    models: list[ModelPlan] = field(default_factory=list)
    udts: list[UdtPlan] = field(default_factory=list)
    specs: dict[str, tuple[list[FieldSpec], list[Finding]]] = field(default_factory=dict)
    udt_classes: dict[str, str] = field(default_factory=dict)
    emitted: dict[str, _Emitted] = field(default_factory=dict)
    reports: list[ClassReport] = field(default_factory=list)


def generate_module(source: SourceModule, registry: Registry) -> GeneratedModule:
    """Convert the models and UserTypes of ``source``."""
    state = _Module(source, Resolver(registry))
    for raw in source.classes:
        kind = registry.kind(raw.qualname)
        if kind == "model":
            plan = state.resolver.model(raw.qualname)
            state.models.append(plan)
            if plan.invalid is None:
                state.specs[raw.qualname] = field_specs(plan)
        elif kind == "other":
            _stray(state, raw)
    state.udts = _needed_udts(state)
    if not state.models and not state.udts:
        return GeneratedModule(source.name, None, _sorted(state.reports))
    reserved = _reserved(state)
    _name_udts(state, reserved)
    types = TypeRenderer(ImportTable(reserved | set(state.udt_classes.values())), state.udt_classes)
    blocks = [_udt_block(state, plan, types) for plan in state.udts]
    blocks += [_model_block(state, plan, types) for plan in state.models]
    blocks += [
        "\n".join(_comment(f"NOT CONVERTED: {r.name}: {f.message}", ""))
        for r in state.reports
        if r.target == "not converted"
        for f in r.findings
        if f.level == "lost"
    ]
    header = f'"""coodie_core models converted from ``{source.name}`` by ``coodie convert``."""'
    imports = types.imports.lines()
    parts = [header, "", *imports, "", ""] if imports else [header, "", ""]
    code = "\n".join([*parts, "\n\n\n".join(blocks)]) + "\n"
    return GeneratedModule(source.name, code, _sorted(state.reports))


def _sorted(reports: list[ClassReport]) -> tuple[ClassReport, ...]:
    return tuple(sorted(reports, key=lambda r: r.line))


def _stray(state: _Module, raw: RawClass) -> None:
    """Report a class that declares columns but is not known to be a model."""
    found = state.resolver.stray_columns(raw)
    if not found:
        return
    unknown = [
        text
        for base, text in zip(raw.bases, raw.base_texts, strict=True)
        if state.resolver.registry.find(base) is None and base not in ("builtins.object", None)
    ]
    names = ", ".join(found)
    if unknown:
        finding = Finding(
            "lost",
            raw.name,
            f"declares columns ({names}) but its base {', '.join(unknown)} is not among the "
            "converted modules, so it may be a model; convert that module too",
        )
    else:
        finding = Finding(
            "note", raw.name, f"not a model: its columns ({names}) are ignored, as cqlengine does"
        )
    state.reports.append(ClassReport(raw.name, "not converted", (finding,), raw.line))


def _needed_udts(state: _Module) -> list[UdtPlan]:
    registry = state.resolver.registry
    order: list[str] = []

    def visit(qualname: str) -> None:
        if qualname in order:
            return
        for column in state.resolver.udt(qualname).fields:
            for used in column.type.udts():
                visit(used)
        order.append(qualname)

    for raw in state.source.classes:
        if registry.kind(raw.qualname) == "udt":
            visit(raw.qualname)
    for plan in state.models:
        for column in plan.columns:
            for used in column.type.udts():
                visit(used)
    return [state.resolver.udt(q) for q in order]


def _reserved(state: _Module) -> set[str]:
    names = {plan.raw.name for plan in state.models}
    for specs, _ in state.specs.values():
        names |= {spec.name for spec in specs}
    for plan in state.udts:
        names |= {c.db_name for c in plan.fields}
    return names


def _name_udts(state: _Module, reserved: set[str]) -> None:
    for plan in state.udts:
        name = plan.raw.name
        if name in reserved or name in state.udt_classes.values():
            name += "Udt" if name[:1].isupper() else "_udt"
        state.udt_classes[plan.raw.qualname] = name


def _docstring(text: str, indent: str = "    ") -> list[str]:
    line = f'{indent}"""{text}"""'
    if len(line) <= WIDTH:
        return [line]
    wrapped = textwrap.wrap(text, WIDTH - len(indent))
    return [f'{indent}"""{wrapped[0]}', *(indent + w for w in wrapped[1:]), f'{indent}"""']


def _comment(text: str, indent: str = "    ") -> list[str]:
    return [indent + "# " + w for w in textwrap.wrap(text, WIDTH - len(indent) - 2)]


def _udt_block(state: _Module, plan: UdtPlan, types: TypeRenderer) -> str:
    name = state.udt_classes[plan.raw.qualname]
    findings = list(plan.findings)
    if plan.raw.module != state.source.name:
        findings.append(Finding("note", plan.raw.name, f"copied from {plan.raw.module}"))
    if name != plan.raw.name:
        findings.append(Finding("note", plan.raw.name, f"class renamed {name} (name clash)"))
    lines = [f"class {name}({types.core('usertype', 'UserType')}):"]
    lines += _docstring(f"Converted from the cqlengine UserType ``{plan.raw.name}``.")
    lines.append("")
    for column in plan.fields:
        subject = f"{plan.raw.name}.{column.attr}"
        problem = field_problem(column.db_name, "UserType")
        if problem is not None:
            findings.append(Finding("lost", subject, f"field not converted: {problem}"))
            lines += _comment(f"NOT CONVERTED: field {column.attr}: {problem}")
            continue
        if column.db_field and column.db_field != column.attr:
            findings.append(Finding("note", subject, f"field renamed to {column.db_field!r}"))
            lines += _comment(f"cqlengine attribute: {column.attr}")
        if column.type.kind in ("list", "set", "map") and not column.type.frozen:
            findings.append(
                Finding(
                    "note",
                    subject,
                    f"coodie_core declares this field frozen<{column.type.cql()}> where "
                    f"cqlengine declared {column.type.cql()}: values round-trip, but "
                    "sync_table reports the live type as incompatible",
                )
            )
        lines += render_udt_field(column, types)
    for lost in plan.lost:
        lines += _comment(f"NOT CONVERTED: field {lost.attr}: {lost.reason}")
    lines += ["", "    class Settings:", f"        name = {json.dumps(plan.type_name)}"]
    line = plan.raw.line if plan.raw.module == state.source.name else 0
    report = ClassReport(plan.raw.name, f"type {plan.type_name}", tuple(findings), line)
    state.reports.append(report)
    return "\n".join(lines)


def _model_block(state: _Module, plan: ModelPlan, types: TypeRenderer) -> str:
    raw = plan.raw
    target = "abstract" if plan.abstract else f"table {plan.keyspace or '<default>'}.{plan.table}"
    if plan.invalid is not None:
        finding = Finding("lost", raw.name, f"model not converted: {plan.invalid}")
        state.reports.append(ClassReport(raw.name, target, (*plan.findings, finding), raw.line))
        return "\n".join(_comment(f"NOT CONVERTED: {raw.name}: {plan.invalid}", ""))
    specs, spec_findings = state.specs[raw.qualname]
    findings = [*plan.findings, *spec_findings, *_polymorphism(plan, specs)]
    findings += _inherited_table_name(state, plan)
    options, option_findings = check_options(raw.name, plan.options or {})
    findings += option_findings
    wanted = CoreSettings(plan.keyspace, plan.connection, options)
    base, inherited, reason = _base(state, plan, specs, wanted)
    if reason:
        findings.append(Finding("note", raw.name, f"flattened onto Document: {reason}"))
    base_name = types.core("document", "Document") if base is None else base
    lines = [f"class {raw.name}({base_name}):"]
    what = "abstract cqlengine model" if plan.abstract else "cqlengine model"
    lines += _docstring(f"Converted from the {what} ``{raw.name}``.")
    lines.append("")
    body: list[str] = []
    for spec in specs:
        if inherited is not None and inherited.fields.get(spec.name) == spec:
            continue
        comment = None
        if spec.column.db_field and spec.column.db_field != spec.column.attr:
            comment = f"cqlengine attribute: {spec.column.attr}"
        body += render_field(spec, types, comment)
    for finding in spec_findings:
        attr = finding.subject.split(".", 1)[-1]
        if finding.level == "lost" and (inherited is None or attr in plan.own):
            body += _comment(f"NOT CONVERTED: {finding.subject}: {finding.message}")
    for lost in plan.lost:
        if inherited is None or lost.attr in {i.name for i in raw.body}:
            body += _comment(f"NOT CONVERTED: column {lost.attr}: {lost.reason}")
    settings = inherited.settings if inherited is not None else CoreSettings()
    lines += body + ([""] if body else [])
    lines += settings_lines(plan, wanted, settings, _polymorphic_settings(plan, base))
    state.emitted[raw.qualname] = _Emitted({s.name: s for s in specs}, settings.merge(wanted))
    state.reports.append(ClassReport(raw.name, target, tuple(findings), raw.line))
    return "\n".join(lines)


def _base(
    state: _Module, plan: ModelPlan, specs: list[FieldSpec], wanted: CoreSettings
) -> tuple[str | None, _Emitted | None, str | None]:
    """The converted base to subclass (with what it provides), or why not."""
    if not plan.model_bases:
        return None, None, None
    if len(plan.model_bases) > 1:
        return None, None, "it has several model bases"
    base = plan.model_bases[0]
    base_name = base.rsplit(".", 1)[-1]
    emitted = state.emitted.get(base)
    if emitted is None:
        where = (
            "not converted" if base.rpartition(".")[0] == plan.raw.module else "in another module"
        )
        return None, None, f"its base {base_name} is {where}"
    missing = set(emitted.fields) - {s.name for s in specs}
    if missing:
        return None, None, f"fields of {base_name} it does not have: {', '.join(sorted(missing))}"
    problem = emitted.settings.cannot_become(wanted)
    if problem:
        return None, None, problem
    return base_name, emitted, None


def _inherited_table_name(state: _Module, plan: ModelPlan) -> list[Finding]:
    """cqlengine caches a derived table name on the class, so a subclass of a concrete
    model reads the cache of its base once the base's name has been computed."""
    if plan.abstract or plan.polymorphic_base is not None:
        return []
    if state.resolver.registry.attribute_node(plan.raw, "__table_name__") is not None:
        return []
    for base in plan.model_bases:
        parent = state.resolver.model(base)
        if not parent.abstract and parent.table and parent.table != plan.table:
            return [
                Finding(
                    "note",
                    plan.raw.name,
                    f"converted with table {plan.table}, but once cqlengine has computed "
                    f"{parent.raw.name}'s table name (any query or sync_table on it) this "
                    f"class uses {parent.table} instead: check which table holds its rows",
                )
            ]
    return []


def _polymorphic_settings(plan: ModelPlan, base: str | None) -> list[tuple[str, object]]:
    column = plan.discriminator
    if column is None:
        return []
    entries: list[tuple[str, object]] = []
    if plan.is_polymorphic_base or base is None:
        entries.append(("discriminator", column.db_name))
    if plan.has_discriminator_value:
        entries.append(("discriminator_value", plan.discriminator_value))
    return entries


def _polymorphism(plan: ModelPlan, specs: list[FieldSpec]) -> list[Finding]:
    column = plan.discriminator
    spec = next((s for s in specs if column is not None and s.name == column.db_name), None)
    if spec is None or not plan.has_discriminator_value or spec.is_key or spec.indexed:
        return []
    return [
        Finding(
            "note",
            plan.raw.name,
            f"coodie_core filters queries through this subclass on {spec.name}, which is "
            "neither a key nor indexed: they need allow_filtering() "
            "(cqlengine did not filter them)",
        )
    ]
