"""The Saleor 3.23 adapter (the primary platform).

Features not listed in ``FEATURES`` are not yet ported: their apps, plugins, schema and
migrations are not installed on 3.23 (the demo and the README list them as such).
"""
FEATURES = ("discount_rules",)
NOT_YET_PORTED = ("loyalty", "subscription", "klarna", "klarna_instore")
