default_app_config = "saleor_plugins.core.apps.CoreConfig"
