"""A tiny random-weight llama GGUF (and a LoRA adapter for it) that llama.cpp really loads.

Tests and examples need a model that loads in milliseconds and that nobody downloads, so this
module writes one with the `gguf` package: llama architecture, a llama/SentencePiece vocabulary
with byte fallback (any text round-trips through tokenize/detokenize), a ChatML chat template
and `<|im_end|>` as end of generation. The weights are random but seeded, so every call writes
the same bytes and greedy decoding gives the same text on every machine.

Two properties make the random model usable in tests:

- It only ever generates printable word pieces: one residual channel carries a constant that no
  layer writes to, and the output matrix turns that channel into a large negative bias for the
  control tokens (`<|im_end|>`, `</s>`, ...) and the byte tokens. Generation therefore never
  stops by itself (a request ends at `max_tokens` or a stop sequence, deterministically) and
  never emits half of a UTF-8 character.
- Everything else is random with unit-scale logits, so the next token depends on the context and
  a LoRA adapter visibly changes the output distribution.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import gguf
import numpy as np
import numpy.typing as npt

from oro_framework.records import record

CHATML_TEMPLATE: Final = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)

_SEED: Final = 20_241_121
_ARCH: Final = "llama"
# Words whose pieces form the non-byte vocabulary; every prefix becomes a token so the
# SentencePiece merger (pairwise, best score first) can build each word from single characters.
_WORDS: Final = (
    "the", "and", "you", "model", "tiny", "hello", "world", "oro", "llama", "token",
    "stream", "chat", "test", "random", "answer", "paris", "france", "capital", "what", "is",
)  # fmt: skip
_SPACE: Final = "\u2581"  # SentencePiece's visible space


@record
class TinyShape:
    """The tiny model's hyperparameters (small enough for a few hundred KB on disk)."""

    n_embd: int = 64
    n_head: int = 4
    n_head_kv: int = 2
    n_layer: int = 2
    n_ff: int = 128
    n_ctx_train: int = 2048
    lora_rank: int = 4
    lora_alpha: float = 8.0


SHAPE: Final = TinyShape()

# Token ids of the special tokens (the vocabulary starts with them, in this order).
UNK_ID: Final = 0
BOS_ID: Final = 1
EOS_ID: Final = 2
IM_START_ID: Final = 3
IM_END_ID: Final = 4
_FIRST_BYTE_ID: Final = 5


def _vocabulary() -> tuple[list[str], list[float], list[int]]:
    """Tokens, scores and token types of a llama (SPM) vocabulary with byte fallback."""
    tokens = ["<unk>", "<s>", "</s>", "<|im_start|>", "<|im_end|>"]
    types = [
        gguf.TokenType.UNKNOWN,
        gguf.TokenType.CONTROL,
        gguf.TokenType.CONTROL,
        gguf.TokenType.CONTROL,
        gguf.TokenType.CONTROL,
    ]
    scores = [0.0] * len(tokens)
    for byte in range(256):
        tokens.append(f"<0x{byte:02X}>")
        types.append(gguf.TokenType.BYTE)
        scores.append(0.0)
    # Single characters: the SentencePiece space and printable ASCII (bytes cover the rest).
    pieces = [_SPACE, *(chr(code) for code in range(0x21, 0x7F))]
    seen = set(pieces)
    for word in _WORDS:
        for text in (_SPACE + word, word):
            for end in range(2, len(text) + 1):
                piece = text[:end]
                if piece not in seen:
                    seen.add(piece)
                    pieces.append(piece)
    for piece in pieces:
        tokens.append(piece)
        types.append(gguf.TokenType.NORMAL)
        # Longer pieces win merges, as in a trained SentencePiece model.
        scores.append(float(len(piece)) - 100.0)
    return tokens, scores, [int(kind) for kind in types]


def _generatable(types: list[int]) -> npt.NDArray[np.bool_]:
    """Which tokens the model may emit: normal pieces only (no control or byte tokens)."""
    return np.array([kind == gguf.TokenType.NORMAL for kind in types], dtype=np.bool_)


