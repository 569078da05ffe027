"""The package's /graphql/ view: Saleor's view with the package's argument rule."""
from ..platform import saleor
from .arguments import ArgumentError, PackageArgumentsMiddleware

# one instance for every request (Django makes a view instance per request): it keeps the
# set of checked fields
ARGUMENTS_MIDDLEWARE = PackageArgumentsMiddleware()


class PackageGraphQLView(saleor.api.GraphQLView):
    def __init__(self, *args, middleware=None, **kwargs):
        if middleware is None:
            # first in the list = innermost: runs after Saleor's JWT and app middlewares,
            # right before the resolver
            middleware = [ARGUMENTS_MIDDLEWARE] + saleor.api.graphql_middleware()
        super().__init__(*args, middleware=middleware, **kwargs)

    def format_error(self, error):
        result = super().format_error(error)
        original = getattr(error, "original_error", error)
        if isinstance(original, ArgumentError):
            result.setdefault("extensions", {}).update(field=original.field, code=original.code)
        return result
