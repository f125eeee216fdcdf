"""Long-running plugin tasks, started with ``TaskGroup.start`` and supervised by the host.

A service that crashes (raises, returns, or misses its startup timeout) is restarted with
exponential backoff up to ``services.restart_limit`` times, then marked ``failed`` until the host
restarts; while it is down the routes of its plugin answer ``ServiceUnavailableError``. A service
registered with ``required=True`` stops the host instead, with a :class:`ServiceError`.
"""

from __future__ import annotations

import enum
import inspect
import logging
import math
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import field
from typing import Any, Final, NamedTuple, final

import anyio
import anyio.lowlevel
from anyio.abc import TaskGroup, TaskStatus

from oro_framework.host.builtin_settings import RestartPolicy
from oro_framework.host.errors import RegistrationError, ServiceError, ServiceUnavailableError
from oro_framework.host.registry import Registry
from oro_framework.host.router import DOTTED_NAME
from oro_framework.host.watchdog import working_on
from oro_framework.records import record

__all__ = [
    "SERVICE_STATE_EVENT",
    "Service",
    "ServiceRegistry",
    "ServiceRunner",
    "ServiceState",
    "ServiceStatus",
]

logger = logging.getLogger("oro_framework.services")

SERVICE_STATE_EVENT: Final = "servicestatechange"
"""The event pages receive on each service state change, with :meth:`ServiceStatus.to_dict`
(the host emits it from the runner's ``on_change``)."""

ServiceRun = Callable[..., Awaitable[None]]
"""``async def run(*, task_status: TaskStatus[Any]) -> None``."""


@final
@record
class Service:
    """A registered service. ``startup_timeout`` bounds the wait for ``task_status.started()``;
    a ``required`` service stops the host when it fails instead of being restarted."""

    name: str
    run: ServiceRun
    doc: str
    plugin: str
    startup_timeout: float = 10.0
    stop_on_pause: bool = False
    required: bool = False

    @property
    def label(self) -> str:
        """How logs name it: ``service 'conduit' of plugin 'conduit'``."""
        return f"service {self.name!r} of plugin {self.plugin!r}"


@final
class ServiceRegistry(Registry[Service]):
    """Passed to ``oro_register_services``."""

    kind = "service"

    def add(
        self,
        name: str,
        run: ServiceRun,
        *,
        doc: str,
        startup_timeout: float = 10.0,
        stop_on_pause: bool = False,
        required: bool = False,
    ) -> Service:
        """Register ``run`` as service ``name``.

        :param run: ``async def run(*, task_status)``: calls ``task_status.started()`` once ready,
            then runs until cancelled.
        :param doc: one line saying what the service does.
        :param startup_timeout: seconds ``run`` has to call ``task_status.started()``.
        :param stop_on_pause: cancel the service when the app pauses, start it again on resume.
        :param required: stop the host with :class:`ServiceError` when the service fails to start
            or crashes, instead of restarting it while the rest of the host keeps serving.
        :raises RegistrationError: a bad name, a ``run`` that is not ``async def``, a ``doc``
            that is not a string, or a ``startup_timeout`` that is not a positive number.
        :raises RegistrationConflict: another plugin registered a service with this name.
        """
        plugin = self.current_plugin
        if not isinstance(name, str) or not DOTTED_NAME.match(name):
            raise RegistrationError(
                f"service name {name!r} must look like 'name' or 'namespace.name'", plugin=plugin
            )
        if not inspect.iscoroutinefunction(run):
            raise RegistrationError(
                f"run of service {name!r} must be an 'async def run(*, task_status)' function, "
                f"got {run!r}",
                plugin=plugin,
            )
        if not isinstance(doc, str):
            raise RegistrationError(f"doc of service {name!r} must be a string", plugin=plugin)
        if (
            isinstance(startup_timeout, bool)
            or not isinstance(startup_timeout, int | float)
            or not math.isfinite(startup_timeout)
            or startup_timeout <= 0
        ):
            raise RegistrationError(
                f"startup_timeout of service {name!r} must be a positive number of seconds, "
                f"got {startup_timeout!r}",
                plugin=plugin,
            )
        service = Service(
            name, run, doc, plugin, startup_timeout, bool(stop_on_pause), bool(required)
        )
        self._claim(name, service)
        return service


