"""The package's /graphql/ view: Saleor's view, with the package's argument errors keeping
their field and code (the rule itself wraps the package's resolvers: ``arguments``)."""
from ..platform import saleor
from .arguments import ArgumentError


class PackageGraphQLView(saleor.api.GraphQLView):
    def format_error(self, error):
        result = super().format_error(error)
        original = getattr(error, "original_error", error)
        if isinstance(original, ArgumentError):
            result.setdefault("extensions", {}).update(field=original.field, code=original.code)
        return result
