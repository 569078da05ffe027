"""A real Celery worker process on the machine's broker, for tests that need one.

The README's commands never need a broker; these tests are skipped where none answers.
"""
import email
import email.policy
import os
import signal
import socket
import subprocess
import sys
import time
import warnings
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.db import connection

BROKER_URL = os.environ.get("SALEOR_PLUGINS_TEST_BROKER", "redis://127.0.0.1:6379/15")
ROOT = Path(__file__).resolve().parent.parent


def broker_answers(url=BROKER_URL) -> bool:
    parsed = urlparse(url)
    default_port = {"redis": 6379, "amqp": 5672}.get(parsed.scheme, 6379)
    try:
        with socket.create_connection((parsed.hostname, parsed.port or default_port), timeout=1):
            return True
    except OSError:
        return False


class Worker:
    def __init__(self, mail_dir: Path, log: Path, env=None, pool="solo"):
        self.mail_dir = mail_dir
        self.log = log
        self.env = dict(env or {})  # e.g. another database, broker options
        self.pool = pool  # "prefork": Celery's default, one pool process here
        self.process = None

    def environment(self):
        """The worker's environment: its settings, this test's database, broker and mail dir."""
        env = dict(
            os.environ,
            DJANGO_SETTINGS_MODULE="tests.worker_settings",
            SALEOR_PLUGINS_TEST_BROKER=BROKER_URL,
            SALEOR_PLUGINS_TEST_DB_NAME=connection.settings_dict["NAME"],
            SALEOR_PLUGINS_TEST_MAIL_DIR=str(self.mail_dir),
            PYTHONPATH=str(ROOT),
        )
        env.update(self.env)
        return env

    def start(self, timeout=60):
        env = self.environment()
        command = [
            sys.executable, "-m", "celery", "-A", "saleor.celeryconf:app", "worker",
            f"--pool={self.pool}", "--concurrency=1", "--without-gossip", "--without-mingle",
            "--loglevel=INFO",
        ]
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=self.log.open("w"), stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if "ready." in self.log.read_text():
                return self
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("Celery worker did not start:\n" + self.log.read_text()[-3000:])

    def send_task(self, name, args):
        from saleor.celeryconf import app

        # send_task always goes to the broker, whatever task_always_eager says here
        with app.connection_for_write(BROKER_URL) as broker, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return app.send_task(name, args=args, connection=broker).id

    def messages(self):
        """Every e-mail the worker wrote (the file backend separates them by a line of dashes)."""
        found = []
        for path in sorted(self.mail_dir.iterdir()):
            for raw in path.read_text().split("\n" + "-" * 79 + "\n"):
                if raw.strip():
                    found.append(email.message_from_string(raw, policy=email.policy.default))
        return found

    def pool_processes(self):
        psutil = pytest.importorskip("psutil")
        return psutil.Process(self.process.pid).children(recursive=True)

    def kill(self):
        """SIGKILL the worker and its pool, as a lost machine does: no shutdown, no acks."""
        children = self.pool_processes()
        self.process.send_signal(signal.SIGKILL)
        for child in children:
            child.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def kill_pool_process(self):
        """SIGKILL the pool process running the task, as the OOM killer does."""
        (child,) = self.pool_processes()
        child.send_signal(signal.SIGKILL)
        child.wait(10)

    def stop(self):
        stop_process(self.process)


def stop_process(process, timeout=20):
    """Terminate a process this test run started, killing it if it does not stop in time."""
    if process and process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


@pytest.fixture
def celery_worker(tmp_path, transactional_db):
    if not broker_answers():
        pytest.skip(f"no broker answers at {BROKER_URL}")
    from saleor.celeryconf import app

    with app.connection_for_write(BROKER_URL) as broker:
        app.control.purge(connection=broker)  # nothing left over from an earlier run
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    worker = Worker(mail_dir, tmp_path / "worker.log").start()
    yield worker
    worker.stop()
