"""The plugin API a plugin is written for, checked when it loads (``oro_framework.host.contract``),
and a hook's deprecation marked in one place (``hookspecs.deprecated_hookspec``).

The plugins are real distributions laid out in a temporary site folder on ``sys.path`` (a package
and its ``.dist-info`` with an ``oro`` entry point, as pip installs one), loaded through the
host's own loader."""

from __future__ import annotations

import importlib
import sys
import textwrap
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from oro_framework import PLUGIN_API_VERSION, Plugin, PluginLoadError, __version__, hookspecs
from oro_framework.host import contract
from oro_framework.host.plugins import LoadedPlugins, PluginInfo, create_plugin_manager
from oro_framework.host.plugins import register_plugin as register

DECLARED = """
from oro_framework import Plugin

plugin = Plugin(api={api}, routes=".routes:ROUTES")
"""
ROUTES = """
from oro_framework import RouteGroup


async def get(request):
    return "value"


ROUTES = RouteGroup(permission="kv", doc="A key/value store.", handlers={"kv.get": get})
"""


def install(site: Path, source: str, *, distribution: str = "oro-kv") -> None:
    """Install ``distribution`` 1.0.0 into ``site`` as pip lays it out: its ``plugin.py`` holds
    ``source``, and its entry point ``kv = oro_kv.plugin``."""
    package = distribution.replace("-", "_")
    (site / package).mkdir(parents=True)
    (site / package / "__init__.py").write_text("", encoding="utf-8")
    (site / package / "plugin.py").write_text(textwrap.dedent(source), encoding="utf-8")
    (site / package / "routes.py").write_text(ROUTES, encoding="utf-8")
    info = site / f"{package}-1.0.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {distribution}\nVersion: 1.0.0\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(f"[oro]\nkv = {package}.plugin\n", encoding="utf-8")
    importlib.invalidate_caches()


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A folder on ``sys.path``; what a test imports from it is forgotten afterwards, since the
    next test installs other code under the same names."""
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))
    yield site
    for name in [name for name in sys.modules if name.split(".")[0] in {"oro_kv", "bare"}]:
        del sys.modules[name]


def load(*, strict: bool = True) -> LoadedPlugins:
    """The host's plugins with the installed ``kv`` as the one third-party plugin."""
    return create_plugin_manager(environ={"ORO_LOAD_PLUGINS": "kv"}, core=False, strict=strict)


def test_a_plugin_written_for_this_api_loads(site: Path) -> None:
    install(site, DECLARED.format(api=PLUGIN_API_VERSION))

    assert "kv" in load().registered


def test_a_plugin_written_for_a_future_api_is_refused_naming_it_both_versions_and_the_fix(
    site: Path,
) -> None:
    install(site, DECLARED.format(api=PLUGIN_API_VERSION + 1))

    with pytest.raises(PluginLoadError) as refused:
        load()

    # What the loader adds after it (how to skip or insist) is its own.
    assert str(refused.value).startswith(
        "plugin entry point 'kv = oro_kv.plugin' from distribution 'oro-kv': written for plugin "
        f"API {PLUGIN_API_VERSION + 1}, newer than this host's: oro-framework {__version__} "
        f"serves plugin API {PLUGIN_API_VERSION}; upgrade oro-framework (pip install -U "
        f"oro-framework), or install a release of oro-kv written for plugin API "
        f"{PLUGIN_API_VERSION}"
    )


def test_a_refused_plugin_is_recorded_broken_and_the_others_stay_registered(site: Path) -> None:
    install(site, DECLARED.format(api=PLUGIN_API_VERSION + 1))

    loaded = load(strict=False)

    assert "kv" not in loaded.registered
    assert "oro" in loaded.registered
    assert f"written for plugin API {PLUGIN_API_VERSION + 1}" in str(loaded.info("kv").error)
    (error,) = loaded.errors
    assert error.distribution == "oro-kv"


