"""The shared libraries an ELF file asks the dynamic loader for (its ``DT_NEEDED`` entries),
read from the file itself: the trimming step follows them to keep exactly the Qt libraries the
app loads. Pure reading, no ``ldd`` (which would run the loader)."""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Final

__all__ = ["ELF_MAGIC", "is_elf", "needed_libraries"]

ELF_MAGIC: Final = b"\x7fELF"
_SHT_DYNAMIC: Final = 6
_DT_NULL: Final = 0
_DT_NEEDED: Final = 1


def is_elf(path: Path) -> bool:
    """Whether ``path`` is a regular file starting with the ELF magic number."""
    if not path.is_file() or path.is_symlink():
        return False
    with path.open("rb") as file:
        return file.read(4) == ELF_MAGIC


def needed_libraries(path: Path) -> list[str]:
    """The ``DT_NEEDED`` sonames of the 64- or 32-bit, little- or big-endian ELF at ``path``.

    :raises ValueError: the file is not a well-formed ELF file.
    """
    data = path.read_bytes()
    if data[:4] != ELF_MAGIC or len(data) < 52:
        raise ValueError(f"{path} is not an ELF file")
    is_64 = data[4] == 2
    order = "<" if data[5] == 1 else ">"
    try:
        if is_64:
            (section_offset,) = struct.unpack_from(order + "Q", data, 0x28)
            entry_size, count = struct.unpack_from(order + "HH", data, 0x3A)
        else:
            (section_offset,) = struct.unpack_from(order + "I", data, 0x20)
            entry_size, count = struct.unpack_from(order + "HH", data, 0x2E)
        sections = []
        for index in range(count):
            start = section_offset + index * entry_size
            if is_64:
                (kind,) = struct.unpack_from(order + "I", data, start + 4)
                offset, size = struct.unpack_from(order + "QQ", data, start + 0x18)
                (link,) = struct.unpack_from(order + "I", data, start + 0x28)
            else:
                (kind,) = struct.unpack_from(order + "I", data, start + 4)
                offset, size = struct.unpack_from(order + "II", data, start + 0x10)
                (link,) = struct.unpack_from(order + "I", data, start + 0x18)
            sections.append((kind, offset, size, link))
        needed = []
        entry_format = order + ("qQ" if is_64 else "iI")
        entry_length = struct.calcsize(entry_format)
        for kind, offset, size, link in sections:
            if kind != _SHT_DYNAMIC:
                continue
            strings_offset = sections[link][1]
            for start in range(offset, offset + size, entry_length):
                tag, value = struct.unpack_from(entry_format, data, start)
                if tag == _DT_NULL:
                    break
                if tag == _DT_NEEDED:
                    end = data.index(b"\0", strings_offset + value)
                    needed.append(data[strings_offset + value : end].decode())
    # OverflowError: an offset in a damaged header past what an index can hold.
    except (struct.error, IndexError, ValueError, OverflowError) as error:
        raise ValueError(f"{path} is not a well-formed ELF file: {error}") from None
    return needed
