"""What cqlengine's metaclasses compute, recomputed statically for every input class.

For a model: its columns in cqlengine's order (inherited first), which are
partition and clustering keys (the first primary key becomes the partition key
when none is marked; an overriding column keeps the partition flag of the one it
replaces), polymorphism, the table name (cqlengine's rule, section 2.8 of the
contract), keyspace, connection and options. For a UserType: its type name and
fields (cqlengine ignores fields inherited from another UserType).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field, replace

from coodie_compat._model_meta import derived_name
from coodie_compat.convert.columnspec import parse_column
from coodie_compat.convert.defaults import Unconvertible
from coodie_compat.convert.model import ColumnSpec, Finding, Level, RawClass
from coodie_compat.convert.names import MODEL, USERTYPE
from coodie_compat.convert.registry import Registry

__all__ = ["LostColumn", "ModelPlan", "Resolver", "UdtPlan", "cqlengine_name"]

_MODEL_SETTINGS = {
    "__abstract__",
    "__table_name__",
    "__table_name_case_sensitive__",
    "__keyspace__",
    "__connection__",
    "__options__",
    "__discriminator_value__",
}
_IGNORED: dict[str, tuple[Level, str]] = {
    "__default_ttl__": (
        "note",
        "ignored: cqlengine never applied it (use __options__ default_time_to_live)",
    ),
    "__compute_routing_key__": ("note", "ignored: coodie_core leaves routing keys to the driver"),
    "__queryset__": (
        "lost",
        "not converted: custom QuerySet classes have no coodie_core equivalent",
    ),
    "__dmlquery__": (
        "lost",
        "not converted: custom DMLQuery classes have no coodie_core equivalent",
    ),
}


def cqlengine_name(class_name: str) -> str:
    """cqlengine's default table or type name for a class name (the facade's own rule)."""
    return derived_name(class_name)


@dataclass(frozen=True)
class LostColumn:
    """A column that could not be read; kept in the output as a comment."""

    attr: str
    reason: str
    maybe_key: bool


@dataclass(frozen=True)
class ModelPlan:
    """A model as cqlengine sees it once its class is created."""

    raw: RawClass
    abstract: bool
    columns: tuple[ColumnSpec, ...]  # cqlengine's order; key flags as computed
    own: frozenset[str]  # attributes declared in the class body
    lost: tuple[LostColumn, ...]
    model_bases: tuple[str, ...]
    table: str | None
    keyspace: str | None
    connection: str | None
    options: dict[str, object] | None
    discriminator_value: object
    has_discriminator_value: bool
    polymorphic_base: str | None
    is_polymorphic_base: bool
    findings: tuple[Finding, ...]
    invalid: str | None = None

    @property
    def partition_key(self) -> tuple[ColumnSpec, ...]:
        """Partition key columns in order."""
        return tuple(c for c in self.columns if c.primary_key and c.partition_key)

    @property
    def clustering_key(self) -> tuple[ColumnSpec, ...]:
        """Clustering columns in order."""
        return tuple(c for c in self.columns if c.primary_key and not c.partition_key)

    @property
    def discriminator(self) -> ColumnSpec | None:
        """The discriminator column, if the model is polymorphic."""
        return next((c for c in self.columns if c.discriminator), None)


@dataclass(frozen=True)
class UdtPlan:
    """A UserType: its CQL type name and fields in declaration order."""

    raw: RawClass
    type_name: str
    fields: tuple[ColumnSpec, ...]
    findings: tuple[Finding, ...] = ()
    lost: tuple[LostColumn, ...] = ()


@dataclass
class _Body:
    columns: list[ColumnSpec] = field(default_factory=list)
    lost: list[LostColumn] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


class Resolver:
    """Resolves models and UserTypes of a :class:`Registry`, each once."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self._models: dict[str, ModelPlan] = {}
        self._udts: dict[str, UdtPlan] = {}

    def model(self, qualname: str) -> ModelPlan:
        """The :class:`ModelPlan` of the model class ``qualname``."""
        if qualname not in self._models:
            self._models[qualname] = self._model(self.registry.classes[qualname])
        return self._models[qualname]

    def udt(self, qualname: str) -> UdtPlan:
        """The :class:`UdtPlan` of the UserType class ``qualname``."""
        if qualname not in self._udts:
            self._udts[qualname] = self._udt(self.registry.classes[qualname])
        return self._udts[qualname]

    # -- class bodies ------------------------------------------------------------

    def _body(self, raw: RawClass, settings: set[str]) -> _Body:
        body = _Body()
        for item in raw.body:
            subject = f"{raw.name}.{item.name}"
            if item.kind != "assignment":
                what = "method" if item.kind == "method" else item.kind
                body.findings.append(
                    Finding("lost", subject, f"{what} not converted (copy it by hand)")
                )
                continue
            if item.name in settings:
                continue
            if item.name in _IGNORED:
                level, message = _IGNORED[item.name]
                body.findings.append(Finding(level, subject, message))
                continue
            self._body_column(raw, item.name, item.value, body)
        return body

    def _body_column(self, raw: RawClass, attr: str, value: ast.expr | None, body: _Body) -> None:
        subject = f"{raw.name}.{attr}"
        if isinstance(value, ast.Call):
            try:
                spec = parse_column(attr, value, raw.scope, self.registry, subject)
            except Unconvertible as exc:
                body.lost.append(LostColumn(attr, str(exc), _maybe_key(value)))
                body.findings.append(Finding("lost", subject, f"column not converted: {exc}"))
                return
            if spec is not None:
                body.columns.append(spec)
                body.findings.extend(spec.findings)
                return
        text = ast.unparse(value) if value is not None else "(annotation only)"
        if len(text) > 40:
            text = text[:37] + "..."
        body.findings.append(
            Finding(
                "lost",
                subject,
                f"class attribute = {text} is not a cqlengine column; not converted",
            )
        )

    def stray_columns(self, raw: RawClass) -> list[str]:
        """Attributes of a non-model class that are declared as cqlengine columns."""
        found = []
        for item in raw.body:
            if isinstance(item.value, ast.Call):
                path = raw.scope.resolve(item.value.func)
                if path and self.registry.column_class(path) is not None:
                    found.append(item.name)
        return found

    # -- UserTypes ---------------------------------------------------------------

    def _udt(self, raw: RawClass) -> UdtPlan:
        body = self._body(raw, {"__type_name__"})
        findings = list(body.findings)
        try:
            explicit = self.registry.attribute(raw, "__type_name__")
        except ValueError as exc:
            explicit = None
            findings.append(Finding("lost", raw.name, f"{exc}; using the derived type name"))
        type_name = str(explicit).lower() if explicit else cqlengine_name(raw.name)
        for base in raw.bases:
            parent = self.registry.find(base)
            is_udt = parent is not None and self.registry.kind(parent.qualname) == "udt"
            if parent is not None and is_udt and any(i.kind == "assignment" for i in parent.body):
                findings.append(
                    Finding(
                        "note",
                        raw.name,
                        f"fields of {parent.name} are not inherited (cqlengine ignores them too)",
                    )
                )
        return UdtPlan(raw, type_name, tuple(body.columns), tuple(findings), tuple(body.lost))

    # -- models ------------------------------------------------------------------

    def _model(self, raw: RawClass) -> ModelPlan:
        body = self._body(raw, _MODEL_SETTINGS)
        findings = list(body.findings)
        inherited: dict[str, ColumnSpec] = {}
        model_bases: list[str] = []
        invalid: str | None = None
        for base, text in zip(raw.bases, raw.base_texts, strict=True):
            if base == MODEL:
                continue
            parent = self.registry.find(base)
            kind = self.registry.kind(parent.qualname) if parent else "other"
            if parent is not None and kind == "model":
                plan = self.model(parent.qualname)
                model_bases.append(parent.qualname)
                invalid = invalid or plan.invalid
                for attr, column in ((c.attr, c) for c in plan.columns):
                    inherited.setdefault(attr, column)
            elif parent is None and base != USERTYPE:
                findings.append(
                    Finding(
                        "lost",
                        raw.name,
                        f"base {text} is not among the converted modules; "
                        "if it is a model, its columns are missing",
                    )
                )
            else:
                findings.append(Finding("note", raw.name, f"base {text} is not a model; dropped"))
        abstract = raw.assignment("__abstract__")
        is_abstract = bool(abstract is not None and _literal_or_none(abstract))
        columns, model_invalid = _key_columns(list(inherited.items()), body.columns, is_abstract)
        for lost in body.lost:
            if lost.maybe_key:
                invalid = invalid or f"column {lost.attr} may be a key but cannot be read"
        invalid = invalid or model_invalid
        seen = {lost.attr for lost in body.lost} | {c.attr for c in body.columns}
        for base in model_bases:
            for lost in self.model(base).lost:
                if lost.attr not in seen:
                    seen.add(lost.attr)
                    body.lost.append(lost)
        return self._finish_model(raw, body, findings, columns, model_bases, is_abstract, invalid)

    def _finish_model(
        self,
        raw: RawClass,
        body: _Body,
        findings: list[Finding],
        columns: list[ColumnSpec],
        model_bases: list[str],
        abstract: bool,
        invalid: str | None,
    ) -> ModelPlan:
        own_discriminator = any(c.discriminator for c in body.columns)
        discriminators = [c for c in columns if c.discriminator]
        value_node = raw.assignment("__discriminator_value__")
        value = _literal_or_none(value_node) if value_node is not None else None
        if value_node is not None and not discriminators:
            invalid = invalid or "__discriminator_value__ without a discriminator column"
        settings = {}
        for key in ("__table_name__", "__keyspace__", "__connection__", "__options__"):
            try:
                settings[key] = self.registry.attribute(raw, key)
            except ValueError as exc:
                findings.append(Finding("lost", raw.name, f"{exc}; cannot read it statically"))
                settings[key] = None
        options = settings["__options__"]
        poly_base = None
        if discriminators and not own_discriminator:
            poly_base = self._polymorphic_base(model_bases)
        plan = ModelPlan(
            raw=raw,
            abstract=abstract,
            columns=tuple(columns),
            own=frozenset(c.attr for c in body.columns),
            lost=tuple(body.lost),
            model_bases=tuple(model_bases),
            table=None,
            keyspace=_str_or_none(settings["__keyspace__"]),
            connection=_str_or_none(settings["__connection__"]),
            options=dict(options) if isinstance(options, dict) else None,
            discriminator_value=value,
            has_discriminator_value=value_node is not None and value is not None,
            polymorphic_base=poly_base,
            is_polymorphic_base=own_discriminator,
            findings=tuple(findings),
            invalid=invalid,
        )
        return replace(plan, table=self._table_name(plan, settings["__table_name__"]))

    def _polymorphic_base(self, bases: list[str]) -> str | None:
        for base in bases:
            plan = self.model(base)
            if plan.is_polymorphic_base:
                return base
            found = self._polymorphic_base(list(plan.model_bases))
            if found:
                return found
        return None

    def _table_name(self, plan: ModelPlan, explicit: object) -> str:
        if explicit:
            sensitive = self.registry.attribute_node(plan.raw, "__table_name_case_sensitive__")
            if sensitive is not None and _literal_or_none(sensitive):
                return str(explicit)
            return str(explicit).lower()
        if plan.polymorphic_base is not None:
            return self.model(plan.polymorphic_base).table or ""
        return cqlengine_name(plan.raw.name)


