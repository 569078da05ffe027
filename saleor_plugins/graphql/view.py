"""The package's /graphql/ view: Saleor's view with the package's argument rule."""
from graphene_django.settings import graphene_settings
from saleor.graphql.views import GraphQLView

from .arguments import ArgumentError, PackageArgumentsMiddleware

# one instance for every request (Django makes a view instance per request): it keeps the
# set of checked fields
ARGUMENTS_MIDDLEWARE = PackageArgumentsMiddleware()


class PackageGraphQLView(GraphQLView):
    def __init__(self, *args, middleware=None, **kwargs):
        if middleware is None:
            # first in the list = innermost: runs after Saleor's JWT and app middlewares,
            # right before the resolver
            middleware = [ARGUMENTS_MIDDLEWARE] + list(graphene_settings.MIDDLEWARE or [])
        super().__init__(*args, middleware=middleware, **kwargs)

    @classmethod
    def format_error(cls, error):
        result = super().format_error(error)
        original = getattr(error, "original_error", error)
        if isinstance(original, ArgumentError):
            result.setdefault("extensions", {}).update(field=original.field, code=original.code)
        return result
