"""The oro-ai plugin: its parts declared (each imported when a host first needs it,
:class:`oro_framework.Plugin`: the models' engine only once a host is built); what depends on
the host's config as hooks: the model-state announcements, the OpenAI-compatible API's mount
and the doctor checks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from oro_framework import Plugin, PluginService, hookimpl

if TYPE_CHECKING:
    from oro_ai.model_status import ModelStatus
    from oro_framework import DoctorCheck, Host, MountTable

plugin = Plugin(
    api=1,
    permissions=[".permissions:AI", ".permissions:AI_UPSTREAM"],
    settings={"ai.llm": ".settings:AISettings", "ai": ".settings:RoutingSettings"},
    # Nothing to release when the state is dropped: the models were freed when the ai.llm
    # service stopped, as their workers ended with its task group.
    state={".state:STATE": ".state:AIState.from_host"},
    routes=".routes:ROUTES",
    js_modules="js",
    events=".model_status:MODEL_STATE_EVENT",
    services=PluginService(
        "ai.llm", ".state:STATE.run", doc="Resident language models and their decoding workers"
    ),
    hooks={"oro_diagnostics": ".state:STATE.diagnostics"},
)


@hookimpl
def oro_configure(host: Host) -> None:
    from oro_ai.model_status import MODEL_STATE_EVENT
    from oro_ai.state import STATE

    def announce(status: ModelStatus) -> None:
        host.emit(MODEL_STATE_EVENT, status.to_json())

    host.stash[STATE].manager.listeners.append(announce)


@hookimpl
def oro_register_mounts(mounts: MountTable, host: Host) -> None:
    from oro_ai.routes import ROUTES
    from oro_ai.settings import SERVER_PREFIX_KEY
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
            f"key '{SERVER_PREFIX_KEY}' cannot be {state.settings.prefix!r}: {error}",
            key=SERVER_PREFIX_KEY,
            source=host.config.source(SERVER_PREFIX_KEY),
        ) from None


@hookimpl
def oro_doctor_checks() -> list[DoctorCheck]:
    from oro_ai import doctor

    return doctor.checks()
