"""Model fields that differ between the Django releases of the two Saleors (3.23: 5.2)."""
from django.db.models import JSONField  # noqa: F401 (the adapter's name)
