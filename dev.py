#!/usr/bin/env python3
"""Set up the environment and run the demo or the tests; needs only Python 3.11.

    python3.11 dev.py demo      # create .venv, install, start PostgreSQL, load data, serve
    python3.11 dev.py test      # create .venv, install, run the whole test suite
    python3.11 dev.py env       # only create/update .venv

Extra arguments go to the command (``dev.py test -k checkout``, ``dev.py demo --port 8001``).
Set DATABASE_URL to use an existing PostgreSQL instead of the embedded one.
"""
import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("SALEOR_PLUGINS_VENV", ROOT / ".venv"))
CONSTRAINTS = ROOT / "requirements" / "constraints.txt"
STAMP = VENV / ".saleor-plugins-installed"
SALEOR = "saleor==2.10.1"


def python_in_venv() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def run(*command, **kwargs):
    print("+", " ".join(str(part) for part in command), flush=True)
    subprocess.run([str(part) for part in command], check=True, **kwargs)


def install_fingerprint() -> str:
    digest = hashlib.sha256()
    for path in (CONSTRAINTS, ROOT / "setup.cfg", ROOT / "pyproject.toml"):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def ensure_environment() -> Path:
    if sys.version_info[:2] != (3, 11):
        sys.exit(f"Python 3.11 is required (this is {sys.version.split()[0]}).")
    python = python_in_venv()
    if not python.exists():
        print(f"Creating {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    fingerprint = install_fingerprint()
    if STAMP.exists() and STAMP.read_text() == fingerprint:
        return python
    pip = [python, "-m", "pip", "--disable-pip-version-check", "-q"]
    run(*pip, "install", "-c", CONSTRAINTS, "setuptools", "wheel")
    # Saleor's wheel says Python <3.9 and pins unavailable packages: install it alone,
    # then its dependencies from our constraints (see requirements/constraints.txt).
    run(*pip, "install", "--no-deps", "--ignore-requires-python", SALEOR)
    run(*pip, "install", "-c", CONSTRAINTS, "-e", f"{ROOT}[test]")
    STAMP.write_text(fingerprint)
    return python


def main(argv):
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(__doc__)
        return 0
    command, rest = argv[0], argv[1:]
    if command not in ("demo", "test", "env"):
        print(__doc__)
        return 2
    python = ensure_environment()
    os.chdir(ROOT)
    if command == "env":
        print(f"Environment ready: {python}")
        return 0
    if command == "demo":
        return subprocess.call([str(python), "-m", "saleor_plugins", "demo", *rest])
    return subprocess.call([str(python), "-m", "pytest", *rest])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
