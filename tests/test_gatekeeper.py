"""The admission decision, without a server: ``Gatekeeper.admit`` over header values.

The bridge tests (tests/bridge/test_bridge_security.py...) show the answers on the wire; these
show the decision itself, and that no combination of headers gets in without a credential."""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from oro_framework import SecurityError
from oro_framework.web.security import (
    SESSION_COOKIE,
    Access,
    Admission,
    Admitted,
    CorsPreflight,
    Gatekeeper,
    LaunchRedirect,
    RefusalReason,
    Refused,
)

PORT = 8123
HOST = f"127.0.0.1:{PORT}"
OWN_ORIGIN = f"http://{HOST}"
CORS_ORIGIN = "http://127.0.0.1:5173"
LAUNCH_TOKEN = "launch-token-0123456789abcdef"
KEY = "k" * 24


def opened_gatekeeper(*, bridge_key: str | None = KEY) -> tuple[Gatekeeper, str]:
    """A gatekeeper whose launch URL was opened, and the session it issued."""
    keeper = Gatekeeper(
        launch_token=LAUNCH_TOKEN, bridge_key=bridge_key, cors_origins=[CORS_ORIGIN]
    )
    decision = keeper.admit({"host": HOST}, port=PORT, launch_token=LAUNCH_TOKEN)
    assert isinstance(decision, LaunchRedirect)
    assert decision.session is not None
    return keeper, decision.session


def with_session(session: str, **headers: str) -> dict[str, str]:
    return {"host": HOST, "cookie": f"other=1; {SESSION_COOKIE}={session}", **headers}


def refusal_of(decision: Admission) -> RefusalReason:
    assert isinstance(decision, Refused)
    assert isinstance(decision.error, SecurityError)
    return decision.reason


# ---------------------------------------------------------------------------------------------
# Where the request comes from
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"host": "evil.example"},
        {"host": "127.0.0.1:1"},
        {"host": HOST, "origin": "https://evil.example"},
        {"host": HOST, "origin": "null"},
        {"host": HOST, "sec-fetch-site": "same-site"},
        {"host": HOST, "sec-fetch-site": "cross-site", "origin": "http://127.0.0.1:8080"},
    ],
)
def test_foreign_requests_are_refused_even_with_a_session(headers: dict[str, str]) -> None:
    keeper, session = opened_gatekeeper()
    headers = {**headers, "cookie": f"{SESSION_COOKIE}={session}"}

    assert refusal_of(keeper.admit(headers, port=PORT)) is RefusalReason.FOREIGN


def test_request_without_a_server_address_is_foreign() -> None:
    keeper, session = opened_gatekeeper()

    decision = keeper.admit(with_session(session), port=None)

    assert refusal_of(decision) is RefusalReason.FOREIGN


def test_localhost_and_any_case_name_this_server() -> None:
    keeper, session = opened_gatekeeper()

    for host in (f"localhost:{PORT}", f"LocalHost:{PORT}"):
        assert keeper.admit(with_session(session, host=host), port=PORT) == Admitted(Access.SESSION)


def test_cors_origin_may_call_from_another_site() -> None:
    keeper, session = opened_gatekeeper()
    headers = with_session(session, origin=CORS_ORIGIN, **{"sec-fetch-site": "same-site"})

    assert keeper.admit(headers, port=PORT) == Admitted(Access.SESSION)


def test_preflight_from_a_cors_origin_needs_no_credential() -> None:
    keeper = Gatekeeper(launch_token=LAUNCH_TOKEN, cors_origins=[CORS_ORIGIN])

    decision = keeper.admit({"host": HOST, "origin": CORS_ORIGIN}, port=PORT, method="OPTIONS")

    assert isinstance(decision, CorsPreflight)


def test_options_from_the_own_origin_is_no_preflight() -> None:
    keeper = Gatekeeper(launch_token=LAUNCH_TOKEN, cors_origins=[CORS_ORIGIN])

    decision = keeper.admit({"host": HOST, "origin": OWN_ORIGIN}, port=PORT, method="OPTIONS")

    assert refusal_of(decision) is RefusalReason.NO_CREDENTIAL


# ---------------------------------------------------------------------------------------------
# The launch token and the session
# ---------------------------------------------------------------------------------------------


