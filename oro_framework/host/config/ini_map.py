"""Oro's and Socket Runtime's INI keys (``oro.ini``, ``socket.ini``) as oro's config keys.

:func:`map_ini` turns a parsed INI file (:mod:`.ini`) into the keys ``oro.toml`` would hold, each
typed as its declared key and remembering the INI line it came from, plus one note for every key
oro does not honour, saying why (:mod:`.ini_mapped`). The table of docs/config.md ("Oro's config
files") is the reference; the rules here are its code.

The mapping is done once per load, against the keys the installed plugins declare: a key is
typed as declared (``"60%"`` for ``window.height``, ``true`` for a permission), and one no plugin
declares is a note rather than a value.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

import tomlkit

from oro_framework.host.config.ini import IniDocument, IniValue, parse_ini, read_ini
from oro_framework.host.config.ini_app import (
    app_key_problem,
    app_sections,
    app_value,
    declared_sections,
    is_app_key,
    socket_name,
)
from oro_framework.host.config.ini_mapped import (
    IniNote,
    InvalidIniValue,
    MappedIni,
    MappedKey,
    joined_text,
)
from oro_framework.host.config.keys import (
    EXTENSIONS_KEY,
    ConfigKey,
    ConfigRegistry,
    is_secret_name,
    is_variable_name,
)
from oro_framework.host.config.values import ScreenLength, parse_bool_word, parse_text_value

__all__ = ["EXTENSIONS_KEY", "ini_file_as_toml", "map_ini"]

_SECTION_REASONS: Final[dict[str, str]] = {
    "android": "an Android build setting; oro builds desktop apps",
    "ios": "an iOS build setting; oro builds desktop apps",
    "mac": "a macOS packaging setting; oro packages for Linux",
    "win": "a Windows packaging setting; oro packages for Linux",
    "linux": "a desktop-entry setting; oro's build writes its own (build.icon is the icon)",
    "tray": "oro has no tray icon",
    "debug": "a compiler setting; oro compiles nothing",
    "native": "native sources; oro compiles nothing (a plugin is the native part)",
    "headless": "Socket's runner of headless apps (xvfb-run); oro starts Xvfb itself",
    "build.watch": "oro dev watches the app's files itself",
    **{
        f"build.extensions.{platform}": f"an extension of the {name} build; oro runs on Linux, "
        "where [build.extensions] and [build.extensions.linux] name the app's extensions"
        for platform, name in (
            ("mac", "macOS"),
            ("win", "Windows"),
            ("ios", "iOS"),
            ("android", "Android"),
        )
    },
    "build.extensions": "a native extension's build setting; oro compiles nothing (an "
    "extension is a Python plugin: docs/plugins.md#extensions)",
    "webview.watch": "oro dev reloads the page itself",
    "webview.navigator.policies": "navigation patterns; list origins in window.allow_navigation",
    "window.alert": "the engine's own alert dialogs are used",
    "settings": "a .sscrc override section; put the values in their own sections",
}
_KEY_REASONS: Final[dict[tuple[str, str], str]] = {
    ("build", "flags"): "a compiler setting; oro compiles nothing",
    ("meta", "copyright"): "no package field or about dialog of oro takes it",
    ("meta", "lang"): "no package field of oro takes it; the page sets its own lang",
    ("meta", "file_limit"): "oro sets no process file limit (oro-fs bounds open files per window: "
    "filesystem.max_open_descriptors)",
    ("meta", "type"): "oro builds apps, not extensions",
    ("mac", "cmd"): "the macOS backend command; oro runs on Linux, where [linux] cmd is the "
    "backend process (process.backend.cmd)",
    ("win", "cmd"): "the Windows backend command; oro runs on Linux, where [linux] cmd is the "
    "backend process (process.backend.cmd)",
    ("webview", "watch"): "oro dev reloads the page itself",
    ("webview", "headers"): "oro sends no custom headers with the app's resources",
    **{
        ("window", f"background_color_{mode}"): f"oro's first window takes no {mode}-mode colour "
        "from the config; a page sets its window's with setBackgroundColor"
        for mode in ("dark", "light")
    },
    ("window", "backgroundColorDark"): "Socket reads [window] background_color_dark, not the "
    "camelCase name its template shows, so this sets nothing there either",
    ("window", "backgroundColorLight"): "Socket reads [window] background_color_light, not the "
    "camelCase name its template shows, so this sets nothing there either",
}
_WITHOUT_PLUGIN: Final[dict[tuple[str, str], str]] = {
    ("linux", "cmd"): "oro starts the backend process with the oro-process plugin "
    "(process.backend.cmd), which is not installed",
    ("webview.navigator.mounts", "*"): "the folder is served at its path "
    "(webview.navigator_mounts), but oro:fs reaches it only with the oro-fs plugin "
    "(filesystem.mounts), which is not installed",
}
"""Why an Oro key that a plugin takes sets nothing when that plugin is missing, by ``(section,
key)`` (``"*"``: the whole section). Words for the user only: the plugins declare the keys'
Oro names themselves (``setting(..., oro_names=...)``)."""
_LIST_SEPARATORS: Final = re.compile(r"[,\s]+")
_EXTENSION_SECTIONS: Final = ("build.extensions", "build.extensions.linux")
"""Where an Oro app names its native extensions (``name = sources``), for every platform and for
Linux: the names are the app's extensions here, the sources are not built."""
_EXTENSION_PERMISSION: Final = ("permissions", "allow_extension")
_ORO_GLOBALS: Final = ("webview", "oro_globals")
_NAVIGATOR_MOUNTS: Final = "webview.navigator.mounts"