def _matrix(
    rng: np.random.Generator, rows: int, cols: int, scale: float
) -> npt.NDArray[np.float16]:
    # numpy (rows, cols) is ggml (ne0=cols, ne1=rows): a weight maps cols inputs to rows outputs.
    return (rng.standard_normal((rows, cols)) * scale).astype(np.float16)


def write_tiny_model(directory: Path, name: str = "tiny") -> Path:
    """Write `<directory>/<name>.gguf` (deterministic bytes) and return its path."""
    shape = SHAPE
    rng = np.random.default_rng(_SEED)
    tokens, scores, types = _vocabulary()
    n_vocab = len(tokens)
    head_dim = shape.n_embd // shape.n_head
    n_embd_kv = head_dim * shape.n_head_kv
    path = Path(directory) / f"{name}.gguf"
    path.parent.mkdir(parents=True, exist_ok=True)

    writer = gguf.GGUFWriter(path, _ARCH)
    writer.add_type(gguf.GGUFType.MODEL)
    writer.add_name(name)
    writer.add_file_type(gguf.LlamaFileType.MOSTLY_F16)
    writer.add_vocab_size(n_vocab)
    writer.add_context_length(shape.n_ctx_train)
    writer.add_embedding_length(shape.n_embd)
    writer.add_block_count(shape.n_layer)
    writer.add_feed_forward_length(shape.n_ff)
    writer.add_head_count(shape.n_head)
    writer.add_head_count_kv(shape.n_head_kv)
    writer.add_rope_dimension_count(head_dim)
    writer.add_rope_freq_base(10_000.0)
    writer.add_layer_norm_rms_eps(1e-5)

    writer.add_tokenizer_model("llama")
    writer.add_tokenizer_pre("default")
    writer.add_token_list(tokens)
    writer.add_token_scores(scores)
    writer.add_token_types(types)
    writer.add_unk_token_id(UNK_ID)
    writer.add_bos_token_id(BOS_ID)
    writer.add_eos_token_id(IM_END_ID)
    writer.add_eot_token_id(IM_END_ID)
    writer.add_pad_token_id(EOS_ID)
    # ChatML models (Qwen, SmolLM2) add no BOS; no space prefix keeps round-trips exact.
    writer.add_add_bos_token(False)
    writer.add_add_eos_token(False)
    writer.add_add_space_prefix(False)
    writer.add_chat_template(CHATML_TEMPLATE)

    # Channel 0 of the residual stream is a constant "bias" channel: set in every embedding,
    # never written by a layer (row 0 of attn_output/ffn_down is zero), so after the final
    # RMS norm it scales column 0 of the output matrix into a per-token logit bias.
    embeddings = rng.standard_normal((n_vocab, shape.n_embd)).astype(np.float32)
    embeddings[:, 0] = float(np.sqrt(shape.n_embd - 1))
    writer.add_tensor("token_embd.weight", embeddings.astype(np.float16))
    writer.add_tensor("output_norm.weight", np.ones(shape.n_embd, dtype=np.float32))
    output = rng.standard_normal((n_vocab, shape.n_embd)).astype(np.float32) * 0.5
    output[:, 0] = np.where(_generatable(types), 0.0, -40.0)
    writer.add_tensor("output.weight", output.astype(np.float16))

    scale = 1.0 / float(np.sqrt(shape.n_embd))
    for layer in range(shape.n_layer):
        prefix = f"blk.{layer}"
        attn_output = _matrix(rng, shape.n_embd, shape.n_embd, scale)
        ffn_down = _matrix(rng, shape.n_embd, shape.n_ff, 1.0 / float(np.sqrt(shape.n_ff)))
        attn_output[0, :] = 0
        ffn_down[0, :] = 0
        writer.add_tensor(f"{prefix}.attn_norm.weight", np.ones(shape.n_embd, dtype=np.float32))
        writer.add_tensor(
            f"{prefix}.attn_q.weight", _matrix(rng, shape.n_embd, shape.n_embd, scale)
        )
        writer.add_tensor(f"{prefix}.attn_k.weight", _matrix(rng, n_embd_kv, shape.n_embd, scale))
        writer.add_tensor(f"{prefix}.attn_v.weight", _matrix(rng, n_embd_kv, shape.n_embd, scale))
        writer.add_tensor(f"{prefix}.attn_output.weight", attn_output)
        writer.add_tensor(f"{prefix}.ffn_norm.weight", np.ones(shape.n_embd, dtype=np.float32))
        writer.add_tensor(
            f"{prefix}.ffn_gate.weight", _matrix(rng, shape.n_ff, shape.n_embd, scale)
        )
        writer.add_tensor(f"{prefix}.ffn_up.weight", _matrix(rng, shape.n_ff, shape.n_embd, scale))
        writer.add_tensor(f"{prefix}.ffn_down.weight", ffn_down)

    _finish(writer)
    return path


