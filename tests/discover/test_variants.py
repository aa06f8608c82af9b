"""The handle-edit model: what a clone maker would register, most likely first."""

from __future__ import annotations

import pytest

from clonecheck.discover.variants import KINDS, handle_variants, name_spellings, search_queries
from clonecheck.features.names import compare_handles
from clonecheck.models import AccountRef, Identity

EILEEN = Identity(
    slug="eileen-collins",
    name="Eileen Collins",
    handles=("eileencollins",),
    own_accounts=(AccountRef("twitter", "eileencollins"), AccountRef("bluesky", "eileen_c")),
)


def test_the_devumi_edits_come_first() -> None:
    """A capital I for an l leads, then doubled letters, then added underscores."""
    variants = handle_variants(EILEEN)
    assert variants[0].handle == "eiIeencollins" and variants[0].edit == "look-alike: I for l"
    kinds = [v.kind for v in variants]
    assert kinds.index("doubled letter") < kinds.index("underscore") < kinds.index("dropped letter")
    order = {kind: n for n, kind in enumerate(KINDS)}
    direct = [v for v in variants if v.base == "eileencollins"]
    assert [order[v.kind] for v in direct] == sorted(order[v.kind] for v in direct)


@pytest.mark.parametrize(
    "clone",
    [
        "eileencolins",
        "eileenccollins",
        "eileencollins_",
        "eileencollisn",
        "eileencollins1",
        "realeileencollins",
        "eileencollins_official",
        "eiieencollins",
        "eileencoll1ns",
        "eileen_collins",
        "eileen.collins",
        "ecollins",
    ],
)
def test_the_clones_clone_makers_make_are_listed(clone: str) -> None:
    """Each edit the benchmark's clone maker uses is among the variants (case aside)."""
    handles = {v.handle.casefold() for v in handle_variants(EILEEN)}
    assert clone in handles


def test_variants_never_include_the_persons_own_handles_and_are_unique() -> None:
    """No registered handle or own account, and each handle once, case aside."""
    handles = [v.handle.casefold() for v in handle_variants(EILEEN)]
    assert "eileencollins" not in handles and "eileen_c" not in handles
    assert len(handles) == len(set(handles))


def test_every_direct_variant_reads_as_a_look_alike_to_the_matcher() -> None:
    """The matcher scores each single edit of the handle at or above handle_weak (80)."""
    for variant in handle_variants(EILEEN):
        if variant.base == "eileencollins":
            assert variant.similarity == compare_handles("eileencollins", variant.handle).similarity
            assert variant.similarity >= 80, variant


def test_limit_and_json_shape() -> None:
    """limit cuts the ranked list; as_dict has the documented keys."""
    top = handle_variants(EILEEN, limit=5)
    assert len(top) == 5
    assert set(top[0].as_dict()) == {"handle", "kind", "edit", "from", "similarity"}


def test_names_and_queries_are_accent_free_and_transliterated() -> None:
    """The name, its accent-free and transliterated form and each handle are searched."""
    zoe = Identity(slug="z", name="Zoë Łukasiewicz", handles=("zoe_l",))
    assert search_queries(zoe) == ["Zoë Łukasiewicz", "zoe lukasiewicz", "zoe_l"]
    assert name_spellings("Андрей Иванов")[0] == "andreyivanov"
