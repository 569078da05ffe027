"""Scripts and stylesheets of the pages, served by the package itself (no collectstatic):
``/pages/assets/<group>/<name>?v=<hash>``. A versioned URL is cached for a year."""
import functools
import hashlib
from pathlib import Path

from django.http import Http404, HttpResponse
from django.urls import reverse

from .security import secured

CONTENT_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
SHARED = Path(__file__).resolve().parent.parent / "core" / "static" / "saleor_plugins"
_groups = {"shared": SHARED}


def register(group: str, directory: Path) -> str:
    """Make ``directory``'s .js and .css files servable as ``group``; returns ``group``."""
    _groups[group] = Path(directory)
    return group


@functools.lru_cache(maxsize=None)
def _read(group: str, name: str):
    directory = _groups.get(group)
    if directory is None or Path(name).suffix not in CONTENT_TYPES or "/" in name:
        return None
    path = directory / name
    if not path.is_file():
        return None
    content = path.read_bytes()
    return content, hashlib.sha256(content).hexdigest()[:12]


def asset_url(group: str, name: str) -> str:
    found = _read(group, name)
    if found is None:
        raise ValueError(f"no asset {group}/{name}")
    return reverse("page-asset", kwargs={"group": group, "name": name}) + "?v=" + found[1]


def serve_asset(request, group, name):
    found = _read(group, name)
    if found is None:
        raise Http404
    content, version = found
    response = HttpResponse(content, content_type=CONTENT_TYPES[Path(name).suffix])
    response["Cache-Control"] = ("public, max-age=31536000, immutable"
                                 if request.GET.get("v") == version else "no-cache")
    return secured(response)