def write_tiny_lora(model_path: Path, directory: Path) -> Path:
    """Write a LoRA adapter GGUF for the tiny model at `model_path`; returns its path.

    Layout as llama.cpp's convert_lora_to_gguf.py writes it: `general.type = adapter`,
    `adapter.type = lora`, `adapter.lora.alpha`, and for each adapted weight W (ggml shape
    [n_in, n_out]) a pair `W.lora_a` [n_in, r] and `W.lora_b` [r, n_out], so that
    W' = W + alpha / r * B @ A. It adapts the attention and feed-forward inputs only, never a
    matrix that writes the constant bias channel, so the adapted model still emits only
    printable pieces.
    """
    shape = _read_shape(Path(model_path))
    rng = np.random.default_rng(_SEED + 1)
    head_dim = shape.n_embd // shape.n_head
    n_embd_kv = head_dim * shape.n_head_kv
    path = Path(directory) / f"{Path(model_path).stem}-lora.gguf"
    path.parent.mkdir(parents=True, exist_ok=True)

    writer = gguf.GGUFWriter(path, _ARCH)
    writer.add_type(gguf.GGUFType.ADAPTER)
    writer.add_name(f"{Path(model_path).stem}-lora")
    writer.add_string(gguf.Keys.Adapter.TYPE, "lora")
    writer.add_float32(gguf.Keys.Adapter.LORA_ALPHA, shape.lora_alpha)
    rank = shape.lora_rank
    outputs = {
        "attn_q": shape.n_embd,
        "attn_k": n_embd_kv,
        "attn_v": n_embd_kv,
        "ffn_gate": shape.n_ff,
        "ffn_up": shape.n_ff,
    }
    for layer in range(shape.n_layer):
        for tensor, n_out in outputs.items():
            name = f"blk.{layer}.{tensor}.weight"
            lora_a = rng.standard_normal((rank, shape.n_embd)) / np.sqrt(shape.n_embd)
            lora_b = rng.standard_normal((n_out, rank)) / np.sqrt(rank)
            writer.add_tensor(f"{name}.lora_a", lora_a.astype(np.float32))
            writer.add_tensor(f"{name}.lora_b", lora_b.astype(np.float32))
    _finish(writer)
    return path


def _finish(writer: gguf.GGUFWriter) -> None:
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def _read_shape(model_path: Path) -> TinyShape:
    """The hyperparameters stored in a model written by `write_tiny_model`."""
    reader = gguf.GGUFReader(model_path)

    def number(key: str) -> int:
        field = reader.get_field(key.format(arch=_ARCH))
        if field is None:
            raise ValueError(f"{model_path} is not a tiny llama model: {key} is missing")
        return int(field.contents())

    return TinyShape(
        n_embd=number(gguf.Keys.LLM.EMBEDDING_LENGTH),
        n_head=number(gguf.Keys.Attention.HEAD_COUNT),
        n_head_kv=number(gguf.Keys.Attention.HEAD_COUNT_KV),
        n_layer=number(gguf.Keys.LLM.BLOCK_COUNT),
        n_ff=number(gguf.Keys.LLM.FEED_FORWARD_LENGTH),
        n_ctx_train=number(gguf.Keys.LLM.CONTEXT_LENGTH),
    )
