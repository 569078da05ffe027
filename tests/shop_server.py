"""Saleor served over real HTTP by separate processes, on the test database.

Each process is Django's threaded server (``python -m saleor_plugins manage runserver``) with
the test settings, so several processes use several cores; tests must commit their data
(``transaction=True``) for the servers to see it.
"""
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from .celery_worker import ROOT, stop_process


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ShopServer:
    def __init__(self, log: Path, env=None, threaded=True):
        self.log = log
        self.env = dict(env or {})  # e.g. other settings, another database
        # one thread reuses its database connection from request to request, as a
        # production WSGI worker process does
        self.threaded = threaded
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/graphql/"
        self.process = None

    def start(self):
        env = dict(
            os.environ,
            DJANGO_SETTINGS_MODULE="tests.server_settings",
            SALEOR_PLUGINS_TEST_DB_NAME=connection.settings_dict["NAME"],
            PYTHONPATH=str(ROOT),
        )
        env.update(self.env)
        self.process = subprocess.Popen(self.command(), cwd=ROOT, env=env,
                                        stdout=self.log.open("w"), stderr=subprocess.STDOUT)
        return self

    def command(self):
        command = [sys.executable, "-m", "saleor_plugins", "manage", "runserver",
                   f"127.0.0.1:{self.port}", "--noreload"]
        if not self.threaded:
            command.append("--nothreading")
        return command

    def wait_until_serving(self, timeout=60):
        import requests

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                if requests.post(self.url, json={"query": "{ shop { name } }"},
                                 timeout=5).status_code == 200:
                    return self
            except requests.ConnectionError:
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError("Saleor server did not start:\n" + self.log.read_text()[-3000:])

    def stop(self):
        stop_process(self.process)


@pytest.fixture
def shop_servers(tmp_path, transactional_db):
    """``shop_servers(n)`` starts n server processes; all are stopped after the test."""
    started = []

    def start(count):
        servers = [ShopServer(tmp_path / f"server-{i}.log").start() for i in range(count)]
        started.extend(servers)
        return [server.wait_until_serving() for server in servers]

    yield start
    for server in started:
        server.stop()
