"""Obtaining and caching the Cassandra server jars from Maven Central.

The binary tarball is not published on Maven Central for 5.0, so the launcher
resolves ``org.apache.cassandra:cassandra-all`` with its runtime dependencies
into a flat ``lib/`` directory. The download goes to a partial directory that
is renamed into place only when complete, so a failed or interrupted download
never leaves a cache that looks usable.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from coodie_core.embedded.config import CASSANDRA_VERSION
from coodie_core.embedded.errors import LauncherError

DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1"
COMPLETE_MARKER = ".complete"

_POM = """<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>coodie.embedded</groupId>
  <artifactId>cassandra-runtime</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.cassandra</groupId>
      <artifactId>cassandra-all</artifactId>
      <version>{version}</version>
    </dependency>
  </dependencies>
</project>
"""


def cache_root() -> Path:
    """Return the launcher's cache directory.

    ``COODIE_CASSANDRA_CACHE`` overrides it; otherwise ``$XDG_CACHE_HOME/coodie``
    or ``~/.cache/coodie``.
    """
    override = os.environ.get("COODIE_CASSANDRA_CACHE")
    if override:
        return Path(override).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "coodie"


def distribution_dir(version: str = CASSANDRA_VERSION, root: Path | None = None) -> Path:
    """Return where the jars of ``version`` live once downloaded."""
    return (root or cache_root()) / f"cassandra-{version}"


def is_complete(dist: Path) -> bool:
    """True when ``dist`` holds a finished download (marker and server jar)."""
    lib = dist / "lib"
    return (dist / COMPLETE_MARKER).is_file() and any(lib.glob("cassandra-all-*.jar"))


def render_pom(version: str = CASSANDRA_VERSION) -> str:
    """Return the throw-away POM whose dependencies are the server's runtime."""
    return _POM.format(version=version)


def maven_command(pom: Path, lib_dir: Path, mvn: str) -> list[str]:
    """Return the Maven command that copies the runtime jars into ``lib_dir``."""
    return [
        mvn,
        "-B",
        "-f",
        str(pom),
        f"{DEPENDENCY_PLUGIN}:copy-dependencies",
        "-DincludeScope=runtime",
        f"-DoutputDirectory={lib_dir}",
    ]


def find_maven() -> str:
    """Return the ``mvn`` executable (``COODIE_MVN`` overrides) or raise."""
    mvn = os.environ.get("COODIE_MVN") or shutil.which("mvn")
    if not mvn:
        raise LauncherError(
            "Maven (mvn) was not found: the launcher needs it to fetch Cassandra from "
            "Maven Central. Install it (e.g. `apt-get install maven`) or set COODIE_MVN."
        )
    return mvn


Progress = Callable[[str], None]


def _print_progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _run_maven(command: list[str], progress: Progress) -> None:
    started = time.monotonic()
    tail: list[str] = []
    downloaded = 0
    try:
        proc = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
    except OSError as exc:
        raise LauncherError(f"could not run Maven ({command[0]}): {exc}") from exc
    assert proc.stdout is not None
    for line in proc.stdout:
        tail = [*tail[-39:], line.rstrip()]
        if "Downloaded from" in line:
            downloaded += 1
            if downloaded % 100 == 0:
                progress(f"  ... {downloaded} files downloaded ({time.monotonic() - started:.0f}s)")
    code = proc.wait()
    if code != 0:
        text = "\n".join(tail)
        hint = (
            "Maven Central could not be reached"
            if any(w in text for w in ("Could not transfer", "Unknown host", "resolve"))
            else "Maven failed"
        )
        raise LauncherError(f"{hint} while fetching Cassandra (exit {code}). Last output:\n{text}")


def ensure_distribution(
    version: str = CASSANDRA_VERSION,
    root: Path | None = None,
    progress: Progress = _print_progress,
    command_factory: Callable[[Path, Path], list[str]] | None = None,
) -> Path:
    """Return the ``lib/`` directory of ``version``, downloading it if needed.

    The jars are fetched into a partial directory beside the final one and
    renamed into place only after Maven succeeded; on any failure the partial
    directory is removed and :class:`LauncherError` is raised.
    """
    dist = distribution_dir(version, root)
    if is_complete(dist):
        return dist / "lib"
    dist.parent.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=f".cassandra-{version}.partial-", dir=dist.parent))
    try:
        pom = partial / "pom.xml"
        pom.write_text(render_pom(version))
        lib = partial / "lib"
        make = command_factory or (lambda p, lib_dir: maven_command(p, lib_dir, find_maven()))
        progress(f"Downloading Apache Cassandra {version} (cassandra-all) from Maven Central...")
        started = time.monotonic()
        _run_maven(make(pom, lib), progress)
        if not any(lib.glob("cassandra-all-*.jar")):
            raise LauncherError(f"Maven finished but no cassandra-all jar appeared in {lib}")
        (partial / COMPLETE_MARKER).write_text(version + "\n")
        if dist.exists():
            shutil.rmtree(dist)
        partial.rename(dist)
        progress(f"Cassandra {version} cached in {dist} ({time.monotonic() - started:.1f}s)")
    finally:
        if partial.exists():
            shutil.rmtree(partial, ignore_errors=True)
    return dist / "lib"
