"""Demo: a points programme, a customer with points to spend, one awaiting review."""


def load_demo_data(say):
    from saleor.account.models import User
    from saleor.plugins.models import PluginConfiguration

    from . import ledger
    from .models import ADJUST, LoyaltyAccount
    from .plugin import LoyaltyPlugin

    if LoyaltyAccount.objects.filter(user__email="lojal@example.com").exists():
        say("Loyalty points: already there")
        return
    settings = {"points_per_currency_unit": "1", "point_value": "0.10",
                "max_points_per_order": "5000", "minimum_balance": "100",
                "expiry_months": "12", "welcome_points": "100", "review_points": "50",
                "referral_points": "200", "earn_when": "paid", "earn_after_discounts": True}
    configuration = [{"name": item["name"], "value": settings.get(item["name"], item["value"])}
                     for item in LoyaltyPlugin.DEFAULT_CONFIGURATION]
    config, created = PluginConfiguration.objects.get_or_create(
        identifier=LoyaltyPlugin.PLUGIN_ID,
        defaults={"name": LoyaltyPlugin.PLUGIN_NAME, "active": True,
                  "configuration": configuration})
    if not created and config.configuration == LoyaltyPlugin.DEFAULT_CONFIGURATION:
        config.configuration = configuration
        config.save(update_fields=["configuration"])
    user = User.objects.filter(email="lojal@example.com").first() or \
        User.objects.create_user(email="lojal@example.com", password="lojal-demo",
                                 first_name="Lise", last_name="Lojal")
    account = ledger.account_for(user)
    ledger.earn(account, ADJUST, 1500, key="demo:start", expiry_months=12,
                reason="Demo: start balance")
    say("Loyalty points: 1 point per krone, 1 point = 0.10 kr, at most 5000 points per order, "
        "welcome 100, review 50, referral 200; customer lojal@example.com / lojal-demo has "
        f"1500 points (referral code {account.referral_code})")
