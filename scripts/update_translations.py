"""Rebuild the catalogues from the code: makemessages, fill from the translation dicts, compile.

    .venv/bin/python scripts/update_translations.py

Exits non-zero when a message has no translation in ``scripts/translations*.py``.
"""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# From the repository root makemessages writes into LOCALE_PATHS[0], the package's locale/.
subprocess.run(
    [sys.executable, "-m", "saleor_plugins", "manage", "makemessages", "--no-location",
     "--no-obsolete", "--no-wrap", "--extension=html,txt,py,email", "--ignore=tests/*", "--ignore=scripts/*", "--ignore=benchmarks/*",
     "--ignore=build/*", "--ignore=*.egg-info/*", "-l", "nb", "-l", "sv", "-l", "da", "-l", "de"],
    cwd=ROOT, check=True,
)
filled = subprocess.run([sys.executable, str(ROOT / "scripts" / "translations.py")])
subprocess.run([sys.executable, str(ROOT / "scripts" / "compile_messages.py")], check=True)
sys.exit(filled.returncode)
