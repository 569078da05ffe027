"""Demo: a shop assistant who may use the till (/till/)."""
from django.contrib.auth.models import Permission

DEMO_TILL_EMAIL = "kasse@example.com"
DEMO_TILL_PASSWORD = "kasse"


def load_demo_data(say):
    from saleor.account.models import User

    user = User.objects.filter(email=DEMO_TILL_EMAIL).first()
    if user is None:
        user = User.objects.create_user(DEMO_TILL_EMAIL, DEMO_TILL_PASSWORD, is_staff=True,
                                        first_name="Kari", last_name="Kasse")
        user.user_permissions.add(Permission.objects.get(
            content_type__app_label="saleor_plugins", codename="use_till"))
    say(f"Till: open /till/ and log in as {DEMO_TILL_EMAIL} / {DEMO_TILL_PASSWORD}; "
        "pay the link from the Klarna simulator's SMS outbox.")
