import graphene

from .. import __version__
from ..core.plugin import PackagePlugin
from ..platform import saleor


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
        manager = saleor.graphql.plugins_manager(info)
        features = {}
        for plugin in saleor.graphql.plugin_instances(manager):
            if isinstance(plugin, PackagePlugin) and not plugin.HIDDEN:
                known = features.get(plugin.PLUGIN_ID)
                # per-channel plugins: one entry, active where any channel has it on
                features[plugin.PLUGIN_ID] = SaleorPluginsFeature(
                    id=plugin.PLUGIN_ID, name=plugin.PLUGIN_NAME,
                    active=plugin.active or bool(known and known.active))
        return list(features.values())


def resolve_shop_saleor_plugins(_root, _info):
    return SaleorPluginsInfo(version=__version__)

