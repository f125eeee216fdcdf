"""The ``window.hotkey.*`` routes (Oro's names), registered by the ``application`` plugin.

A binding is a key combination written as Oro writes it (``ctrl + k``, ``cmd+shift+p``): one or
more modifiers and one key. Bindings belong to the app, not to one window (as in Oro): ids count
up from 1024, the same combination is the same binding, and every page learns the set at load
(``__args.hotkeys``) and whenever it changes (host event ``hotkeybindings``). The pages match
their own key presses against it (``oro:window/hotkey``): such a hotkey works while one of the
app's windows has the keyboard focus, which is what Oro's Linux build does too. A global
hotkey (``global: true``, one that grabs the key for the whole desktop) is a
``NotSupportedError``: the host has no key-grab service. Permission ``hotkeys`` (Oro's
``[permissions] allow_hotkeys``) guards the routes.

Each binding answers ``{id, expression, sequence, hash, passive, match}``: Oro's four fields,
whether the page lets the key press through (``passive``, Oro's default) and ``match``, the
``KeyboardEvent`` the combination is: ``key`` (lower-case) and ``code`` of its key and its
``ctrlKey``/``altKey``/``shiftKey``/``metaKey``.
"""

from __future__ import annotations

import string
import zlib
from typing import TYPE_CHECKING, Any, Final, NamedTuple
from urllib.parse import unquote

from oro_framework import (
    InvalidArgumentError,
    NotFoundError,
    NotSupportedError,
    RouteGroup,
    StashKey,
)

if TYPE_CHECKING:
    from oro_framework import Host, Request

BINDINGS_EVENT: Final = "hotkeybindings"
"""The host event every page gets with ``{bindings}`` when the app's set changes."""
FIRST_ID: Final = 1024
"""Oro's first binding id."""

MODIFIERS: Final[dict[str, str]] = {
    "control": "ctrlKey",
    "shift": "shiftKey",
    "option": "altKey",
    "alt": "altKey",
    "command": "metaKey",
    "super": "metaKey",
    "meta": "metaKey",
    "apple": "metaKey",
    "windows": "metaKey",
    "win": "metaKey",
}
"""Oro's modifier names (after :func:`parse_expression`) → the ``KeyboardEvent`` flag."""
_MODIFIER_ORDER: Final = ("ctrlKey", "altKey", "shiftKey", "metaKey")

_PUNCTUATION: Final = {
    "=": "Equal",
    "-": "Minus",
    "]": "BracketRight",
    "[": "BracketLeft",
    "'": "Quote",
    ";": "Semicolon",
    "\\": "Backslash",
    ",": "Comma",
    "/": "Slash",
    ".": "Period",
    "`": "Backquote",
}
_NAMED: Final = {
    "return": ("enter", "Enter"),
    "enter": ("enter", "Enter"),
    "tab": ("tab", "Tab"),
    "space": (" ", "Space"),
    "backspace": ("backspace", "Backspace"),
    "delete": ("delete", "Delete"),
    "insert": ("insert", "Insert"),
    "escape": ("escape", "Escape"),
    "esc": ("escape", "Escape"),
    "caps lock": ("capslock", "CapsLock"),
    "help": ("help", "Help"),
    "home": ("home", "Home"),
    "end": ("end", "End"),
    "page up": ("pageup", "PageUp"),
    "page down": ("pagedown", "PageDown"),
    "up": ("arrowup", "ArrowUp"),
    "down": ("arrowdown", "ArrowDown"),
    "left": ("arrowleft", "ArrowLeft"),
    "right": ("arrowright", "ArrowRight"),
    "volume up": ("audiovolumeup", "AudioVolumeUp"),
    "volume down": ("audiovolumedown", "AudioVolumeDown"),
    "volume mute": ("audiovolumemute", "AudioVolumeMute"),
    "mute": ("audiovolumemute", "AudioVolumeMute"),
    "play": ("mediaplaypause", "MediaPlayPause"),
}


