"""Whether a checkout has rows in the package's per-checkout tables, asked in one query.

Most checkouts hold no loyalty points and have no subscription lines, yet every price step
would read both tables to find that out. Features register their table; the first question
in a request asks about every registered table for that checkout at once (one ``EXISTS``
each). Code that adds such a row calls ``forget``: an answer of "none" must not outlive it
(a stale "some" only costs the feature its own read). Outside a request the answer is
always "maybe", so callers read as they would without it.
"""
from django.db import connection

from . import request_cache

SECTION = "checkout_rows"
_TABLES: dict = {}  # name -> model with a ``checkout_token`` field


def register(name: str, model) -> None:
    _TABLES[name] = model


def may_have_rows(name: str, checkout_token) -> bool:
    cache = request_cache.get()
    if cache is None:
        return True
    answers = cache.setdefault(SECTION, {})
    key = str(checkout_token)
    found = answers.get(key)
    if found is None or name not in found:
        found = answers[key] = _ask(key)
    return found[name]


def unanswered(checkout_token) -> bool:
    """In a request, nothing asked yet for the checkout (a query may ask along: ``sql``)."""
    cache = request_cache.get()
    answers = None if cache is None else cache.get(SECTION, {}).get(str(checkout_token))
    return cache is not None and (answers is None or not set(_TABLES) <= set(answers))


def sql(checkout_token):
    """``(columns, params, names)``: the question as columns for a query that reads them
    along with its own data; hand what they read to ``remember``."""
    names = list(_TABLES)
    return ", ".join(_exists(name) for name in names), [str(checkout_token)] * len(names), names


def remember(checkout_token, names, values) -> None:
    cache = request_cache.get()
    if cache is not None:
        cache.setdefault(SECTION, {})[str(checkout_token)] = dict(zip(names, values))


def forget(checkout_token) -> None:
    cache = request_cache.get()
    if cache is not None:
        cache.get(SECTION, {}).pop(str(checkout_token), None)


def _exists(name: str) -> str:
    model = _TABLES[name]
    column = model._meta.get_field("checkout_token").column
    return f"EXISTS (SELECT 1 FROM {model._meta.db_table} WHERE {column} = %s)"


def _ask(checkout_token: str) -> dict:
    columns, params, names = sql(checkout_token)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + columns, params)
        row = cursor.fetchone()
    return dict(zip(names, row))
