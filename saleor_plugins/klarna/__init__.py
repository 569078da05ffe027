default_app_config = "saleor_plugins.klarna.apps.KlarnaConfig"
