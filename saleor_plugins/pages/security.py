"""Security headers of the package's pages: a strict Content-Security-Policy (no inline
script or style; scripts, styles and requests only from this site)."""
from django.conf import settings

BASE_POLICY = [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "require-trusted-types-for 'script'",
]
COMMON_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def dashboard_origins() -> list:
    """Origins allowed to show the staff pages in a frame (Saleor's dashboard).

    ``SALEOR_PLUGINS_DASHBOARD_ORIGINS`` (a list, e.g. ``["https://dashboard.example.com"]``);
    the same origin is always allowed (a dashboard served by the shop itself)."""
    return [origin for origin in getattr(settings, "SALEOR_PLUGINS_DASHBOARD_ORIGINS", [])
            if isinstance(origin, str) and origin.startswith(("https://", "http://"))]


def secured(response, *, embeddable: bool = False):
    """Add the headers; ``embeddable`` pages may be framed by the dashboard only."""
    if embeddable:
        ancestors = " ".join(["'self'"] + dashboard_origins())
        response["Content-Security-Policy"] = "; ".join(
            BASE_POLICY + [f"frame-ancestors {ancestors}"])
    else:
        response["Content-Security-Policy"] = "; ".join(BASE_POLICY + ["frame-ancestors 'none'"])
        response["X-Frame-Options"] = "DENY"
        response["Cross-Origin-Opener-Policy"] = "same-origin"
    for header, value in COMMON_HEADERS.items():
        response[header] = value
    return response
