"""Long-running plugin tasks, started with ``TaskGroup.start`` and supervised by the host."""

from __future__ import annotations

import logging
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, final

import anyio
from anyio.abc import TaskGroup, TaskStatus

from oro_framework.errors import ServiceError
from oro_framework.host.registry import Registry
from oro_framework.host.watchdog import working_on

__all__ = ["Service", "ServiceRegistry", "ServiceRunner"]

logger = logging.getLogger("oro_framework.services")

ServiceRun = Callable[..., Awaitable[None]]
"""``async def run(*, task_status: TaskStatus[Any]) -> None``."""


@final
@dataclass(frozen=True)
class Service:
    """A registered service. ``startup_timeout`` bounds the wait for ``task_status.started()``."""

    name: str
    run: ServiceRun
    doc: str
    plugin: str
    startup_timeout: float = 10.0
    stop_on_pause: bool = False


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
    ) -> Service:
        """Register ``run`` as service ``name``.

        :param startup_timeout: seconds ``run`` has to call ``task_status.started()``.
        :param stop_on_pause: cancel the service when the app pauses, start it again on resume.
        :raises RegistrationConflict: another plugin registered a service with this name.
        """
        if not math.isfinite(startup_timeout) or startup_timeout <= 0:
            raise ValueError(f"startup_timeout of service {name!r} must be a positive number")
        service = Service(name, run, doc, self.current_plugin, startup_timeout, stop_on_pause)
        self._claim(name, service)
        return service


@dataclass
class _Running:
    scope: anyio.CancelScope
    done: anyio.Event = field(default_factory=anyio.Event)


@final
class ServiceRunner:
    """Starts, pauses, resumes and stops the services of one host inside its task group."""

    def __init__(self, services: ServiceRegistry) -> None:
        self._services = services
        self._running: dict[str, _Running] = {}

    @property
    def running(self) -> list[str]:
        return list(self._running)

    async def start_all(self, task_group: TaskGroup) -> None:
        """Start every service in registration order, each within its startup timeout."""
        for service in self._services:
            await self.start(task_group, service)

    async def start(self, task_group: TaskGroup, service: Service) -> None:
        """Start ``service`` and return once it reported ``started()``.

        :raises ServiceError: it raised, returned, or stayed silent past its startup timeout.
        """
        with anyio.move_on_after(service.startup_timeout) as deadline:
            await task_group.start(self._supervise, service)
        if deadline.cancelled_caught:
            self.cancel(service.name)
            raise ServiceError(service.name, f"did not start within {service.startup_timeout:g} s")

    async def _supervise(self, service: Service, *, task_status: TaskStatus[None]) -> None:
        running = _Running(anyio.CancelScope())
        self._running[service.name] = running
        has_started = False

        def started(value: Any = None) -> None:
            nonlocal has_started
            has_started = True
            task_status.started()

        try:
            with (
                running.scope,
                working_on(f"service {service.name!r} of plugin {service.plugin!r}"),
            ):
                await service.run(task_status=_StatusProxy(started))
        except ServiceError:
            raise
        except Exception as error:
            phase = "crashed" if has_started else "failed to start"
            raise ServiceError(service.name, f"{phase}: {error!r}") from error
        finally:
            del self._running[service.name]
            running.done.set()
        if not running.scope.cancel_called:
            state = "returned" if has_started else "returned before it reported started"
            raise ServiceError(service.name, f"{state}; services run until cancelled")

    def cancel(self, name: str) -> None:
        if name in self._running:
            self._running[name].scope.cancel()

    async def stop(self, name: str) -> None:
        """Cancel service ``name`` and wait until its ``finally`` blocks ran."""
        running = self._running.get(name)
        if running is not None:
            running.scope.cancel()
            await running.done.wait()

    async def stop_all(self) -> None:
        """Stop every service, last started first."""
        for name in reversed(self.running):
            await self.stop(name)


@final
class _StatusProxy(TaskStatus[Any]):
    """Lets the supervisor know that the service reported ready, then tells the task group."""

    def __init__(self, started: Callable[[Any], None]) -> None:
        self._started = started

    def started(self, value: Any = None) -> None:
        self._started(value)
