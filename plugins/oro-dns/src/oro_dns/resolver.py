"""``dns.resolve``/``dns.reverse``: DNS queries through dnspython's async resolver (it runs on
trio), answers in the shapes Node's ``dns.resolve*`` give."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

import dns.asyncquery
import dns.asyncresolver
import dns.exception
import dns.message
import dns.name
import dns.nameserver
import dns.rcode
import dns.rdata
import dns.rdatatype
import dns.resolver
import dns.reversename
import dns.rrset

from oro_dns.errors import RCODE_CODES, SYSCALLS, node_error, resolve_error
from oro_dns.servers import Server, parse_servers
from oro_dns.state import DnsState
from oro_framework import InvalidArgumentError, Params

__all__ = ["RRTYPES", "resolve", "reverse"]

RRTYPES: Final = tuple(SYSCALLS)
"""The record types ``dns.resolve`` answers (Node's ``rrtype`` values less CAA and NAPTR)."""


def _name(rdata: Any) -> str:
    # Node's names carry no final dot.
    return str(rdata.to_text(omit_final_dot=True))


def _text(value: bytes) -> str:
    # c-ares hands Node the raw bytes as a latin-1 string... Node decodes them as UTF-8.
    return value.decode("utf-8", "replace")


def _address(rdata: Any, ttl: int | None) -> Any:
    return rdata.address if ttl is None else {"address": rdata.address, "ttl": ttl}


_SHAPES: Final[dict[str, Callable[[Any], Any]]] = {
    "CNAME": lambda r: _name(r.target),
    "NS": lambda r: _name(r.target),
    "PTR": lambda r: _name(r.target),
    "MX": lambda r: {"exchange": _name(r.exchange), "priority": r.preference},
    "TXT": lambda r: [_text(chunk) for chunk in r.strings],
    "SRV": lambda r: {
        "name": _name(r.target),
        "port": r.port,
        "priority": r.priority,
        "weight": r.weight,
    },
    "SOA": lambda r: {
        "nsname": _name(r.mname),
        "hostmaster": _name(r.rname),
        "serial": r.serial,
        "refresh": r.refresh,
        "retry": r.retry,
        "expire": r.expire,
        "minttl": r.minimum,
    },
}


def _any_entry(rrtype: str, rdata: Any, ttl: int) -> dict[str, Any] | None:
    # resolveAny's entries: each record's own shape plus `type`; A/AAAA always with their ttl,
    # names under `value`, TXT chunks under `entries`.
    if rrtype in ("A", "AAAA"):
        return {"address": rdata.address, "ttl": ttl, "type": rrtype}
    if rrtype in ("CNAME", "NS", "PTR"):
        return {"value": _SHAPES[rrtype](rdata), "type": rrtype}
    if rrtype == "TXT":
        return {"entries": _SHAPES["TXT"](rdata), "type": rrtype}
    if rrtype in ("MX", "SRV", "SOA"):
        return {**_SHAPES[rrtype](rdata), "type": rrtype}
    return None


def rrtype(params: Params) -> str:
    """``rrtype``, default ``A``."""
    value = params.get_str("rrtype", "A")
    if value not in RRTYPES:
        raise InvalidArgumentError(
            f"The argument 'rrtype' is invalid. Received {value!r}",
            code="ERR_INVALID_ARG_VALUE",
            parameter="rrtype",
        )
    return value


def _servers(params: Params, state: DnsState) -> list[Server]:
    value = params.get("servers")
    if value is None:
        return state.servers
    if isinstance(value, str):
        # A query string carries one server as a bare string.
        value = [value]
    if not isinstance(value, list) or not all(isinstance(entry, str) for entry in value):
        raise InvalidArgumentError.invalid("servers", "an array of IP address strings")
    try:
        return parse_servers(value)
    except ValueError as error:
        raise InvalidArgumentError(
            str(error), code="ERR_INVALID_IP_ADDRESS", parameter="servers"
        ) from None


def _resolver(params: Params, state: DnsState) -> tuple[dns.asyncresolver.Resolver, int]:
    timeout_ms = params.get_int("timeout", state.settings.timeout_ms, minimum=1, maximum=600_000)
    tries = params.get_int("tries", state.settings.tries, minimum=1, maximum=100)
    resolver = dns.asyncresolver.Resolver(configure=False)
    resolver.nameservers = [
        dns.nameserver.Do53Nameserver(server.address, server.port)
        for server in _servers(params, state)
    ]
    resolver.timeout = timeout_ms / 1000
    resolver.lifetime = timeout_ms * tries / 1000
    # c-ares (Node) neither caches nor appends search domains: a name is asked as given.
    resolver.cache = None
    return resolver, tries


def _hostname(params: Params, name: str = "hostname") -> str:
    hostname = params.require_str(name)
    if "\0" in hostname:
        raise InvalidArgumentError(
            f"The argument '{name}' must not contain null bytes",
            code="ERR_INVALID_ARG_VALUE",
            parameter=name,
        )
    return hostname


async def resolve(params: Params, state: DnsState) -> dict[str, Any]:
    """Records of ``rrtype`` for ``hostname``: ``{"records": ...}`` in Node's shape."""
    hostname = _hostname(params)
    kind = rrtype(params)
    with_ttl = params.get_bool("ttl")
    syscall = SYSCALLS[kind]
    resolver, tries = _resolver(params, state)
    if not resolver.nameservers:
        raise node_error("ECONNREFUSED", syscall, hostname)
    try:
        qname = dns.name.from_text(hostname)
        if kind == "ANY":
            return {"records": await _query_any(resolver, qname, tries, hostname)}
        answer = await resolver.resolve(qname, kind, search=False)
    except (dns.exception.DNSException, OSError) as error:
        raise resolve_error(error, syscall, hostname) from None
    rrset = answer.rrset
    assert rrset is not None  # resolve() raises NoAnswer rather than answer without one.
    if kind in ("A", "AAAA"):
        ttl = rrset.ttl if with_ttl else None
        return {"records": [_address(rdata, ttl) for rdata in rrset]}
    records = [_SHAPES[kind](rdata) for rdata in rrset]
    # Node answers resolveSoa with the one record, not a list.
    return {"records": records[0] if kind == "SOA" else records}


async def _query_any(
    resolver: dns.asyncresolver.Resolver, qname: dns.name.Name, tries: int, hostname: str
) -> list[dict[str, Any]]:
    # dnspython's resolver refuses meta-queries such as ANY: ask each server in turn directly,
    # with the same per-try timeout, and fail with the codes the resolver's failures map to.
    query = dns.message.make_query(qname, dns.rdatatype.ANY)
    syscall = SYSCALLS["ANY"]
    last_failure = "ETIMEOUT"
    for _ in range(tries):
        for nameserver in resolver.nameservers:
            assert isinstance(nameserver, dns.nameserver.Do53Nameserver)
            try:
                response = await dns.asyncquery.udp(
                    query, nameserver.address, timeout=resolver.timeout, port=nameserver.port
                )
            except dns.exception.Timeout:
                continue
            except (OSError, dns.exception.DNSException) as error:
                last_failure = resolve_error(error, syscall, hostname).code
                continue
            rcode = dns.rcode.to_text(response.rcode())
            if rcode == "NXDOMAIN":
                raise node_error("ENOTFOUND", syscall, hostname)
            if rcode != "NOERROR":
                last_failure = RCODE_CODES.get(rcode, "EBADRESP")
                continue
            entries = [
                entry
                for rrset in response.answer
                for rdata in rrset
                if (entry := _any_entry(dns.rdatatype.to_text(rrset.rdtype), rdata, rrset.ttl))
                is not None
            ]
            if not entries:
                raise node_error("ENODATA", syscall, hostname)
            return entries
    raise node_error(last_failure, syscall, hostname)


async def reverse(params: Params, state: DnsState) -> dict[str, Any]:
    """Host names of ``ip`` (its PTR records): ``{"hostnames": [...]}``."""
    ip = _hostname(params, "ip")
    resolver, _tries = _resolver(params, state)
    try:
        qname = dns.reversename.from_address(ip)
    except (ValueError, dns.exception.SyntaxError):
        raise node_error("EINVAL", "getHostByAddr", ip) from None
    if not resolver.nameservers:
        raise node_error("ECONNREFUSED", "getHostByAddr", ip)
    try:
        answer = await resolver.resolve(qname, "PTR", search=False)
    except (dns.exception.DNSException, OSError) as error:
        raise resolve_error(error, "getHostByAddr", ip) from None
    assert answer.rrset is not None
    return {"hostnames": [_SHAPES["PTR"](rdata) for rdata in answer.rrset]}
