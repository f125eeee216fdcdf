"""The ``fs.*`` route table; the handlers live in :mod:`.routes_descriptors` (open files,
directories and watchers), :mod:`.routes_paths` and :mod:`.routes_files` (whole files). The
contract with the JS side is the route table in ``docs/fs.md``."""

from __future__ import annotations

from typing import Final

from oro_framework import Request, RouteGroup
from oro_fs.permissions import FILESYSTEM
from oro_fs.routes_common import CONSTANTS
from oro_fs.routes_descriptors import (
    close,
    close_open_descriptors,
    closedir,
    fstat,
    fsync,
    ftruncate,
    futimes,
    get_open_descriptors,
    open_file,
    opendir,
    read,
    readdir,
    stop_watch,
    watch,
    write,
)
from oro_fs.routes_files import read_file, write_file
from oro_fs.routes_paths import (
    access,
    chmod,
    chown,
    copy_file,
    cp,
    lchmod,
    lchown,
    link,
    lstat,
    lutimes,
    mkdir,
    mkdtemp,
    readlink,
    realpath,
    rename,
    rm,
    rmdir,
    stat_,
    symlink,
    truncate,
    unlink,
    utimes,
)

__all__ = ["ROUTES"]


async def constants(request: Request) -> dict[str, int]:
    """Open flags, mode bits, access modes and copy flags with this host's values."""
    return dict(CONSTANTS)


ROUTES: Final = RouteGroup.guarded(
    FILESYSTEM,
    handlers={
        "fs.constants": constants,
        "fs.open": open_file,
        "fs.close": close,
        "fs.read": read,
        "fs.write": write,
        "fs.fstat": fstat,
        "fs.ftruncate": ftruncate,
        "fs.fsync": fsync,
        "fs.futimes": futimes,
        "fs.opendir": opendir,
        "fs.readdir": readdir,
        "fs.closedir": closedir,
        "fs.getOpenDescriptors": get_open_descriptors,
        "fs.closeOpenDescriptors": close_open_descriptors,
        "fs.stat": stat_,
        "fs.lstat": lstat,
        "fs.access": access,
        "fs.mkdir": mkdir,
        "fs.rmdir": rmdir,
        "fs.unlink": unlink,
        "fs.rm": rm,
        "fs.rename": rename,
        "fs.copyFile": copy_file,
        "fs.cp": cp,
        "fs.link": link,
        "fs.symlink": symlink,
        "fs.readlink": readlink,
        "fs.realpath": realpath,
        "fs.chmod": chmod,
        "fs.lchmod": lchmod,
        "fs.chown": chown,
        "fs.lchown": lchown,
        "fs.truncate": truncate,
        "fs.utimes": utimes,
        "fs.lutimes": lutimes,
        "fs.mkdtemp": mkdtemp,
        "fs.readFile": read_file,
        "fs.writeFile": write_file,
        "fs.watch": watch,
        "fs.stopWatch": stop_watch,
    },
)
"""Every ``fs.*`` route, guarded by ``filesystem`` (``[permissions] allow_filesystem``)."""
