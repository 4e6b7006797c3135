"""User-defined types: Pydantic models stored as CQL UDTs.

::

    class Address(UserType):
        street: str
        zip: Int

    class Person(Document):
        id: Annotated[uuid.UUID, PartitionKey()]
        home: Address | None = None          # a non-frozen UDT column
        past: list[Address] = []              # list<frozen<address>>

A UDT value is immutable and hashable (so it can sit in a set or be a map key);
replace it to change it. The CQL name is ``Settings.name``, else the class name
in snake case; the type lives in the keyspace of the table that uses it.
"""

from __future__ import annotations

from typing import Any, ClassVar

import pydantic
from typing_extensions import Self

from coodie_core.errors import ModelDefinitionError
from coodie_core.identifiers import snake_case, validate_name

__all__ = ["UserType"]


class UserType(pydantic.BaseModel):
    """Base class of user-defined types; see the module docstring."""

    model_config = pydantic.ConfigDict(frozen=True, arbitrary_types_allowed=True)

    __type_name__: ClassVar[str] = ""

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        """Read ``Settings.name`` (the only setting) and check the field names."""
        super().__pydantic_init_subclass__(**kwargs)
        settings = cls.__dict__.get("Settings")
        values = (
            {k: v for k, v in vars(settings).items() if not k.startswith("__")} if settings else {}
        )
        unknown = sorted(set(values) - {"name"})
        if unknown:
            raise ModelDefinitionError(f"{cls.__name__}.Settings: unknown setting(s) {unknown}")
        cls.__type_name__ = validate_name(values.get("name") or snake_case(cls.__name__), "type")
        for name in cls.model_fields:
            validate_name(name, "field")

    @classmethod
    def type_name(cls) -> str:
        """The CQL name of the type (unqualified: types live in the table's keyspace)."""
        return cls.__type_name__

    @pydantic.model_validator(mode="before")
    @classmethod
    def _drop_nulls(cls, data: Any) -> Any:
        """A null field read back (e.g. one added to the type after the row was
        written) takes the field's default instead, unless the field is Optional."""
        if not isinstance(data, dict):
            return data
        from coodie_core.cqltypes import strip_optional

        fields = cls.model_fields
        return {
            k: v
            for k, v in data.items()
            if v is not None
            or k not in fields
            or strip_optional(fields[k].annotation) is not fields[k].annotation
        }

    @pydantic.model_validator(mode="after")
    def _check_cql_values(self) -> Self:
        """Reject values Pydantic accepts but the field's CQL type cannot hold."""
        from coodie_core.cqltypes import check_value, user_type_fields

        for name, cql_type in user_type_fields(type(self)):
            problem = check_value(cql_type, getattr(self, name))
            if problem is not None:
                raise ValueError(f"{name}: {problem}")
        return self
