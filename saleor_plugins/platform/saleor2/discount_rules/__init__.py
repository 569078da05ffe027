"""Cart rules on Saleor 2.10.1: the rules price through the plugin's price hooks.

2.10.1 asks every plugin for every line's and the checkout's price, many times per
request, so the rules are evaluated once per request and cart state (``checkout_cart``),
their cents become exact unit prices (``prices``), and the order keeps them (``orders``);
Klarna and the order e-mails show each rule by name (``klarna_lines``, ``orders``).
"""
