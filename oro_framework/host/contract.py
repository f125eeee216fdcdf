"""The plugin API a plugin is written for, checked when the plugin loads.

A plugin says which version of the hook contract (:data:`~oro_framework.PLUGIN_API_VERSION`)
it was written for: ``api=`` in its declaration (``plugin = Plugin(api=1, ...)``), or, in an
entry module without a declaration (or a plugin object), the attribute ``ORO_PLUGIN_API = 1``.
This host serves every version from :data:`~oro_framework.hookspecs.OLDEST_PLUGIN_API_VERSION`
to ``PLUGIN_API_VERSION``; :func:`check_plugin_api` refuses a plugin written for another with a
:class:`~oro_framework.PluginLoadError` naming both versions and what to upgrade. oro-framework's
own plugins (the built-in one and :mod:`oro_framework.core`) ship with the API they serve and
are not checked.

A plugin that says nothing is taken as written for version 1, the contract as it stood before
plugins could say: it loads while this host serves version 1 and is refused once version 1 is
dropped. An installed one (the entry point of a distribution) gets a
:class:`DeprecationWarning` naming it: Python shows that to whoever runs the plugin's tests
(pytest lists it) and by default not to an app's user, who cannot act on it.
"""

from __future__ import annotations

import warnings
from typing import Final

from oro_framework.hookspecs import OLDEST_PLUGIN_API_VERSION, PLUGIN_API_VERSION
from oro_framework.host.declaration import DECLARATION_NAME, Plugin
from oro_framework.host.errors import PluginLoadError
from oro_framework.host.installed import FRAMEWORK_DISTRIBUTION, framework_version

__all__ = ["API_ATTRIBUTE", "UNDECLARED_API", "check_plugin_api", "declared_api"]

API_ATTRIBUTE: Final = "ORO_PLUGIN_API"
"""The attribute of a plugin without a declaration that says its plugin API."""

UNDECLARED_API: Final = 1
"""The plugin API of a plugin that says none: the one before plugins could say."""


def declared_api(plugin: object) -> int | None:
    """The plugin API ``plugin`` says it is written for: its declaration's ``api``, else its
    ``ORO_PLUGIN_API``; ``None`` when it says none.

    :raises ValueError: ``ORO_PLUGIN_API`` is not a whole number of at least 1 (``Plugin``
        checks its ``api`` itself).
    """
    declaration = getattr(plugin, DECLARATION_NAME, None)
    if isinstance(declaration, Plugin) and declaration.api is not None:
        return declaration.api
    value = getattr(plugin, API_ATTRIBUTE, None)
    if value is None:
        return None
    if type(value) is not int or value < 1:
        raise ValueError(
            f"{API_ATTRIBUTE} = {value!r} is no plugin API version: write the whole number "
            f"oro_framework.PLUGIN_API_VERSION had when the plugin was written "
            f"({API_ATTRIBUTE} = {PLUGIN_API_VERSION})"
        )
    return value


def check_plugin_api(plugin: object, entry_point: str, distribution: str | None) -> None:
    """Refuse ``plugin`` (the entry point ``entry_point`` of ``distribution``) when it is
    written for a plugin API this host does not serve; warn once when an installed plugin says
    none.

    :raises PluginLoadError: the plugin is written for a newer plugin API than this host's, or
        for one older than the oldest it serves, or says its version wrongly.
    """
    if distribution == FRAMEWORK_DISTRIBUTION:
        return  # oro-framework's own plugins are written for the API they ship with
    try:
        api = declared_api(plugin)
    except ValueError as error:
        raise PluginLoadError(
            str(error), entry_point=entry_point, distribution=distribution
        ) from None
    if api is None:
        if distribution is not None:
            warnings.warn(
                f"plugin {entry_point!r} from {distribution} does not say which plugin API it "
                f"is written for; it is taken as {UNDECLARED_API}: add api="
                f"{PLUGIN_API_VERSION} to its Plugin(...) (or {API_ATTRIBUTE} = "
                f"{PLUGIN_API_VERSION} to its module)",
                DeprecationWarning,
                stacklevel=2,
            )
        api = UNDECLARED_API
    reason = _refusal(api, distribution)
    if reason is not None:
        raise PluginLoadError(reason, entry_point=entry_point, distribution=distribution)


def _refusal(api: int, distribution: str | None) -> str | None:
    """Why a plugin written for plugin API ``api`` cannot load here, naming the fix."""
    owner = distribution or "the plugin"
    served = (
        f"plugin API {PLUGIN_API_VERSION}"
        if OLDEST_PLUGIN_API_VERSION == PLUGIN_API_VERSION
        else f"plugin APIs {OLDEST_PLUGIN_API_VERSION} to {PLUGIN_API_VERSION}"
    )
    here = f"oro-framework {framework_version()} serves {served}"
    if api > PLUGIN_API_VERSION:
        return (
            f"written for plugin API {api}, newer than this host's: {here}; upgrade "
            f"oro-framework (pip install -U oro-framework), or install a release of {owner} "
            f"written for plugin API {PLUGIN_API_VERSION}"
        )
    if api < OLDEST_PLUGIN_API_VERSION:
        return (
            f"written for plugin API {api}, which this host no longer serves: {here}; upgrade "
            f"{owner}{f' (pip install -U {distribution})' if distribution else ''}, or use an "
            f"oro-framework that serves plugin API {api}"
        )
    return None
