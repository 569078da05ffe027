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
    # cart rules: their GraphQL tests (test_discount_rules_admin/_codes/_checkout*.py) run on
    # both; 3.23's rows have their own (test_saleor3_discount_*.py); these test 2.10.1's glue
    "test_discount_rules_amounts.py": "2.10.1's price hooks under a VAT plugin "
                                      "(FlatVatSamplePlugin in settings.PLUGINS), per-unit "
                                      "order prices, recalculate_order and orderUpdateShipping "
                                      "on a placed order (3.23 edits drafts only), "
                                      "saleor.order.emails; Klarna (not ported)",
    "test_discount_rules_price_hooks.py": "2.10.1 prices a checkout through the hooks at "
                                          "every read, so a rule or plugin change shows at "
                                          "once; 3.23 writes rows at the checkout's next "
                                          "change (test_saleor3_discount_rows.py)",
    "test_load_checkout.py": NOT_PORTED.format(feature="Every feature"),
    "test_graphql_arguments.py": NOT_PORTED.format(feature="The till (its models)"),
    "test_csv_export.py": NOT_PORTED.format(feature="Subscriptions"),
    # 2.10.1's own workarounds, which 3.23 does not need
    "test_platform.py": "2.10.1's install pieces: psycopg2 backend, error-code whitelist, "
                        "settings without plugin discovery",
    "test_checkout_completion.py": "2.10.1 locks nothing in checkoutComplete (3.23 does)",
    "test_plugin_base_prices.py": "price hooks: 3.23 calls them only for the channel's tax app "
                                  "(none under flat rates); and the subscription plugin's "
                                  "configuration check (not ported)",
    "test_checkout_rows.py": "2.10.1's per-request query sharing of the price hooks",
    "test_task_publishing.py": "2.10.1 queues its tasks inside transactions (3.23 on commit)",
    "test_celery_worker.py": NOT_PORTED.format(feature="Every feature with tasks"),
    "test_app_actors.py": "operations of features not ported to Saleor 3.23 yet (loyalty, "
                          "subscriptions, the till); an app managing cart rules is tested on "
                          "both in test_discount_rules_admin.py",
    "test_emails.py": "Saleor 2.10.1's own e-mails (its wheel ships no templates: the package "
                      "supplies them); 3.23's e-mail plugins bring their own templates "
                      "(test_checkout_flow.py checks 3.23's order confirmation)",
}

SALEOR3_ONLY = {
    "test_saleor3_*.py": "Saleor 3.23's install: entry points, channels, 3.23's schema",
    "test_demo_*_browser.py": "the demo serves Saleor's dashboard 3.23.27, which speaks "
                              "3.23's API only",
}


# modules that call every package operation the schema has: on a Saleor where no feature
# runs yet there is none to call (pytest would skip them for an empty parameter list)
EVERY_OPERATION = {
    "test_permission_matrix.py": "calls every package operation: none on a Saleor where no "
                                 "feature runs yet",
    "test_api_fuzz.py": "fuzzes every package operation: none on a Saleor where no feature "
                        "runs yet",
}


def ignored_modules(adapter: str):
    """Globs of the test modules that do not run on ``adapter`` ("saleor2"/"saleor3")."""
    from importlib import import_module

    ignored = dict(SALEOR3_ONLY if adapter == "saleor2" else SALEOR2_ONLY)
    if not import_module(f"saleor_plugins.platform.{adapter}").FEATURES:
        ignored.update(EVERY_OPERATION)
    return sorted(ignored)
