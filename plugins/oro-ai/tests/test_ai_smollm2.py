"""The default model (SmolLM2-135M-Instruct from oro-ai-smollm2) answers a simple question
coherently, asked with the official `openai` client through the real server."""

from __future__ import annotations

from pathlib import Path

import openai
import oro_ai.plugin

from oro_framework.testing import served_app


def test_smollm2_answers_the_capital_of_france(smollm2_model: Path) -> None:
    # No model configured: the plugin serves the default model shipped in oro-ai-smollm2.
    with served_app([oro_ai.plugin]) as app:
        session = app.call(app.server.session_cookie)
        client = openai.OpenAI(
            base_url=f"{app.server.origin}/ai/llama/v1",
            api_key="unused",  # the session cookie authenticates this client
            default_headers={"Cookie": f"{app.server.cookie_name}={session}"},
            max_retries=0,
            timeout=120,
        )
        ids = [model.id for model in client.models.list()]
        default = next(name for name in ids if "smollm2" in name.lower())
        reply = client.chat.completions.create(
            model=default,
            messages=[
                {"role": "user", "content": "What is the capital of France? Answer in one word."}
            ],
            temperature=0,
            max_tokens=16,
        )
    choice = reply.choices[0]
    assert choice.finish_reason in ("stop", "length")
    assert "Paris" in (choice.message.content or "")
