"""What the benchmark scripts share: a throw-away database and the JSON figures file."""
import contextlib
import json


@contextlib.contextmanager
def throwaway_database(suffix: str):
    """A freshly migrated database of its own for one benchmark run, dropped afterwards."""
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    connection.settings_dict.setdefault("TEST", {})["NAME"] = (
        f"test_{connection.settings_dict['NAME']}_bench_{suffix}")
    name = connection.creation.create_test_db(verbosity=0, keepdb=False, autoclobber=True)
    connection.settings_dict["NAME"] = name
    try:
        yield name
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)


def write_figures(path, results):
    """``--json PATH``: the figures for comparing runs (benchmarks/report.py collects them)."""
    if path:
        with open(path, "w") as handle:
            json.dump(results, handle, indent=2, default=str)
