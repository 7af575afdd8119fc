"""Which addresses the platform may call (a guard against server-side request forgery).

An owner types the URL; the platform's server then calls it. Without a guard an owner could
make the server call its own network (databases, cloud metadata at 169.254.169.254, admin
ports). So only https:// URLs are accepted, and the host must resolve to public addresses
only: every address it resolves to is checked, at registration and again before every
attempt, and the attempt connects to the address that was checked (no second lookup that a
rebinding DNS server could answer differently). WEBHOOKS_ALLOW_PRIVATE (on with DEBUG, for
development and tests) lifts both rules.
"""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class Refused(ValidationError):
    """The URL or the address it resolves to may not be called."""


def url_parts(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of an acceptable URL; else Refused naming the `url` field."""
    parts = urlsplit(url.strip())
    allow_private = settings.WEBHOOKS_ALLOW_PRIVATE
    schemes = ("https", "http") if allow_private else ("https",)
    if parts.scheme not in schemes:
        raise Refused({"url": _("The address must start with https://.")})
    if parts.username or parts.password:
        raise Refused(
            {
                "url": _(
                    "Put no user name or password in the address; the signature proves "
                    "that the platform sent the request."
                )
            }
        )
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise Refused({"url": _("The address has an invalid port.")}) from None
    if not parts.hostname:
        raise Refused({"url": _("The address has no host name.")})
    return parts.scheme, parts.hostname, port


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_reserved
        or ip.is_multicast
        or ip.is_unspecified
    )


def address_for(host: str, port: int) -> str:
    """The address to connect to for `host`: every address it resolves to must be public
    (unless WEBHOOKS_ALLOW_PRIVATE); else Refused naming the `url` field."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise Refused({"url": _("The host name of the address could not be found.")}) from None
    addresses = [info[4][0] for info in found]
    if not addresses:
        raise Refused({"url": _("The host name of the address could not be found.")})
    if not settings.WEBHOOKS_ALLOW_PRIVATE and not all(_is_public(a) for a in addresses):
        raise Refused(
            {
                "url": _(
                    "The address leads to a private or reserved network; only public "
                    "addresses can receive webhooks."
                )
            }
        )
    return addresses[0]


def url_check(url: str) -> str:
    """Refused if `url` may not be called; else the address it resolves to."""
    _scheme, host, port = url_parts(url)
    return address_for(host, port)
