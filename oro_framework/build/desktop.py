"""The freedesktop ``.desktop`` entry that puts an app in the desktop's launcher and makes it the
handler of its deep-link schemes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from oro_framework.build.plan import AppPlan

__all__ = ["app_desktop_entry", "desktop_entry"]


def _escape(value: str) -> str:
    # The Desktop Entry Specification's escapes for string values; no value may span lines.
    return (
        value.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r")
    )


def _quote_exec(argument: str) -> str:
    # Exec= arguments with reserved characters are double-quoted, with ", `, $ and \ escaped.
    if not any(character in argument for character in " \t\n\"'\\><~|&;$*?#()`"):
        return argument
    escaped = "".join("\\" + c if c in '"`$\\' else c for c in argument)
    return f'"{escaped}"'


def desktop_entry(
    *,
    name: str,
    executable: str,
    icon: str,
    comment: str = "",
    schemes: Sequence[str] = (),
    window_class: str = "",
) -> str:
    """The text of the app's ``.desktop`` file.

    :param executable: what ``Exec=`` runs; ``%u`` follows it, so that a deep link opened from
        the desktop arrives as the app's first argument.
    :param icon: an icon theme name (the bundle identifier) or an absolute path.
    :param schemes: the app's protocol handler schemes, registered as
        ``x-scheme-handler/<scheme>`` so that the desktop opens their URLs with the app.
    """
    lines = [
        "[Desktop Entry]",
        "Type=Application",
        "Version=1.0",
        f"Name={_escape(name)}",
        f"Exec={_quote_exec(executable)} %u",
        f"TryExec={_escape(executable)}",
        f"Icon={_escape(icon)}",
        "Terminal=false",
        "Categories=Utility;",
    ]
    if comment:
        lines.append(f"Comment={_escape(comment)}")
    if window_class:
        lines.append(f"StartupWMClass={_escape(window_class)}")
    if schemes:
        lines.append("MimeType=" + "".join(f"x-scheme-handler/{scheme};" for scheme in schemes))
    return "\n".join(lines) + "\n"


def app_desktop_entry(plan: AppPlan, executable: str) -> str:
    """The ``.desktop`` file of the app ``plan`` describes, launched by ``executable``."""
    return desktop_entry(
        name=plan.name,
        executable=executable,
        icon=plan.bundle_identifier,
        comment=plan.description,
        schemes=plan.schemes,
        window_class=plan.command,
    )