def test_launch_token_is_redeemed_once() -> None:
    keeper, _ = opened_gatekeeper()

    again = keeper.admit({"host": HOST}, port=PORT, launch_token=LAUNCH_TOKEN)

    assert refusal_of(again) is RefusalReason.LAUNCH_TOKEN


def test_launch_url_with_a_session_just_redirects() -> None:
    keeper, session = opened_gatekeeper()

    decision = keeper.admit(with_session(session), port=PORT, launch_token=LAUNCH_TOKEN)

    assert decision == LaunchRedirect(None)


def test_wrong_launch_token_is_refused_and_the_right_one_still_works() -> None:
    keeper = Gatekeeper(launch_token=LAUNCH_TOKEN)

    wrong = keeper.admit({"host": HOST}, port=PORT, method="HEAD", launch_token="guess")
    right = keeper.admit({"host": HOST}, port=PORT, method="HEAD", launch_token=LAUNCH_TOKEN)

    assert refusal_of(wrong) is RefusalReason.LAUNCH_TOKEN
    assert isinstance(right, LaunchRedirect)
    assert right.session is not None


def test_launch_token_on_a_post_is_no_launch() -> None:
    keeper = Gatekeeper(launch_token=LAUNCH_TOKEN)

    decision = keeper.admit({"host": HOST}, port=PORT, method="POST", launch_token=LAUNCH_TOKEN)

    assert refusal_of(decision) is RefusalReason.NO_CREDENTIAL
    assert isinstance(
        keeper.admit({"host": HOST}, port=PORT, launch_token=LAUNCH_TOKEN), LaunchRedirect
    )


def test_session_cookie_admits_and_a_guessed_one_does_not() -> None:
    keeper, session = opened_gatekeeper()

    assert keeper.admit(with_session(session), port=PORT) == Admitted(Access.SESSION)
    assert refusal_of(keeper.admit(with_session("guess"), port=PORT)) is RefusalReason.NO_CREDENTIAL


def test_signed_sessions_outlive_the_gatekeeper_that_issued_them() -> None:
    # oro dev: each host process has a gatekeeper of its own and the same session key.
    first = Gatekeeper(launch_token=LAUNCH_TOKEN, session_key="dev-key")
    decision = first.admit({"host": HOST}, port=PORT, launch_token=LAUNCH_TOKEN)
    assert isinstance(decision, LaunchRedirect)
    assert decision.session is not None
    next_run = Gatekeeper(launch_token="another-launch-token", session_key="dev-key")
    other_key = Gatekeeper(launch_token="another-launch-token", session_key="other-key")
    unsigned = Gatekeeper(launch_token="another-launch-token")
    forged = decision.session[:-4] + ("AAAA" if not decision.session.endswith("AAAA") else "BBBB")

    assert next_run.admit(with_session(decision.session), port=PORT) == Admitted(Access.SESSION)
    for keeper, session in ((other_key, decision.session), (unsigned, decision.session)):
        assert refusal_of(keeper.admit(with_session(session), port=PORT)) is (
            RefusalReason.NO_CREDENTIAL
        )
    assert refusal_of(next_run.admit(with_session(forged), port=PORT)) is (
        RefusalReason.NO_CREDENTIAL
    )


# ---------------------------------------------------------------------------------------------
# The bridge key and mount credentials
# ---------------------------------------------------------------------------------------------


def test_bridge_key_opens_ipc_only() -> None:
    keeper, _ = opened_gatekeeper()
    headers = {"host": HOST, "x-oro-auth": KEY}

    assert keeper.admit(headers, port=PORT, is_ipc=True) == Admitted(Access.BRIDGE_KEY)
    assert refusal_of(keeper.admit(headers, port=PORT)) is RefusalReason.NO_CREDENTIAL


def test_wrong_bridge_key_is_refused_even_with_a_session() -> None:
    keeper, session = opened_gatekeeper()

    decision = keeper.admit(with_session(session, **{"x-oro-auth": "nope"}), port=PORT, is_ipc=True)

    assert refusal_of(decision) is RefusalReason.NO_CREDENTIAL


