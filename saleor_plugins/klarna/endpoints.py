"""Where the Klarna client may send the merchant's credentials: Klarna's regional API hosts
(production and playground), or a simulator on loopback where the caller allows one."""
import ipaddress
import re

REGIONS = ("EU", "NA", "OC")
_HOSTS = {"EU": "api", "NA": "api-na", "OC": "api-oc"}


def base_url_for(region: str, playground: bool) -> str:
    region = region.upper()
    if region not in REGIONS:
        raise ValueError(f"unknown Klarna region {region!r}; use one of {', '.join(REGIONS)}")
    host = _HOSTS[region]
    return f"https://{host}{'.playground' if playground else ''}.klarna.com"


KLARNA_API_HOSTS = frozenset(
    f"{host}{environment}.klarna.com" for host in _HOSTS.values()
    for environment in ("", ".playground")
)
# scheme://host[:port] and nothing else: no user info, path, query or odd characters
# that URL parsers read differently (backslashes, whitespace, percent signs)
_BASE_URL = re.compile(
    r"(?P<scheme>https?)://(?P<host>[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::(?P<port>[0-9]{1,5}))?/?"
)


def is_allowed_base_url(url: str, *, allow_loopback: bool = False) -> bool:
    """Whether the client may send the merchant's credentials to ``url``: one of Klarna's
    API hosts over https, or (``allow_loopback``: tests, the demo) a simulator on this
    machine."""
    match = _BASE_URL.fullmatch(url or "")
    if match is None:
        return False
    scheme, host, port = match["scheme"], match["host"].lower(), match["port"]
    if scheme == "https" and host in KLARNA_API_HOSTS and port in (None, "443"):
        return True
    if not allow_loopback:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def region_for_country(country: str) -> str:
    country = (country or "").upper()
    if country in ("US", "CA", "MX"):
        return "NA"
    if country in ("AU", "NZ"):
        return "OC"
    return "EU"
