"""The oro-ai plugin: hook implementations only.

Every command loads this module to collect the plugins' hooks (``oro --help`` too): it imports
nothing but ``hookimpl``, and each hook imports what it hands the host, so a command that never
builds a host never imports the routes, the models' engine or the settings.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from oro_framework import hookimpl

if TYPE_CHECKING:
    from oro_ai.model_status import ModelStatus
    from oro_framework import (
        ConfigRegistry,
        DoctorCheck,
        Host,
        JSModuleTable,
        MountTable,
        PageEventTable,
        PermissionRegistry,
        RouteTable,
        ServiceRegistry,
    )

JS_DIRECTORY: Final = Path(__file__).parent / "js"
SERVER_PREFIX: Final = "ai.llm.server_prefix"


@hookimpl
def oro_register_permissions(permissions: PermissionRegistry) -> None:
    from oro_ai.permissions import AI, AI_UPSTREAM

    permissions.declare(AI)
    permissions.declare(AI_UPSTREAM)


@hookimpl
def oro_register_config(config: ConfigRegistry) -> None:
    from oro_ai.settings import AISettings, RoutingSettings

    config.add_settings(AISettings, section="ai.llm")
    config.add_settings(RoutingSettings, section="ai")


@hookimpl
def oro_configure(host: Host) -> None:
    from oro_ai.model_status import MODEL_STATE_EVENT
    from oro_ai.state import STATE, AIState

    state = AIState.from_host(host)

    def announce(status: ModelStatus) -> None:
        host.emit(MODEL_STATE_EVENT, status.to_json())

    state.manager.listeners.append(announce)
    host.stash[STATE] = state


@hookimpl
def oro_register_routes(routes: RouteTable) -> None:
    from oro_ai.routes import ROUTES

    routes.add_group(ROUTES)


@hookimpl
def oro_register_page_events(events: PageEventTable) -> None:
    from oro_ai.model_status import MODEL_STATE_EVENT

    events.add(MODEL_STATE_EVENT)


@hookimpl
def oro_register_mounts(mounts: MountTable, host: Host) -> None:
    from oro_ai.routes import ROUTES
    from oro_ai.state import STATE
    from oro_framework import ConfigError, RegistrationError

    state = host.stash[STATE]
    try:
        mounts.mount(
            state.settings.prefix,
            state.serve,
            doc="OpenAI-compatible API of the local models (/v1/chat/completions...)",
            permission=ROUTES.permission,
            authenticate=state.authenticate,
        )
    except RegistrationError as error:
        # A prefix the host keeps (/ipc) or another plugin's mount: the fix is in the config.
        raise ConfigError(
            f"key '{SERVER_PREFIX}' cannot be {state.settings.prefix!r}: {error}",
            key=SERVER_PREFIX,
            source=host.config.source(SERVER_PREFIX),
        ) from None


@hookimpl
def oro_register_js_modules(modules: JSModuleTable) -> None:
    modules.add_directory(JS_DIRECTORY)


@hookimpl
def oro_register_services(services: ServiceRegistry, host: Host) -> None:
    from oro_ai.state import STATE

    services.add(
        "ai.llm",
        host.stash[STATE].run,
        doc="Resident language models and their decoding workers",
    )


@hookimpl
def oro_diagnostics(host: Host) -> dict[str, Any]:
    from oro_ai.state import STATE

    return host.stash[STATE].diagnostics()


@hookimpl
def oro_doctor_checks() -> list[DoctorCheck]:
    from oro_ai import doctor

    return doctor.checks()


@hookimpl
def oro_unconfigure(host: Host) -> None:
    from oro_ai.state import STATE

    # Nothing else to release: the models were freed when the ai.llm service stopped, as their
    # workers ended with its task group.
    host.stash.pop(STATE)
