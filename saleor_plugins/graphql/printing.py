def print_schema() -> str:
    """The extended schema as SDL, as committed in ``printed_schema_name()``."""
    from .schema import schema

    return str(schema).rstrip("\n") + "\n"


def printed_schema_name() -> str:
    """The committed file of the installed Saleor's schema: ``schema.graphql`` (2.10.1),
    ``schema-saleor3.graphql`` (3.23)."""
    from ..platform import saleor

    return saleor.graphql.PRINTED_SCHEMA
