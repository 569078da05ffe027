from django.db import models

from .permissions import PERMISSION_DESCRIPTIONS


class PackagePermissions(models.Model):
    """Holds the package's permissions (Django attaches permissions to a model).

    Its table stays empty; it exists because Saleor's tools (populatedb) reset the
    sequence of every model.
    """

    class Meta:
        default_permissions = ()
        permissions = tuple(
            (perm.codename, description) for perm, description in PERMISSION_DESCRIPTIONS.items()
        )
