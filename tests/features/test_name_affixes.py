"""Display-name tricks: the words clone makers add to a stolen name ("Official Bill Clinton",
"Bill Clinton (Official)", "[official] Bill Clinton", "The Real Bill Clinton ✔") count as the
name itself, as "official" and "real" already do around handles; disclaimers stay apart."""

from __future__ import annotations

import pytest

from clonecheck.config import DEFAULT
from clonecheck.features.names import compare_names, fan_or_parody, name_keys
from clonecheck.match.candidates import CandidateIndex
from clonecheck.match.score import score_pair
from clonecheck.models import Identity, Profile

BILL = Identity(slug="billclinton", name="Bill Clinton", handles=("billclinton",))


@pytest.mark.parametrize(
    ("name", "added"),
    [
        ("Official Bill Clinton", "'official'"),
        ("Bill Clinton (Official)", "'official'"),
        ("[official] Bill Clinton", "'official'"),
        ("OFFICIAL: Bill Clinton", "'official'"),
        ("The Real Bill Clinton", "'the', 'real'"),
        ("Bill Clinton Verified", "'verified'"),
        ("Real Bill Clinton ✔", "'real'"),
    ],
)
def test_added_words_leave_the_same_name(name: str, added: str) -> None:
    """With the clone maker's word removed the name is the registered one, and the detail says
    which word was added."""
    found = compare_names("Bill Clinton", name)
    assert found.similarity == 100.0
    assert found.detail == f"same name with {added} added"


def test_a_registered_name_keeps_its_own_words() -> None:
    """A registered "The Rock" keeps its "the": only words the registered name lacks are
    removed, and a name made only of such words is not reduced to nothing."""
    assert compare_names("The Rock", "The Rock (Official)").similarity == 100.0
    assert compare_names("The Rock", "Rock").similarity < 80
    assert compare_names("Bill Clinton", "The Official").similarity < 50


@pytest.mark.parametrize("name", ["Bill Clinton Parody", "Bill Clinton Fan Account"])
def test_parody_markers_are_not_affixes(name: str) -> None:
    """Parody and fan markers are not stripped as affixes: they say the account is not the
    person, and stay a separate note."""
    assert compare_names("Bill Clinton", name).similarity < 95
    assert fan_or_parody(name, "") is not None


@pytest.mark.parametrize(
    "name", ["Official Bill Clinton", "Bill Clinton (Official)", "[official] Bill Clinton"]
)
def test_scored_like_the_plain_name(name: str) -> None:
    """A profile with an added word scores exactly like one with the plain name and the same
    handle: the trick no longer lowers the score below "possible"."""

    def judged(display: str) -> tuple[float, str]:
        profile = Profile(platform="twitter", handle="billclinton_", name=display)
        match = score_pair(BILL, [], profile, None, DEFAULT)
        return match.score, match.verdict.value

    assert judged(name) == judged("Bill Clinton")
    assert judged(name)[1] != "none"


def test_an_official_copy_with_a_typo_is_still_a_candidate() -> None:
    """A typo plus "Official": "Official Bill Clintn" shares one whole word with "Bill
    Clinton"; without the added word its joined skeleton meets the registered name's, so a
    scan compares them."""
    index = CandidateIndex(identities=[BILL], photos={}, config=DEFAULT)
    assert index.by_name("xyz_99", "Official Bill Clintn") == {0}
    assert index.by_name("xyz_99", "Bill Clintn") == {0}
    assert name_keys("Official Bill Clintn") & name_keys("Bill Clinton")