def _key_table() -> dict[str, tuple[str, str]]:
    keys: dict[str, tuple[str, str]] = {}
    for letter in string.ascii_lowercase:
        keys[letter] = (letter, f"Key{letter.upper()}")
    for digit in string.digits:
        keys[digit] = (digit, f"Digit{digit}")
    for character, code in _PUNCTUATION.items():
        keys[character] = (character, code)
    for number in range(1, 21):
        keys[f"f{number}"] = (f"f{number}", f"F{number}")
    keys.update(_NAMED)
    return keys


KEYS: Final = _key_table()
"""Oro's key names → ``(KeyboardEvent.key lower-cased, KeyboardEvent.code)``; a letter or
digit matches the key that types it or the key at its place on a US keyboard."""

_SYNONYMS: Final = {"cmd": "command", "opt": "option", "ctrl": "control"}


def parse_expression(expression: str) -> list[str]:
    """Oro's normalised sequence of ``expression``: tokens split on ``+``, trimmed, lower-case,
    ``ctrl``/``cmd``/``opt`` as ``control``/``command``/``option``, repeats dropped."""
    sequence: list[str] = []
    for raw in expression.split("+"):
        token = " ".join(raw.lower().split())
        token = _SYNONYMS.get(token, token)
        if token not in sequence:
            sequence.append(token)
    return sequence


class Binding(NamedTuple):
    """One key combination of the app."""

    id: int
    expression: str
    sequence: tuple[str, ...]
    hash: int
    key: str
    code: str
    modifiers: frozenset[str]
    passive: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "expression": self.expression,
            "sequence": list(self.sequence),
            "hash": self.hash,
            "passive": self.passive,
            "match": {
                "key": self.key,
                "code": self.code,
                **{flag: flag in self.modifiers for flag in _MODIFIER_ORDER},
            },
        }


def _combination(expression: str) -> tuple[tuple[str, ...], str, frozenset[str], int]:
    """``(sequence, key, modifier flags, hash)`` of ``expression``.

    :raises InvalidArgumentError: not one or more modifiers and exactly one known key.
    """
    sequence = tuple(parse_expression(expression))
    modifiers = frozenset(MODIFIERS[token] for token in sequence if token in MODIFIERS)
    keys = [token for token in sequence if token not in MODIFIERS]
    unknown = [token for token in keys if token not in KEYS]
    if unknown or len(keys) != 1 or not modifiers:
        reason = (
            f"unknown key {unknown[0]!r}"
            if unknown
            else "it needs one or more modifiers (ctrl, alt, shift, cmd) and exactly one key"
        )
        raise InvalidArgumentError(
            f"Invalid 'expression' in parameters: {expression!r}: {reason}",
            code="ERR_INVALID_ARG_VALUE",
            parameter="expression",
        )
    key = keys[0]
    # The combination, not the order it was written in, is the binding: ctrl+k is k+ctrl.
    canonical = "+".join([*(flag for flag in _MODIFIER_ORDER if flag in modifiers), key])
    return sequence, key, modifiers, zlib.crc32(canonical.encode()) or 1


class Hotkeys:
    """The app's bindings (``host.stash[HOTKEYS]``)."""

    def __init__(self) -> None:
        self.bindings: dict[int, Binding] = {}
        self.next_id = FIRST_ID

    def find(self, expression: str) -> Binding | None:
        digest = _combination(expression)[3]
        return next((b for b in self.bindings.values() if b.hash == digest), None)

    def bind(self, expression: str, *, passive: bool) -> tuple[Binding, bool]:
        """The binding of ``expression`` and whether it is new."""
        sequence, key, modifiers, digest = _combination(expression)
        existing = next((b for b in self.bindings.values() if b.hash == digest), None)
        if existing is not None:
            return existing, False
        key_name, code = KEYS[key]
        binding = Binding(
            self.next_id, expression.strip(), sequence, digest, key_name, code, modifiers, passive
        )
        self.bindings[binding.id] = binding
        self.next_id += 1
        return binding, True

    def to_json(self) -> list[dict[str, Any]]:
        return [binding.to_json() for binding in self.bindings.values()]


