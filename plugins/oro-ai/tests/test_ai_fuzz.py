"""Bad input never breaks the API: random JSON bodies (and field values of every type) get a
typed answer below 500, and the server keeps serving."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import oro_ai.plugin
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oro_framework.testing import served_app

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**40), 2**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=8,
)
FIELDS = st.sampled_from(
    [
        "model",
        "messages",
        "prompt",
        "max_tokens",
        "temperature",
        "top_p",
        "stop",
        "stream",
        "stream_options",
        "response_format",
        "tools",
        "seed",
        "n",
        "top_k",
        "min_p",
        "presence_penalty",
        "frequency_penalty",
        "repeat_penalty",
        "input",
        "tokens",
        "content",
        "encoding_format",
    ]
)
ENDPOINTS = st.sampled_from(
    ["/v1/chat/completions", "/v1/completions", "/v1/embeddings", "/tokenize", "/detokenize"]
)


def test_random_bodies_get_typed_answers_never_a_500(tiny_model: Path) -> None:
    config = {
        "ai.llm.model_path": str(tiny_model.parent),
        "ai.llm.default_model": tiny_model.stem,
        "ai.llm.threads": 1,
        "ai.llm.hard_max_tokens": 4,
        "ai.llm.default_max_tokens": 2,
    }
    with served_app([oro_ai.plugin], config=config) as app:
        session = app.call(app.server.session_cookie)
        client = httpx.Client(
            base_url=f"{app.server.origin}/ai/llama",
            cookies={app.server.cookie_name: session},
            timeout=60,
        )

        @settings(
            max_examples=150,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture],
        )
        @given(
            endpoint=ENDPOINTS,
            body=st.dictionaries(FIELDS, JSON, max_size=5) | JSON,
        )
        def check(endpoint: str, body: Any) -> None:
            response = client.post(endpoint, json=body)
            assert response.status_code < 500, (response.status_code, response.text)
            if response.status_code >= 400:
                error = response.json()["error"]
                assert error["code"]
                assert error["message"]

        with client:
            check()
            # Token ids outside the vocabulary are refused before they reach llama.cpp.
            for endpoint, body in [
                ("/v1/embeddings", {"input": [[2**31 - 1]]}),
                ("/v1/embeddings", {"input": [-5, 3]}),
                ("/v1/completions", {"prompt": [2**31 - 1]}),
                ("/detokenize", {"tokens": [-1]}),
            ]:
                response = client.post(endpoint, json=body)
                assert response.status_code == 400, (endpoint, response.text)
            assert client.get("/health").status_code == 200
