"""Who may talk to the bridge: the launch token and session cookie, the Host, Origin and
``Sec-Fetch-Site`` checks, the HTTP IPC bridge key, and the CORS grants of other origins.

Pure checks over header values, no I/O. :meth:`Gatekeeper.admit` applies them all and returns
what it decided (an :data:`Admission`); the bridge only acts on that. ``docs/security.md``
explains the threat each check defeats. Every refusal carries a
:class:`~oro_framework.SecurityError` whose message tells the person reading it what to do.
"""

from __future__ import annotations

import base64
import enum
import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Final, NamedTuple, TypeAlias, final

from oro_framework.host.errors import SecurityError
from oro_framework.host.launch import (
    LAUNCH_PARAMETER,
    WINDOW_CREDENTIAL_HEADER,
    WINDOW_TOKEN,
    WindowCredentials,
    window_launch_token,
    window_mac,
)
from oro_framework.host.origins import check_origin_syntax
from oro_framework.host.windows.model import MAIN_WINDOW

if TYPE_CHECKING:
    from oro_framework.host.mounts import Authenticator

__all__ = [
    "BRIDGE_KEY_HEADER",
    "LAUNCH_PARAMETER",
    "SESSION_COOKIE",
    "Access",
    "Admission",
    "Admitted",
    "CorsAnswers",
    "CorsPreflight",
    "Gatekeeper",
    "LaunchRedirect",
    "RefusalReason",
    "Refused",
    "check_origin_syntax",
    "is_signed_session",
    "is_worker_script_fetch",
    "parse_cookies",
    "session_cookie_name",
    "signed_session",
    "window_launch_token",
]

SESSION_COOKIE: Final = "oro_session"
"""The session cookie's name for a gatekeeper that is not given one; an app's bridge names it
after the app (:func:`session_cookie_name`)."""
BRIDGE_KEY_HEADER: Final = "x-oro-auth"

_COOKIE_UNSAFE: Final = re.compile(r"[^A-Za-z0-9.\-]")
_LOOPBACK_NAMES: Final = ("127.0.0.1", "localhost")
ORO_CORS_HEADERS: Final = (
    "content-type, x-ipc-uri, x-oro-window, x-oro-auth, x-oro-stream-credit, "
    "runtime-preload-injection"
)
"""The request headers oro's pages send, which a CORS preflight always allows."""
# A browser labels a request it made on its own (address bar, bookmark, the window opening the
# launch URL) "none", and one from our own pages "same-origin". Anything else came from another
# site, or from another port of 127.0.0.1, which cookies treat as the same site.
_TRUSTED_FETCH_SITES: Final = frozenset({"same-origin", "none"})
# ``s.<nonce>.<mac>``: see :func:`signed_session`.
_SIGNED_SESSION: Final = re.compile(r"s\.([\w-]{32})\.([\w-]{43})", re.ASCII)


class Access(enum.Enum):
    """How a request proved it may be served."""

    SESSION = "session"
    """It carries the session cookie of this run."""
    BRIDGE_KEY = "bridge-key"
    """It carries the HTTP IPC bridge key (``X-ORO-Auth``); valid for ``/ipc`` only."""
    MOUNT_CREDENTIAL = "mount-credential"
    """It carries a credential of its own that the mounted app it asks for accepts (an API key),
    and no session."""
    WORKER_SCRIPT = "worker-script"
    """A Service Worker script fetch (``Sec-Fetch-Dest: serviceworker``, and ``Service-Worker:
    script`` unless it is a module the script imports) of an app resource or JS module, without
    a session: module workers are fetched without cookies, and the browser's update check of an
    installed worker can run before the launch URL has set this run's cookie. Any local process
    can send these headers, so such a request is served JavaScript alone (what a browser runs
    as a worker script): a page, data, the app's Python or config files are answered as
    missing (``Call.worker_script``)."""


class RefusalReason(enum.Enum):
    """Which check refused a request; the bridge words its answer accordingly."""

    FOREIGN = "foreign"
    """Not this app's address, origin or site (Host, Origin, ``Sec-Fetch-Site``): answered
    without the app's response headers, CORS grants included."""
    NO_CREDENTIAL = "no-credential"
    """No valid session cookie, bridge key or mount credential."""
    LAUNCH_TOKEN = "launch-token"
    """A launch URL whose token is wrong or already spent: answered as a page."""


@final
class Admitted(NamedTuple):
    """Serve the request; ``access`` says how it proved it may be served."""

    access: Access


@final
class CorsPreflight(NamedTuple):
    """A CORS preflight (``OPTIONS``) from a configured origin: answer it, nothing else."""


