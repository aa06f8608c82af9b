"""ActivityPub actors and Mastodon Account entities, on the real samples."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clonecheck.ingest import RecordProblem, detect_format, read_profiles
from clonecheck.models import Profile

ACTORS = ("formats", "activitypub", "actors_fedidevs")


def split(path: Path) -> tuple[list[Profile], list[RecordProblem]]:
    items = list(read_profiles(path))
    return (
        [i for i in items if isinstance(i, Profile)],
        [i for i in items if isinstance(i, RecordProblem)],
    )


@pytest.mark.parametrize(
    ("name", "handle", "display", "bio_start", "photo_start"),
    [
        (
            "mastodon_gargron_mastodon_social.json",
            "Gargron@mastodon.social",
            "Eugen Rochko",
            "Founder of @Mastodon.",
            "https://files.mastodon.social/accounts/avatars/000/000/001/",
        ),
        (
            "peertube_peertube_framapiaf_org.json",
            "peertube@framapiaf.org",
            "PeerTube",
            "PeerTube Software Official Account",
            "https://stockage.framapiaf.org/",
        ),
        (
            "misskey_https_misskey_io_syuilo.json",
            "syuilo@misskey.io",
            "しゅいろ",
            "Misskeyを開発している人",
            "https://media.misskeyusercontent.com/",
        ),
        (
            "pleroma_karolat_stereophonic_space.json",
            "karolat@stereophonic.space",
            "karolat",
            "i'm here to have a good time",
            "https://stereophonic.space/media/",
        ),
        (
            "pixelfed_dansup_pixelfed_social.json",
            "dansup@pixelfed.social",
            "dansup",
            "Hi, I'm the developer behind @Pixelfed",
            "https://pixelfed.social/storage/avatars/",
        ),
        (
            "friendica_tobias_friendi_ca.json",
            "tobias@friendi.ca",
            "Tobias",
            "",
            "https://secure.gravatar.com/avatar/7faf7abf39f117b7bb2cf8e08f4eded7?s=120&d=mm&r=g",
        ),
        (
            "lemmy_lemmy_support_lemmy_ml.json",
            "lemmy_support@lemmy.ml",
            "Lemmy Support",
            "Support / questions about Lemmy.",
            None,
        ),
        (
            "gnu_social_administrator_gnusocial_net.json",
            "administrator@gnusocial.net",
            "admin de gnusocial.net",
            "Admin de gnusocial.net.",
            "https://gnusocial.net/avatar/",
        ),
        (
            "hubzilla_scott_authorship_studio.json",
            "scott@authorship.studio",
            "Scott M. Stolz",
            "I am an entrepreneur",
            "https://authorship.studio/photo/profile/",
        ),
        (
            "streams_mike_macgirvin_com.json",
            "mike@macgirvin.com",
            "Mike Macgirvin",
            "Farmer in Bugger All",
            "https://macgirvin.com/photo/profile/l/5",
        ),
        (
            "funkwhale_greensky_open_audio.json",
            "Greensky@open.audio",
            "Greensky",
            "Hola soy GreenSky",
            "https://s3.eu-central-2.wasabisys.com/open-audio/",
        ),
        (
            "writefreely_matt_write_as.json",
            "matt@write.as",
            "Matt",
            "Founder, [Musing Studio]",
            "https://cdn.writeas.net/img/avatars/m.png",
        ),
        (
            "plume_actapopuli_fediverse_blog.json",
            "actapopuli@fediverse.blog",
            "actapopuli",
            "Dissemination of views",
            "https://fediverse.blog/static/media/",
        ),
        (
            "mobilizon_framasoft_mobilizon_fr.json",
            "framasoft@mobilizon.fr",
            "Framasoft",
            "",
            "https://mobilizon.fr/media/",
        ),
        (
            "micro_blog_manton_manton_org.json",
            "manton@manton.org",
            "Manton Reece",
            "I created Micro.blog.",
            "https://micro.blog/manton/avatar.jpg",
        ),
    ],
)
def test_actor_samples(shared_data, name, handle, display, bio_start, photo_start) -> None:
    """Each app's actor gives user@host, plain-text bio, icon URL and no account id."""
    path = shared_data.path(*ACTORS, name)
    assert detect_format(path).name == "activitypub"
    (actor,), problems = split(path)
    assert problems == []
    assert (actor.platform, actor.handle, actor.name, actor.account_id) == (
        "fediverse",
        handle,
        display,
        None,
    )
    assert actor.bio.startswith(bio_start)
    assert "<" not in actor.bio and "&#39;" not in actor.bio
    if photo_start is None:
        assert actor.photo is None
    else:
        assert actor.photo is not None and actor.photo.source.startswith(photo_start)
    assert actor.key == f"fediverse:@{handle.casefold()}"


def test_actor_link_and_date(shared_data) -> None:
    """The actor's url is the link; published is the creation date."""
    (actor,), _ = split(shared_data.path(*ACTORS, "mastodon_gargron_mastodon_social.json"))
    assert actor.link == "https://mastodon.social/@Gargron"
    assert actor.created_at == "2016-03-16T00:00:00Z"
    assert actor.followers is None


def test_mastodon_account(shared_data) -> None:
    """Account entity: acct handle, display name, note as text, counts, avatar."""
    path = shared_data.path("formats", "mastodon_api", "Account_example_0.json")
    assert detect_format(path).name == "mastodon"
    (account,), problems = split(path)
    assert problems == []
    assert (account.platform, account.handle, account.name) == (
        "fediverse",
        "noiob@awoo.space",
        "ikea shark fan account",
    )
    assert "#awoo.space #admin ~ #bi ~ #nonbinary ~ compsci student" in account.bio
    assert ":ms_rainbow_flag:" not in account.bio
    assert (account.followers, account.following) == (547, 404)
    assert account.created_at == "2017-02-08T02:00:53.274Z"
    assert account.link == "https://awoo.space/@noiob"
    assert account.photo is not None
    assert account.photo.source == (
        "https://files.mastodon.social/accounts/avatars/000/023/634/original/6ca8804dc46800ad.png"
    )


def test_mastodon_minimal_account_same_key(shared_data) -> None:
    """The minimal example (no username) gets the same handle-based key as the full one."""
    full = split(shared_data.path("formats", "mastodon_api", "Account_example_0.json"))[0][0]
    path = shared_data.path("formats", "mastodon_api", "Account_example_2.json")
    (minimal,), _ = split(path)
    assert minimal.key == full.key == "fediverse:@noiob@awoo.space"


def test_mastodon_local_acct_and_bad_record(tmp_path) -> None:
    """A local acct takes its host from url; a non-object in a list is a record problem."""
    path = tmp_path / "followers.json"
    path.write_text(
        json.dumps(
            [{"acct": "Gargron", "url": "https://mastodon.social/@Gargron", "avatar": ""}, 5]
        )
    )
    profiles, problems = split(path)
    assert [p.handle for p in profiles] == ["Gargron@mastodon.social"]
    assert profiles[0].photo is None
    assert problems == [RecordProblem(str(path), "record 2", "not a JSON object")]


def test_actor_and_account_share_key(tmp_path, shared_data) -> None:
    """The same account as an ActivityPub actor and as a Mastodon Account has one key."""
    actor = split(shared_data.path(*ACTORS, "mastodon_gargron_mastodon_social.json"))[0][0]
    path = tmp_path / "account.json"
    path.write_text(
        json.dumps(
            {"id": "1", "acct": "Gargron", "url": "https://mastodon.social/@Gargron", "avatar": ""}
        )
    )
    account = split(path)[0][0]
    assert account.key == actor.key
