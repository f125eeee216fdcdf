"""Node's DNS query errors (``queryMx ENODATA example.org`` with ``code``, ``syscall`` and
``hostname``), as :class:`~oro_framework.ErrnoError` so that the page rehydrates ``err.code``
and the other fields. A failed getaddrinfo is ``ErrnoError.from_gaierror``."""

from __future__ import annotations

from typing import Final

import dns.exception
import dns.resolver

from oro_framework import ErrnoError

__all__ = ["RCODE_CODES", "SYSCALLS", "node_error", "resolve_error"]

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
