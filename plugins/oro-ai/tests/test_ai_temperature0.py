"""Temperature 0 answers are identical run to run: the same request alone, again (its prompt
then comes from the KV cache), from several windows at once beside another request, and after
the cache filled up, with the default model and the default (auto) thread count."""

from __future__ import annotations

import asyncio
import concurrent.futures
from pathlib import Path

import openai
import oro_ai.plugin

from oro_framework.testing import served_app

NOTES = " ".join(
    f"Note {index}: the meeting about project {index} moved to room {index * 7 % 13} "
    f"on day {index % 5}."
    for index in range(12)
)
QUESTION = f"{NOTES}\nUsing the notes, write a long story about the meetings."
"""Long enough (~290 tokens) for llama.cpp's batched kernels; the answers reach 512+ cells of
the cache, where a lone token's attention used to be split across the threads."""


async def _answer(client: openai.AsyncOpenAI, prompt: str) -> str:
    reply = await client.chat.completions.create(
        model="default",
        messages=[{"role": "user", "content": prompt}],
        temperature=0,
        max_tokens=150,
    )
    return reply.choices[0].message.content or ""


def test_the_same_request_gets_the_same_answer(smollm2_model: Path) -> None:
    with served_app([oro_ai.plugin], config={"ai.llm.threads": 0}) as app:
        session = app.call(app.server.session_cookie)

        async def ask_all() -> list[str]:
            async with openai.AsyncOpenAI(
                base_url=f"{app.server.origin}/ai/llama/v1",
                api_key="unused",
                default_headers={"Cookie": f"{app.server.cookie_name}={session}"},
                max_retries=0,
                timeout=600,
            ) as client:
                answers = [await _answer(client, QUESTION), await _answer(client, QUESTION)]
                together = await asyncio.gather(
                    _answer(client, QUESTION),
                    _answer(client, "Tell me about the planets."),
                    _answer(client, QUESTION),
                )
                answers += [together[0], together[2], await _answer(client, QUESTION)]
                return answers

        # In a thread of its own: the session's sync Playwright, started by another test file
        # of this xdist worker, leaves an event loop marked running in this one.
        with concurrent.futures.ThreadPoolExecutor(1) as thread:
            answers = thread.submit(asyncio.run, ask_all()).result()
    first = answers[0]
    assert len(first) > 200, first
    assert answers == [first] * len(answers)
