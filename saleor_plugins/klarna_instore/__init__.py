default_app_config = "saleor_plugins.klarna_instore.apps.KlarnaInstoreConfig"
