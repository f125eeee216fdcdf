"""Oro's `[webview.navigator.mounts]` entries as oro-fs roots (``oro_mount``)."""

from __future__ import annotations

import pytest
from oro_fs.settings import oro_mount


@pytest.mark.parametrize(
    ("host_path", "expected"),
    [
        ("$HOST_HOME/docs/", ("docs", "~/docs/")),
        ("~/docs/", ("docs", "~/docs/")),
        ("$HOST_PROCESS_WORKING_DIRECTORY/box/", ("docs", "./box/")),
        # Oro's $HOST_CONTAINER is its working directory on Linux (resource.cc:228-229).
        ("$HOST_CONTAINER/box/", ("docs", "./box/")),
        ("/srv/shared", ("docs", "/srv/shared")),
    ],
)
def test_an_oro_mount_names_the_folder_oro_names(host_path: str, expected: tuple[str, str]) -> None:
    assert oro_mount(host_path, "/docs") == expected


def test_a_variable_with_no_folder_here_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match=r"\$HOST_ELSEWHERE names no folder on this host"):
        oro_mount("$HOST_ELSEWHERE/x", "/x")
