"""What every page the package serves shares: security headers, versioned assets, the
page's language, the staff login (Saleor's own account on /graphql/) and the page shell.

A feature's page is a template extending ``saleor_plugins/staff_page.html``, a script and a
stylesheet of its own, and a view calling :func:`rendering.render_staff_page`. Pages use only
the package's public GraphQL API, so the same page works on every Saleor the package runs on.
"""
