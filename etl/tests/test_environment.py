"""etl/venv.sh: a missing Python 3.11 or Java stops with a message saying what to install."""

import os
import stat
import subprocess
import sys
from pathlib import Path

VENV_SH = Path(__file__).resolve().parents[1] / "venv.sh"


def fake_bin(tmp_path: Path, java_version: str | None) -> str:
    """A PATH holding the shell tools, this Python as python3.11, and a `java` printing the given version."""
    folder = tmp_path / "bin"
    folder.mkdir()
    for tool in ("sh", "sed", "head", "cat", "dirname"):
        found = subprocess.run(["sh", "-c", "command -v " + tool], capture_output=True, text=True).stdout.strip()
        (folder / tool).symlink_to(found)
    (folder / "python3.11").symlink_to(sys.executable)
    if java_version:
        java = folder / "java"
        java.write_text("#!/bin/sh\necho 'openjdk version \"%s\" 2025-01-01' >&2\n" % java_version)
        java.chmod(java.stat().st_mode | stat.S_IEXEC)
    return str(folder)


def run(tmp_path: Path, java_version: str | None, **env) -> subprocess.CompletedProcess:
    path = fake_bin(tmp_path, java_version)
    return subprocess.run(
        ["sh", str(VENV_SH), "true"], capture_output=True, text=True, env={"PATH": path, "HOME": str(tmp_path), **env}
    )


def test_no_java_names_what_to_install(tmp_path):
    result = run(tmp_path, None)
    assert result.returncode == 1 and "install a Java 17 runtime" in result.stderr


def test_an_old_java_is_refused(tmp_path):
    result = run(tmp_path, "1.8.0_392")
    assert result.returncode == 1 and "Java 8 found; Spark 3.5 needs Java 17" in result.stderr


def test_another_python_is_refused(tmp_path):
    result = run(tmp_path, "17.0.15", PYTHON="/nonexistent/python3")
    assert result.returncode == 1 and "Python 3.11 is needed" in result.stderr
    assert not os.path.exists(tmp_path / ".venv")
