"""The shop's sent e-mails, read the same way on both Saleors.

Saleor 2.10.1 sends through Django's mail API (the test settings' locmem backend fills
``django.core.mail.outbox``). Saleor 3.23's e-mail plugins open their own SMTP connection
(host and port from the plugin's configuration), so on 3.23 they are pointed at
``SmtpOutbox``: a loopback SMTP server on a free port that keeps every message it is given.
Both end up as ``Mail`` (subject, recipients, sender, plain text, HTML).
"""
import email
import email.policy
import socketserver
import threading
from dataclasses import dataclass


@dataclass(frozen=True)
class Mail:
    subject: str
    to: tuple
    from_email: str
    body: str
    html: str

    @classmethod
    def from_django(cls, message):
        html = next((content for content, kind in getattr(message, "alternatives", [])
                     if kind == "text/html"), "")
        return cls(message.subject, tuple(message.to), message.from_email, message.body, html)

    @classmethod
    def from_bytes(cls, data: bytes):
        message = email.message_from_bytes(data, policy=email.policy.default)
        text = message.get_body(("plain",))
        html = message.get_body(("html",))
        return cls(
            str(message["Subject"] or ""),
            tuple(a.addr_spec for a in message["To"].addresses) if message["To"] else (),
            str(message["From"] or ""),
            text.get_content() if text is not None else "",
            html.get_content() if html is not None else "",
        )


class _SmtpSession(socketserver.StreamRequestHandler):
    """Enough of SMTP (RFC 5321) for smtplib: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT."""

    def reply(self, line):
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        self.reply("220 outbox.test ESMTP")
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            verb = raw.decode(errors="replace").strip().split(" ", 1)[0].upper()
            if verb == "EHLO":
                self.reply("250-outbox.test")
                self.reply("250 8BITMIME")
            elif verb in ("HELO", "MAIL", "RCPT", "RSET", "NOOP"):
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                self.server.outbox.receive(self._read_data())
                self.reply("250 OK: queued")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Command not implemented")

    def _read_data(self) -> bytes:
        lines = []
        while True:
            line = self.rfile.readline()
            if line in (b".\r\n", b".\n", b""):
                return b"".join(lines)
            lines.append(line[1:] if line.startswith(b"..") else line)


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class SmtpOutbox:
    """A loopback SMTP server collecting ``Mail``; ``host``/``port`` to configure senders."""

    def __init__(self):
        self._messages = []
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _SmtpSession)
        self._server.outbox = self
        self.host, self.port = self._server.server_address
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def receive(self, data: bytes):
        with self._lock:
            self._messages.append(Mail.from_bytes(data))

    @property
    def messages(self):
        with self._lock:
            return list(self._messages)

    def clear(self):
        with self._lock:
            self._messages.clear()

    def stop(self):
        self._server.shutdown()
        self._server.server_close()


class DjangoOutbox:
    """Django's locmem outbox (``django.core.mail.outbox``) read as ``Mail``."""

    @property
    def messages(self):
        from django.core import mail

        return [Mail.from_django(m) for m in getattr(mail, "outbox", [])]

    def clear(self):
        from django.core import mail

        mail.outbox = []
