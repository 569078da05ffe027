"""Saleor 2.10.1's dashboard mounts no app pages: the staff pages are opened by their URL."""
APP_EXTENSIONS = False
PAGE_EXTRA_PERMISSIONS = []


def install_app(manifest: dict):
    raise RuntimeError("Saleor 2.10.1's dashboard mounts no app pages; open the staff pages "
                       "by their URL (/staff/...)")
