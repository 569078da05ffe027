"""Every benchmark in one run: one table, each figure with the command that reproduces it.

    .venv/saleor-3.23/bin/python benchmarks/report.py [--quick] [--only NAME ...]
    python3.12 dev.py bench [--quick] [--only NAME ...] [--saleor 2.10]   # the same

Runs on the Saleor of the environment's Python; a benchmark of a feature not yet ported to
that Saleor is listed as such and skipped.

Runs each benchmark script of this folder in its own process (so each gets a fresh database
and interpreter), prints what each printed, and writes all figures as JSON to
``benchmarks/results/report-<UTC time>.json`` (and ``latest.json``) for comparing runs.
``--quick`` uses smaller sizes (a smoke run, not figures to quote). Not part of the tests.
"""
import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"

# The feature a benchmark needs (None: runs on every Saleor, with what is ported there).
NEEDS = {"loyalty": "loyalty", "subscription": "subscription", "till_search": "klarna_instore"}

# name: (script, full-size arguments, quick arguments)
BENCHMARKS = {
    "checkout_flow": ("checkout_flow.py", ["--rounds", "15"], ["--rounds", "2"]),
    "discount_rules": ("discount_rules.py", ["--repeat", "20"], ["--repeat", "3"]),
    "klarna_client": ("klarna_client.py", ["--seconds", "2"], ["--seconds", "0.3"]),
    "loyalty": ("loyalty.py", ["--repeat", "10"], ["--repeat", "2"]),
    "subscription": ("subscription.py", [], ["--quick"]),
    "till_search": ("till_search.py", ["--products", "10000", "--repeat", "40"],
                    ["--products", "500", "--repeat", "5"]),
}


def run_one(name, script, arguments):
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / f"{name}.json"
        command = [sys.executable, str(HERE / script), *arguments, "--json", str(out)]
        shown = " ".join(["python", f"benchmarks/{script}", *arguments])
        started = time.perf_counter()
        completed = subprocess.run(command, capture_output=True, text=True)
        seconds = time.perf_counter() - started
        figures = json.loads(out.read_text()) if out.exists() else None
    printed = [line for line in completed.stdout.splitlines() if line.strip()]
    return {
        "command": shown,
        "exit_code": completed.returncode,
        "seconds": round(seconds, 1),
        "printed": printed,
        "figures": figures,
        "error": None if completed.returncode == 0 else completed.stderr[-2000:],
    }


def _saleor_version():
    sys.path.insert(0, str(HERE.parent))
    from saleor_plugins.platform import saleor_version

    return saleor_version()


def not_ported(name):
    """The feature ``name`` needs when it is not on the installed Saleor, else None."""
    sys.path.insert(0, str(HERE.parent))
    from saleor_plugins.platform import adapter_name, import_module, saleor_release

    feature = NEEDS.get(name)
    features = getattr(import_module(f"saleor_plugins.platform.{adapter_name()}"),
                       "FEATURES", None)
    if feature and features is not None and feature not in features:
        return f"{feature} is not ported to Saleor {saleor_release()} yet"
    return None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", nargs="*", choices=sorted(BENCHMARKS))
    args = parser.parse_args(argv)

    report = {
        "started": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                    "platform": platform.platform()},
        "quick": args.quick,
        "saleor": _saleor_version(),
        "benchmarks": {},
    }
    failed = False
    for name, (script, full, quick) in BENCHMARKS.items():
        if args.only and name not in args.only:
            continue
        if not (HERE / script).exists():
            continue
        print(f"== {name}", flush=True)
        reason = not_ported(name)
        if reason:
            report["benchmarks"][name] = {"skipped": reason}
            print(f"   skipped: {reason}", flush=True)
            continue
        result = run_one(name, script, quick if args.quick else full)
        report["benchmarks"][name] = result
        for line in result["printed"]:
            print(f"   {line}")
        if result["exit_code"]:
            failed = True
            print(f"   FAILED (exit {result['exit_code']}):\n{result['error']}")
        print(f"   ({result['seconds']} s)", flush=True)

    RESULTS.mkdir(exist_ok=True)
    stamp = report["started"].replace(":", "").replace("+0000", "Z")
    path = RESULTS / f"report-{stamp}.json"
    text = json.dumps(report, indent=2, default=str)
    path.write_text(text)
    (RESULTS / "latest.json").write_text(text)
    print(f"\nfigures written to {path.relative_to(HERE.parent)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
