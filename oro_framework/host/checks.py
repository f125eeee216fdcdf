"""A line of ``oro doctor``, for the host's own checks and those plugins report."""

from __future__ import annotations

from typing import Any, Literal, final

from oro_framework.records import record

__all__ = ["DoctorCheck"]


@final
@record
class DoctorCheck:
    """One line of ``oro doctor``: what the host checks itself, and what each plugin reports
    from ``oro_doctor_checks``.

    :ivar required: a failure makes ``oro doctor`` exit with status 1 (a broken plugin, an app
        that cannot be built); other failures are missing optional pieces.
    """

    name: str
    ok: bool
    detail: str
    required: bool = False
    hint: str = ""
    """How to fix it, in one line (shown when the check is not ok)."""

    @property
    def status(self) -> Literal["ok", "warn", "fail"]:
        return "ok" if self.ok else "fail" if self.required else "warn"

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "status": self.status,
            "ok": self.ok,
            "detail": self.detail,
            "required": self.required,
            "hint": "" if self.ok else self.hint,
        }
