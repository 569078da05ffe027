def print_schema() -> str:
    """The extended schema as SDL, as committed in schema.graphql."""
    from .schema import schema

    return str(schema).rstrip("\n") + "\n"
