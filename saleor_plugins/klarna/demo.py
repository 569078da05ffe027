"""Demo: the Klarna gateway pointed at the local simulator (never at a merchant's real account)."""
from saleor.plugins.models import PluginConfiguration

from .plugin import KlarnaGatewayPlugin

DEMO_USERNAME = "demo_merchant"
DEMO_PASSWORD = "demo_secret"


def _is_local(url: str) -> bool:
    return url.startswith(("http://127.0.0.1", "http://localhost"))


def point_gateway_at(simulator_url: str) -> bool:
    """Use the simulator unless staff configured real Klarna credentials; True if changed."""
    config, _ = PluginConfiguration.objects.get_or_create(
        identifier=KlarnaGatewayPlugin.PLUGIN_ID,
        defaults={"name": KlarnaGatewayPlugin.PLUGIN_NAME, "active": True,
                  "configuration": KlarnaGatewayPlugin.DEFAULT_CONFIGURATION},
    )
    values = {item["name"]: item["value"] for item in config.configuration}
    if values.get("username") and not _is_local(values.get("api_url") or ""):
        return False
    values.update(username=DEMO_USERNAME, password=DEMO_PASSWORD, api_url=simulator_url)
    config.configuration = [
        {"name": item["name"], "value": values.get(item["name"], item["value"])}
        for item in KlarnaGatewayPlugin.DEFAULT_CONFIGURATION
    ]
    config.save(update_fields=["configuration"])
    return True


def load_demo_data(say):
    say("Klarna: checkout payments go to the local simulator while the demo runs "
        f"(API user {DEMO_USERNAME}).")
