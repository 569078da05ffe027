"""Subscriptions, loyalty points, discount rules and a Klarna in-store till for Saleor."""

__version__ = "0.1.0"
