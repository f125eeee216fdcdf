"""The generated tiny model and LoRA adapter, loaded by the real llama.cpp (llama-cpp-python)."""

from __future__ import annotations

import ctypes
import hashlib
import string
from collections.abc import Iterator
from pathlib import Path

import gguf
import llama_cpp
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from llama_cpp.llama_chat_format import Jinja2ChatFormatter
from oro_ai.testmodel import (
    CHATML_TEMPLATE,
    IM_END_ID,
    IM_START_ID,
    SHAPE,
    write_tiny_lora,
    write_tiny_model,
)

PROMPTS = ["hello world", "The capital of France is", "tiny llama", "Ünïcödé → 東京 🦙"]


@pytest.fixture(scope="module")
def llm(tiny_model: Path) -> Iterator[llama_cpp.Llama]:
    model = llama_cpp.Llama(str(tiny_model), n_ctx=256, n_threads=1, seed=1, verbose=False)
    yield model
    model.close()


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_files_are_small_and_deterministic(tiny_model: Path, tiny_lora: Path, tmp_path: Path):
    assert 100_000 < tiny_model.stat().st_size < 1_000_000
    assert tiny_lora.stat().st_size < tiny_model.stat().st_size
    again = write_tiny_model(tmp_path)
    assert _sha256(again) == _sha256(tiny_model)
    assert _sha256(write_tiny_lora(again, tmp_path)) == _sha256(tiny_lora)


def test_metadata_as_llama_cpp_reads_it(llm: llama_cpp.Llama):
    assert llm.metadata["general.architecture"] == "llama"
    assert llm.metadata["tokenizer.chat_template"] == CHATML_TEMPLATE
    assert llm.n_embd() == SHAPE.n_embd
    assert llm.n_ctx() == 256
    assert llm.token_eos() == IM_END_ID
    assert llm.detokenize([IM_START_ID], special=True) == b"<|im_start|>"
    assert llm.detokenize([IM_END_ID], special=True) == b"<|im_end|>"
    # ChatML special tokens are single control tokens when special parsing is on...
    assert llm.tokenize(b"<|im_start|>user", add_bos=False, special=True)[0] == IM_START_ID
    # ...and plain text otherwise.
    assert IM_START_ID not in llm.tokenize(b"<|im_start|>", add_bos=False, special=False)


def test_words_merge_and_other_text_falls_back_to_bytes(llm: llama_cpp.Llama):
    assert len(llm.tokenize(b"hello world", add_bos=False)) == 2
    pieces = [llm.detokenize([token]) for token in llm.tokenize("é".encode(), add_bos=False)]
    assert pieces == [b"\xc3", b"\xa9"]


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(alphabet=st.characters(blacklist_characters="\u2581", blacklist_categories=("Cs",))))
def test_any_text_round_trips(llm: llama_cpp.Llama, text: str):
    # U+2581 is SentencePiece's visible space: like every SPM model, it reads back as " ".
    data = text.encode()
    tokens = llm.tokenize(data, add_bos=False, special=False)
    assert llm.detokenize(tokens) == data


def test_chat_template_formats_chatml(llm: llama_cpp.Llama):
    formatter = Jinja2ChatFormatter(
        template=llm.metadata["tokenizer.chat_template"], eos_token="<|im_end|>", bos_token="<s>"
    )
    messages = [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "hello"},
    ]
    prompt = formatter(messages=messages).prompt  # type: ignore[arg-type]
    assert prompt == (
        "<|im_start|>system\nBe brief.<|im_end|>\n"
        "<|im_start|>user\nhello<|im_end|>\n"
        "<|im_start|>assistant\n"
    )
    reply = llm.create_chat_completion(messages=messages, max_tokens=8, temperature=0.0)  # type: ignore[arg-type]
    choice = reply["choices"][0]  # type: ignore[index]
    assert choice["finish_reason"] == "length"
    assert choice["message"]["content"]


@pytest.mark.parametrize("prompt", PROMPTS)
def test_generation_is_printable_deterministic_and_never_stops_early(
    llm: llama_cpp.Llama, prompt: str
):
    first = llm.create_completion(prompt, max_tokens=24, temperature=0.0)
    second = llm.create_completion(prompt, max_tokens=24, temperature=0.0)
    choice = first["choices"][0]  # type: ignore[index]
    assert choice["text"] == second["choices"][0]["text"]  # type: ignore[index]
    assert choice["finish_reason"] == "length"
    assert first["usage"]["completion_tokens"] == 24  # type: ignore[index]
    assert set(choice["text"]) <= set(string.printable)
    sampled = llm.create_completion(prompt, max_tokens=24, temperature=1.5, seed=7)
    assert sampled["choices"][0]["finish_reason"] == "length"  # type: ignore[index]
    assert set(sampled["choices"][0]["text"]) <= set(string.printable)  # type: ignore[index]


