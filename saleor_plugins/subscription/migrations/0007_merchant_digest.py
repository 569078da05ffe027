from django.db import migrations, models
import django.utils.timezone


class Migration(migrations.Migration):

    dependencies = [
        ('saleor_plugins_subscription', '0006_app_actor'),
    ]

    operations = [
        migrations.CreateModel(
            name='MerchantDigest',
            fields=[
                ('id', models.AutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('sent_on', models.DateField(unique=True)),
                ('delivery_date', models.DateField()),
                ('recipient', models.CharField(max_length=254)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                'ordering': ('-sent_on',),
            },
        ),
    ]
