"""A small app that uses oro-ai, as an app author writes one from docs/ai.md: its page streams
an answer from the default model and hands it to ``backend.py``, which prints it, so a test
sees from the terminal that a real window answered."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Final

COMMAND: Final = "ask"
TOML: Final = """[meta]
name = "Ask"
version = "0.3.0"
bundle_identifier = "dev.oro.test-ask"
description = "Answers from a local language model"
"""
HTML: Final = """<!doctype html><title>ask</title><p id="answer"></p>
<script type="module" src="main.js"></script>
"""
MAIN: Final = """import { chat } from 'oro:ai'
import backend from 'oro:backend'

const messages = [{ role: 'user', content: 'Say hello to the user.' }]
try {
  const stream = await chat({ messages, max_tokens: 12, temperature: 0, stream: true })
  let text = ''
  let chunks = 0
  for await (const piece of stream.text()) {
    text += piece
    chunks += 1
    document.getElementById('answer').textContent = text
  }
  await backend.answered({ text, chunks })
} catch (error) {
  await backend.failed({ message: `${error.name}: ${error.message}` })
}
"""
BACKEND: Final = """from oro_framework.backend import command


@command
def answered(text: str, chunks: int) -> None:
    print(f"ask: streamed {chunks} chunks: {text!r}", flush=True)


@command
def failed(message: str) -> None:
    print(f"ask: failed: {message}", flush=True)
"""
ANSWERED: Final = r"^ask: (streamed (\d+) chunks: (.+)|failed: .+)$"
"""The line ``backend.py`` prints once the page's stream ended, or failed."""


def write_ai_app(app: Path) -> Path:
    """The app written into ``app``."""
    app.mkdir(parents=True, exist_ok=True)
    for name, text in (
        ("oro.toml", TOML),
        ("index.html", HTML),
        ("main.js", MAIN),
        ("backend.py", BACKEND),
    ):
        (app / name).write_text(text, encoding="utf-8")
    return app


def streamed(line: str) -> tuple[int, str]:
    """The chunk count and the text of an :data:`ANSWERED` line of a stream that ended."""
    match = re.match(ANSWERED, line)
    assert match is not None, line
    assert match.group(2) is not None, line  # the page's stream failed
    return int(match.group(2)), match.group(3)