@final
class CorsAnswers(NamedTuple):
    """The CORS headers of answers to the origins a :class:`Gatekeeper` lets call
    (``webview.cors_*``).

    :ivar origins: ``webview.cors_allowed_origins``: each answered with its own name, and with
        ``allow_credentials``, so that its pages may call with the session.
    :ivar allow_credentials: ``webview.cors_allow_credentials``.
    :ivar allow_methods: the ``Access-Control-Allow-Methods`` of a preflight's answer.
    :ivar allow_headers: the ``Access-Control-Allow-Headers`` of a preflight's answer.
    """

    origins: frozenset[str] = frozenset()
    allow_credentials: bool = True
    allow_methods: str = "GET, POST, PUT, DELETE"
    allow_headers: str = ORO_CORS_HEADERS

    def grant(self, origin: str) -> list[tuple[bytes, bytes]]:
        """The headers of an answer to ``origin``, which the gatekeeper let call: its own name
        for a configured origin, else (``cors_allow_all``) ``*``, which browsers never pair with
        cookies."""
        if origin not in self.origins:
            return [(b"access-control-allow-origin", b"*")]
        grant = [(b"access-control-allow-origin", origin.encode("latin-1"))]
        if self.allow_credentials:
            grant.append((b"access-control-allow-credentials", b"true"))
        grant.append((b"vary", b"Origin"))
        return grant

    def preflight(self) -> list[tuple[bytes, bytes]]:
        """The headers of a preflight's answer, besides :meth:`grant`'s."""
        return [
            (b"access-control-allow-methods", self.allow_methods.encode()),
            (b"access-control-allow-headers", self.allow_headers.encode()),
            (b"access-control-max-age", b"600"),
        ]


@final
class LaunchRedirect(NamedTuple):
    """A launch URL opened: redirect to the same URL without the token, setting ``session``
    as the cookie, or setting nothing when ``session`` is ``None`` (the browser already holds a
    session: a bookmarked launch URL). ``window_credential`` is the credential of the window
    whose token it was, for that page alone
    (:class:`~oro_framework.host.launch.WindowCredentials`); ``None`` when the token was
    already spent."""

    session: str | None
    window_credential: str | None = None


@final
class Refused(NamedTuple):
    """Refuse the request with ``error`` (403)."""

    error: SecurityError
    reason: RefusalReason


Admission: TypeAlias = Admitted | CorsPreflight | LaunchRedirect | Refused
"""What :meth:`Gatekeeper.admit` decided about one request."""

_BY_SESSION: Final = Admitted(Access.SESSION)
_BY_BRIDGE_KEY: Final = Admitted(Access.BRIDGE_KEY)
_BY_MOUNT_CREDENTIAL: Final = Admitted(Access.MOUNT_CREDENTIAL)
_AS_WORKER_SCRIPT: Final = Admitted(Access.WORKER_SCRIPT)
_PREFLIGHT: Final = CorsPreflight()


def _spent_token() -> SecurityError:
    return SecurityError(
        "Launch token is invalid or was already used: each launch URL opens "
        "one session; restart the app (or `oro run --headless`) for a new URL"
    )


def session_cookie_name(bundle_identifier: str) -> str:
    """The session cookie's name for the app ``bundle_identifier``: ``oro_session_dev.oro.notes``.

    Cookies ignore the port, so two apps served on 127.0.0.1 and opened in one browser see each
    other's cookies; with one shared name, the app launched second would overwrite the first
    one's session. Characters a cookie name cannot hold become ``_``.
    """
    return f"{SESSION_COOKIE}_{_COOKIE_UNSAFE.sub('_', bundle_identifier)}"


def parse_cookies(header: str) -> list[tuple[str, str]]:
    """Split a ``Cookie`` header into ``(name, value)`` pairs, keeping duplicates.

    Cookies are not isolated by port, so other apps on 127.0.0.1 send theirs here too; a
    tolerant split keeps one malformed foreign cookie from hiding ours (``SimpleCookie`` stops
    at the first one it cannot parse).
    """
    pairs: list[tuple[str, str]] = []
    for part in header.split(";"):
        name, separator, value = part.partition("=")
        if separator:
            pairs.append((name.strip(), value.strip().strip('"')))
    return pairs


def is_worker_script_fetch(headers: Mapping[str, str]) -> bool:
    """Whether the browser fetches a Service Worker's script or a module it imports: it says
    ``Sec-Fetch-Dest: serviceworker`` (a ``Sec-`` header, which no page script can set), and the
    top-level script also ``Service-Worker: script``. Module workers fetch their whole graph
    without cookies (credentials "omit"), so these fetches never carry the session."""
    return (
        headers.get("sec-fetch-dest") == "serviceworker"
        and headers.get("service-worker", "script") == "script"
    )


