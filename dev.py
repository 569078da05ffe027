#!/usr/bin/env python3
"""Set up the environment and run the demo or the tests, on Saleor 3.23 (default) or 2.10.

    python3.12 dev.py test                    # Saleor 3.23.28 on Python 3.12: the whole suite
    python3.12 dev.py demo                    # ... embedded PostgreSQL, demo data, server, dashboard
    python3.11 dev.py test --saleor 2.10      # Saleor 2.10.1 (legacy) on Python 3.11
    python3.11 dev.py demo --saleor 2.10
    python3.12 dev.py env [--saleor 2.10]     # only create/update the environment
    python3.12 dev.py bench [--quick] [--only checkout_flow discount_rules] [--saleor 2.10]
                                              # benchmarks/report.py on that Saleor

Each platform has its own environment in .venv/saleor-<version>/ and its own local state
(embedded PostgreSQL, media) in .state/saleor-<version>/. dev.py itself runs on any
Python 3.8+; it creates the environment with the Python the platform needs (found on
PATH or under pyenv). Other arguments go to the command (``dev.py test -k checkout``,
``dev.py demo --port 8001``). Set DATABASE_URL to use an existing PostgreSQL.

Saleor 3.23 is not on PyPI. Its source comes from SALEOR_SOURCE: a path to the tag's
source archive (.tar.gz) or directory, or anything pip installs (a URL); unset, from the
git tag (needs github.com).
"""
import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
SALEOR_3_TAG = "3.23.28"
SALEOR_3_GIT = f"saleor @ git+https://github.com/saleor/saleor.git@{SALEOR_3_TAG}"


class Platform:
    def __init__(self, name, python, constraints, extras):
        self.name = name                  # "3.23" or "2.10"
        self.python = python              # (major, minor) the Saleor release needs
        self.constraints = ROOT / "requirements" / constraints
        self.extras = extras

    @property
    def venv(self) -> Path:
        default = ROOT / ".venv" / f"saleor-{self.name}"
        return Path(os.environ.get("SALEOR_PLUGINS_VENV", default))

    def saleor_requirement(self):
        """(pip arguments that install Saleor, the text that identifies them)."""
        if self.name == "2.10":
            # The wheel says Python <3.9 and pins unavailable packages: install it alone,
            # its dependencies come from our constraints (requirements/constraints-2.10.txt).
            return ["--no-deps", "--ignore-requires-python", "saleor==2.10.1"], "saleor==2.10.1"
        source = os.environ.get("SALEOR_SOURCE", "").strip()
        if not source:
            return [SALEOR_3_GIT], SALEOR_3_GIT
        path = Path(source).expanduser()
        looks_like_path = source.startswith((".", "/", "~")) or path.suffix in (".gz", ".zip", ".tgz")
        if looks_like_path or path.exists():
            if not path.exists():
                source_error(f"SALEOR_SOURCE={source} does not exist.")
            path = path.resolve()
            return [str(path)], f"{path}:{path.stat().st_size}:{path.stat().st_mtime_ns}"
        return [source], source


PLATFORMS = {
    "3.23": Platform("3.23", (3, 12), "constraints-3.23.txt", "saleor3,test"),
    "2.10": Platform("2.10", (3, 11), "constraints-2.10.txt", "saleor2,test"),
}


def source_error(reason: str):
    sys.exit(
        f"Saleor {SALEOR_3_TAG}'s source could not be reached. {reason}\n"
        f"Set SALEOR_SOURCE to the tag's source archive or directory, e.g.\n"
        f"    SALEOR_SOURCE=/path/to/saleor-{SALEOR_3_TAG}.tar.gz python3.12 dev.py test\n"
        f"or to a pip URL (default: {SALEOR_3_GIT.split(' @ ')[1]}),\n"
        f"or use the legacy platform: python3.11 dev.py test --saleor 2.10"
    )


def run(*command, **kwargs):
    print("+", " ".join(str(part) for part in command), flush=True)
    subprocess.run([str(part) for part in command], check=True, **kwargs)