def _key_columns(
    inherited: list[tuple[str, ColumnSpec]], own: list[ColumnSpec], abstract: bool
) -> tuple[list[ColumnSpec], str | None]:
    """cqlengine's ordering and partition-key inference (models.py ModelMetaClass)."""
    definitions = inherited + [(c.attr, c) for c in own]
    has_partition = any(c.partition_key for _, c in definitions)
    result: dict[str, ColumnSpec] = {}
    for attr, column in definitions:
        if not has_partition and column.primary_key:
            column = replace(column, partition_key=True)
            has_partition = True
        if attr in result:
            column = replace(column, partition_key=result[attr].partition_key)
        result[attr] = column
    columns = list(result.values())
    invalid = None
    if not abstract:
        if not any(c.primary_key for c in columns):
            invalid = "at least 1 primary key is required"
        counters = [c for c in columns if c.type.kind == "counter"]
        data = [c for c in columns if not c.primary_key and c.type.kind != "counter"]
        if counters and data:
            invalid = "counter models may not have data columns"
    return columns, invalid


def _literal_or_none(node: ast.expr) -> object:
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError):
        return None


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _maybe_key(call: ast.Call) -> bool:
    for keyword in call.keywords:
        if keyword.arg is None:
            return True
        key_option = keyword.arg in ("primary_key", "partition_key")
        if key_option and _literal_or_none(keyword.value) is not False:
            return True
    return bool(call.args) and not isinstance(call.args[0], (ast.Name, ast.Attribute, ast.Call))