def test_bridge_key_header_grants_nothing_when_the_bridge_is_disabled() -> None:
    keeper, session = opened_gatekeeper(bridge_key=None)

    without = keeper.admit({"host": HOST, "x-oro-auth": KEY}, port=PORT, is_ipc=True)
    beside_session = keeper.admit(
        with_session(session, **{"x-oro-auth": "x"}), port=PORT, is_ipc=True
    )

    assert refusal_of(without) is RefusalReason.NO_CREDENTIAL
    assert beside_session == Admitted(Access.SESSION)


def test_mount_credential_is_asked_only_without_a_session() -> None:
    keeper, session = opened_gatekeeper()
    asked: list[Mapping[str, str]] = []

    def authenticate(headers: Mapping[str, str]) -> bool:
        asked.append(headers)
        return headers.get("authorization") == "Bearer api-key"

    with_key = {"host": HOST, "authorization": "Bearer api-key"}
    assert keeper.admit(with_session(session), port=PORT, authenticate=authenticate) == Admitted(
        Access.SESSION
    )
    assert asked == []
    assert keeper.admit(with_key, port=PORT, authenticate=authenticate) == Admitted(
        Access.MOUNT_CREDENTIAL
    )
    wrong = keeper.admit({**with_key, "authorization": "x"}, port=PORT, authenticate=authenticate)
    assert refusal_of(wrong) is RefusalReason.NO_CREDENTIAL


def test_mount_credential_does_not_excuse_a_foreign_request() -> None:
    keeper, _ = opened_gatekeeper()

    decision = keeper.admit(
        {"host": "evil.example", "authorization": "Bearer api-key"},
        port=PORT,
        authenticate=lambda headers: True,
    )

    assert refusal_of(decision) is RefusalReason.FOREIGN


WORKER_SCRIPT_FETCH = {
    "host": HOST,
    "sec-fetch-site": "same-origin",
    "sec-fetch-dest": "serviceworker",
    "service-worker": "script",
}


@pytest.mark.parametrize("method", ["GET", "HEAD"])
@pytest.mark.parametrize("imported", [False, True])
def test_worker_script_fetch_of_a_resource_needs_no_session(method: str, imported: bool) -> None:
    keeper, _ = opened_gatekeeper()
    # A module the worker imports comes without Service-Worker: script, and without cookies.
    headers = dict(WORKER_SCRIPT_FETCH)
    if imported:
        del headers["service-worker"]

    decision = keeper.admit(headers, port=PORT, method=method, is_resource=True)

    assert decision == Admitted(Access.WORKER_SCRIPT)


@pytest.mark.parametrize(
    ("change", "method", "is_resource", "is_ipc"),
    [
        ({}, "GET", False, False),  # /oro/events or a mount
        ({}, "GET", True, True),  # /ipc
        ({}, "POST", True, False),
        ({"sec-fetch-dest": "script"}, "GET", True, False),
        ({"service-worker": "module"}, "GET", True, False),
        ({"sec-fetch-dest": None}, "GET", True, False),
        ({"sec-fetch-dest": None, "service-worker": "script"}, "GET", True, False),
    ],
)
def test_anything_short_of_a_worker_script_fetch_still_needs_a_session(
    change: dict[str, str | None], method: str, is_resource: bool, is_ipc: bool
) -> None:
    keeper, _ = opened_gatekeeper()
    headers = {**WORKER_SCRIPT_FETCH, **change}

    decision = keeper.admit(
        {name: value for name, value in headers.items() if value is not None},
        port=PORT,
        method=method,
        is_resource=is_resource,
        is_ipc=is_ipc,
    )

    assert refusal_of(decision) is RefusalReason.NO_CREDENTIAL


@pytest.mark.parametrize(
    "foreign",
    [
        {"host": "evil.example"},
        {"origin": "http://127.0.0.1:8080"},
        {"sec-fetch-site": "same-site"},
    ],
)
def test_worker_script_fetch_is_checked_for_its_origin_first(foreign: dict[str, str]) -> None:
    keeper, _ = opened_gatekeeper()

    decision = keeper.admit({**WORKER_SCRIPT_FETCH, **foreign}, port=PORT, is_resource=True)

    assert refusal_of(decision) is RefusalReason.FOREIGN


# ---------------------------------------------------------------------------------------------
# Any headers at all
# ---------------------------------------------------------------------------------------------