def test_next_token_depends_on_context(llm: llama_cpp.Llama):
    texts = {
        llm.create_completion(prompt, max_tokens=6, temperature=0.0)["choices"][0]["text"]  # type: ignore[index]
        for prompt in PROMPTS
    }
    assert len(texts) > 1


def test_embeddings(tiny_model: Path):
    model = llama_cpp.Llama(
        str(tiny_model),
        n_ctx=128,
        n_threads=1,
        embedding=True,
        pooling_type=llama_cpp.LLAMA_POOLING_TYPE_MEAN,
        verbose=False,
    )
    try:
        vectors = model.embed(["hello world", "tiny llama"])
    finally:
        model.close()
    assert [len(vector) for vector in vectors] == [SHAPE.n_embd, SHAPE.n_embd]
    assert all(np.isfinite(vector).all() for vector in vectors)
    assert not np.allclose(vectors[0], vectors[1])


def _last_logits(model: llama_cpp.Llama, prompt: bytes) -> np.ndarray:
    model.reset()
    model.eval(model.tokenize(prompt, add_bos=False))
    logits = llama_cpp.llama_get_logits_ith(model.ctx, -1)
    return np.ctypeslib.as_array(logits, shape=(model.n_vocab(),)).copy()


def test_lora_adapter_changes_the_logits(tiny_model: Path, tiny_lora: Path):
    reader = gguf.GGUFReader(tiny_lora)
    assert reader.get_field("general.type").contents() == "adapter"  # type: ignore[union-attr]
    assert reader.get_field("adapter.type").contents() == "lora"  # type: ignore[union-attr]

    plain = llama_cpp.Llama(str(tiny_model), n_ctx=64, n_threads=1, verbose=False)
    adapted = llama_cpp.Llama(
        str(tiny_model), n_ctx=64, n_threads=1, lora_path=str(tiny_lora), verbose=False
    )
    try:
        base = _last_logits(plain, b"hello world")
        with_lora = _last_logits(adapted, b"hello world")
        assert not np.allclose(base, with_lora, atol=1e-3)

        # The low-level API the server uses: attach to and detach from a live context.
        adapter = llama_cpp.llama_adapter_lora_init(plain.model, str(tiny_lora).encode())
        assert adapter  # a NULL pointer (falsy, but not None) means the load failed
        try:
            adapters = (llama_cpp.llama_adapter_lora_p_ctypes * 1)(adapter)
            scales = (ctypes.c_float * 1)(1.0)
            assert llama_cpp.llama_set_adapters_lora(plain.ctx, adapters, 1, scales) == 0
            np.testing.assert_allclose(_last_logits(plain, b"hello world"), with_lora, atol=1e-3)
            assert llama_cpp.llama_set_adapters_lora(plain.ctx, adapters, 0, scales) == 0
            np.testing.assert_allclose(_last_logits(plain, b"hello world"), base, atol=1e-4)
        finally:
            llama_cpp.llama_adapter_lora_free(adapter)
    finally:
        plain.close()
        adapted.close()


def test_lora_for_a_different_model_is_rejected(tiny_model: Path, tmp_path: Path):
    # Shapes that do not fit the model: llama.cpp refuses the adapter with a NULL pointer, which
    # ctypes hands back as a falsy pointer object, not None (Llama(lora_path=...) checks `is None`
    # and so misses it: the server must test the pointer's truth value).
    other = gguf.GGUFWriter(tmp_path / "other.gguf", "llama")
    other.add_type(gguf.GGUFType.ADAPTER)
    other.add_string(gguf.Keys.Adapter.TYPE, "lora")
    other.add_float32(gguf.Keys.Adapter.LORA_ALPHA, 1.0)
    other.add_tensor("blk.0.attn_q.weight.lora_a", np.zeros((2, 8), dtype=np.float32))
    other.add_tensor("blk.0.attn_q.weight.lora_b", np.zeros((8, 2), dtype=np.float32))
    other.write_header_to_file()
    other.write_kv_data_to_file()
    other.write_tensors_to_file()
    other.close()
    model = llama_cpp.Llama(str(tiny_model), n_ctx=64, n_threads=1, verbose=False)
    try:
        adapter = llama_cpp.llama_adapter_lora_init(
            model.model, str(tmp_path / "other.gguf").encode()
        )
        assert adapter is not None
        assert not adapter
    finally:
        model.close()
