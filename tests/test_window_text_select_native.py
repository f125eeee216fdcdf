"""Text a user selects and copies, in real windows under Xvfb on each engine (WebKitGTK and
QtWebEngine): the page's own CSS decides what is selectable, the engine adds no rule of its own.

Before, pywebview's Qt windows got ``body {user-select: none}`` in every page (its
``text_select`` option, off by default), so an answer in a Qt window could not be selected or
copied; WebKitGTK windows, which oro makes itself, never had it.

The user's hand is X's XTEST (``xdotool``): a double click on a word and Ctrl+C, then Ctrl+A and
Ctrl+C; what was copied is read back from the X clipboard as another program pastes it
(``xclip``). An element whose CSS says ``user-select: none`` stays out of the copy, and a window
the page opens later gets no rule either.

Needs what ``tests/_window_app.py`` says, ``xdotool`` and ``xclip``.
"""

from __future__ import annotations

from pathlib import Path

from _oro_process import until
from _window_app import (  # noqa: F401 (fixtures, found by their names)
    bridge_of,
    display_fixture,
    engine_fixture,
    evaluate,
    new_key,
    window_environ,
)
from _x11 import x

from oro_framework.testing import OroProcess

NAME = "textselect"

WORD = "Selectable"
ANSWER = f"{WORD} answers stay on the page. The second sentence ends the paragraph."
TOOLBAR = "Toolbar label"

PAGE = f"""<!doctype html>
<html>
<head>
<title>{NAME}</title>
<style>
body {{ margin: 0; font: 32px sans-serif }}
p {{ margin: 0; padding: 16px }}
.toolbar {{ -webkit-user-select: none; user-select: none }}
</style>
</head>
<body>
<p id="answer">{ANSWER}</p>
<div class="toolbar" id="toolbar">{TOOLBAR}</div>
<script type="module">
import {{ createWindow, getCurrentWindow }} from 'oro:window'
globalThis.createWindow = createWindow
getCurrentWindow().ready()
</script>
</body>
</html>
"""

CONFIG = f"""[meta]
name = "{NAME}"
bundle_identifier = "dev.oro.test.text-select"

[window]
width = 900
height = 400
remember_state = false
"""

ON_THE_WORD = (60, 40)
"""Inside the paragraph's first word (32 px text, 16 px padding), relative to the window."""

SELECT_RULES = """(() => {
  const style = (element) => {
    const computed = getComputedStyle(element)
    return computed.userSelect || computed.webkitUserSelect
  }
  return [style(document.body), style(document.getElementById('answer')),
          style(document.getElementById('toolbar'))]
})()"""
"""The computed ``user-select`` of the body, the paragraph and the toolbar (WebKit may name it
``webkitUserSelect`` only)."""


def _clipboard(display: str) -> str:
    """What another program pastes: the X clipboard's text ("" while nothing owns it)."""
    return x(display, "xclip", "-o", "-selection", "clipboard")


def _clipboard_other_than(display: str, earlier: str) -> str:
    """The clipboard's text once a copy replaced ``earlier`` ("" until then)."""
    copied = _clipboard(display)
    return copied if copied.strip() != earlier else ""


def _double_click_word(display: str) -> None:
    window = until(
        lambda: x(display, "xdotool", "search", "--onlyvisible", "--name", f"^{NAME}$").split(),
        "the window is visible",
    )[0]
    place = (str(ON_THE_WORD[0]), str(ON_THE_WORD[1]))
    x(display, "xdotool", "mousemove", "--window", window, *place, "click", "--repeat", "2", "1")


def test_the_page_css_decides_what_the_user_selects_and_copies(
    display: str, engine: str, tmp_path: Path
) -> None:
    (tmp_path / "oro.toml").write_text(CONFIG)
    (tmp_path / "index.html").write_text(PAGE)
    key = new_key()
    environ = window_environ(display, engine, key)
    with (
        OroProcess("run", str(tmp_path), environ=environ, timeout=120) as oro,
        bridge_of(oro, key, NAME) as bridge,
    ):
        stale = _clipboard(display)  # an earlier app's copy: the word must be this one's
        _double_click_word(display)
        x(display, "xdotool", "key", "--clearmodifiers", "ctrl+c")
        word = until(lambda: _clipboard(display).strip(), "a copied word")

        x(display, "xdotool", "key", "--clearmodifiers", "ctrl+a")
        x(display, "xdotool", "key", "--clearmodifiers", "ctrl+c")
        everything = until(lambda: _clipboard_other_than(display, word), "the page's copy")
        rules = evaluate(bridge, SELECT_RULES)

        evaluate(bridge, "createWindow({ url: '/index.html', title: 'second' }); true")
        oro.wait_for_line(r"^oro: window 1 ready$")
        second_rules = evaluate(bridge, SELECT_RULES, 1)

    assert WORD not in stale
    assert word == WORD
    assert ANSWER in everything
    assert TOOLBAR not in everything
    for found in (rules, second_rules):
        body, answer, toolbar = found
        assert body != "none"
        assert answer != "none"
        assert toolbar == "none"
