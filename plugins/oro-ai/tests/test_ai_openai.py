"""The official openai client against the live server, as another process would use it: the
configured API key as its api_key, no session cookie."""

from __future__ import annotations

from pathlib import Path

import openai
import oro_ai.plugin
import pytest

from oro_framework.testing import served_app

API_KEY = "openai-test-key-0123456789"


def test_openai_client_chat_stream_completion_embeddings_models(tiny_model: Path) -> None:
    config = {
        "ai.llm.model_path": str(tiny_model.parent),
        "ai.llm.threads": 1,
        "ai.llm.api_key": API_KEY,
    }
    with served_app([oro_ai.plugin], config=config) as app:
        client = openai.OpenAI(
            base_url=f"{app.server.origin}/ai/llama/v1", api_key=API_KEY, max_retries=0, timeout=60
        )
        ids = [model.id for model in client.models.list()]
        assert tiny_model.stem in ids

        chat = client.chat.completions.create(
            model=tiny_model.stem,
            messages=[{"role": "user", "content": "hello"}],
            max_tokens=4,
            temperature=0,
        )
        assert chat.choices[0].finish_reason in ("stop", "length")
        assert chat.usage is not None
        assert chat.usage.completion_tokens <= 4

        stream = client.chat.completions.create(
            model=tiny_model.stem,
            messages=[{"role": "user", "content": "hello"}],
            max_tokens=4,
            temperature=0,
            stream=True,
            stream_options={"include_usage": True},
        )
        chunks = list(stream)
        reasons = [chunk.choices[0].finish_reason for chunk in chunks if chunk.choices]
        assert reasons[-1] in ("stop", "length")
        assert chunks[-1].usage is not None
        streamed = "".join(
            chunk.choices[0].delta.content or "" for chunk in chunks if chunk.choices
        )
        assert streamed == chat.choices[0].message.content

        text = client.completions.create(model=tiny_model.stem, prompt="ab", max_tokens=3)
        assert text.choices[0].finish_reason in ("stop", "length")

        embedded = client.embeddings.create(model=tiny_model.stem, input=["a", "b"])
        assert len(embedded.data) == 2

        with pytest.raises(openai.NotFoundError) as missing:
            client.chat.completions.create(
                model="missing", messages=[{"role": "user", "content": "x"}]
            )
        assert missing.value.code == "model_not_found"

        stranger = openai.OpenAI(
            base_url=f"{app.server.origin}/ai/llama/v1", api_key="not-the-key", max_retries=0
        )
        with pytest.raises(openai.PermissionDeniedError):
            stranger.models.list()
