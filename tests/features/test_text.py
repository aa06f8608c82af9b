"""Text normalisation: the ASCII fast path says exactly what the general path says."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from clonecheck.features.text import _normalize_any, _normalize_ascii

ascii_text = st.text(alphabet=st.characters(max_codepoint=127), max_size=40)


@given(ascii_text, st.booleans())
def test_ascii_names_and_handles_normalise_alike_on_both_paths(
    text: str, keep_separators: bool
) -> None:
    assert _normalize_ascii(text, keep_separators) == _normalize_any(text, keep_separators)


def test_decorations_are_named_on_the_fast_path() -> None:
    assert _normalize_ascii("Ada ~Lovelace~ <3", False) == (
        "ada lovelace 3",
        ("decorations removed: ~<",),
    )
