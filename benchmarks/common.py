"""What the benchmark scripts share: a throw-away database and the JSON figures file."""
import contextlib
import hashlib
import json
import os


def production_mode():
    """Saleor 3.23 runs with ``DEBUG`` on unless told otherwise; a shop runs with it off,
    so the 3.23 benchmarks do (with the key and client hosts Saleor then requires, and
    requests made as HTTPS, as Saleor then redirects HTTP). Call before ``django.setup()``;
    ``DEBUG=True`` in the environment keeps Saleor's default. Returns the extra arguments of
    a test client's requests."""
    from saleor_plugins.platform import adapter_name

    if adapter_name() != "saleor3" or os.environ.get("DEBUG", "").lower() in ("1", "true"):
        return {}
    os.environ["DEBUG"] = "False"
    os.environ.setdefault("ALLOWED_CLIENT_HOSTS", "localhost")
    if not os.environ.get("RSA_PRIVATE_KEY"):
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa

        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        os.environ["RSA_PRIVATE_KEY"] = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption()).decode()
    return {"secure": True}


REQUEST_EXTRA = {}


def _migrations_fingerprint() -> str:
    """Changes whenever a migration is added or removed anywhere in the installed apps."""
    from django.db.migrations.loader import MigrationLoader

    names = sorted("%s.%s" % key for key in MigrationLoader(None, ignore_no_migrations=True)
                   .disk_migrations)
    return hashlib.sha256("\n".join(names).encode()).hexdigest()[:10]


def _maintenance_cursor(connection):
    """A cursor on the server's maintenance database (CREATE/DROP DATABASE run there)."""
    if hasattr(connection, "_nodb_cursor"):  # Django 3.1 and newer (Saleor 3.23)
        return connection._nodb_cursor()
    return connection._nodb_connection.cursor()  # Django 3.0 (Saleor 2.10.1)


def _template(connection, base: str) -> str:
    """A migrated template database for these migrations, made once and kept: Saleor 3.23
    needs ~280 s to migrate an empty database, a copy of the template takes seconds."""
    from django.db import connection as default

    name = f"test_{base}_bench_tpl_{_migrations_fingerprint()}"
    with _maintenance_cursor(connection) as cursor:
        cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE %s",
                       [f"test_{base}_bench_tpl_%"])
        existing = {row[0] for row in cursor.fetchall()}
        for stale in existing - {name}:  # made for other migrations
            cursor.execute(f'DROP DATABASE "{stale}"')
    if name not in existing:
        default.settings_dict.setdefault("TEST", {})["NAME"] = name + "_building"
        built = default.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        default.close()
        with _maintenance_cursor(connection) as cursor:
            cursor.execute(f'ALTER DATABASE "{built}" RENAME TO "{name}"')
    return name


@contextlib.contextmanager
def throwaway_database(suffix: str):
    """A freshly migrated database of its own for one benchmark run, dropped afterwards
    (a copy of a kept template database of the same migrations)."""
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    base = connection.settings_dict["NAME"]
    template = _template(connection, base)
    name = f"test_{base}_bench_{suffix}"
    with _maintenance_cursor(connection) as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    connection.close()
    connection.settings_dict["NAME"] = name
    try:
        yield name
    finally:
        connection.close()
        connection.settings_dict["NAME"] = base
        with _maintenance_cursor(connection) as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


def write_figures(path, results):
    """``--json PATH``: the figures for comparing runs (benchmarks/report.py collects them)."""
    if path:
        with open(path, "w") as handle:
            json.dump(results, handle, indent=2, default=str)


def timed_post(client, query, variables):
    """POST one GraphQL document to /graphql/: (data, milliseconds, SQL queries). Refuses
    (raises) on GraphQL errors or a mutation's errors: a benchmark measures working calls."""
    import time

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    connection.queries_log.clear()  # the log keeps 9000 queries; count from empty
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.post("/graphql/", json.dumps({"query": query, "variables": variables}),
                               content_type="application/json", **REQUEST_EXTRA)
        elapsed = time.perf_counter() - started
    content = response.json()
    if response.status_code != 200 or content.get("errors"):
        raise RuntimeError(f"{response.status_code}: {response.content[:800]!r}")
    for payload in content["data"].values():
        errors = [value for key, value in (payload or {}).items()
                  if key.endswith("rrors") and value]
        if errors:
            raise RuntimeError(f"mutation errors: {errors}")
    return content["data"], elapsed * 1000, len(queries)


def step_rows(samples, steps, rounds):
    """{step: off/on median ms, SQL, ratio, added SQL} from samples[mode][step] = [(ms, sql)],
    modes "off" and "on" (and others, reported beside them), plus the whole flow."""
    import statistics

    results = {}
    for step in tuple(steps) + ("whole flow",):
        row = {}
        for mode in samples:
            if step == "whole flow":
                per_round = [sum(samples[mode][s][i][0] for s in steps) for i in range(rounds)]
                row[f"{mode}_ms"] = statistics.median(per_round)
                row[f"{mode}_queries"] = sum(samples[mode][s][-1][1] for s in steps)
            else:
                row[f"{mode}_ms"] = statistics.median(ms for ms, _ in samples[mode][step])
                row[f"{mode}_queries"] = samples[mode][step][-1][1]
                counts = {sql for _, sql in samples[mode][step]}
                row[f"{mode}_queries_range"] = [min(counts), max(counts)]
        row["time_ratio"] = row["on_ms"] / row["off_ms"]
        row["added_queries"] = row["on_queries"] - row["off_queries"]
        results[step] = row
    return results


def print_step_table(results, steps, extra_modes=()):
    head = f"  {'step':<34}{'off ms':>8}{'on ms':>8}{'ratio':>8}{'SQL off':>9}{'SQL on':>8}"
    head += f"{'added':>7}" + "".join(f"{mode + ' ms':>16}" for mode in extra_modes)
    print(head)
    for step in tuple(steps) + ("whole flow",):
        row = results[step]
        line = (f"  {step:<34}{row['off_ms']:>8.1f}{row['on_ms']:>8.1f}{row['time_ratio']:>7.2f}x"
                f"{row['off_queries']:>9}{row['on_queries']:>8}{row['added_queries']:>7}")
        line += "".join(f"{row[mode + '_ms']:>16.1f}" for mode in extra_modes)
        print(line)