def map_ini(document: IniDocument, registry: ConfigRegistry, path: Path) -> MappedIni:
    """The oro keys ``document`` (read from ``path``) sets, typed as ``registry`` declares them,
    and a note for each key oro does not honour; the keys of the app's own sections, which pages
    read under Socket's names (:mod:`.ini_app`).

    A value is read as Socket reads it (:func:`_socket_length`, :func:`_socket_bool`); one no
    spelling covers (``width = wide``) is not an error but an :class:`InvalidIniValue`, which
    the loader warns about once (naming file, line and key) unless a later layer replaces it.
    """
    mapped = MappedIni(path.name)
    # Oro serves what the build puts in its output; with nothing but [build] copy, that is the
    # copied folder itself, served as it is so that `oro run` needs no build. A script or a
    # copy-map makes the build step serve build.output (host.builtin_settings.resource_root).
    is_plain_copy = not (
        _text(document.values.get(("build", "script")))
        or _text(document.values.get(("build", "copy_map")))
        or document.section("build.copy-map")
    )
    copied = document.values.get(("build", "copy")) or document.values.get(("build", "input"))
    taken = declared_sections(registry)
    app_origins: list[IniValue] = []
    for (section, key), origin in document.values.items():
        if origin.value in ("", []):
            continue  # an empty value sets nothing, in the runtime as here
        if (section, key) == ("build", "input") and ("build", "copy") in document.values:
            continue  # [build] copy is the newer name of the same thing
        if section == _NAVIGATOR_MOUNTS:
            # The host serves the folder at its navigator path; oro-fs, when installed, also
            # makes it a root of oro:fs (the section's wildcard key, below).
            _add(mapped, registry, ("webview", "navigator_mounts", key), origin)
        rule = _SPECIAL.get((section, key)) or _SPECIAL.get((section, "*"))
        if rule is not None:
            rule(mapped, registry, origin)
            continue
        wildcard = registry.for_oro_section(section)
        if wildcard is not None:
            _entry(mapped, registry, wildcard, origin)
            continue
        if is_app_key(section, key, taken):
            if _app_key(mapped, origin):
                app_origins.append(origin)
            continue
        # Oro's name of a key a plugin declares (``[linux] cmd``) wins over the section's note.
        is_declared = registry.for_oro_name(f"{section}.{key}") is not None
        reason = None if is_declared else _reason(section, key)
        if reason is not None:
            mapped.notes.append(IniNote(origin, reason))
            continue
        _add(mapped, registry, _target(registry, section, key), origin)
    mapped.app_sections = app_sections(app_origins, document.sections)
    if (
        copied is not None
        and is_plain_copy
        and _text(copied)
        and not set(";=") & set(_text(copied))
    ):
        _add(mapped, registry, ("webview", "root"), copied, _text(copied).rstrip("/") or ".")
    if any(key.parts == tuple(EXTENSIONS_KEY.split(".")) for key in mapped.keys) and (
        _EXTENSION_PERMISSION not in document.values
    ):
        # In Oro, building an extension is what lets the pages load it; here the permission
        # says so, off unless the app turns it on.
        first = next(iter(document.section(_EXTENSION_SECTIONS[0]).values()), None) or next(
            iter(document.section(_EXTENSION_SECTIONS[1]).values())
        )
        _add(mapped, registry, _EXTENSION_PERMISSION, first, "true")
    if document.values and _ORO_GLOBALS not in document.values:
        # Oro's preload defines its globals (Buffer, require...) in every page of its apps.
        _add(mapped, registry, _ORO_GLOBALS, next(iter(document.values.values())), "true")
    if ("meta", "title") not in document.values and ("build", "name") in document.values:
        # The runtime's title defaults to the program's name.
        _add(mapped, registry, ("meta", "name"), document.values[("build", "name")])
    return mapped


