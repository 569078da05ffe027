"""``python -m saleor_plugins simulator``: run the Klarna simulator in the foreground."""
import argparse
import sys

from . import KlarnaSimulator


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="saleor_plugins simulator",
        description="A local Klarna API (Payments, Customer Token, HPP, Order Management) "
        "with a hosted payment page and an SMS/e-mail outbox.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8089)
    parser.add_argument("--username", default="demo_merchant", help="API username accepted")
    parser.add_argument("--password", default="demo_secret", help="API password accepted")
    args = parser.parse_args(argv)
    sim = KlarnaSimulator(args.host, args.port, {args.username: args.password})
    print(f"Klarna simulator on {sim.url} (username {args.username})")
    print(f"  SMS and e-mail outbox: {sim.url}/_sim/outbox")
    sys.stdout.flush()
    try:
        sim.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        sim.stop()


if __name__ == "__main__":
    main()