class ServiceState(enum.StrEnum):
    """Where a service is: ``starting`` (its ``run`` has not reported started yet), ``running``,
    ``restarting`` (it crashed; the next attempt is scheduled), ``failed`` (given up on until the
    host restarts) or ``stopped`` (not started yet, paused, or stopped with the host)."""

    STARTING = "starting"
    RUNNING = "running"
    RESTARTING = "restarting"
    FAILED = "failed"
    STOPPED = "stopped"


@final
@record(frozen=False, eq=False)
class ServiceStatus:
    """What the host knows of one service right now (kept up to date by the host: read it, do
    not change it); ``diagnostics.query`` shows it.

    :ivar is_down: it crashed and has not reported started since: the routes of its plugin answer
        :class:`ServiceUnavailableError`. A stop never sets it: that is not a crash.
    :ivar last_error: what ended its last attempt (the exception it raised, or a
        :class:`ServiceError` saying it returned or did not start in time).
    :ivar retry_at: loop time (``anyio.current_time()``) of the next attempt while restarting.
    """

    service: Service
    policy: RestartPolicy
    state: ServiceState = ServiceState.STOPPED
    is_down: bool = False
    last_error: BaseException | None = None
    retry_at: float | None = None
    up_since: float | None = None
    streak: int = field(default=0, repr=False)

    @property
    def restarts(self) -> int:
        """Restarts since the service last stayed up ``services.stable_after_ms``."""
        if self._has_been_stable():
            return 0
        return self.streak

    def _has_been_stable(self) -> bool:
        # A service that ran fine for a while and then crashes is a new incident, not part of a
        # crash loop: without this, one crash a day would use up the restart limit in a week.
        if self.state is not ServiceState.RUNNING or self.up_since is None:
            return False
        return anyio.current_time() - self.up_since >= self.policy.stable_after_ms / 1000

    def retry_after_ms(self) -> int | None:
        """Milliseconds until the next attempt, while one is scheduled."""
        if self.retry_at is None:
            return None
        return max(0, math.ceil((self.retry_at - anyio.current_time()) * 1000))

    def describe_error(self) -> dict[str, str] | None:
        """``{"type", "message"}`` of :attr:`last_error`; never a traceback."""
        if self.last_error is None:
            return None
        return {"type": type(self.last_error).__name__, "message": str(self.last_error)}

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: ``service``, ``plugin``, ``state``, ``restarts``, ``error`` and, while a
        restart is scheduled, ``retryAfter`` in milliseconds."""
        report: dict[str, Any] = {
            "service": self.service.name,
            "plugin": self.service.plugin,
            "state": self.state.value,
            "restarts": self.restarts,
            "error": self.describe_error(),
        }
        retry_after = self.retry_after_ms()
        if retry_after is not None:
            report["retryAfter"] = retry_after
        return report

    def unavailable_error(self) -> ServiceUnavailableError:
        """What a route of this service's plugin answers while the service is down."""
        name = f"Service '{self.service.name}' of plugin '{self.service.plugin}'"
        extra: dict[str, Any] = {"service": self.service.name, "state": self.state.value}
        retry_after = self.retry_after_ms()
        if retry_after is not None:
            extra["retryAfter"] = retry_after
            message = f"{name} is restarting; retry in {retry_after} ms"
        elif self.state is ServiceState.FAILED:
            message = f"{name} has failed; it is not restarted until the app restarts"
        else:
            message = f"{name} is starting again after a crash"
        return ServiceUnavailableError(message, **extra)


