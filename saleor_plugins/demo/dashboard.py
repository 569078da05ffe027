"""Saleor's own dashboard in the demo: the built static app (a ``.tar.gz`` holding one
``dashboard/`` folder, or that folder), served under ``/dashboard/`` by the demo's server
with its ``API_URL`` pointed at the demo's ``/graphql/``.

Where it comes from: ``SALEOR_DASHBOARD`` (or ``demo --dashboard``); unset, the
``saleor-dashboard-3.23.27.tar.gz`` in ``../shared/saleor/`` next to the project (or next to
its parent folder, for a git worktree).
"""
import mimetypes
import os
import re
import tarfile
from pathlib import Path

from django.http import Http404, HttpResponse, HttpResponseNotFound

DASHBOARD_ARCHIVE = "saleor-dashboard-3.23.27.tar.gz"
MOUNT = "/dashboard/"
API_URL = re.compile(r'(\bAPI_URL:\s*)"[^"]*"')

_directory = None  # the served folder (holding index.html), set by prepare()


def default_candidates(base=None):
    base = Path(base or Path.cwd()).resolve()
    return [folder / "shared" / "saleor" / DASHBOARD_ARCHIVE for folder in (base.parent, base.parent.parent)]


def find_source(explicit=None):
    """(path or None, what was looked for): the archive or folder to serve."""
    configured = explicit or os.environ.get("SALEOR_DASHBOARD", "").strip()
    candidates = [Path(configured).expanduser()] if configured else default_candidates()
    for candidate in candidates:
        if candidate.exists():
            return candidate.resolve(), candidate
    return None, candidates[0]


def extract(archive: Path, state: Path) -> Path:
    """Unpack ``archive`` once into ``state`` (again when the archive changes)."""
    target = state / "dashboard" / archive.name.split(".tar")[0]
    stamp = target / ".extracted-from"
    fingerprint = f"{archive}:{archive.stat().st_size}:{archive.stat().st_mtime_ns}"
    if not (stamp.exists() and stamp.read_text() == fingerprint):
        target.mkdir(parents=True, exist_ok=True)
        with tarfile.open(archive) as tar:
            tar.extractall(target, filter="data")
        stamp.write_text(fingerprint)
    return target


def app_folder(root: Path):
    """The folder holding the dashboard's index.html: ``root`` or its ``dashboard/``."""
    for folder in (root / "dashboard", root):
        if (folder / "index.html").is_file():
            return folder
    return None


def prepare(state: Path, explicit=None):
    """Make the dashboard servable; returns (folder or None, message for the demo's output)."""
    global _directory
    source, looked_for = find_source(explicit)
    if source is None:
        _directory = None
        return None, (f"not served: {looked_for} not found (set SALEOR_DASHBOARD to "
                      f"{DASHBOARD_ARCHIVE} or its unpacked folder)")
    root = source if source.is_dir() else extract(source, state)
    _directory = app_folder(root)
    if _directory is None:
        return None, f"not served: {source} holds no dashboard/index.html"
    return _directory, str(source)


def index_html(folder: Path, api_url: str) -> str:
    """The dashboard's index.html with ``window.__SALEOR_CONFIG__.API_URL`` set to ``api_url``."""
    text = (folder / "index.html").read_text(encoding="utf-8")
    return API_URL.sub(lambda match: f'{match.group(1)}"{api_url}"', text, count=1)


def view(request, path=""):
    """``/dashboard/<path>``: the app's files; every other path is the app (its own routes)."""
    folder = _directory
    if folder is None:
        return HttpResponseNotFound("The Saleor dashboard is not available in this demo "
                                    "(set SALEOR_DASHBOARD).", content_type="text/plain")
    if path and path != "index.html" and (folder / path).is_file():
        return asset(folder, path)
    api_url = request.build_absolute_uri("/graphql/")
    response = HttpResponse(index_html(folder, api_url), content_type="text/html; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


def asset(folder: Path, path: str) -> HttpResponse:
    """One of the app's files, whole (an ASGI server would iterate a file response in a
    thread; the files are small). Their names carry a content hash: cached for good."""
    file = (folder / path).resolve()
    if folder.resolve() not in file.parents:
        raise Http404(path)
    content_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    response = HttpResponse(file.read_bytes(), content_type=content_type)
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
