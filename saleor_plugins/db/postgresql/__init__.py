"""PostgreSQL backend for Django 3.0 that works with psycopg2 2.9.

Set ``DATABASES["default"]["ENGINE"] = "saleor_plugins.db.postgresql"``.
"""
