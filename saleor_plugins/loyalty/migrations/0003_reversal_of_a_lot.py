from django.db import migrations, models
import django.db.models.deletion


def link_purchase_reversals(apps, schema_editor):
    """Reversals written before this migration all took back an order's purchase points,
    and all of them from the balance."""
    LedgerEntry = apps.get_model("saleor_plugins_loyalty", "LedgerEntry")
    reversals = LedgerEntry.objects.filter(kind="reverse_earn", reverses__isnull=True,
                                           order__isnull=False)
    for reversal in reversals.iterator():
        earning = LedgerEntry.objects.filter(key=f"earn:{reversal.order_id}").first()
        reversal.reverses = earning
        reversal.reversed_points = -reversal.points
        reversal.save(update_fields=["reverses", "reversed_points"])


class Migration(migrations.Migration):

    dependencies = [
        ('saleor_plugins_loyalty', '0002_app_actor'),
    ]

    operations = [
        migrations.AddField(
            model_name='ledgerentry',
            name='reverses',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='reversals', to='saleor_plugins_loyalty.LedgerEntry'),
        ),
        migrations.AddField(
            model_name='ledgerentry',
            name='reversed_points',
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.RunPython(link_purchase_reversals, migrations.RunPython.noop),
    ]