def _text(origin: IniValue | None) -> str:
    if origin is None:
        return ""
    return origin.value if isinstance(origin.value, str) else " ".join(origin.value)


def _section_reason(section: str) -> str | None:
    for name, reason in _SECTION_REASONS.items():
        if section == name or section.startswith(name + "."):
            return reason
    return None


def _target(registry: ConfigRegistry, section: str, key: str) -> tuple[str, ...]:
    # Oro's name of a key named otherwise here (``[meta] title``), as its plugin declares it.
    renamed = registry.for_oro_name(f"{section}.{key}")
    if renamed is not None:
        return tuple(renamed.split("."))
    if not section:
        return (key,)  # a flattened key at the top (window_width = 800), as oro.toml takes
    return (*section.split("."), key)


def _add(
    mapped: MappedIni,
    registry: ConfigRegistry,
    parts: tuple[str, ...],
    origin: IniValue,
    value: str | list[str] | None = None,
) -> None:
    """Type ``value`` (``origin``'s own by default) as the key ``parts`` names is declared, or
    note the key when no plugin declares it."""
    dotted = ".".join(parts)
    declared = registry.find(dotted) if len(parts) > 1 else registry.find(parts[0])
    raw = origin.value if value is None else value
    if declared is None:
        if dotted.startswith("permissions.allow_") and parse_bool_word(joined_text(raw)) is False:
            # Socket accepts it; here nothing grants it (the permission broker denies what no
            # plugin declares), so it stays denied and the app starts.
            mapped.notes.append(
                IniNote(origin, "no installed plugin declares it: nothing grants it, as denied")
            )
            return
        mapped.notes.append(IniNote(origin, f"no installed plugin declares '{dotted}'"))
        return
    try:
        if isinstance(raw, str) and declared.type is ScreenLength:
            typed = _socket_length(mapped, origin, raw)
        elif isinstance(raw, str) and declared.type is bool:
            typed = _socket_bool(mapped, origin, raw, declared.name)
        else:
            typed = _typed(declared.type, raw)
    except ValueError as error:
        mapped.invalid.append(InvalidIniValue(parts, origin, f"key '{dotted}' {error}"))
        return
    mapped.keys.append(MappedKey(parts, typed, origin))


def _typed(kind: type, raw: str | list[str]) -> Any:
    if kind is list:
        items = [raw] if isinstance(raw, str) else raw
        # The runtime's lists are words separated by commas or spaces (env = USER, TMPDIR).
        return [word for item in items for word in _LIST_SEPARATORS.split(item) if word]
    return parse_text_value(kind, joined_text(raw))


