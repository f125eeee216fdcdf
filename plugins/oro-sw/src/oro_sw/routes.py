"""The ``serviceWorker.*`` routes: the host's record of what pages reported about the engine's
workers, and each registration's storage. The contract with the JS side is the route table in
``docs/service-workers.md``."""

from __future__ import annotations

import logging
import posixpath
from typing import Any, Final
from urllib.parse import urlsplit

from oro_framework import InvalidArgumentError, Request, RouteGroup
from oro_sw.page_fetch import ANSWER_ROUTE
from oro_sw.permissions import SERVICE_WORKER
from oro_sw.state import STATE
from oro_sw.store import STATES, Record, Store
from oro_sw.urls import check_scope, check_script_url, origin_of, registration_id

# DEBUG=sw or ORO_SERVICE_WORKER_DEBUG=1 shows its debug records (host/debug_names.py).
logger = logging.getLogger("oro_sw.fetch")

__all__ = ["ROUTES"]


def _origin(request: Request) -> str | None:
    return origin_of(request.headers.get("host"))


def _store(request: Request) -> Store:
    return request.host.stash[STATE].store


def _state(request: Request) -> str | None:
    state = request.params.get_str("state")
    if state is not None and state not in STATES:
        raise InvalidArgumentError(
            f"Unknown Service Worker state {state!r}: one of {', '.join(sorted(STATES))}"
        )
    return state


async def register_worker(request: Request) -> dict[str, Any]:
    """Record a registration of `scriptURL` for `scope` (default: the script's directory) that a
    page is making or found; the same scope again updates it. Answers `{registration}`."""
    origin = _origin(request)
    script = check_script_url(request.params.require_str("scriptURL"), origin)
    path = urlsplit(script).path
    default_scope = _scope_origin(script) + posixpath.dirname(path).rstrip("/") + "/"
    # The scope must be on the script's origin even when the caller's is unknown (in memory).
    scope = check_scope(request.params.get_str("scope") or default_scope, _scope_origin(script))
    state = _state(request)
    store = _store(request)
    identifier = registration_id(scope)
    record = store.records.get(identifier)
    if record is None:
        store.check_new_record()
        record = Record(
            identifier, scope, script, state or "registering", origin=_scope_origin(scope)
        )
        store.records[identifier] = record
    else:
        record.scriptURL = script
        record.state = state or record.state
    await store.save()
    return {"registration": record.json()}


def _scope_origin(scope: str) -> str:
    parts = urlsplit(scope)
    return f"{parts.scheme}://{parts.netloc}"


async def unregister(request: Request) -> dict[str, Any]:
    """Forget registration `id` and its storage."""
    store = _store(request)
    record = store.record(request.params.require_str("id"))
    del store.records[record.id]
    store.storage.pop(record.id, None)
    await store.save()
    return {"registration": record.json()}


async def get_registration(request: Request) -> dict[str, Any]:
    """The registration whose scope is the longest prefix of `scope` (a client URL or a scope),
    `{registration}`, or `{}` when none has been reported."""
    wanted = check_scope(request.params.require_str("scope"), _origin(request))
    matches = [
        record for record in _store(request).records.values() if wanted.startswith(record.scope)
    ]
    if not matches:
        return {}
    best = max(matches, key=lambda record: len(record.scope))
    return {"registration": best.json()}


async def get_registrations(request: Request) -> dict[str, Any]:
    """Every registration reported on `origin` (default: the caller's)."""
    origin = request.params.get_str("origin") or _origin(request)
    records = _store(request).records.values()
    return {
        "registrations": [
            record.json() for record in records if origin is None or record.origin == origin
        ]
    }


async def reset(request: Request) -> dict[str, Any]:
    """Forget every registration of the caller's origin and its storage; answers how many."""
    origin = _origin(request)
    store = _store(request)
    gone = [
        key for key, record in store.records.items() if origin is None or record.origin == origin
    ]
    for key in gone:
        del store.records[key]
        store.storage.pop(key, None)
    await store.save()
    return {"removed": len(gone)}


