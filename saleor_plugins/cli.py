"""``python -m saleor_plugins``: run the demo, Saleor's management commands and tools.

Without ``DATABASE_URL`` every command starts the embedded PostgreSQL kept in
``./.state`` (``SALEOR_PLUGINS_STATE_DIR``).
"""
import argparse
import os
import sys

DEFAULT_SETTINGS = "saleor_plugins.settings"
DEMO_SETTINGS = "saleor_plugins.demo.settings"  # the dummy gateway pays subscriptions


def setup_django(embedded_db=True, settings=DEFAULT_SETTINGS):
    from .embedded_db import ensure_database_url, state_dir

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings)
    if embedded_db:
        ensure_database_url()
        state = state_dir()
        os.environ.setdefault("MEDIA_ROOT", str(state / "media"))
        os.environ.setdefault("SECRET_KEY", _persistent_secret(state / "secret_key"))
    import django

    django.setup()


def _persistent_secret(path) -> str:
    # Stable across restarts so JWT tokens and sessions survive a demo restart.
    if not path.exists():
        import secrets

        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def command_demo(args):
    os.environ.setdefault("DEFAULT_CURRENCY", "NOK")
    os.environ.setdefault("DEFAULT_COUNTRY", "NO")
    setup_django(settings=DEMO_SETTINGS)
    from .demo.runner import run_demo

    run_demo(host=args.host, port=args.port, serve=not args.no_serve, images=not args.without_images,
             dashboard_source=args.dashboard)


def command_serve(args):
    setup_django(settings=DEMO_SETTINGS)
    from .demo.runner import run_server

    run_server(host=args.host, port=args.port, dashboard_source=args.dashboard)


def command_manage(args):
    setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["saleor-plugins manage"] + args.arguments)


def command_schema(args):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS)
    os.environ.setdefault("SECRET_KEY", "schema-printing")
    import django

    django.setup()
    from .graphql.printing import print_schema, printed_schema_name

    text = print_schema()
    if args.committed:
        args.output = printed_schema_name()
    if args.output:
        with open(args.output, "w") as output:
            output.write(text)
    else:
        sys.stdout.write(text)


def command_simulator(args):
    from .klarna.simulator.__main__ import main as simulator_main

    simulator_main(args.arguments)


def add_dashboard_option(parser):
    parser.add_argument(
        "--dashboard", metavar="PATH", default=None,
        help="Saleor 3.23's built dashboard: saleor-dashboard-3.23.27.tar.gz or its unpacked "
        "folder (default: $SALEOR_DASHBOARD, else ../shared/saleor/ next to the project)")


def build_parser():
    parser = argparse.ArgumentParser(
        prog="python -m saleor_plugins",
        description="saleor-plugins: subscriptions, loyalty, discount rules and a Klarna till "
        "for Saleor 3.23 and 2.10.1. Without DATABASE_URL an embedded PostgreSQL in ./.state is used.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    demo = commands.add_parser(
        "demo",
        help="migrate, load demo data and serve Saleor with all plugins",
        description="Migrate, load Saleor's demo catalogue and every feature's demo data, create "
        "a staff login and serve Saleor with all plugins, Saleor's dashboard (3.23) and the "
        "Klarna simulator (where Klarna is installed). Re-running reuses the data.",
    )
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=8000)
    demo.add_argument("--no-serve", action="store_true", help="load the data and exit")
    demo.add_argument(
        "--without-images", action="store_true", help="skip product images (faster first run)"
    )
    add_dashboard_option(demo)
    demo.set_defaults(handler=command_demo)

    serve = commands.add_parser(
        "serve", help="serve Saleor with the package", description="Serve Saleor with the package "
        "and the Klarna simulator on localhost (no migrations, no demo data)."
    )
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    add_dashboard_option(serve)
    serve.set_defaults(handler=command_serve)

    manage = commands.add_parser(
        "manage",
        help="run a Django/Saleor management command",
        description="Run a management command with the package's settings, e.g. "
        "'manage migrate' or 'manage createsuperuser'.",
        add_help=False,
    )
    manage.add_argument("arguments", nargs=argparse.REMAINDER)
    manage.set_defaults(handler=command_manage)

    schema = commands.add_parser(
        "schema",
        help="print the extended GraphQL schema",
        description="Print the installed Saleor's GraphQL schema extended by the package "
        "(committed as schema.graphql for Saleor 2.10.1, schema-saleor3.graphql for 3.23).",
    )
    schema.add_argument("-o", "--output", help="write to this file instead of stdout")
    schema.add_argument("--committed", action="store_true",
                        help="write to the installed Saleor's committed file in this directory")
    schema.set_defaults(handler=command_schema)

    simulator = commands.add_parser(
        "simulator",
        help="run the local Klarna simulator",
        description="Run the local Klarna simulator; pass --help after it for its options.",
        add_help=False,
    )
    simulator.add_argument("arguments", nargs=argparse.REMAINDER)
    simulator.set_defaults(handler=command_simulator)
    return parser


PASS_THROUGH = {"manage": command_manage, "simulator": command_simulator}


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] in PASS_THROUGH:
        # everything after the command, --help included, belongs to that command
        PASS_THROUGH[argv[0]](argparse.Namespace(arguments=argv[1:]))
        return
    parser = build_parser()
    args = parser.parse_args(argv)
    args.handler(args)
