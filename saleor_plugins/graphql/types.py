import graphene

from .. import __version__
from ..core.plugin import PackagePlugin


class SaleorPluginsFeature(graphene.ObjectType):
    id = graphene.String(required=True, description="Plugin ID.")
    name = graphene.String(required=True, description="Plugin name.")
    active = graphene.Boolean(required=True, description="Whether the merchant switched it on.")


class SaleorPluginsInfo(graphene.ObjectType):
    version = graphene.String(required=True, description="Version of the saleor-plugins package.")
    features = graphene.List(
        graphene.NonNull(SaleorPluginsFeature),
        required=True,
        description="The package's plugins installed in this shop.",
    )

    @staticmethod
    def resolve_features(_root, info):
        manager = info.context.plugins
        features = []
        for plugin in manager.plugins:
            if isinstance(plugin, PackagePlugin):
                features.append(
                    SaleorPluginsFeature(
                        id=plugin.PLUGIN_ID, name=plugin.PLUGIN_NAME, active=plugin.active
                    )
                )
        return features


def resolve_shop_saleor_plugins(_root, _info):
    return SaleorPluginsInfo(version=__version__)

