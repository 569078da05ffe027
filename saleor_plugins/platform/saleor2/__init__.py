"""The Saleor 2.10.1 adapter (the legacy platform): every feature runs here."""
FEATURES = ("klarna", "subscription", "loyalty", "discount_rules", "klarna_instore")
