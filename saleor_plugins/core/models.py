from django.db import models

from .permissions import PERMISSION_DESCRIPTIONS, register_permissions

# before any GraphQL schema module is imported (Saleor 3.23 builds PermissionEnum then)
register_permissions()


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