# ---------------------------------------------------------------------------------------------
# Values as Socket reads them (socketsupply/socket at 02a88245)
# ---------------------------------------------------------------------------------------------

_SOCKET_LENGTH: Final = re.compile(r"(\d*\.?\d+)(%?)", re.ASCII)
"""What Socket's desktop start accepts for ``[window] width``, ``height``, ``min_*``, ``max_*``
(``validPattern``, ``^\\d*\\.?\\d+%?$``, src/desktop/main.cc:1043): ``800``, ``932.5``,
``.5``, ``50%``, ``12.5%``."""
_SOCKET_PIXELS: Final = re.compile(r"(\d*\.?\d+)[ \t]*px", re.IGNORECASE | re.ASCII)
_SOCKET_EXACT: Final[dict[str, tuple[frozenset[str], str]]] = {
    "window.headless": (frozenset({"true"}), "[build] headless, src/desktop/main.cc:289"),
    "window.frameless": (frozenset({"true"}), "[window] frameless, src/desktop/main.cc:1092"),
    "window.utility": (frozenset({"true"}), "[window] utility, src/desktop/main.cc:1093"),
    "window.minimizable": (
        frozenset({"", "true"}),
        "[window] minimizable, src/desktop/main.cc:1088",
    ),
    "window.maximizable": (
        frozenset({"", "true"}),
        "[window] maximizable, src/desktop/main.cc:1089",
    ),
    "window.closable": (frozenset({"", "true"}), "[window] closable, src/desktop/main.cc:1091"),
}
"""oro's keys whose Socket key is on only for the texts given, and off for any other
(``headless = yes`` opens a window there, ``closable = yes`` makes it unclosable): read the same
here, with one warning for a text other than ``true`` or ``false``."""

_SOCKET_OFF_ONLY: Final[dict[str, str]] = {
    "window.resizable": "[window] resizable, src/desktop/main.cc:1090",
}
"""oro's keys whose Socket key is off only for the exact text ``false``, on for any other."""


def _socket_length(mapped: MappedIni, origin: IniValue, text: str) -> int | str:
    """A window length as Socket reads it: a number of pixels (its fraction dropped, as the
    engines size windows in whole pixels) or a percentage of the screen, as written.

    ``932px`` is read as 932, what the author means and what Socket's size parser
    (``Window::getSizeInPixels``, ``std::stof``: src/runtime/window.hh:536) reads; Socket's desktop
    start (src/desktop/main.cc:1048, since 0.5) replaces it with its default instead, so it is one
    warning saying so.

    :raises ValueError: any other text (``tall``, ``-5``, ``50vh``).
    """
    stripped = text.strip(" \t")
    socket = _SOCKET_LENGTH.fullmatch(stripped)
    if socket is not None:
        number = socket.group(1)
        if socket.group(2):
            return f"0{number}%" if number.startswith(".") else f"{number}%"
        return int(number.partition(".")[0] or "0")
    pixels = _SOCKET_PIXELS.fullmatch(stripped)
    if pixels is not None:
        whole = int(pixels.group(1).partition(".")[0] or "0")
        mapped.notes.append(
            IniNote(
                origin,
                "Socket's size parser reads the number before 'px' (src/runtime/window.hh:536), "
                "though its desktop start replaces a value with a unit by its default "
                f"(src/desktop/main.cc:1048); write {whole} for both to agree",
                read_as=f"{whole} pixels",
            )
        )
        return whole
    raise ValueError(
        f"expects pixels (800, or 932px) or a percentage of the screen (50%), got {text!r}"
    )


