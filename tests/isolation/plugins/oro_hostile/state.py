"""oro-hostile's settings and per-host state: where it marks that its host unconfigured it."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Final, final

from oro_framework import Host, StashKey, setting


@final
@dataclass(frozen=True)
class HostileSettings:
    """``[hostile]``."""

    marker: str = setting("", "A file its oro_unconfigure writes its process id to.")


@final
@dataclass(eq=False)
class HostileState:
    settings: HostileSettings

    @classmethod
    def from_host(cls, host: Host) -> HostileState:
        return cls(host.settings(HostileSettings))

    def close(self) -> None:
        if self.settings.marker:
            Path(self.settings.marker).write_text(str(os.getpid()))


STATE: Final = StashKey[HostileState]("hostile")
