"""Choosing a Java runtime for the embedded node."""

from __future__ import annotations

from pathlib import Path

import pytest

from coodie_core.embedded.errors import LauncherError
from coodie_core.embedded.java import find_java, parse_java_major


@pytest.mark.parametrize(
    ("output", "major"),
    [
        ('openjdk version "17.0.15" 2025-04-15', 17),
        ('openjdk version "11.0.2" 2019-01-15', 11),
        ('java version "1.8.0_292"', 8),
        ('openjdk version "25" 2025-09-16', 25),
        ("not java at all", None),
    ],
)
def test_parse_java_major(output: str, major: int | None) -> None:
    assert parse_java_major(output) == major


def _fake_java(tmp_path: Path, name: str, version: str) -> Path:
    script = tmp_path / name
    script.write_text(f"#!/bin/sh\necho 'openjdk version \"{version}\" 2025-01-01' >&2\n")
    script.chmod(0o755)
    return script


def test_prefers_17_over_11_and_skips_others(tmp_path: Path) -> None:
    j21 = _fake_java(tmp_path, "j21", "21.0.1")
    j11 = _fake_java(tmp_path, "j11", "11.0.20")
    j17 = _fake_java(tmp_path, "j17", "17.0.9")
    runtime = find_java([j21, j11, j17])
    assert (runtime.executable, runtime.major) == (j17, 17)


def test_no_supported_java_is_a_clear_error(tmp_path: Path) -> None:
    j21 = _fake_java(tmp_path, "j21", "21.0.1")
    with pytest.raises(LauncherError, match=r"No Java 11 or 17 runtime found.*j21 \(21\)"):
        find_java([j21, tmp_path / "missing"])


def test_no_java_at_all(tmp_path: Path) -> None:
    with pytest.raises(LauncherError, match="no java executable was found"):
        find_java([])