def _socket_bool(mapped: MappedIni, origin: IniValue, text: str, name: str) -> bool:
    """A boolean as Socket reads it: ``true`` and ``false`` are what they say everywhere.

    - A key Socket turns on only for some texts (:data:`_SOCKET_EXACT`) or off only for
      ``false`` (:data:`_SOCKET_OFF_ONLY`): any other text is read as there, with a warning
      (``yes`` was surely meant as ``true``).
    - ``permissions.allow_<x>``: Socket denies only for ``false`` (src/runtime/webview/
      webview.cc:566...); here ``no``, ``0`` and ``off`` deny too, with a warning (the safe
      reading), and text no boolean word covers keeps the permission's default.
    - Any other key: oro's words (``1/true/yes/on``, ``0/false/no/off``, any case).

    :raises ValueError: text no boolean word covers, for a key that is not true-only.
    """
    stripped = text.strip(" \t")
    if stripped in ("true", "false"):
        return stripped == "true"
    exact = _SOCKET_EXACT.get(name)
    off_only = _SOCKET_OFF_ONLY.get(name)
    if exact is not None or off_only is not None:
        if exact is not None:
            value, where = stripped in exact[0], exact[1]
            rule = "on only for " + " or ".join(repr(word) for word in sorted(exact[0]))
        else:
            value, where, rule = True, str(off_only), "off only for the exact text 'false'"
        if stripped:
            mapped.notes.append(
                IniNote(
                    origin,
                    f"Socket turns it {rule} ({where}), and oro reads it the same; write true "
                    "or false",
                    read_as=str(value).lower(),
                )
            )
        return value
    word = parse_bool_word(stripped)
    if word is None:
        socket = (
            " (Socket allows anything but 'false')" if name.startswith("permissions.allow_") else ""
        )
        raise ValueError(f"expects true or false, got {text!r}{socket}")
    if word is False and name.startswith("permissions.allow_"):
        mapped.notes.append(
            IniNote(
                origin,
                "Socket denies a permission only for the exact text 'false' and would allow it; "
                "oro denies it, as the word says",
                read_as="false",
            )
        )
    return word


# ---------------------------------------------------------------------------------------------
# Keys whose value changes on the way
# ---------------------------------------------------------------------------------------------


def _webview_root(mapped: MappedIni, registry: ConfigRegistry, origin: IniValue) -> None:
    """The runtime's ``[webview] root`` is the URL path the first window opens ("/"): oro's
    ``webview.default_index``, not the resource folder that oro's ``webview.root`` names."""
    root = _text(origin).strip()
    if root in ("", "/"):
        return
    path = "/" + root.strip("/") + ("/index.html" if root.endswith("/") else "")
    _add(mapped, registry, ("webview", "default_index"), origin, path)


def _build_env(mapped: MappedIni, registry: ConfigRegistry, origin: IniValue) -> None:
    """Names only; a secret's name is noted and left out, for pages never see a secret."""
    names = _typed(list, origin.value)
    secrets = [name for name in names if is_secret_name(name)]
    if secrets:
        mapped.notes.append(
            IniNote(
                origin,
                f"{', '.join(secrets)} would hand pages a secret; oro forwards no secret "
                "variable (read it in a plugin, or pass a reference: docs/config.md#secrets)",
            )
        )
    kept = [name for name in names if name not in secrets]
    if kept:
        _add(mapped, registry, ("build", "env"), origin, kept)


def _env_entry(mapped: MappedIni, registry: ConfigRegistry, origin: IniValue) -> None:
    """``[env] NAME = value``: ``process.env.NAME`` of every page, as in Socket, whose runtime
    also reads its own variables there first (``env::get``): a name a key reads from the
    environment (``SOCKET_RUNTIME_CONDUIT_PORT``) sets that key too. A name that is not a
    variable's, or that marks a secret, is noted and left out (pages never see secrets)."""
    name = origin.key
    if not is_variable_name(name) or is_secret_name(name):
        why = (
            "its name marks a secret, and pages get no secret here (read it in a plugin, or "
            "pass a reference: docs/config.md#secrets)"
            if is_secret_name(name)
            else "it is not an environment variable's name"
        )
        mapped.notes.append(IniNote(origin, why))
        return
    _add(mapped, registry, ("env", name), origin)
    for key in registry:
        if name in key.env and not key.is_wildcard:
            _add(mapped, registry, tuple(key.name.split(".")), origin)


