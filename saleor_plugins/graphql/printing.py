import re

# Federation's union of every entity type lists them in the order their modules were
# imported, which differs from one process to the next: printed sorted.
ENTITY_UNION = re.compile(r"^union _Entity = (.+)$", re.M)


def print_schema() -> str:
    """The extended schema as SDL, as committed in ``printed_schema_name()``."""
    from .schema import schema

    text = str(schema).rstrip("\n") + "\n"
    return ENTITY_UNION.sub(
        lambda found: "union _Entity = " + " | ".join(sorted(found.group(1).split(" | "))), text)


def printed_schema_name() -> str:
    """The committed file of the installed Saleor's schema: ``schema.graphql`` (2.10.1),
    ``schema-saleor3.graphql`` (3.23)."""
    from ..platform import saleor

    return saleor.graphql.PRINTED_SCHEMA
