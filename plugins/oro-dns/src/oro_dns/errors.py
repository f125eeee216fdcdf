"""Node's DNS errors: ``getaddrinfo ENOTFOUND example.invalid`` with ``errno``, ``code``,
``syscall`` and ``hostname``, as :class:`~oro_framework.ErrnoError` so that the page rehydrates
``err.code`` and the other fields."""

from __future__ import annotations

import socket
from typing import Final

import dns.exception
import dns.resolver

from oro_framework import ErrnoError

__all__ = ["RCODE_CODES", "SYSCALLS", "lookup_error", "node_error", "resolve_error"]

# libuv's numbers for getaddrinfo's EAI_* codes: what Node puts in ``err.errno``. Python's
# socket.EAI_* values are the C library's and differ between systems; these do not.
_UV_EAI: Final[dict[str, int]] = {
    "ADDRFAMILY": -3000,
    "AGAIN": -3001,
    "BADFLAGS": -3002,
    "CANCELED": -3003,
    "FAIL": -3004,
    "FAMILY": -3005,
    "MEMORY": -3006,
    "NODATA": -3007,
    "NONAME": -3008,
    "OVERFLOW": -3009,
    "SERVICE": -3010,
    "SOCKTYPE": -3011,
}
_EAI_BY_NUMBER: Final[dict[int, str]] = {
    getattr(socket, f"EAI_{name}"): name for name in _UV_EAI if hasattr(socket, f"EAI_{name}")
}

SYSCALLS: Final[dict[str, str]] = {
    "A": "queryA",
    "AAAA": "queryAaaa",
    "ANY": "queryAny",
    "CNAME": "queryCname",
    "MX": "queryMx",
    "NS": "queryNs",
    "PTR": "queryPtr",
    "SOA": "querySoa",
    "SRV": "querySrv",
    "TXT": "queryTxt",
}
"""The ``syscall`` Node names for a failed query of each record type (c-ares's functions)."""

RCODE_CODES: Final[dict[str, str]] = {
    "SERVFAIL": "ESERVFAIL",
    "REFUSED": "EREFUSED",
    "NOTIMP": "ENOTIMP",
    "FORMERR": "EFORMERR",
    "NXDOMAIN": "ENOTFOUND",
}
"""Server answers (rcodes) as the codes c-ares gives Node."""


def lookup_error(error: socket.gaierror, hostname: str) -> ErrnoError:
    """A failed getaddrinfo as Node words it: EAI_NONAME and EAI_NODATA are ``ENOTFOUND``,
    the others keep their ``EAI_*`` name (``EAI_AGAIN``); ``errno`` is libuv's number."""
    name = _EAI_BY_NUMBER.get(error.errno, "FAIL") if error.errno is not None else "FAIL"
    code = "ENOTFOUND" if name in ("NONAME", "NODATA") else f"EAI_{name}"
    return ErrnoError(
        f"getaddrinfo {code} {hostname}",
        code=code,
        errno=_UV_EAI[name],
        syscall="getaddrinfo",
        hostname=hostname,
    )


def node_error(code: str, syscall: str, hostname: str) -> ErrnoError:
    """A c-ares style error: no ``errno`` (Node leaves it undefined for these)."""
    return ErrnoError(f"{syscall} {code} {hostname}", code=code, syscall=syscall, hostname=hostname)


def resolve_error(error: Exception, syscall: str, hostname: str) -> ErrnoError:
    """A dnspython failure as the code c-ares gives Node for the same outcome."""
    return node_error(_resolve_code(error), syscall, hostname)


def _resolve_code(error: Exception) -> str:
    if isinstance(error, dns.resolver.NXDOMAIN):
        return "ENOTFOUND"
    if isinstance(error, dns.resolver.NoAnswer):
        return "ENODATA"
    if isinstance(error, dns.exception.Timeout):
        return "ETIMEOUT"
    if isinstance(error, dns.resolver.NoNameservers):
        return _servers_failure_code(error)
    if isinstance(error, dns.resolver.NoResolverConfiguration):
        return "ECONNREFUSED"
    if isinstance(error, ConnectionRefusedError):
        return "ECONNREFUSED"
    if isinstance(error, dns.exception.FormError):
        return "EBADRESP"
    if isinstance(error, dns.exception.DNSException):
        # Name syntax (LabelTooLong, EmptyLabel, NameTooLong, IDNA...): the name cannot be asked.
        return "EBADNAME"
    return "ECONNREFUSED" if isinstance(error, OSError) else "EBADRESP"


def _servers_failure_code(error: dns.resolver.NoNameservers) -> str:
    # Every server failed; the last failure is what the caller would have seen from one server.
    failures = error.kwargs.get("errors") or []
    if not failures:
        return "ECONNREFUSED"
    failure = failures[-1][3]
    if isinstance(failure, str):
        return RCODE_CODES.get(failure, "EBADRESP")
    if isinstance(failure, Exception):
        return _resolve_code(failure)
    return "EBADRESP"
