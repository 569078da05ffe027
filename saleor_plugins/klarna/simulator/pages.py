"""Pages for people (hosted payment page, authorize page, SMS outbox) and JSON test hooks.

Routes: ``/`` overview, ``/pay/hpp/<id>`` the hosted payment page, ``/pay/sessions/<id>``
the stand-in for Klarna's in-page widget, ``/_sim/outbox`` (and ``.json``) the messages
Klarna would have sent, ``/_sim/...`` JSON hooks used by tests and scripts.
"""
import json
import re
from html import escape

from .state import HPP_FINAL, KlarnaFailure

STYLE = """
body{font-family:system-ui,sans-serif;margin:0;background:#fafafa;color:#17120f}
header{background:#ffb3c7;padding:12px 20px;font-weight:700}
main{max-width:640px;margin:20px auto;padding:0 16px}
table{border-collapse:collapse;width:100%}td,th{padding:6px;border-bottom:1px solid #ddd;text-align:left}
td.num,th.num{text-align:right}
button{font-size:1rem;padding:10px 18px;margin:6px 6px 0 0;border-radius:6px;border:1px solid #17120f;background:#fff;cursor:pointer}
button.primary{background:#17120f;color:#fff}
.status{display:inline-block;padding:2px 8px;border-radius:4px;background:#eee}
code{word-break:break-all}
"""


def _html(title: str, body: str, status: int = 200):
    page = (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<meta name='viewport' content='width=device-width,initial-scale=1'>"
        f"<title>{escape(title)}</title><style>{STYLE}</style></head>"
        f"<body><header>Klarna simulator</header><main>{body}</main></body></html>"
    )
    return status, "text/html; charset=utf-8", page, {}


def _json(data, status: int = 200):
    return status, "application/json", json.dumps(data, default=str), {}


def _money(minor: int, currency: str) -> str:
    return f"{minor / 100:,.2f} {escape(currency)}"


def _first(form, name, default=None):
    value = form.get(name, default)
    if isinstance(value, list):
        return value[0] if value else default
    return value


def _lines_table(data: dict) -> str:
    currency = data.get("purchase_currency", "")
    rows = "".join(
        f"<tr><td>{escape(str(line.get('name', '')))}</td><td class=num>{line.get('quantity')}</td>"
        f"<td class=num>{_money(line.get('total_amount', 0), currency)}</td></tr>"
        for line in data.get("order_lines") or []
    )
    return (
        f"<table><tr><th>Item</th><th class=num>Qty</th><th class=num>Amount</th></tr>{rows}"
        f"<tr><th colspan=2>Total</th><th class=num>"
        f"{_money(data.get('order_amount', 0), currency)}</th></tr></table>"
    )


def hpp_page(sim, hpp_id: str, method: str, form):
    state = sim.state
    hpp = state.hpp.get(hpp_id)
    if hpp is None:
        return _html("Not found", "<h1>This payment link is not valid.</h1>", 404)
    message = ""
    if method == "POST":
        action = _first(form, "action", "")
        try:
            state.hpp_action(hpp_id, action)
            sim._send_events()
        except KlarnaFailure as failure:
            message = f"<p role=alert>{escape(' '.join(failure.messages))}</p>"
    elif hpp["status"] in ("WAITING", "BACK", "FAILED", "ERROR"):
        try:
            state.hpp_action(hpp_id, "open")
            sim._send_events()
        except KlarnaFailure as failure:
            message = f"<p role=alert>{escape(' '.join(failure.messages))}</p>"
    session = state.sessions[hpp["payment_session_id"]]
    status = hpp["status"]
    body = [f"<h1>Pay with Klarna</h1>{message}",
            f"<p>Status: <span class=status id=status>{escape(status)}</span></p>",
            _lines_table(session["data"])]
    if status in HPP_FINAL or status == "COMPLETED":
        text = {"COMPLETED": "Thank you! Your payment is complete.",
                "CANCELLED": "The payment was cancelled.",
                "DISABLED": "This payment link is no longer valid."}[status]
        body.append(f"<p id=result>{text}</p>")
        redirect = state.hpp_redirect(hpp_id) if status != "DISABLED" else ""
        if redirect:
            body.append(f"<p><a href='{escape(redirect)}'>Back to the shop</a></p>")
    else:
        body.append(
            f"<form method=post action='/pay/hpp/{escape(hpp_id)}'>"
            "<button class=primary name=action value=pay id=pay>Pay</button>"
            "<button name=action value=decline id=decline>Simulate decline</button>"
            "<button name=action value=back id=back>Back</button>"
            "<button name=action value=cancel id=cancel>Cancel</button></form>"
        )
    return _html("Pay with Klarna", "".join(body))


def session_page(sim, session_id: str, method: str, form):
    state = sim.state
    session = state.sessions.get(session_id)
    if session is None:
        return _html("Not found", "<h1>Unknown payment session.</h1>", 404)
    result = ""
    if method == "POST":
        try:
            approved = _first(form, "action") == "authorize"
            outcome = state.authorize_session(session_id, approved=approved)
            sim._send_events()
            if outcome["approved"]:
                result = ("<p>Authorized. Authorization token:</p>"
                          f"<p><code id=authorization-token>{escape(outcome['authorization_token'])}"
                          "</code></p>")
            else:
                result = "<p id=declined>Declined (approved: false).</p>"
        except KlarnaFailure as failure:
            result = f"<p role=alert>{escape(' '.join(failure.messages))}</p>"
    body = (
        f"<h1>Klarna Payments</h1><p>Session <code>{escape(session_id)}</code>, "
        f"intent {escape(session['data'].get('intent', 'buy'))}</p>"
        f"{_lines_table(session['data'])}{result}"
        f"<form method=post action='/pay/sessions/{escape(session_id)}'>"
        "<button class=primary name=action value=authorize id=authorize>Authorize</button>"
        "<button name=action value=decline>Decline</button></form>"
    )
    return _html("Klarna Payments", body)


