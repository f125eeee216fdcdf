"""Hypothesis building blocks for the property tests that throw damaged bytes at a server (the
HTTP server, the wire core, WebSockets): a valid exchange with bytes replaced, inserted or cut,
and bytes sent in arbitrary pieces."""

from __future__ import annotations

from hypothesis import strategies as st

__all__ = ["damaged", "in_pieces"]


def damaged(draw: st.DrawFn, valid: bytes) -> bytearray:
    """``valid`` with up to four edits: bytes replaced, noise inserted, or the rest cut off."""
    data = bytearray(valid)
    for _ in range(draw(st.integers(0, 4))):
        position = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["replace", "insert", "cut"]))
        noise = draw(st.binary(min_size=1, max_size=12))
        if action == "replace":
            data[position : position + len(noise)] = noise
        elif action == "insert":
            data[position:position] = noise
        else:
            del data[position:]
    return data


def in_pieces(draw: st.DrawFn, data: bytes, *, max_cuts: int = 4) -> list[bytes]:
    """``data`` cut in up to ``max_cuts`` places, as a client might send it."""
    cuts = sorted(draw(st.lists(st.integers(0, len(data)), max_size=max_cuts)))
    return [bytes(data[a:b]) for a, b in zip([0, *cuts], [*cuts, len(data)], strict=True)]
