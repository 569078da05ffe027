default_app_config = "saleor_plugins.discount_rules.apps.DiscountRulesConfig"
