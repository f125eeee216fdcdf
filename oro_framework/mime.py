"""MIME types of paths and URLs, for ``mime.lookup``."""

from __future__ import annotations

import mimetypes
import posixpath
from types import MappingProxyType
from typing import Final
from urllib.parse import urlsplit

__all__ = ["DEFAULT_MEDIA_TYPE", "guess_media_type", "load_system_types", "media_types"]

DEFAULT_MEDIA_TYPE: Final = "application/octet-stream"

# The web types a page depends on are pinned: Python 3.11's table and many /etc/mime.types still
# say application/javascript or know nothing of .mjs/.wasm, and a module script served with the
# wrong type is refused by the browser. So are the web's common types (MDN's list, which Oro's
# table answers too), so that a lookup answers the same on every machine, with or without
# /etc/mime.types.
_WEB_TYPES: Final = MappingProxyType(
    {
        ".js": "text/javascript",
        ".mjs": "text/javascript",
        ".cjs": "text/javascript",
        ".wasm": "application/wasm",
        ".json": "application/json",
        ".map": "application/json",
        ".webmanifest": "application/manifest+json",
        ".html": "text/html",
        ".htm": "text/html",
        ".css": "text/css",
        ".svg": "image/svg+xml",
        ".txt": "text/plain",
        ".png": "image/png",
        ".jpg": "image/jpeg",
        ".jpeg": "image/jpeg",
        ".gif": "image/gif",
        ".webp": "image/webp",
        ".ico": "image/vnd.microsoft.icon",
        ".woff": "font/woff",
        ".woff2": "font/woff2",
        ".ttf": "font/ttf",
        ".otf": "font/otf",
        ".aac": "audio/aac",
        ".abw": "application/x-abiword",
        ".apng": "image/apng",
        ".arc": "application/x-freearc",
        ".avif": "image/avif",
        ".avi": "video/x-msvideo",
        ".azw": "application/vnd.amazon.ebook",
        ".bin": "application/octet-stream",
        ".bmp": "image/bmp",
        ".bz": "application/x-bzip",
        ".bz2": "application/x-bzip2",
        ".cda": "application/x-cdf",
        ".csh": "application/x-csh",
        ".csv": "text/csv",
        ".doc": "application/msword",
        ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".eot": "application/vnd.ms-fontobject",
        ".epub": "application/epub+zip",
        ".gz": "application/gzip",
        ".ics": "text/calendar",
        ".jar": "application/java-archive",
        ".jsonld": "application/ld+json",
        ".mid": "audio/midi",
        ".midi": "audio/midi",
        ".mp3": "audio/mpeg",
        ".mp4": "video/mp4",
        ".mpeg": "video/mpeg",
        ".mpkg": "application/vnd.apple.installer+xml",
        ".odp": "application/vnd.oasis.opendocument.presentation",
        ".ods": "application/vnd.oasis.opendocument.spreadsheet",
        ".odt": "application/vnd.oasis.opendocument.text",
        ".oga": "audio/ogg",
        ".ogv": "video/ogg",
        ".ogx": "application/ogg",
        ".opus": "audio/opus",
        ".pdf": "application/pdf",
        ".php": "application/x-httpd-php",
        ".ppt": "application/vnd.ms-powerpoint",
        ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ".rar": "application/vnd.rar",
        ".rtf": "application/rtf",
        ".sh": "application/x-sh",
        ".tar": "application/x-tar",
        ".tif": "image/tiff",
        ".tiff": "image/tiff",
        ".ts": "video/mp2t",
        ".vsd": "application/vnd.visio",
        ".wav": "audio/wav",
        ".weba": "audio/webm",
        ".webm": "video/webm",
        ".xhtml": "application/xhtml+xml",
        ".xls": "application/vnd.ms-excel",
        ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ".xml": "application/xml",
        ".xul": "application/vnd.mozilla.xul+xml",
        ".zip": "application/zip",
        ".3gp": "video/3gpp",
        ".3g2": "video/3gpp2",
        ".7z": "application/x-7z-compressed",
    }
)


def load_system_types() -> None:
    """Read the system's MIME tables now (they are files), rather than on the first lookup."""
    if not mimetypes.inited:
        mimetypes.init()


def guess_media_type(value: str) -> str:
    """The media type of a path or URL, from its extension; ``application/octet-stream`` when
    unknown. Query strings and fragments of URLs are ignored; ``data:`` URLs give their own type."""
    if value.startswith("data:"):
        return mimetypes.guess_type(value)[0] or DEFAULT_MEDIA_TYPE
    path = urlsplit(value).path if "://" in value else value
    # Both separators: a Windows path may come from any platform's page.
    name = path.replace("\\", "/").rsplit("/", 1)[-1]
    extension = posixpath.splitext(name)[1].lower()
    if not extension:
        return DEFAULT_MEDIA_TYPE
    if extension in _WEB_TYPES:
        return _WEB_TYPES[extension]
    # Only the last extension counts: "a.tar.gz" is a gzip file, not a tar archive.
    return mimetypes.guess_type(f"file{extension}", strict=False)[0] or DEFAULT_MEDIA_TYPE


def media_types() -> dict[str, str]:
    """Every extension the host knows (lowercase, no dot) with the media type
    :func:`guess_media_type` gives for it: the pinned web types first, then the system's table
    (its standard types before its common ones)."""
    load_system_types()
    table = {extension[1:]: media_type for extension, media_type in _WEB_TYPES.items()}
    for source in (mimetypes.types_map, mimetypes.common_types):
        for extension, media_type in source.items():
            name = extension[1:]
            # What guess_media_type never answers stays out: "cwl.json" and "teiCorpus" (it
            # lowercases the last extension only), "gz" (an encoding to it, not a type).
            if name in table or name != name.lower() or "." in name:
                continue
            if guess_media_type(f"file.{name}") == media_type:
                table[name] = media_type
    return table