VALID = "<the issued session>"
any_text = st.text(st.characters(exclude_categories=()), max_size=40)
hosts = st.sampled_from([HOST, f"localhost:{PORT}", "127.0.0.1:1", "evil.example"]) | any_text
origins = st.sampled_from([OWN_ORIGIN, CORS_ORIGIN, "null", "http://127.0.0.1:8080"]) | any_text
fetch_sites = st.sampled_from(["same-origin", "none", "same-site", "cross-site"]) | any_text
cookie_parts = (
    st.sampled_from([f"{SESSION_COOKIE}={VALID}", f"{SESSION_COOKIE}=guess", "a=1", "junk"])
    | any_text
)
cookies = st.lists(cookie_parts, max_size=4).map("; ".join)
keys = st.just(KEY) | st.sampled_from([KEY.upper(), KEY[:-1], ""]) | any_text
fetch_dests = st.sampled_from(["serviceworker", "document", "empty", "script"]) | any_text
service_worker_values = st.sampled_from(["script", "Script", ""]) | any_text
header_values = st.fixed_dictionaries(
    {},
    optional={
        "host": hosts,
        "origin": origins,
        "sec-fetch-site": fetch_sites,
        "sec-fetch-dest": fetch_dests,
        "service-worker": service_worker_values,
        "cookie": cookies,
        "x-oro-auth": keys,
    },
)


def admit_any(
    headers: dict[str, str],
    *,
    port: int | None,
    method: str,
    is_ipc: bool,
    launch_token: str | None,
    mount_says: bool | None,
    bridge_key: str | None,
    is_resource: bool = False,
) -> tuple[Admission, bool, bool]:
    """Admit a generated request (``VALID`` in its cookie stands for the issued session) and
    say whether it really holds a session or the bridge key."""
    keeper, session = opened_gatekeeper(bridge_key=bridge_key)
    if "cookie" in headers:
        headers["cookie"] = headers["cookie"].replace(VALID, session)
    # Only the issued id opens a session; whatever else the header holds cannot.
    has_session = session in headers.get("cookie", "")
    has_key = is_ipc and bridge_key is not None and headers.get("x-oro-auth") == KEY
    decision = keeper.admit(
        headers,
        port=port,
        method=method,
        is_ipc=is_ipc,
        launch_token=launch_token,
        authenticate=None if mount_says is None else (lambda _: mount_says),
        is_resource=is_resource,
    )
    assert isinstance(decision, (Admitted, CorsPreflight, LaunchRedirect, Refused))
    if isinstance(decision, Admitted):
        assert {
            Access.SESSION: has_session,
            Access.BRIDGE_KEY: has_key,
            Access.MOUNT_CREDENTIAL: bool(mount_says),
            Access.WORKER_SCRIPT: is_worker_script(headers, method, is_resource, is_ipc),
        }[decision.access]
    if isinstance(decision, LaunchRedirect):
        # The launch token was spent by opened_gatekeeper: only a held session redirects.
        assert decision.session is None
        assert has_session
    if isinstance(decision, CorsPreflight):
        assert method == "OPTIONS"
        assert headers.get("origin") == CORS_ORIGIN
    return decision, has_session, has_key


def is_worker_script(headers: dict[str, str], method: str, is_resource: bool, is_ipc: bool) -> bool:
    """The one request admitted without a credential: the browser fetching a worker's script
    or a module it imports (``Sec-Fetch-Dest: serviceworker`` exactly, and ``Service-Worker``
    absent or exactly ``script``) of a resource, read-only."""
    return (
        is_resource
        and not is_ipc
        and method in ("GET", "HEAD")
        and headers.get("sec-fetch-dest") == "serviceworker"
        and headers.get("service-worker", "script") == "script"
    )


methods = st.sampled_from(["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"]) | any_text
launch_tokens = st.none() | st.just(LAUNCH_TOKEN) | any_text
mount_answers = st.none() | st.booleans()
bridge_keys = st.none() | st.just(KEY)