def works(python) -> bool:
    try:
        return subprocess.run([str(python), "-c", "pass"], capture_output=True,
                              timeout=60).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def find_python(version) -> str:
    """An interpreter of ``version``: this one, one on PATH, or one pyenv installed."""
    if sys.version_info[:2] == version:
        return sys.executable
    name = "python%d.%d" % version
    candidates = [shutil.which(name)]
    pyenv_root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    candidates += sorted((pyenv_root / "versions").glob("%d.%d.*/bin/%s" % (version + (name,))),
                         reverse=True)
    for candidate in candidates:
        if candidate and works(candidate):
            return str(candidate)
    return ""


def install_fingerprint(platform, saleor_id) -> str:
    digest = hashlib.sha256(saleor_id.encode())
    for path in (platform.constraints, ROOT / "setup.cfg", ROOT / "pyproject.toml"):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def check_reachable(pip_args):
    """Fail early, with what to set, when the default git source cannot be reached."""
    target = pip_args[-1]
    if "git+" not in target:
        return
    url = target.split("git+", 1)[1].split("@")[0]
    try:
        probe = subprocess.run(["git", "ls-remote", "--exit-code", url, SALEOR_3_TAG],
                               capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        source_error(f"git ls-remote {url}: {exc}")
    if probe.returncode != 0:
        source_error(f"git ls-remote {url} failed: "
                     f"{probe.stderr.decode(errors='replace').strip()[:200]}")


def ensure_environment(platform) -> Path:
    python = platform.venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    stamp = platform.venv / ".saleor-plugins-installed"
    saleor_args, saleor_id = platform.saleor_requirement()
    fingerprint = install_fingerprint(platform, saleor_id)
    if python.exists() and stamp.exists() and stamp.read_text() == fingerprint:
        return python
    if not python.exists() or not works(python):
        base = find_python(platform.python)
        if not base:
            sys.exit("Saleor %s needs Python %d.%d, which was not found (on PATH as "
                     "python%d.%d, or under pyenv)." % ((platform.name,) + platform.python * 2))
        print(f"Creating {platform.venv} with {base} ...", flush=True)
        if sys.executable == base:
            venv.EnvBuilder(with_pip=True, clear=True).create(platform.venv)
        else:
            run(base, "-m", "venv", "--clear", platform.venv)
    check_reachable(saleor_args)
    pip = [python, "-m", "pip", "--disable-pip-version-check", "-q"]
    constraints = ["-c", platform.constraints]
    run(*pip, "install", *constraints, "setuptools", "wheel")
    run(*pip, "install", *constraints, *saleor_args)
    run(*pip, "install", *constraints, "-e", f"{ROOT}[{platform.extras}]")
    stamp.write_text(fingerprint)
    return python


def parse(argv):
    platform = PLATFORMS["3.23"]
    rest = []
    index = 0
    while index < len(argv):
        arg = argv[index]
        if arg == "--saleor" or arg.startswith("--saleor="):
            value = arg.split("=", 1)[1] if "=" in arg else (argv[index + 1] if index + 1 < len(argv) else "")
            index += 1 if "=" in arg else 2
            if value not in PLATFORMS:
                sys.exit(f"--saleor must be one of {', '.join(PLATFORMS)} (got {value!r})")
            platform = PLATFORMS[value]
            continue
        rest.append(arg)
        index += 1
    return platform, rest


def main(argv):
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(__doc__)
        return 0
    command, (platform, rest) = argv[0], parse(argv[1:])
    if command not in ("demo", "test", "env", "bench"):
        print(__doc__)
        return 2
    python = ensure_environment(platform)
    os.chdir(ROOT)
    if command == "env":
        print(f"Environment for Saleor {platform.name} ready: {python}")
        return 0
    if command == "demo":
        return subprocess.call([str(python), "-m", "saleor_plugins", "demo", *rest])
    if command == "bench":
        return subprocess.call([str(python), str(ROOT / "benchmarks" / "report.py"), *rest])
    return subprocess.call([str(python), "-m", "pytest", *rest])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
