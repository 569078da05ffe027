import django.contrib.postgres.fields
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("saleor_plugins_discount_rules", "0003_order_rule_amounts"),
    ]

    operations = [
        migrations.AddField(
            model_name="discountrule",
            name="channels",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.CharField(max_length=255), blank=True, default=list, size=None
            ),
        ),
    ]