def _equal(given: str, secret: str) -> bool:
    """Compare in constant time. ``surrogatepass``: a lone surrogate in what a client sent is a
    mismatch, never an exception."""
    return hmac.compare_digest(
        given.encode("utf-8", "surrogatepass"), secret.encode("utf-8", "surrogatepass")
    )


def _session_mac(session_key: str, nonce: str) -> str:
    digest = hmac.new(
        session_key.encode("utf-8", "surrogatepass"),
        f"oro-session:{nonce}".encode(),
        hashlib.sha256,
    ).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def signed_session(session_key: str) -> str:
    """A new session id ``s.<nonce>.<mac>``, the MAC under ``session_key``: whoever holds the
    key can check it without having issued it, nobody else can forge one."""
    nonce = secrets.token_urlsafe(24)
    return f"s.{nonce}.{_session_mac(session_key, nonce)}"


def is_signed_session(value: str, session_key: str) -> bool:
    """Whether ``value`` is a session id :func:`signed_session` made under ``session_key``."""
    match = _SIGNED_SESSION.fullmatch(value)
    return match is not None and _equal(match.group(2), _session_mac(session_key, match.group(1)))


@final
class Gatekeeper:
    """The checks every request to the bridge goes through (:meth:`admit`), in this order: Host,
    Origin and ``Sec-Fetch-Site``, then the launch token, the session cookie, the bridge key or
    the mounted app's own credential.

    :param launch_token: this run's launch token (single-use); it also keys the window launch
        tokens of :func:`window_launch_token`, each single-use as well.
    :param bridge_key: ``http.ipc.shared_key`` when ``http.ipc.enable`` is true, else ``None``.
    :param cors_origins: origins allowed to call the bridge cross-origin
        (``webview.cors_allowed_origins``), with the session.
    :param cors_allow_all: any origin may call it, but never with the session: only with a
        credential of its own, the bridge key or a mounted app's (``webview.cors_allow_all``,
        ``http.ipc.allow_cors``).
    :param host_names: the names the ``Host`` header may give this server (with the port);
        loopback's by default.
    :param cors_hint: how a refused origin's message says to let it in.
    :param cookie_name: the session cookie's name.
    :param session_key: a secret that signs session ids instead of this gatekeeper remembering
        them (:func:`signed_session`): a gatekeeper given the same key accepts them too. ``oro
        dev`` passes one to every host process it starts, so a page keeps its session when the
        host restarts; ``None`` (``oro run``) remembers the ids issued by this run only.
    """

    def __init__(
        self,
        *,
        launch_token: str,
        bridge_key: str | None = None,
        cors_origins: Iterable[str] = (),
        cors_allow_all: bool = False,
        host_names: Iterable[str] = _LOOPBACK_NAMES,
        cors_hint: str = "add it to webview.cors_allowed_origins to let it call the app",
        cookie_name: str = SESSION_COOKIE,
        session_key: str | None = None,
        window_credentials: WindowCredentials | None = None,
    ) -> None:
        self.window_credentials = window_credentials or WindowCredentials(session_key)
        """Issues and checks the credential that says which window a page is."""
        self._launch_token: str | None = launch_token
        self._window_key = launch_token
        self._spent_window_nonces: set[str] = set()
        self._bridge_key = bridge_key
        self._sessions: list[str] = []
        self._session_key = session_key
        self.cors_origins = frozenset(cors_origins)
        self.cors_allow_all = cors_allow_all
        self._host_names = tuple(host_names)
        self._cors_hint = cors_hint
        self.cookie_name = cookie_name
        """The session cookie's name (:func:`session_cookie_name` for an app)."""

    def admit(
        self,
        headers: Mapping[str, str],
        *,
        port: int | None,
        method: str = "GET",
        is_ipc: bool = False,
        launch_token: str | None = None,
        authenticate: Authenticator | None = None,
        is_resource: bool = False,
    ) -> Admission:
        """Decide what to do with one request; nothing else decides it.

        1. Host, Origin, ``Sec-Fetch-Site`` (:meth:`check_host`, :meth:`check_origin`,
           :meth:`check_fetch_site`): :class:`Refused` ``FOREIGN``;
        2. ``OPTIONS`` from a CORS origin: :class:`CorsPreflight`;
        3. ``GET``/``HEAD`` with a launch token: :class:`LaunchRedirect` (redeeming the token
           unless the browser holds a session), or :class:`Refused` ``LAUNCH_TOKEN``;
        4. the session cookie or the bridge key (:meth:`authorize`), then the mounted app's own
           credential, then a Service Worker script fetch of a resource
           (:func:`is_worker_script_fetch`): :class:`Admitted`, or :class:`Refused`
           ``NO_CREDENTIAL``.

        Every outcome is a returned :data:`Admission`; it raises nothing of its own (only what
        ``authenticate`` may raise).

        :param headers: the request headers by lower-case name.
        :param port: the port the connection arrived on; ``None`` (no server address) refuses.
        :param method: the HTTP method (``"GET"`` for a WebSocket handshake).
        :param is_ipc: the path is under ``/ipc``, where the bridge key is valid.
        :param launch_token: the ``oro_launch`` query value, ``None`` when absent.
        :param authenticate: the mounted app's judge of its own credential, for a path under a
            mount that has one; consulted only when there is no session.
        :param is_resource: the path is an app resource or a JS module (not ``/ipc``, not
            ``/oro/events``, not a mount): only such a path may be fetched as a worker script
            without a session.
        """
        if port is None:
            refusal = SecurityError("Request without a server address refused")
            return Refused(refusal, RefusalReason.FOREIGN)
        try:
            origin = headers.get("origin")
            host = self.check_host(headers.get("host"), port)
            self.check_origin(origin, host)
            self.check_fetch_site(headers.get("sec-fetch-site"), origin)
        except SecurityError as error:
            return Refused(error, RefusalReason.FOREIGN)
        if method == "OPTIONS" and self.is_cors_origin(origin):
            return _PREFLIGHT
        # An origin let in by cors_allow_all alone calls with a credential of its own: its page
        # may be another port of 127.0.0.1, whose requests carry our cookie (same site).
        session = origin is None or origin in self.cors_origins or origin == f"http://{host}"
        if launch_token is not None and method in ("GET", "HEAD"):
            window = self._spend(launch_token)
            credential = None if window is None else self.window_credentials.issue(window)
            if self.has_session(headers.get("cookie")):
                return LaunchRedirect(None, credential)
            if window is None:
                return Refused(_spent_token(), RefusalReason.LAUNCH_TOKEN)
            return LaunchRedirect(self._new_session(), credential)
        try:
            access = self.authorize(headers, is_ipc=is_ipc, session=session)
        except SecurityError as error:
            if authenticate is not None and authenticate(headers):
                return _BY_MOUNT_CREDENTIAL
            if (
                is_resource
                and not is_ipc
                and method in ("GET", "HEAD")
                and is_worker_script_fetch(headers)
            ):
                return _AS_WORKER_SCRIPT
            return Refused(error, RefusalReason.NO_CREDENTIAL)
        return _BY_SESSION if access is Access.SESSION else _BY_BRIDGE_KEY

    # ---------------------------------------------------------------------------------------
    # Where the request comes from
    # ---------------------------------------------------------------------------------------

    def check_host(self, host: str | None, port: int) -> str:
        """The ``Host`` header must name this server: ``127.0.0.1:<port>`` or
        ``localhost:<port>`` (or another of ``host_names``). A DNS-rebinding page reaches us
        under its own name and fails here.

        :returns: ``host``, checked, in lower case.
        :raises SecurityError: anything else, or no ``Host`` at all.
        """
        allowed = {f"{name}:{port}" for name in self._host_names}
        if host is None or host.lower() not in allowed:
            expected = " or ".join(sorted(allowed))
            raise SecurityError(f"Host {host!r} is not this app's address: expected {expected}")
        return host.lower()

    def check_origin(self, origin: str | None, host: str) -> None:
        """A present ``Origin`` must be the app's own (``http://<Host>``) or a configured CORS
        origin; browsers send it on every cross-origin request and on same-origin POSTs.

        :raises SecurityError: a foreign origin, including ``null`` (sandboxed frames, files).
        """
        if origin is None or origin == f"http://{host}" or self.is_cors_origin(origin):
            return
        raise SecurityError(
            f"Origin {origin!r} is not this app's origin http://{host}; {self._cors_hint}"
        )

    def check_fetch_site(self, fetch_site: str | None, origin: str | None) -> None:
        """``Sec-Fetch-Site`` must say the request comes from our pages or the browser itself.

        This is what stops another server on 127.0.0.1 from loading our routes with
        ``<img src>`` or ``<script src>``: such requests carry no ``Origin``, and the session
        cookie is sent because cookies see every port of a host as the same site.

        :raises SecurityError: ``same-site`` or ``cross-site`` from an origin not configured for
            CORS.
        """
        if fetch_site is None or fetch_site in _TRUSTED_FETCH_SITES:
            return
        if self.is_cors_origin(origin):
            return
        raise SecurityError(
            f"Request from another site (Sec-Fetch-Site: {fetch_site}) refused; "
            "only the app's own pages may call it"
        )

    def is_cors_origin(self, origin: str | None) -> bool:
        """Whether ``origin`` may call cross-origin (configured, or any with
        ``cors_allow_all``)."""
        return origin is not None and (self.cors_allow_all or origin in self.cors_origins)

    # ---------------------------------------------------------------------------------------
    # Who is asking
    # ---------------------------------------------------------------------------------------

    def _new_session(self) -> str:
        if self._session_key is not None:
            return signed_session(self._session_key)
        session = secrets.token_urlsafe(32)
        self._sessions.append(session)
        return session

    def _spend(self, token: str) -> int | None:
        """Spend the run's launch token (window 0) or a window's; the window it opens, or
        ``None`` for a wrong or spent token."""
        expected = self._launch_token
        if expected is not None and _equal(token, expected):
            self._launch_token = None
            return MAIN_WINDOW
        match = WINDOW_TOKEN.fullmatch(token)
        if match is None:
            return None
        index, nonce, mac = int(match.group(1)), match.group(2), match.group(3)
        if not _equal(mac, window_mac(self._window_key, index, nonce)):
            return None
        if nonce in self._spent_window_nonces:
            return None
        self._spent_window_nonces.add(nonce)
        return index

    def has_session(self, cookie_header: str | None) -> bool:
        """Whether the ``Cookie`` header carries a session this gatekeeper issued."""
        if not cookie_header or not (self._sessions or self._session_key is not None):
            return False
        return any(
            name == self.cookie_name and self._is_issued(value)
            for name, value in parse_cookies(cookie_header)
        )

    def _is_issued(self, value: str) -> bool:
        if self._session_key is not None:
            return is_signed_session(value, self._session_key)
        # Every issued id is compared, so the time taken says nothing about which one matched.
        matches = [_equal(value, session) for session in self._sessions]
        return any(matches)

    def authorize(
        self, headers: Mapping[str, str], *, is_ipc: bool, session: bool = True
    ) -> Access:
        """Decide whether a request (after the origin checks) may be served.

        An ``X-ORO-Auth`` header on ``/ipc`` is judged on its own when the HTTP IPC bridge is
        enabled: right key → :attr:`Access.BRIDGE_KEY`, wrong key → refused even with a
        session. When the bridge is disabled the header grants nothing.

        :param session: the session cookie may count (not for an origin that only
            ``cors_allow_all`` lets call).
        :raises SecurityError: no valid session cookie and no valid bridge key.
        """
        key = headers.get(BRIDGE_KEY_HEADER)
        if is_ipc and key is not None and self._bridge_key is not None:
            if _equal(key, self._bridge_key):
                return Access.BRIDGE_KEY
            raise SecurityError("X-ORO-Auth does not match http.ipc.shared_key")
        if not session:
            raise SecurityError(
                f"Origin {headers.get('origin')!r} may call the app only with a credential of "
                "its own (webview.cors_allow_all): the session is the app's own pages' alone"
            )
        if self.has_session(headers.get("cookie")):
            return Access.SESSION
        raise SecurityError(
            "No valid session: open the app through its launch URL "
            "(http://127.0.0.1:<port>/?oro_launch=..., printed by `oro run --headless`)"
        )

    def is_bridge_key(self, headers: Mapping[str, str]) -> bool:
        """Whether ``headers`` carry the HTTP IPC bridge key (enabled, and matching)."""
        key = headers.get(BRIDGE_KEY_HEADER)
        return key is not None and self._bridge_key is not None and _equal(key, self._bridge_key)

    def window_of(
        self, headers: Mapping[str, str], query_credential: str | None = None
    ) -> int | None:
        """The window a request proves it comes from: its credential in the ``X-Oro-Window``
        header, else ``query_credential`` (``oro_window``, for transports without headers);
        ``None`` without a valid one. Never a window index the page wrote itself."""
        return self.window_credentials.verify(
            headers.get(WINDOW_CREDENTIAL_HEADER) or query_credential
        )

    def session_cookie(self, session: str) -> str:
        """The ``Set-Cookie`` value for ``session``: script-proof, never sent cross-site."""
        return f"{self.cookie_name}={session}; HttpOnly; SameSite=Strict; Path=/"
