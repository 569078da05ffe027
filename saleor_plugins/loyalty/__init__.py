default_app_config = "saleor_plugins.loyalty.apps.LoyaltyConfig"