def test_a_plugin_written_for_an_api_this_host_no_longer_serves_is_refused_naming_the_fix(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A later oro-framework: it serves plugin APIs 2 and 3, and version 1 is gone.
    monkeypatch.setattr(contract, "PLUGIN_API_VERSION", 3)
    monkeypatch.setattr(contract, "OLDEST_PLUGIN_API_VERSION", 2)
    install(site, DECLARED.format(api=1))

    with pytest.raises(PluginLoadError) as refused:
        load()

    assert refused.value.reason.startswith(
        f"written for plugin API 1, which this host no longer serves: oro-framework "
        f"{__version__} serves plugin APIs 2 to 3; upgrade oro-kv (pip install -U oro-kv), or "
        "use an oro-framework that serves plugin API 1"
    )


def test_a_module_without_a_declaration_says_its_api_with_an_attribute(site: Path) -> None:
    install(
        site,
        f"""
        from oro_framework import hookimpl

        ORO_PLUGIN_API = {PLUGIN_API_VERSION + 1}


        @hookimpl
        def oro_register_routes(routes):
            pass
        """,
    )

    with pytest.raises(PluginLoadError, match=f"written for plugin API {PLUGIN_API_VERSION + 1}"):
        load()


def test_an_api_attribute_that_is_not_a_version_is_refused_saying_what_to_write(
    site: Path,
) -> None:
    install(site, 'ORO_PLUGIN_API = "1"\n')

    with pytest.raises(PluginLoadError) as refused:
        load()

    assert refused.value.reason.startswith(
        "ORO_PLUGIN_API = '1' is no plugin API version: write the whole number "
        "oro_framework.PLUGIN_API_VERSION had when the plugin was written (ORO_PLUGIN_API = "
        f"{PLUGIN_API_VERSION})"
    )


@pytest.mark.parametrize("api", ["1", 0, 1.0, True])
def test_a_declaration_whose_api_is_not_a_version_is_refused(api: object) -> None:
    with pytest.raises(ValueError, match="is no plugin API version"):
        Plugin(api=api)  # type: ignore[arg-type]


def test_an_installed_plugin_that_says_no_api_loads_as_api_1_with_one_warning_naming_it(
    site: Path,
) -> None:
    install(site, 'from oro_framework import Plugin\n\nplugin = Plugin(routes=".routes:ROUTES")\n')

    with pytest.warns(DeprecationWarning, match="does not say which plugin API") as warned:
        loaded = load()

    assert "kv" in loaded.registered
    assert [str(warning.message) for warning in warned if "oro_kv" in str(warning.message)] == [
        "plugin 'kv = oro_kv.plugin' from oro-kv does not say which plugin API it is written "
        f"for; it is taken as 1: add api={PLUGIN_API_VERSION} to its Plugin(...) (or "
        f"ORO_PLUGIN_API = {PLUGIN_API_VERSION} to its module)"
    ]


def test_a_plugin_that_says_no_api_is_refused_once_api_1_is_no_longer_served(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(contract, "PLUGIN_API_VERSION", 2)
    monkeypatch.setattr(contract, "OLDEST_PLUGIN_API_VERSION", 2)
    install(site, 'from oro_framework import Plugin\n\nplugin = Plugin(routes=".routes:ROUTES")\n')

    with (
        pytest.warns(DeprecationWarning, match="does not say which plugin API"),
        pytest.raises(PluginLoadError) as refused,
    ):
        load()

    assert refused.value.reason.startswith("written for plugin API 1, which this host no longer")


def test_a_plugin_module_of_no_distribution_that_says_no_api_loads_without_a_warning(
    site: Path,
) -> None:
    # A test's own plugin, say: there is no author to tell.
    (site / "bare.py").write_text("", encoding="utf-8")
    module = importlib.import_module("bare")

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loaded = create_plugin_manager(autoload=False, plugins=[module])

    assert "bare" in loaded.registered


# -------------------------------------------------------------------------------------------------
# A deprecated hook: marked once, on its specification; every implementing plugin is told
# -------------------------------------------------------------------------------------------------


class DeprecatedSpecs:
    """A hook on its way out, as hookspecs.py would mark it."""

    @hookspecs.deprecated_hookspec(removed_in=2, instead="implement oro_register_routes")
    def oro_register_handlers(self, routes: object) -> None:
        """Called once per host; the routes of an older API.

        :return: nothing.
        """


def test_a_plugin_implementing_a_deprecated_hook_is_warned_where_it_implements_it(
    site: Path,
) -> None:
    install(
        site,
        """
        from oro_framework import hookimpl

        ORO_PLUGIN_API = 1


        @hookimpl
        def oro_register_handlers(routes):
            pass
        """,
    )
    module = importlib.import_module("oro_kv.plugin")
    loaded = create_plugin_manager(autoload=False)
    loaded.manager.add_hookspecs(DeprecatedSpecs)

    with pytest.warns(hookspecs.HookDeprecationWarning) as warned:
        register(loaded, module, PluginInfo("kv", "oro-kv", module=module.__name__), strict=True)

    (warning,) = warned
    assert str(warning.message) == (
        "hook oro_register_handlers is deprecated and goes away in plugin API 2 (this is plugin "
        f"API {PLUGIN_API_VERSION}): implement oro_register_routes"
    )
    # Python shows a warning at its file and line: the plugin's own implementation.
    assert Path(warning.filename) == site / "oro_kv" / "plugin.py"
    assert warning.lineno == 7
    assert "kv" in loaded.registered
