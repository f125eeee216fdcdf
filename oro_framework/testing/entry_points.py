"""Plugins loaded the way ``oro run`` loads them: by their entry point, from the installed
distribution.

A test that imports a plugin's module (``from oro_hello import plugin``) passes even when the
distribution's ``[project.entry-points.oro]`` is wrong, which only ``oro run`` would then find.
:func:`installed_plugin` takes the plugin through the installed metadata and the host's own
loader instead, as pytest's ``pytester`` runs a plugin through ``-p``::

    from oro_framework.testing import installed_plugin, make_host

    plugin = installed_plugin("hello")  # the name left of `=` in pyproject.toml

    async def test_greet() -> None:
        async with make_host(plugins=[plugin]) as host:
            ...
"""

from __future__ import annotations

from typing import Final

from oro_framework.host.errors import PluginLoadError
from oro_framework.host.installed import (
    ENTRY_POINT_GROUP,
    FRAMEWORK_DISTRIBUTION,
    PluginEntry,
    plugin_entries,
)
from oro_framework.host.plugins import create_plugin_manager, load_entry_point

__all__ = ["installed_plugin"]

_INSTALL_HINT: Final = (
    "install the plugin's distribution into the environment the tests run in (`uv sync`, or "
    "`pip install -e .` in its folder), and check the name left of `=` under "
    f"[project.entry-points.{ENTRY_POINT_GROUP}] in its pyproject.toml"
)


def installed_plugin(name: str) -> object:
    """The plugin of the installed entry point ``name`` (group ``oro``), imported and checked
    against the hookspecs by the loader ``oro run`` uses: what :func:`make_host`,
    :func:`served_app` and the ``oro_plugins`` fixture accept, named after its entry point.

    :param name: the entry point's name (``hello`` for ``hello = "oro_hello.plugin"``).
    :raises PluginLoadError: no installed distribution declares ``name`` (the message lists
        those that do and the nearest name), or its entry point points nowhere (a module or
        attribute that does not import), or the plugin breaks the hookspecs: the error
        ``oro run`` would stop with.
    """
    entries = plugin_entries()
    found = next((entry for entry in entries if entry.name == name), None)
    if found is None:
        raise PluginLoadError(_not_installed(name, entries), entry_point=name, distribution=None)
    # A manager of its own with this plugin alone: the import (and its time limit), the
    # declaration and the hook checks are the host's, and no other installed plugin takes part.
    loaded = create_plugin_manager(autoload=False, environ={})
    load_entry_point(loaded, found, False)
    if loaded.errors:
        raise loaded.errors[0]
    return found.load()


def _not_installed(name: str, entries: tuple[PluginEntry, ...]) -> str:
    import difflib  # only for this error's hint

    names = sorted({entry.name for entry in entries})
    nearest = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    guess = f" (did you mean '{nearest[0]}'?)" if nearest else ""
    third_party = sorted(
        f"{entry.name} ({entry.distribution})"
        for entry in entries
        if entry.distribution not in (None, FRAMEWORK_DISTRIBUTION)
    )
    listed = ", ".join(third_party) or "none"
    return (
        f"no installed distribution has an entry point named '{name}' in group "
        f"'{ENTRY_POINT_GROUP}'{guess}; installed plugins: {listed}. To fix: {_INSTALL_HINT}"
    )
