"""Finding a Java runtime that Cassandra 5.0 supports (11 or 17)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from coodie_core.embedded.errors import LauncherError

SUPPORTED_MAJORS = (17, 11)
"""Java major versions Cassandra 5.0 runs on, in order of preference."""

_VERSION_RE = re.compile(r'version "(\d+)(?:\.(\d+))?')


@dataclass(frozen=True)
class JavaRuntime:
    """A ``java`` executable and its major version."""

    executable: Path
    major: int


def parse_java_major(version_output: str) -> int | None:
    """Return the major version from ``java -version`` output (``1.8`` -> 8)."""
    match = _VERSION_RE.search(version_output)
    if match is None:
        return None
    first = int(match.group(1))
    if first == 1 and match.group(2) is not None:
        return int(match.group(2))
    return first


def _candidates() -> list[Path]:
    found: list[Path] = []
    override = os.environ.get("COODIE_JAVA")
    if override:
        found.append(Path(override))
    java_home = os.environ.get("JAVA_HOME")
    if java_home:
        found.append(Path(java_home) / "bin" / "java")
    on_path = shutil.which("java")
    if on_path:
        found.append(Path(on_path))
    jvm_root = Path("/usr/lib/jvm")
    if jvm_root.is_dir():
        found.extend(sorted(p / "bin" / "java" for p in jvm_root.iterdir()))
    return found


def probe(executable: Path) -> int | None:
    """Return the major version of ``executable``, or None if it does not run."""
    try:
        done = subprocess.run(
            [str(executable), "-version"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return parse_java_major(done.stderr + done.stdout)


def find_java(candidates: list[Path] | None = None) -> JavaRuntime:
    """Return the preferred supported Java runtime, or raise :class:`LauncherError`.

    ``COODIE_JAVA``, ``JAVA_HOME``, ``java`` on ``PATH`` and ``/usr/lib/jvm/*``
    are tried; Java 17 is preferred over 11, and other versions are refused.
    """
    seen: dict[int, JavaRuntime] = {}
    tried: list[str] = []
    for executable in candidates if candidates is not None else _candidates():
        if not executable.exists():
            continue
        major = probe(executable)
        tried.append(f"{executable} ({'unknown' if major is None else major})")
        if major in SUPPORTED_MAJORS and major not in seen:
            seen[major] = JavaRuntime(executable, major)
    for major in SUPPORTED_MAJORS:
        if major in seen:
            return seen[major]
    detail = "; tried: " + ", ".join(tried) if tried else "; no java executable was found"
    raise LauncherError(
        "No Java 11 or 17 runtime found: Cassandra 5.0 needs one. Install OpenJDK 17 "
        "(e.g. `apt-get install openjdk-17-jre-headless`) or set COODIE_JAVA to its java" + detail
    )
