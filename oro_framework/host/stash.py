"""Typed per-host state for plugins: a :class:`Stash` keyed by :class:`StashKey` objects.

pytest's ``Stash`` is the model. A plugin creates its key once, at import time, and the key's type
parameter is the type of the value, so route code never looks state up by a string and never casts::

    FS: Final = StashKey[FsState]("fs")

    @hookimpl
    def oro_configure(host: Host) -> None:
        host.stash[FS] = FsState.from_config(host.config)

    async def stat(request: Request) -> dict[str, Any]:
        fs = request.host.stash[FS]  # an FsState, for mypy too

Two plugins can never collide: keys compare by identity, not by their label.
"""

from __future__ import annotations

from typing import Generic, TypeVar, cast, final, overload

__all__ = ["Stash", "StashKey"]

T = TypeVar("T")
D = TypeVar("D")


@final
class StashKey(Generic[T]):
    """The key of one value in a :class:`Stash`; ``T`` is the value's type.

    :param label: shown in errors and ``repr`` only (the plugin's name is a good one).
    """

    __slots__ = ("label",)

    def __init__(self, label: str) -> None:
        self.label = label

    def __repr__(self) -> str:
        return f"StashKey({self.label!r})"


@final
class Stash:
    """A host's per-plugin state (``host.stash``), typed by its keys."""

    __slots__ = ("_values",)

    def __init__(self) -> None:
        self._values: dict[StashKey[object], object] = {}

    def __setitem__(self, key: StashKey[T], value: T) -> None:
        self._values[cast("StashKey[object]", key)] = value

    def __getitem__(self, key: StashKey[T]) -> T:
        """The value stored under ``key``.

        :raises LookupError: nothing is stored under it: the plugin's ``oro_configure`` did not
            run for this host, or its ``oro_unconfigure`` already removed it.
        """
        try:
            return cast("T", self._values[cast("StashKey[object]", key)])
        except KeyError:
            raise LookupError(
                f"nothing stored under {key!r}: the plugin is not configured on this host "
                "(its oro_configure did not run, or oro_unconfigure already ran)"
            ) from None

    @overload
    def get(self, key: StashKey[T]) -> T | None: ...
    @overload
    def get(self, key: StashKey[T], default: D) -> T | D: ...
    def get(self, key: StashKey[T], default: object = None) -> object:
        return self._values.get(cast("StashKey[object]", key), default)

    def setdefault(self, key: StashKey[T], default: T) -> T:
        return cast("T", self._values.setdefault(cast("StashKey[object]", key), default))

    def pop(self, key: StashKey[T], default: T | None = None) -> T | None:
        """Remove and return the value under ``key`` (``default`` when there is none); what
        ``oro_unconfigure`` calls."""
        return cast("T | None", self._values.pop(cast("StashKey[object]", key), default))

    def __delitem__(self, key: StashKey[T]) -> None:
        del self._values[cast("StashKey[object]", key)]

    def __contains__(self, key: object) -> bool:
        return key in self._values

    def __len__(self) -> int:
        return len(self._values)
