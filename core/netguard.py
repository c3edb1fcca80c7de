"""Calls from our servers to addresses someone else chose, without letting them reach our own network.

`resolves_to_public(host, port)` is the check (every address the name resolves to is a public one);
`fetch_public(url, ...)` is a GET made under it: https only, the connection made to the very address
that was checked (so a name that resolves to a public address at check time and to 10.0.0.1 a moment
later — DNS rebinding — still reaches the public one), no redirects followed beyond a few, each one
checked again, a time limit, a size limit read as the body arrives, and only the content types the
caller names. Every refusal is `FetchRefused` with a sentence for a person; none tells which of our
addresses exist.

`allow_loopback` (the tests' local HTTP server, never production) also admits http:// on 127.0.0.1.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import unquote, urljoin, urlsplit

import certifi
import urllib3

MAX_REDIRECTS = 3


class FetchRefused(Exception):
    """The URL was not fetched; `str()` says why, in words for the person who sent it."""


@dataclass(frozen=True)
class Fetched:
    url: str
    content: bytes
    content_type: str
    filename: str


def _public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return address.is_global and not address.is_multicast


def _addresses(host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return []
    return [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]


def resolves_to_public(host: str, port: int) -> bool:
    """Every address the host name resolves to is a public one (no loopback, private, link-local,
    multicast or reserved address: the server must not be made to call into our own network)."""
    addresses = _addresses(host, port)
    return bool(addresses) and all(_public(a) for a in addresses)


def _target(url: str, *, allow_loopback: bool) -> tuple[str, str, int, str]:
    """(scheme, host, port, address to connect to) for a URL we may fetch, else FetchRefused."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        raise FetchRefused("the link is not a valid address") from None
    host = (parts.hostname or "").lower()
    if not host or parts.username or parts.password:
        raise FetchRefused("the link is not a valid address")
    addresses = _addresses(host, port or (443 if parts.scheme == "https" else 80))
    if (
        allow_loopback
        and addresses
        and all(a.is_loopback for a in addresses)
        and parts.scheme in ("http", "https")
    ):
        return parts.scheme, host, port or (443 if parts.scheme == "https" else 80), str(addresses[0])
    if parts.scheme != "https":
        raise FetchRefused("only https:// links are fetched")
    if port not in (None, 443):
        raise FetchRefused("only links on the standard https port are fetched")
    if not addresses or not all(_public(a) for a in addresses):
        raise FetchRefused("the link's server could not be reached")
    return "https", host, 443, str(addresses[0])


def _filename(url: str, response: urllib3.BaseHTTPResponse) -> str:
    disposition = response.headers.get("Content-Disposition", "")
    for item in disposition.split(";"):
        key, _, value = item.strip().partition("=")
        if key.lower() == "filename" and value.strip('"'):
            return value.strip('"').replace("/", "_")[:200]
    return unquote(urlsplit(url).path.rsplit("/", 1)[-1])[:200] or "download"


def fetch_public(
    url: str,
    *,
    max_bytes: int,
    timeout: float,
    content_types: frozenset[str],
    allow_loopback: bool = False,
) -> Fetched:
    """GET `url` under the rules of this module; FetchRefused for anything else. `timeout` bounds the
    whole fetch (redirects and a slowly dripping body included), not only each read."""
    deadline = time.monotonic() + timeout
    for _hop in range(MAX_REDIRECTS + 1):
        scheme, host, port, address = _target(url, allow_loopback=allow_loopback)
        parts = urlsplit(url)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        if scheme == "https":
            pool = urllib3.HTTPSConnectionPool(
                address, port, server_hostname=host, assert_hostname=host,
                cert_reqs="CERT_REQUIRED", ca_certs=certifi.where(), retries=False, timeout=timeout,
            )  # fmt: skip
        else:
            pool = urllib3.HTTPConnectionPool(address, port, retries=False, timeout=timeout)
        try:
            response = pool.urlopen(
                "GET", path, headers={"Host": parts.netloc, "User-Agent": "Envoice invoice fetcher"},
                redirect=False, preload_content=False,
            )  # fmt: skip
        except urllib3.exceptions.HTTPError:
            raise FetchRefused("the link's server did not answer") from None
        try:
            if response.status in (301, 302, 303, 307, 308) and response.headers.get("Location"):
                url = urljoin(url, response.headers["Location"])
                continue
            if response.status != 200:
                raise FetchRefused(f"the link's server answered {response.status}")
            content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
            if content_type not in content_types:
                raise FetchRefused(f"the link is not a PDF or XML invoice ({content_type or 'no type'})")
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise FetchRefused("the linked file is too large")
            body = bytearray()
            try:
                for chunk in response.stream(64 * 1024):
                    body += chunk
                    if time.monotonic() > deadline:
                        raise FetchRefused("the link's server was too slow")
                    if len(body) > max_bytes:
                        raise FetchRefused("the linked file is too large")
            except urllib3.exceptions.HTTPError:
                raise FetchRefused("the link's server did not answer") from None
            return Fetched(
                url=url, content=bytes(body), content_type=content_type, filename=_filename(url, response)
            )
        finally:
            response.release_conn()
            pool.close()
    raise FetchRefused("the link redirects too often")