async def skip_waiting(request: Request) -> dict[str, Any]:
    """Note that registration `id`'s waiting worker was told to skip waiting (the engine does
    it: the worker calls `self.skipWaiting()`)."""
    record = _store(request).record(request.params.require_str("id"))
    return {"registration": record.json()}


async def update_state(request: Request) -> dict[str, Any]:
    """Record registration `id`'s worker `state` (installing ... activated, redundant, error),
    and its `scriptURL`/`workerURL` when given."""
    store = _store(request)
    record = store.record(request.params.require_str("id"))
    state = _state(request)
    if state is None:
        raise InvalidArgumentError("Missing parameter 'state'")
    origin = _origin(request)
    script = request.params.get_str("scriptURL")
    worker = request.params.get_str("workerURL")
    record.state = state
    if script:
        record.scriptURL = check_script_url(script, origin)
    if worker:
        record.workerURL = check_script_url(worker, origin)
    await store.save()
    return {"registration": record.json()}


async def storage_all(request: Request) -> dict[str, Any]:
    """Every key and value of registration `id`'s storage."""
    return {"storage": dict(_store(request).values(request.params.require_str("id")))}


async def storage_get(request: Request) -> dict[str, Any]:
    """The value of `key` in registration `id`'s storage (`null` when absent)."""
    key = request.params.require_str("key")
    return {"value": _store(request).values(request.params.require_str("id")).get(key)}


async def storage_set(request: Request) -> dict[str, Any]:
    """Set `key` to the string `value` (or the UTF-8 request body, which keeps any text exactly:
    query values are JSON-decoded) in registration `id`'s storage, kept across runs."""
    store = _store(request)
    values = store.values(request.params.require_str("id"))
    key = request.params.require_str("key")
    if "value" in request.params:
        value = request.params.require_str("value")
    else:
        try:
            value = request.body.decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidArgumentError("Storage value must be UTF-8 text") from None
    Store.check_entry(key, value)
    store.check_room(key, value, values.get(key))
    values[key] = value
    await store.save()
    return {}


async def storage_remove(request: Request) -> dict[str, Any]:
    """Remove `key` from registration `id`'s storage; answers whether it was there."""
    store = _store(request)
    values = store.values(request.params.require_str("id"))
    removed = values.pop(request.params.require_str("key"), None) is not None
    if removed:
        await store.save()
    return {"removed": removed}


async def storage_clear(request: Request) -> dict[str, Any]:
    """Empty registration `id`'s storage."""
    store = _store(request)
    store.values(request.params.require_str("id")).clear()
    await store.save()
    return {}


async def fetch(request: Request) -> bytes:
    """Socket's ``serviceWorker.fetch`` reaches the host only from a caller that is not a page
    (a page's oro:ipc answers it in the page, oro-sw's preload): the page of the caller's
    window answers it for a caller that acts as one (:mod:`oro_sw.page_fetch`)."""
    logger.debug("window %s fetches %s", request.window, request.params.get("url"))
    return await request.host.stash[STATE].page_fetches.ask(request)


async def fetch_answer(request: Request) -> dict[str, Any]:
    """A page's answer to a ``serviceWorker.fetch`` it was asked to make (ticket `ticket`)."""
    request.host.stash[STATE].page_fetches.answer(request)
    return {}


ROUTES: Final = RouteGroup.guarded(
    SERVICE_WORKER,
    handlers={
        "serviceWorker.register": register_worker,
        "serviceWorker.unregister": unregister,
        "serviceWorker.getRegistration": get_registration,
        "serviceWorker.getRegistrations": get_registrations,
        "serviceWorker.reset": reset,
        "serviceWorker.fetch": fetch,
        ANSWER_ROUTE: fetch_answer,
        "serviceWorker.skipWaiting": skip_waiting,
        "serviceWorker.updateState": update_state,
        "serviceWorker.storage": storage_all,
        "serviceWorker.storage.get": storage_get,
        "serviceWorker.storage.set": storage_set,
        "serviceWorker.storage.remove": storage_remove,
        "serviceWorker.storage.clear": storage_clear,
    },
)
"""Every ``serviceWorker.*`` route. The permission is Oro's ``permissions_allow_service_worker``;
``[permissions] allow_service_worker = false`` turns the routes and the auto-registration off."""
