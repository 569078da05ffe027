default_app_config = "saleor_plugins.subscription.apps.SubscriptionConfig"