@final
class _Supervision:
    """One supervised period of a service: from start (or resume) to stop (or pause)."""

    def __init__(self) -> None:
        self.scope = anyio.CancelScope()
        self.done = anyio.Event()


@final
class ServiceRunner:
    """Starts, supervises, pauses, resumes and stops the services of one host in its task group.

    :param policy: restart limits and backoff.
    :param on_change: called with the status after every state change (the host emits
        ``servicestatechange`` to the pages).
    :ivar unavailable: plugin name → a function building the error its routes answer, for the
        plugins with a service down; the router checks it before running a handler.
    """

    def __init__(
        self,
        services: ServiceRegistry,
        policy: RestartPolicy | None = None,
        *,
        on_change: Callable[[ServiceStatus], None] | None = None,
    ) -> None:
        self._services = services
        self._policy = policy or RestartPolicy()
        self._on_change = on_change
        self._statuses = {
            service.name: ServiceStatus(service, self._policy) for service in services
        }
        self._supervisions: dict[str, _Supervision] = {}
        self.unavailable: dict[str, Callable[[], ServiceUnavailableError]] = {}

    @property
    def running(self) -> list[str]:
        """Names of the services in state ``running``, in start order."""
        return [
            name
            for name in self._supervisions
            if self._statuses[name].state is ServiceState.RUNNING
        ]

    def status(self, name: str) -> ServiceStatus:
        """:raises KeyError: no service is registered under ``name``."""
        return self._statuses[name]

    def __iter__(self) -> Iterator[ServiceStatus]:
        """Every service's status, in registration order."""
        return iter(self._statuses.values())

    async def start_all(self, task_group: TaskGroup) -> None:
        """Start every service in registration order, each within its startup timeout."""
        for service in self._services:
            await self.start(task_group, service)

    async def start(self, task_group: TaskGroup, service: Service) -> None:
        """Start supervising ``service``; return once it reported ``started()``, or once its
        first attempt failed and a restart is scheduled (or it is given up on).

        :raises ServiceError: a ``required`` service raised, returned, or stayed silent past its
            startup timeout.
        """
        await task_group.start(self._supervise, self._statuses[service.name])

    async def _supervise(self, status: ServiceStatus, *, task_status: TaskStatus[None]) -> None:
        service = status.service
        supervision = _Supervision()
        self._supervisions[service.name] = supervision
        first = _FirstReport(task_status)
        try:
            with supervision.scope:
                await self._keep_running(status, first)
        finally:
            del self._supervisions[service.name]
            if status.state is not ServiceState.FAILED:
                status.streak = status.restarts  # a stable run before a pause resets the count
                status.retry_at = None
                status.is_down = False
                self._change(status, ServiceState.STOPPED)
            supervision.done.set()

    async def _keep_running(self, status: ServiceStatus, first: _FirstReport) -> None:
        """Run ``status.service`` again each time it crashes, until the restart limit."""
        service = status.service
        while True:
            crash = await self._run_once(status, first)
            restarts = status.restarts
            status.up_since = None
            status.last_error = crash.error or ServiceError(service.name, crash.reason)
            status.is_down = True
            if service.required:
                raise ServiceError(service.name, crash.reason) from crash.error
            if restarts >= self._policy.restart_limit:
                status.streak = restarts
                logger.error(
                    "%s %s; given up after %d restart(s): the routes of its plugin answer "
                    "ServiceUnavailableError until the app restarts",
                    service.label,
                    crash.reason,
                    restarts,
                    exc_info=crash.error,
                )
                self._change(status, ServiceState.FAILED)
                first.report()
                return
            delay = self._policy.delay(restarts)
            status.streak = restarts + 1
            status.retry_at = anyio.current_time() + delay
            logger.error(
                "%s %s; restart %d of %d in %.0f ms",
                service.label,
                crash.reason,
                status.streak,
                self._policy.restart_limit,
                delay * 1000,
                exc_info=crash.error,
            )
            self._change(status, ServiceState.RESTARTING)
            first.report()
            await anyio.sleep(delay)
            status.retry_at = None

    async def _run_once(self, status: ServiceStatus, first: _FirstReport) -> _Crash:
        """Run the service until it crashes and return how; a stop (or the host's own
        cancellation) propagates as cancellation and is never a crash."""
        service = status.service
        has_started = False
        attempt = anyio.CancelScope(deadline=anyio.current_time() + service.startup_timeout)

        def started(value: Any = None) -> None:
            nonlocal has_started
            if has_started:
                return
            has_started = True
            attempt.deadline = math.inf
            status.up_since = anyio.current_time()
            status.is_down = False
            self._change(status, ServiceState.RUNNING)
            first.report()

        self._change(status, ServiceState.STARTING)
        error: Exception | None = None
        try:
            with attempt, working_on(service.label):
                await service.run(task_status=_StatusProxy(started))
        except Exception as raised:
            error = raised
        try:
            await anyio.lowlevel.checkpoint_if_cancelled()
        except anyio.get_cancelled_exc_class():
            if error is not None:
                logger.exception("%s raised while it was stopped", service.label, exc_info=error)
            raise
        if error is not None:
            return _Crash(f"{'crashed' if has_started else 'failed to start'}: {error!r}", error)
        if attempt.cancelled_caught and not has_started:
            return _Crash(f"did not start within {service.startup_timeout:g} s")
        if has_started:
            return _Crash("returned; services run until cancelled")
        return _Crash("returned before it reported started")

    def _change(self, status: ServiceStatus, state: ServiceState) -> None:
        status.state = state
        self._mark_plugin(status.service.plugin)
        if self._on_change is not None:
            self._on_change(status)

    def _mark_plugin(self, plugin: str) -> None:
        down = next(
            (status for status in self if status.service.plugin == plugin and status.is_down),
            None,
        )
        if down is None:
            self.unavailable.pop(plugin, None)
        else:
            self.unavailable[plugin] = down.unavailable_error

    async def stop(self, name: str) -> None:
        """Stop supervising service ``name``: cancel it (or its scheduled restart) and wait
        until its ``finally`` blocks ran."""
        supervision = self._supervisions.get(name)
        if supervision is not None:
            supervision.scope.cancel()
            await supervision.done.wait()

    async def stop_all(self) -> None:
        """Stop every service, last started first."""
        for name in reversed(list(self._supervisions)):
            await self.stop(name)

    def add(self, service: Service) -> None:
        """Supervise ``service`` too, registered after the runner was made (a service of an
        extension a page loads); :meth:`start` starts it."""
        self._statuses.setdefault(service.name, ServiceStatus(service, self._policy))

    async def remove(self, name: str) -> None:
        """Stop service ``name`` and forget it, its status and whether its plugin is down: the
        plugin was unloaded, and a later load starts a new one."""
        await self.stop(name)
        status = self._statuses.pop(name, None)
        if status is not None:
            self._mark_plugin(status.service.plugin)


class _Crash(NamedTuple):
    """How one attempt ended: ``reason`` completes ``service 'x' ...``; ``error`` is what the
    service raised, if it raised."""

    reason: str
    error: Exception | None = None


@final
class _FirstReport:
    """Tells the caller of ``TaskGroup.start`` once that the first attempt reached a verdict."""

    def __init__(self, task_status: TaskStatus[None]) -> None:
        self._task_status: TaskStatus[None] | None = task_status

    def report(self) -> None:
        if self._task_status is not None:
            task_status, self._task_status = self._task_status, None
            task_status.started()


@final
class _StatusProxy(TaskStatus[Any]):
    """Lets the supervisor know that the service reported ready."""

    def __init__(self, started: Callable[[Any], None]) -> None:
        self._started = started

    def started(self, value: Any = None) -> None:
        self._started(value)