def _app_key(mapped: MappedIni, origin: IniValue) -> bool:
    """The app's own ``[section] key`` as pages read it; a note instead for a name pages must
    not get, or with the value, for JSON they get as its text. Whether pages read it."""
    name = socket_name(origin.section, origin.key)
    problem = app_key_problem(name, is_secret_name(name))
    if problem is not None:
        mapped.notes.append(IniNote(origin, problem))
        return False
    typed = app_value(origin)
    if typed is None:
        return False
    value, as_text = typed
    if as_text is not None:
        mapped.notes.append(IniNote(origin, f"{as_text}; pages get its text", read_as="text"))
    mapped.app_config[name] = value
    return True


def _reason(section: str, key: str) -> str | None:
    """Why Oro's ``[section] key``, which no plugin here declares, sets nothing; ``None``: it may
    be one of ours under its own name."""
    return (
        _WITHOUT_PLUGIN.get((section, key))
        or _WITHOUT_PLUGIN.get((section, "*"))
        or _KEY_REASONS.get((section, key))
        or _section_reason(section)
    )


def _entry(
    mapped: MappedIni, registry: ConfigRegistry, wildcard: ConfigKey, origin: IniValue
) -> None:
    """An entry of an Oro section a plugin's wildcard key takes (``$HOST_HOME/docs/ = /docs``
    → ``[filesystem.mounts] docs = "~/docs/"``), named uniquely among the key's entries."""
    name, value = origin.key, _text(origin)
    if wildcard.oro_entry is not None:
        try:
            name, value = wildcard.oro_entry(name, value)
        except ValueError as error:
            mapped.notes.append(IniNote(origin, str(error)))
            return
    prefix = tuple(wildcard.name.removesuffix(".*").split("."))
    taken = {key.parts[-1] for key in mapped.keys if key.parts[:-1] == prefix}
    unique, number = name, 2
    while unique in taken:
        unique, number = f"{name}-{number}", number + 1
    _add(mapped, registry, (*prefix, unique), origin, value)


def _extension(mapped: MappedIni, registry: ConfigRegistry, origin: IniValue) -> None:
    """``[build.extensions] name = sources``: ``name`` joins ``extensions.allow``; its sources
    are native code, which oro does not build (the extension is the plugin of that name)."""
    parts = tuple(EXTENSIONS_KEY.split("."))
    index = next((i for i, key in enumerate(mapped.keys) if key.parts == parts), None)
    if index is None:
        _add(mapped, registry, parts, origin, [origin.key])
        return
    listed = mapped.keys[index]
    if origin.key not in listed.value:
        mapped.keys[index] = MappedKey(parts, [*listed.value, origin.key], listed.origin)


_Rule = Callable[[MappedIni, ConfigRegistry, IniValue], None]

_SPECIAL: Final[dict[tuple[str, str], _Rule]] = {
    ("webview", "root"): _webview_root,
    ("build", "env"): _build_env,
    ("env", "*"): _env_entry,
    **{(section, "*"): _extension for section in _EXTENSION_SECTIONS},
}
"""Keys whose value changes on the way, by ``(section, key)``; ``"*"`` for every key."""


def ini_file_as_toml(path: Path, registry: ConfigRegistry) -> tuple[str, MappedIni]:
    """The ``oro.toml`` text equivalent to the INI file ``path`` (``oro init --from``, a built
    app's bundle), each key commented with its INI origin and the keys oro does not honour
    listed at the top; and the mapping it came from.

    :raises ConfigError: the file does not parse (a value no spelling covers is listed with
        the keys not honoured, and left out).
    """
    mapped = map_ini(parse_ini(read_ini(path), path), registry, path)
    return tomlkit.dumps(mapped.document(comments=True)), mapped
