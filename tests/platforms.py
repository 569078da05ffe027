"""Which test modules run on which Saleor, and why. Every module not listed here runs on
both Saleor 2.10.1 and 3.23 (its world built with ``tests.factories``, its Saleor calls
through /graphql/ or the platform adapter)."""

NOT_PORTED = "{feature} is not ported to Saleor 3.23 yet (only its 2.10.1 plugin exists)"

SALEOR2_ONLY = {
    # features that run on 2.10.1 only so far
    "test_loyalty_*.py": NOT_PORTED.format(feature="Loyalty points"),
    "test_subscription_*.py": NOT_PORTED.format(feature="Subscriptions"),
    "test_klarna_instore*.py": NOT_PORTED.format(feature="The Klarna in-store till"),
    "test_klarna_gateway.py": NOT_PORTED.format(feature="The Klarna payment gateway"),
    "test_klarna_authorizations.py": NOT_PORTED.format(feature="The Klarna payment gateway"),
    "test_faults_klarna.py": NOT_PORTED.format(feature="The Klarna payment gateway"),
    "test_faults_workers.py": NOT_PORTED.format(feature="Subscriptions (renewal workers)"),
    "test_faults_postgres.py": NOT_PORTED.format(feature="Subscriptions (renewal workers)"),
    "test_discount_rules_*.py": NOT_PORTED.format(feature="Cart rules"),
    "test_checkout_flow.py": NOT_PORTED.format(feature="Every feature"),
    "test_load_checkout.py": NOT_PORTED.format(feature="Every feature"),
    "test_emails.py": NOT_PORTED.format(feature="Every feature"),
    "test_api_fuzz.py": NOT_PORTED.format(feature="Every feature"),
    "test_permission_matrix.py": NOT_PORTED.format(feature="Every feature"),
    "test_permissions.py": NOT_PORTED.format(feature="Every feature"),
    "test_schema.py": NOT_PORTED.format(feature="Every feature"),
    "test_plugin_base.py": NOT_PORTED.format(feature="Every feature"),
    "test_app_actors.py": NOT_PORTED.format(feature="Every feature"),
    "test_graphql_arguments.py": NOT_PORTED.format(feature="Cart rules"),
    "test_csv_export.py": NOT_PORTED.format(feature="Subscriptions"),
    # 2.10.1's own workarounds, which 3.23 does not need
    "test_platform.py": "2.10.1's install pieces: psycopg2 backend, error-code whitelist, "
                        "settings without plugin discovery",
    "test_checkout_completion.py": "2.10.1 locks nothing in checkoutComplete (3.23 does)",
    "test_checkout_rows.py": "2.10.1's per-request query sharing of the price hooks",
    "test_task_publishing.py": "2.10.1 queues its tasks inside transactions (3.23 on commit)",
    "test_celery_worker.py": NOT_PORTED.format(feature="Every feature with tasks"),
}

SALEOR3_ONLY = {
    "test_saleor3_*.py": "Saleor 3.23's install: entry points, channels, 3.23's schema",
    "test_demo_dashboard_browser.py": "the demo serves Saleor's dashboard 3.23.27, which speaks "
                                      "3.23's API only",
}


def ignored_modules(adapter: str):
    """Globs of the test modules that do not run on ``adapter`` ("saleor2"/"saleor3")."""
    return sorted(SALEOR3_ONLY if adapter == "saleor2" else SALEOR2_ONLY)