def outbox_page(sim):
    rows = "".join(
        f"<tr><td>{escape(m['sent_at'])}</td><td>{escape(m['method'])}</td>"
        f"<td>{escape(m['to'])}</td><td>{escape(m['text'].rsplit(':', 1)[0])}: "
        f"<a href='{escape(m['link'])}'>{escape(m['link'])}</a></td></tr>"
        for m in reversed(sim.state.outbox)
    )
    body = (
        "<h1>SMS and e-mail outbox</h1><p>Messages Klarna would have sent.</p>"
        "<table id=outbox><tr><th>Sent</th><th>By</th><th>To</th><th>Message</th></tr>"
        f"{rows or '<tr><td colspan=4>No messages yet.</td></tr>'}</table>"
    )
    return _html("Outbox", body)


def index_page(sim):
    state = sim.state
    hpp_rows = "".join(
        f"<tr><td><a href='/pay/hpp/{escape(h['session_id'])}'>{escape(h['session_id'][:8])}</a>"
        f"</td><td>{escape(h['status'])}</td><td>{escape(h['mode'])}</td></tr>"
        for h in list(state.hpp.values())[-20:]
    )
    order_rows = "".join(
        f"<tr><td>{escape(o['klarna_reference'])}</td><td>{escape(o['status'])}</td>"
        f"<td class=num>{_money(o['order_amount'], o['purchase_currency'])}</td></tr>"
        for o in list(state.orders.values())[-20:]
    )
    body = (
        "<h1>Klarna simulator</h1><p><a href='/_sim/outbox'>SMS and e-mail outbox</a></p>"
        f"<h2>Hosted payment pages</h2><table>{hpp_rows}</table>"
        f"<h2>Orders</h2><table>{order_rows}</table>"
    )
    return _html("Klarna simulator", body)


HOOKS = [
    (r"/_sim/sessions/([^/]+)/authorize", "authorize"),
    (r"/_sim/hpp/([^/]+)/(\w+)", "hpp"),
    (r"/_sim/orders/([^/]+)/fraud", "fraud"),
    (r"/_sim/tokens/([^/]+)/decline", "decline"),
    (r"/_sim/tokens/([^/]+)/status", "token_status"),
    (r"/_sim/faults", "faults"),
    (r"/_sim/clock", "clock"),
    (r"/_sim/reset", "reset"),
]


def hook(sim, name, args, form):
    state = sim.state
    if name == "authorize":
        result = state.authorize_session(
            args[0], approved=form.get("approved", True) is not False,
            fraud_status=form.get("fraud_status", "ACCEPTED"),
        )
    elif name == "hpp":
        details = {key: form[key] for key in ("fraud_status", "billing_address",
                                              "shipping_address") if form.get(key)}
        result = state.hpp_action(args[0], args[1], **details)
    elif name == "fraud":
        result = state.decide_fraud(args[0], form.get("decision", "ACCEPTED"))
    elif name == "decline":
        state.decline_token_orders(
            args[0], form.get("error_code", "PAYMENT_METHOD_FAILED"), int(form.get("times", 1))
        )
        result = {"ok": True}
    elif name == "token_status":
        state.force_token_status(args[0], form.get("status", "CANCELLED"))
        result = {"ok": True}
    elif name == "faults":
        fault = sim.inject(**{k: v for k, v in form.items() if k in (
            "method", "path", "status", "delay", "drop", "after", "times", "share", "seed",
            "headers")})
        result = {"ok": True, "times": fault.times}
    elif name == "clock":
        state.advance(float(form.get("advance_seconds", 0)))
        result = {"now": state.now().isoformat()}
    else:
        sim.reset()
        result = {"ok": True}
    sim._send_events()
    return result


def route(sim, method: str, path: str, query, form):
    path = path.rstrip("/") or "/"
    if path == "/":
        return index_page(sim)
    if path == "/_sim/outbox":
        return outbox_page(sim)
    if path == "/_sim/outbox.json":
        return _json(sim.state.outbox)
    if path == "/_sim/callbacks.json":
        return _json(sim.state.callback_log)
    match = re.fullmatch(r"/pay/hpp/([^/]+)", path)
    if match:
        return hpp_page(sim, match.group(1), method, form)
    match = re.fullmatch(r"/pay/hpp/([^/]+)/qr", path)
    if match:
        svg = ("<svg xmlns='http://www.w3.org/2000/svg' width='160' height='160'>"
               "<rect width='160' height='160' fill='#fff' stroke='#000'/>"
               "<text x='20' y='85'>QR (simulated)</text></svg>")
        return 200, "image/svg+xml", svg, {}
    match = re.fullmatch(r"/pay/sessions/([^/]+)", path)
    if match:
        return session_page(sim, match.group(1), method, form)
    if method == "POST":
        if not isinstance(form, dict):
            form = {}
        form = {k: _first(form, k) for k in form}
        for pattern, name in HOOKS:
            match = re.fullmatch(pattern, path)
            if match:
                try:
                    return _json(hook(sim, name, match.groups(), form))
                except KlarnaFailure as failure:
                    return _json({"error_code": failure.code,
                                  "error_messages": failure.messages}, failure.status)
                except (KeyError, TypeError, ValueError) as exc:
                    return _json({"error_code": "BAD_VALUE", "error_messages": [str(exc)]}, 400)
    return _html("Not found", "<h1>Not found</h1>", 404)
