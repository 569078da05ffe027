"""Model fields that differ between the Django releases of the two Saleors (2.10.1: 3.0)."""
from django.contrib.postgres.fields import JSONField  # noqa: F401 (the adapter's name)
