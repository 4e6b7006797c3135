"""Fetching and caching the Cassandra jars: atomic, and clear when it fails."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from coodie_core.embedded import distribution as dist
from coodie_core.embedded.errors import LauncherError


def _writer(body: str):  # type: ignore[no-untyped-def]
    """A command factory running ``body`` as Python with argv[1] = lib dir."""

    def make(pom: Path, lib: Path) -> list[str]:
        return [sys.executable, "-c", body, str(lib)]

    return make


GOOD = (
    "import sys, pathlib; lib = pathlib.Path(sys.argv[1]); lib.mkdir(parents=True);"
    "(lib / 'cassandra-all-5.0.6.jar').write_bytes(b'x'); print('Downloaded from central: x')"
)


def test_download_lands_complete_and_is_reused(tmp_path: Path) -> None:
    lib = dist.ensure_distribution(
        root=tmp_path, progress=lambda m: None, command_factory=_writer(GOOD)
    )
    assert lib == tmp_path / "cassandra-5.0.6" / "lib"
    assert (lib / "cassandra-all-5.0.6.jar").read_bytes() == b"x"
    assert dist.is_complete(tmp_path / "cassandra-5.0.6")

    def refuse(pom: Path, lib: Path) -> list[str]:
        raise AssertionError("a complete cache must not be downloaded again")

    assert (
        dist.ensure_distribution(root=tmp_path, progress=lambda m: None, command_factory=refuse)
        == lib
    )


def test_failed_download_leaves_nothing_behind(tmp_path: Path) -> None:
    body = GOOD + "; print('Could not transfer artifact: Unknown host'); sys.exit(1)"
    with pytest.raises(LauncherError, match="Maven Central could not be reached"):
        dist.ensure_distribution(
            root=tmp_path, progress=lambda m: None, command_factory=_writer(body)
        )
    assert list(tmp_path.iterdir()) == []


def test_success_without_server_jar_is_refused(tmp_path: Path) -> None:
    body = "import sys, pathlib; pathlib.Path(sys.argv[1]).mkdir(parents=True)"
    with pytest.raises(LauncherError, match="no cassandra-all jar"):
        dist.ensure_distribution(
            root=tmp_path, progress=lambda m: None, command_factory=_writer(body)
        )
    assert list(tmp_path.iterdir()) == []


def test_partial_cache_without_marker_is_not_used(tmp_path: Path) -> None:
    stale = tmp_path / "cassandra-5.0.6" / "lib"
    stale.mkdir(parents=True)
    (stale / "cassandra-all-5.0.6.jar").write_bytes(b"old")
    assert not dist.is_complete(tmp_path / "cassandra-5.0.6")
    lib = dist.ensure_distribution(
        root=tmp_path, progress=lambda m: None, command_factory=_writer(GOOD)
    )
    assert (lib / "cassandra-all-5.0.6.jar").read_bytes() == b"x"


def test_missing_maven_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COODIE_MVN", raising=False)
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(LauncherError, match=r"Maven \(mvn\) was not found"):
        dist.find_maven()


def test_cache_dir_override(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("COODIE_CASSANDRA_CACHE", str(tmp_path / "c"))
    assert dist.distribution_dir() == tmp_path / "c" / "cassandra-5.0.6"


def test_maven_command_pins_the_plugin(tmp_path: Path) -> None:
    cmd = dist.maven_command(tmp_path / "pom.xml", tmp_path / "lib", "mvn")
    assert cmd == [
        "mvn",
        "-B",
        "-f",
        str(tmp_path / "pom.xml"),
        "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies",
        "-DincludeScope=runtime",
        f"-DoutputDirectory={tmp_path / 'lib'}",
    ]
    assert "<artifactId>cassandra-all</artifactId>" in dist.render_pom()
    assert "<version>5.0.6</version>" in dist.render_pom()
