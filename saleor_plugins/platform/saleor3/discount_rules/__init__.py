"""Cart rules on Saleor 3.23: the rules' results written as Saleor's own discount rows.

3.23 calls price hooks only for a channel's tax app, so the rules are evaluated when a
checkout changes (``checkout_created``/``checkout_updated``) and their results stored where
Saleor prices from: ``CheckoutLineDiscount`` rows (``facts`` → ``rows``); the order keeps
what Saleor copies from them, and the package's bookkeeping (``orders``).
"""
