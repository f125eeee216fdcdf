"""A stub DNS server on a random 127.0.0.1 UDP port, for offline tests: it answers from the zone
below, NXDOMAIN for names outside it, SERVFAIL for ``servfail.test``, REFUSED for
``refused.test``, and never answers ``silent.test`` (the timeout case)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

from dnslib import QTYPE, RCODE, RR, DNSRecord

ZONE: Final = """
a.test.                 300 IN A     192.0.2.1
a.test.                 300 IN A     192.0.2.2
a.test.                 300 IN AAAA  2001:db8::1
v4.test.                60  IN A     192.0.2.9
alias.test.             300 IN CNAME a.test.
mail.test.              300 IN MX    10 mx1.test.
mail.test.              300 IN MX    20 mx2.test.
text.test.              300 IN TXT   "hello" "world"
text.test.              300 IN TXT   "v=spf1 -all"
_sip._tcp.test.         300 IN SRV   10 60 5060 sip.test.
test.                   300 IN NS    ns1.test.
test.                   300 IN SOA   ns1.test. admin.test. 2024010101 3600 600 86400 60
1.2.0.192.in-addr.arpa. 300 IN PTR   a.test.
"""
RECORDS: Final = RR.fromZone(ZONE)
_STOP: Final = b"stop"


def _answer(query: DNSRecord) -> DNSRecord | None:
    name = str(query.q.qname).lower()
    qtype = query.q.qtype
    reply = query.reply()
    if name == "silent.test.":
        return None
    if name == "servfail.test.":
        reply.header.rcode = RCODE.SERVFAIL
        return reply
    if name == "refused.test.":
        reply.header.rcode = RCODE.REFUSED
        return reply
    owned = [rr for rr in RECORDS if str(rr.rname).lower() == name]
    if not owned:
        reply.header.rcode = RCODE.NXDOMAIN
        return reply
    matching = [rr for rr in owned if qtype in (rr.rtype, QTYPE.ANY)]
    if not matching and qtype != QTYPE.CNAME:
        # Follow a CNAME as a recursive server would: the alias, then the target's records.
        for alias in (rr for rr in owned if rr.rtype == QTYPE.CNAME):
            target = str(alias.rdata.label).lower()
            matching = [alias] + [
                rr for rr in RECORDS if str(rr.rname).lower() == target and rr.rtype == qtype
            ]
    for rr in matching:
        reply.add_answer(rr)
    return reply


def _serve(sock: socket.socket) -> None:
    while True:
        data, peer = sock.recvfrom(4096)
        if data == _STOP:
            return
        answer = _answer(DNSRecord.parse(data))
        if answer is not None:
            sock.sendto(answer.pack(), peer)


@contextmanager
def stub_dns_server() -> Iterator[str]:
    """Run the server; yields its address in Node's notation (``127.0.0.1:PORT``)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    thread = threading.Thread(target=_serve, args=(sock,), name="stub-dns", daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{port}"
    finally:
        # A datagram wakes the blocked recvfrom, which closing the socket would not.
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as stopper:
            stopper.sendto(_STOP, ("127.0.0.1", port))
        thread.join()
        sock.close()
