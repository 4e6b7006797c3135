"""Integration: every converted Document plans no change against the table (and types)
that stock cqlengine created for the legacy model."""

from __future__ import annotations

import pytest

from coodie_core.document import Document
from coodie_core.management import sync_table

from .conftest import Converted

DOCUMENTS = [
    ("models", "AllTypes"),
    ("models", "Collections"),
    ("models", "Reading"),
    ("models", "CamelTable"),
    ("models", "PageViews"),
    ("models", "Pet"),
    ("models", "Cat"),
    ("models", "Dog"),
    ("models", "Note"),
    ("models", "AltNote"),
    ("star", "Event"),
]


@pytest.mark.parametrize(("module", "name"), DOCUMENTS)
def test_sync_table_plans_no_change(converted: Converted, module: str, name: str) -> None:
    document = getattr(getattr(converted, module), name)
    assert issubclass(document, Document)
    assert sync_table(document, dry_run=True) == []


def test_every_concrete_document_is_checked(converted: Converted) -> None:
    found = {
        (module, name)
        for module in ("models", "star")
        for name, value in vars(getattr(converted, module)).items()
        if isinstance(value, type)
        and issubclass(value, Document)
        and value.__module__ == getattr(converted, module).__name__
        and not value.__table_settings__.abstract
    }
    assert found == set(DOCUMENTS)
