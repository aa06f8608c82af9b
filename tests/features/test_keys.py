"""The candidate-index keys: one-letter deletions read off a text's runs of letters are the
same keys as deleting each letter and collapsing doubled letters, which is what they stand for."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from clonecheck.features.keys import MAX_DELETION_KEY_LEN, _collapsed_deletions, handle_keys
from clonecheck.features.skeleton import collapse_doubles, skeleton_handle, skeleton_once


def deletions_collapsed_one_by_one(text: str) -> set[str]:
    if len(text) > MAX_DELETION_KEY_LEN or len(text) < 4:
        return set()
    return {collapse_doubles(text[:i] + text[i + 1 :]) for i in range(len(text))}


# few letters, so that doubled runs and equal neighbours are common
@given(st.text(alphabet="abcl1", min_size=0, max_size=MAX_DELETION_KEY_LEN + 2))
def test_deletions_from_runs_equal_deleting_and_collapsing(text: str) -> None:
    assert _collapsed_deletions(text) == deletions_collapsed_one_by_one(text)


def test_a_doubled_or_dropped_letter_shares_a_key() -> None:
    # "maroneslaugh" and its clone "marrneslaugh" (o replaced by a doubled r) meet
    assert handle_keys("maroneslaugh") & handle_keys("marrneslaugh")
    assert "h:bab" in {f"h:{d}" for d in _collapsed_deletions("bacab")}


# letters, blanks, a capital I, digits and separators: the fast path and the general one
@given(st.text(alphabet="abIl rn1_@Åé", max_size=20))
def test_a_skeleton_read_once_equals_the_cached_reading(text: str) -> None:
    assert skeleton_once(text) == skeleton_handle(text)
