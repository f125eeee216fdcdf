"""What a page may see of an upstream's own words (:mod:`oro_ai.redaction`): whatever the text
around them, never the key, the upstream's address or a credential, and never more than
:data:`~oro_ai.redaction.MAX_MESSAGE` characters."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from oro_ai.redaction import MAX_MESSAGE, Redactor, safe_param

KEY = "sk-proj-Zq81yXc0ffee4242abcdEF"
HOSTS = ["gpu.internal.example", "gpu.internal.example:8443", "10.20.30.40"]
REDACTOR = Redactor([KEY], HOSTS)

_ECHOES = st.sampled_from(
    [
        KEY,
        f"Bearer {KEY}",
        f"Authorization: Bearer {KEY}",
        f'"authorization": "Bearer {KEY}"',
        f"{KEY[:12]}************{KEY[-4:]}",
        "https://gpu.internal.example:8443/v1/chat/completions",
        "GPU.INTERNAL.EXAMPLE:8443",
        "10.20.30.40:8443",
        "x-api-key=abc123",
        "Basic dXNlcjpwYXNz",
    ]
)


@given(
    parts=st.lists(st.one_of(st.text(max_size=40), _ECHOES), max_size=12),
    separator=st.sampled_from([" ", "", "\n", ", ", '"']),
)
def test_no_echo_survives_whatever_surrounds_it(parts: list[str], separator: str) -> None:
    """Issue 39 item 4: the cleaning under the relayed upstream messages."""
    shown = REDACTOR.message(separator.join(parts))
    assert len(shown) <= MAX_MESSAGE
    assert KEY not in shown
    assert KEY[:12] not in shown
    assert "gpu.internal.example" not in shown.lower()
    assert "10.20.30.40" not in shown
    assert "Basic dXNlcjpwYXNz" not in shown
    assert "\n" not in shown


def test_an_ordinary_message_is_kept_as_it_is() -> None:
    text = "max_tokens must be at most 4096, got 9999 for meta-llama/Llama-3.1-70B-Instruct"
    assert REDACTOR.message(text) == text
    assert REDACTOR.message(f"{KEY} {KEY}") == ""


def test_params_are_relayed_only_as_field_names() -> None:
    assert safe_param("messages[0].content") == "messages[0].content"
    assert safe_param(f"Bearer {KEY}") is None
    assert safe_param(7) is None


def test_a_long_hostile_message_is_cleaned() -> None:
    """64 KiB (an error body's cap) of what makes a backtracking pattern take hours: the
    patterns bound their repetitions, so this returns at once."""
    for text in ("a" * 65536, "a." * 32768, "1:" * 32768, "[" + "1:" * 32767):
        assert len(REDACTOR.message(text)) <= MAX_MESSAGE
