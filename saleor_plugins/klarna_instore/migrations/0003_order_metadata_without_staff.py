from django.db import migrations

METADATA_KEY = "saleor_plugins.till"


def drop_staff_from_public_metadata(apps, schema_editor):
    """Till orders named the staff member in public metadata (readable through the public
    orderByToken); the private metadata keeps it."""
    Order = apps.get_model("order", "Order")
    for order in Order.objects.filter(metadata__has_key=METADATA_KEY).iterator():
        till = order.metadata.get(METADATA_KEY)
        if isinstance(till, dict) and "staff" in till:
            till.pop("staff")
            order.save(update_fields=["metadata"])


class Migration(migrations.Migration):

    dependencies = [
        ("order", "0083_merge_20200421_0529"),
        ("saleor_plugins_klarna_instore", "0002_till_session"),
    ]

    operations = [
        migrations.RunPython(drop_staff_from_public_metadata, migrations.RunPython.noop),
    ]
