"""The plugins' route wrappers (``oro_route_call``), run as a chain the host drives itself so
that a wrapper that fails is known for certain and taken out of the chain for the rest of the
run (issue 73, "mistakes stay small").

pluggy's single call of the hook runs the same generators in the same order, but a failure out
of it does not say whose it is: a wrapper that forgets ``return call`` hands ``None`` to the
wrappers around it, which hand it on, and the router sees only something it cannot await; "did
not yield" names a function, not a plugin. Here each wrapper's generator is started, sent the
inner call and checked on its own, in pluggy's order and with pluggy's semantics for new-style
wrappers (an exception from an inner one is thrown in at the outer ones' ``yield``), and what an
inner wrapper returns is awaited inside a guard (:class:`_Guarded`) that pins an exception of
its own on it. The outermost one's answer needs no guard: whatever non-:class:`IPCError`
reaches :meth:`RouteWrappers.run` from it is its own, the inner ones' having become
:class:`RouteWrapperError` on the way. One wrapper therefore costs what pluggy's call cost.

A faulty wrapper is logged once, naming its plugin and the fix; the call it broke is answered
:class:`RouteWrapperError` naming the plugin (the handler may have run: it is not run again);
from the next call on the chain leaves it out, and every route answers as if it were not there.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Generator
from typing import TYPE_CHECKING, Any, Final, cast, final

from oro_framework.host.errors import IPCError, RouteWrapperError

if TYPE_CHECKING:
    import pluggy

    from oro_framework.host.request import Request
    from oro_framework.host.router import Route

__all__ = ["RouteWrappers"]

logger = logging.getLogger("oro_framework.hooks")

_RAISES: Final = (
    "raise an IPCError (NotAllowedError, InvalidArgumentError...) to refuse a call; any other "
    "exception is a bug of the wrapper"
)
_YIELD_ONCE: Final = "a wrapper yields exactly once: 'call = yield', then 'return call'"
_RETURN_CALL: Final = (
    "end the wrapper with 'return call' (the inner call it received from 'yield'), "
    "'return wrap_result(call, fn)' or 'return answered(value)'"
)


@final
class RouteWrappers:
    """The ``oro_route_call`` wrappers of one host's plugins, outermost first, less those that
    failed.

    :param hook: the plugin manager's ``oro_route_call`` hook; its implementations are read at
        each call, so plugins registered or dropped later (extensions) join or leave the chain.
    """

    def __init__(self, hook: pluggy.HookCaller) -> None:
        self._hook = hook
        self._seen: list[pluggy.HookImpl] | None = None
        self._chain: tuple[pluggy.HookImpl, ...] = ()
        self._disabled: set[pluggy.HookImpl] = set()

    def chain(self) -> tuple[pluggy.HookImpl, ...]:
        """The wrappers a route call runs through, outermost first (pluggy's order: ``tryfirst``
        ones, then the plugin registered last...): empty unless a plugin wraps routes, so the
        router asks it for every request. Plain implementations are left out: they are refused
        when their plugin loads, and none may answer in a handler's place."""
        implementations = self._hook.get_hookimpls()
        if implementations != self._seen:
            self._seen = implementations
            self._chain = tuple(
                implementation
                for implementation in reversed(implementations)
                if implementation.wrapper and implementation not in self._disabled
            )
        return self._chain

    def plugins(self) -> list[str]:
        """The plugins wrapping route calls now, outermost first."""
        return [implementation.plugin_name for implementation in self.chain()]

    async def run(self, request: Request, route: Route, call: Awaitable[Any]) -> Any:
        """Run the wrappers around ``call`` (the handler's, not started) and await what the
        outermost one returns.

        :raises IPCError: what a wrapper or the handler refused the call with, or
            :class:`RouteWrapperError` for the wrapper that failed.
        """
        awaitable, outermost = self._started(request, route, call)
        try:
            return await awaitable
        except IPCError:
            raise
        except Exception as error:
            raise self.failed(outermost, route, error) from error

    def _started(
        self, request: Request, route: Route, call: Awaitable[Any]
    ) -> tuple[Awaitable[Any], pluggy.HookImpl]:
        """Each wrapper's generator up to its ``yield``, outermost first, then sent the inner
        call innermost first; what the outermost returned and its implementation."""
        arguments = {"request": request, "route": route}
        started: list[tuple[pluggy.HookImpl, Generator[Any, Any, Any]]] = []
        error: IPCError | None = None
        for implementation in self.chain():
            try:
                generator = cast(
                    "Generator[Any, Any, Any]",
                    implementation.function(*[arguments[name] for name in implementation.argnames]),
                )
                next(generator)
            except StopIteration:
                error = self.failed(
                    implementation, route, "returned before it yielded", _YIELD_ONCE
                )
                break
            except IPCError as refused:
                error = refused
                break
            except Exception as raised:
                error = self.failed(implementation, route, raised)
                break
            started.append((implementation, generator))
        result: Awaitable[Any] = call
        for index in range(len(started) - 1, -1, -1):
            implementation, generator = started[index]
            inner = result
            result, error = self._finished(implementation, generator, route, inner, error)
            if index and error is None and result is not inner:
                # Not the outermost: run() takes care of that one's exceptions.
                result = _Guarded(self, implementation, route, result)
        if error is not None:
            raise error
        return result, started[0][0]

    def _finished(
        self,
        implementation: pluggy.HookImpl,
        generator: Generator[Any, Any, Any],
        route: Route,
        inner: Awaitable[Any],
        error: IPCError | None,
    ) -> tuple[Awaitable[Any], IPCError | None]:
        """Resume one wrapper with the inner call (or the error of an inner wrapper): what it
        returned, or the error to go on with."""
        try:
            if error is None:
                generator.send(inner)
            else:
                generator.throw(error)
        except StopIteration as stop:
            result = stop.value
            if not inspect.isawaitable(result):
                problem = (
                    "returned None, not an awaitable"
                    if result is None
                    else f"returned {type(result).__name__}, not an awaitable"
                )
                return inner, self.failed(implementation, route, problem, _RETURN_CALL)
            return result, None
        except IPCError as refused:
            return inner, refused
        except Exception as raised:
            return inner, self.failed(implementation, route, raised)
        generator.close()
        return inner, self.failed(implementation, route, "yielded twice", _YIELD_ONCE)

    def failed(
        self,
        implementation: pluggy.HookImpl,
        route: Route,
        problem: str | Exception,
        fix: str = _RAISES,
    ) -> RouteWrapperError:
        """Take ``implementation`` out of the chain, logging why (once, however many calls
        were under way), and return the error of the call it broke."""
        plugin = implementation.plugin_name
        if isinstance(problem, Exception):
            text = " ".join(str(problem).split())
            what = f"raised {type(problem).__name__}" + (f": {text}" if text else "")
        else:
            what = problem
        if implementation not in self._disabled:
            self._disabled.add(implementation)
            self._seen = None
            # The traceback only with INFO on (oro -v): a user needs the line, an author more.
            traced = problem if isinstance(problem, Exception) else None
            logger.error(
                "plugin %r: hook oro_route_call(%s) %s; its route wrapper is taken out of the "
                "chain for the rest of the run. Fix: %s",
                plugin,
                route.name,
                what,
                fix,
                exc_info=traced if logger.isEnabledFor(logging.INFO) else None,
            )
        return RouteWrapperError(
            f"The route wrapper of plugin '{plugin}' failed on this call of '{route.name}' "
            f"(it {what.split(':', 1)[0]}) and is disabled for the rest of the run (details in "
            "the host log)",
            plugin=plugin,
            route=route.name,
        )

    async def _guard(
        self, implementation: pluggy.HookImpl, route: Route, awaitable: Awaitable[Any]
    ) -> Any:
        try:
            return await awaitable
        except IPCError:
            raise
        except Exception as error:
            raise self.failed(implementation, route, error) from error


@final
class _Guarded:
    """What an inner wrapper returned, as the outer wrapper receives it: awaiting it awaits the
    wrapper's answer, and an exception of the wrapper's own becomes its
    :class:`RouteWrapperError`. Nothing starts until it is awaited, so an outer wrapper that
    answers without it (a cache hit) leaves no coroutine behind."""

    __slots__ = ("_awaitable", "_implementation", "_route", "_wrappers")

    def __init__(
        self,
        wrappers: RouteWrappers,
        implementation: pluggy.HookImpl,
        route: Route,
        awaitable: Awaitable[Any],
    ) -> None:
        self._wrappers = wrappers
        self._implementation = implementation
        self._route = route
        self._awaitable = awaitable

    def __await__(self) -> Generator[Any, None, Any]:
        guard = self._wrappers._guard(self._implementation, self._route, self._awaitable)
        return guard.__await__()
