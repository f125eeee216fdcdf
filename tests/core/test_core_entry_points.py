import pytest

from oro_framework import Host

CORE_PLUGINS = {
    "ping",
    "platform",
    "os",
    "process",
    "diagnostics",
    "permissions",
    "application",
    "protocols",
}


@pytest.fixture
def core_host(tmp_path):
    # ORO_LOAD_PLUGINS="" keeps third-party plugins installed in the venv out of the picture.
    host = Host(
        tmp_path,
        autoload=True,
        environ={"ORO_LOAD_PLUGINS": ""},
        data_dir=tmp_path / "data",
        cache_dir=tmp_path / "cache",
        temp_dir=tmp_path / "temp",
    )
    try:
        yield host
    finally:
        host.close()


def test_core_plugins_load_through_the_oro_entry_point_group(core_host):
    loaded = {info.name for info in core_host.plugins if info.is_core}

    assert loaded >= CORE_PLUGINS


def test_every_core_route_has_a_one_line_doc(core_host):
    core_routes = [route for route in core_host.routes if route.plugin in CORE_PLUGINS]

    assert core_routes
    assert all(route.doc and "\n" not in route.doc for route in core_routes)