HOTKEYS: Final = StashKey[Hotkeys]("hotkeys")


def hotkeys_of(host: Host) -> Hotkeys:
    return host.stash.setdefault(HOTKEYS, Hotkeys())


def page_hotkeys(host: Host) -> list[dict[str, Any]]:
    """The bindings a page gets at load (``__args.hotkeys``): none without permission
    ``hotkeys``."""
    if not host.is_permission_allowed("hotkeys"):
        return []
    hotkeys = host.stash.get(HOTKEYS)
    return [] if hotkeys is None else hotkeys.to_json()


def _expression(request: Request) -> str | None:
    value = request.params.get_str("expression")
    # Oro's page sends the expression percent-encoded (its normalizeExpression); '%' is no key.
    return None if value is None else unquote(value) if "%" in value else value


def _binding_by_id(hotkeys: Hotkeys, request: Request) -> Binding:
    ident = request.params.require_int("id")
    binding = hotkeys.bindings.get(ident)
    if binding is None:
        raise NotFoundError(f"Invalid 'id' given in parameters: no binding {ident}", id=ident)
    return binding


def _changed(request: Request, hotkeys: Hotkeys) -> None:
    request.host.emit(BINDINGS_EVENT, {"bindings": hotkeys.to_json()})


async def bind(request: Request) -> dict[str, Any]:
    """Bind key combination `expression` (or the existing binding `id`) for the app's windows;
    `passive` (default true) lets the key press reach the page too; `global` is refused."""
    if request.params.get_bool("global"):
        raise NotSupportedError(
            "A global hotkey needs a key grab on the desktop, which this host does not have: "
            "bind it without 'global' to have it while one of the app's windows has the focus",
            code="ERR_GLOBAL_HOTKEY",
        )
    hotkeys = hotkeys_of(request.host)
    expression = _expression(request)
    if expression is None:
        if request.params.get("id") is None:
            raise InvalidArgumentError.missing("expression")
        return _binding_by_id(hotkeys, request).to_json()
    binding, new = hotkeys.bind(expression, passive=request.params.get_bool("passive", True))
    if new:
        _changed(request, hotkeys)
    return binding.to_json()


async def unbind(request: Request) -> dict[str, int]:
    """Remove the binding `id`, or the one of key combination `expression`."""
    hotkeys = hotkeys_of(request.host)
    expression = _expression(request)
    if expression is not None:
        found = hotkeys.find(expression)
        if found is None:
            raise NotFoundError(
                f"Binding for expression {expression!r} does not exist", expression=expression
            )
    else:
        found = _binding_by_id(hotkeys, request)
    del hotkeys.bindings[found.id]
    _changed(request, hotkeys)
    return {"id": found.id}


async def bindings(request: Request) -> list[dict[str, Any]]:
    """Every binding of the app."""
    return hotkeys_of(request.host).to_json()


async def mappings(request: Request) -> dict[str, dict[str, str]]:
    """The names an expression may use: `modifiers` (→ the `KeyboardEvent` flag) and `keys`
    (→ the `KeyboardEvent.code`)."""
    return {
        "modifiers": {**MODIFIERS, "ctrl": "ctrlKey", "cmd": "metaKey", "opt": "altKey"},
        "keys": {name: code for name, (_key, code) in KEYS.items()},
    }


HOTKEY_ROUTES: Final = RouteGroup(
    permission="hotkeys",
    doc="Window hotkeys: key combinations the app's windows report as hotkey events "
    "(oro:window/hotkey).",
    handlers={
        "window.hotkey.bind": bind,
        "window.hotkey.unbind": unbind,
        "window.hotkey.bindings": bindings,
        "window.hotkey.mappings": mappings,
    },
)