@given(
    headers=header_values,
    port=st.none() | st.just(PORT),
    method=methods,
    is_ipc=st.booleans(),
    launch_token=launch_tokens,
    mount_says=mount_answers,
    bridge_key=bridge_keys,
    is_resource=st.booleans(),
)
def test_any_headers_get_one_of_the_documented_decisions(
    headers: dict[str, str],
    port: int | None,
    method: str,
    is_ipc: bool,
    launch_token: str | None,
    mount_says: bool | None,
    bridge_key: str | None,
    is_resource: bool,
) -> None:
    decision, _, _ = admit_any(
        headers,
        port=port,
        method=method,
        is_ipc=is_ipc,
        launch_token=launch_token,
        mount_says=mount_says,
        bridge_key=bridge_key,
        is_resource=is_resource,
    )

    is_own_host = headers.get("host", "").lower() in (HOST, f"localhost:{PORT}")
    if port is None or not is_own_host:
        assert refusal_of(decision) is RefusalReason.FOREIGN


def is_own_origin(headers: Mapping[str, str]) -> bool:
    """Whether the Origin check passes: no ``Origin``, the request's own (``http://`` plus its
    ``Host``: ``127.0.0.1`` and ``localhost`` are two origins) or the configured CORS one."""
    origin = headers.get("origin")
    return origin in (None, f"http://{headers['host'].lower()}", CORS_ORIGIN)


# Requests to this server from this app's pages, the browser or a CORS origin (Host and
# Sec-Fetch-Site pass): credentials decide, once the Origin matches the Host it came with.
own_requests = st.fixed_dictionaries(
    {
        "host": st.sampled_from([HOST, f"localhost:{PORT}"]),
        "cookie": cookies,
    },
    optional={
        "origin": st.sampled_from([OWN_ORIGIN, f"http://localhost:{PORT}", CORS_ORIGIN]),
        "sec-fetch-site": st.sampled_from(["same-origin", "none"]),
        "sec-fetch-dest": fetch_dests,
        "service-worker": service_worker_values,
        "x-oro-auth": keys,
    },
)


@settings(max_examples=500)
@example(
    # A worker's script fetched as localhost with the 127.0.0.1 origin: no browser sends that
    # for a same-origin fetch (the two names are two origins), so it is foreign, as the Origin
    # check says, and never a worker-script admission.
    headers={
        "host": f"localhost:{PORT}",
        "cookie": "",
        "origin": OWN_ORIGIN,
        "sec-fetch-dest": "serviceworker",
        "service-worker": "script",
    },
    method="GET",
    is_ipc=False,
    launch_token=None,
    mount_says=None,
    bridge_key=None,
    is_resource=True,
)
@given(
    headers=own_requests,
    method=methods,
    is_ipc=st.booleans(),
    launch_token=launch_tokens,
    mount_says=mount_answers,
    bridge_key=bridge_keys,
    is_resource=st.booleans(),
)
def test_no_request_gets_in_without_a_session_key_or_mount_credential(
    headers: dict[str, str],
    method: str,
    is_ipc: bool,
    launch_token: str | None,
    mount_says: bool | None,
    bridge_key: str | None,
    is_resource: bool,
) -> None:
    decision, has_session, has_key = admit_any(
        headers,
        port=PORT,
        method=method,
        is_ipc=is_ipc,
        launch_token=launch_token,
        mount_says=mount_says,
        bridge_key=bridge_key,
        is_resource=is_resource,
    )

    if not is_own_origin(headers):
        assert refusal_of(decision) is RefusalReason.FOREIGN
    elif not (has_session or has_key or mount_says):
        if is_worker_script(headers, method, is_resource, is_ipc) and launch_token is None:
            assert decision == Admitted(Access.WORKER_SCRIPT)
        else:
            assert not isinstance(decision, (Admitted, LaunchRedirect))


@given(token=any_text.filter(lambda text: text != LAUNCH_TOKEN), headers=header_values)
def test_a_guessed_launch_token_never_issues_a_session(token: str, headers: dict[str, str]) -> None:
    keeper = Gatekeeper(launch_token=LAUNCH_TOKEN, cors_origins=[CORS_ORIGIN])

    decision = keeper.admit(headers, port=PORT, launch_token=token)

    assert not isinstance(decision, Admitted)
    if isinstance(decision, LaunchRedirect):
        pytest.fail(f"a launch redirect for {token!r}: {decision}")
    assert isinstance(
        keeper.admit({"host": HOST}, port=PORT, launch_token=LAUNCH_TOKEN), LaunchRedirect
    )
