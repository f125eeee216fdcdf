"""A real OpenAI-compatible upstream: llama-cpp-python's own ``llama_cpp.server`` serving the
generated tiny model, reached through the host and directly with the official ``openai`` client;
the host's answers must be the upstream's."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import openai
import oro_ai.plugin
import pytest

from oro_framework.testing import free_port, served_app, until

ALIAS = "remote-tiny"
"""The upstream's model id: not a local model's name, or the local one would answer."""
API_KEY = "upstream-test-key-0123456789"


@pytest.fixture(scope="module")
def llama_server(tiny_model: Path) -> Iterator[str]:
    """``llama_cpp.server`` on a free loopback port; yields its OpenAI root URL."""
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "llama_cpp.server",
            "--model",
            str(tiny_model),
            "--model_alias",
            ALIAS,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--n_ctx",
            "512",
            "--n_threads",
            "1",
            "--verbose",
            "False",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}/v1"

    def ready() -> bool:
        assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
        try:
            return httpx.get(f"{url}/models", timeout=2).status_code == 200
        except httpx.TransportError:
            return False

    try:
        until(ready, "llama_cpp.server answering", timeout=120)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def _clients(origin: str, upstream: str) -> tuple[openai.OpenAI, openai.OpenAI]:
    through_host = openai.OpenAI(
        base_url=f"{origin}/ai/llama/v1", api_key=API_KEY, max_retries=0, timeout=120
    )
    direct = openai.OpenAI(base_url=upstream, api_key="unused", max_retries=0, timeout=120)
    return through_host, direct


def test_the_host_answers_what_llama_cpp_server_answers(
    tiny_model: Path, llama_server: str
) -> None:
    config = {
        "ai.llm.model_path": str(tiny_model.parent),
        "ai.llm.threads": 1,
        "ai.llm.api_key": API_KEY,
        # No models listed: the ids come from the server's own /v1/models.
        "ai.upstreams.llama.base_url": llama_server,
    }
    messages = [{"role": "user", "content": "hello"}]
    with served_app([oro_ai.plugin], config=config) as app:
        through_host, direct = _clients(app.server.origin, llama_server)
        listed = {model.id: model for model in through_host.models.list()}
        assert tiny_model.stem in listed
        assert listed[ALIAS].model_extra == {"location": "upstream", "upstream": "llama"}

        answers = [
            client.chat.completions.create(
                model=ALIAS, messages=messages, max_tokens=8, temperature=0, seed=1
            )
            for client in (through_host, direct)
        ]
        assert answers[0].choices[0].message.content == answers[1].choices[0].message.content
        assert answers[0].usage == answers[1].usage
        assert answers[0].model == answers[1].model

        streams = [
            list(
                client.chat.completions.create(
                    model=ALIAS,
                    messages=messages,
                    max_tokens=8,
                    temperature=0,
                    seed=1,
                    stream=True,
                )
            )
            for client in (through_host, direct)
        ]
        texts = [
            "".join(chunk.choices[0].delta.content or "" for chunk in chunks if chunk.choices)
            for chunks in streams
        ]
        assert texts[0] == texts[1] == answers[0].choices[0].message.content
        assert streams[0][-1].choices[0].finish_reason == streams[1][-1].choices[0].finish_reason

        schema_format = {"type": "json_object"}
        constrained = [
            client.chat.completions.create(
                model=ALIAS,
                messages=messages,
                max_tokens=12,
                temperature=0,
                seed=1,
                response_format=schema_format,  # type: ignore[arg-type]
            )
            for client in (through_host, direct)
        ]
        assert (
            constrained[0].choices[0].message.content == constrained[1].choices[0].message.content
        )

        completions = [
            client.completions.create(model=ALIAS, prompt="ab", max_tokens=4, temperature=0)
            for client in (through_host, direct)
        ]
        assert completions[0].choices[0].text == completions[1].choices[0].text

        # The local model still answers beside it.
        local = through_host.chat.completions.create(
            model=tiny_model.stem, messages=messages, max_tokens=2
        )
        assert local.model == tiny_model.stem
