"""What a reader of the data file follows without clonecheck: the foreign keys between its
tables and the views that answer the common questions, so that ``datasette clonecheck.db``
shows a case's person and profile as links, and a profile's photo.

Declared links (schema 5): ``matches`` and ``cases`` to ``profiles`` (by key) and to
``identities`` (by slug), ``profiles`` to ``photos`` (by digest). SQLite enforces them (the
store turns ``foreign_keys`` on), so every row must point at a row that exists or at nothing:
a case keeps its profile in ``profiles`` (a reported account that no crawl holds is added
there when its case opens), and a removed person's cases keep their history with no person
(``ON DELETE SET NULL``). Adding a key to an existing table needs a table rebuild, which
sqlite-utils' ``transform`` does; rows that would break a new link are repaired first.

The case tables are created here, with the rest of the schema, because the views read them.
"""

from __future__ import annotations

import sqlite_utils
from sqlite_utils.db import ForeignKey

#: the open states of a case: being handled (``CaseState`` values, as stored)
OPEN_STATES = ("open", "confirmed clone", "reported to platform")


def _fk(
    table: str, column: str, other: str, other_column: str, on_delete: str = "NO ACTION"
) -> ForeignKey:
    return ForeignKey(
        table=table,
        column=column,
        other_table=other,
        other_column=other_column,
        on_delete=on_delete,
    )


#: table -> the links it declares
LINKS: dict[str, tuple[ForeignKey, ...]] = {
    "profiles": (_fk("profiles", "photo_digest", "photos", "digest"),),
    "matches": (
        _fk("matches", "profile_key", "profiles", "key"),
        _fk("matches", "identity_slug", "identities", "slug"),
    ),
    "cases": (
        _fk("cases", "profile_key", "profiles", "key"),
        _fk("cases", "identity_slug", "identities", "slug", on_delete="SET NULL"),
    ),
}

#: the views, by name: the questions a team asks of the file most often
VIEWS: dict[str, str] = {
    # for each person, the matches of the newest finished scan that covered them: a scan of
    # everyone, or of them only (named by slug, or by a handle: then known by its matches);
    # the newest scan is found once per person, then their matches by the primary key
    "latest_matches": """
        select m.* from (
            select i.slug as slug, (
                select max(s.id) from scans s
                where s.finished_at is not null
                  and (s.identity is null or s.identity = i.slug
                       or exists (select 1 from matches o
                                  where o.scan_id = s.id and o.identity_slug = i.slug))
            ) as scan_id
            from identities i
        ) latest
        join matches m on m.scan_id = latest.scan_id and m.identity_slug = latest.slug""",
    "open_cases_by_person": f"""
        select c.identity_slug as person, i.name as name,
               count(*) as open_cases,
               sum(c.state = 'open') as awaiting_decision,
               sum(c.state = 'confirmed clone') as confirmed_not_reported,
               sum(c.state = 'reported to platform') as reported,
               min(c.opened_at) as oldest_opened_at
        from cases c left join identities i on i.slug = c.identity_slug
        where c.state in ({", ".join(f"'{s}'" for s in OPEN_STATES)})
        group by c.identity_slug
        order by open_cases desc, person""",
    "clones_by_platform": """
        select p.platform as platform,
               count(distinct case when l.verdict = 'likely clone' then l.profile_key end)
                   as likely_clones,
               count(distinct case when l.verdict = 'possible' then l.profile_key end)
                   as possible_clones,
               (select count(*) from cases c join profiles q on q.key = c.profile_key
                where q.platform = p.platform and c.resolution = 'confirmed') as confirmed_clones
        from profiles p join latest_matches l on l.profile_key = p.key
        group by p.platform
        order by likely_clones desc, platform""",
}


def create_case_tables(db: sqlite_utils.Database) -> None:
    """The case tables, their indexes and the append-only triggers of ``case_events``, if
    missing (the rules live in ``store/cases.py``)."""
    db.table("cases").create(
        {
            "id": int,
            "identity_slug": str,
            "profile_key": str,
            "handle": str,
            "state": str,
            "resolution": str,
            "assignee": str,
            "opened_at": str,
            "score": float,
            "verdict": str,
            "evidence_digest": str,
            "match_json": str,
        },
        pk="id",
        not_null={"profile_key", "state", "opened_at", "verdict", "evidence_digest"},
        foreign_keys=list(LINKS["cases"]),
        if_not_exists=True,
    )
    db.table("cases").create_index(["identity_slug", "profile_key"], if_not_exists=True)
    db.table("cases").create_index(["state"], if_not_exists=True)
    db.table("case_events").create(
        {
            "id": int,
            "case_id": int,
            "at": str,
            "actor": str,
            "from_state": str,
            "to_state": str,
            "reason": str,
            "note": str,
        },
        pk="id",
        not_null={"case_id", "at", "actor", "to_state"},
        foreign_keys=[("case_id", "cases", "id")],
        if_not_exists=True,
    )
    db.table("case_events").create_index(["case_id"], if_not_exists=True)
    for event in ("UPDATE", "DELETE"):
        db.execute(
            f"CREATE TRIGGER IF NOT EXISTS case_events_no_{event.lower()} "
            f"BEFORE {event} ON case_events "
            f"BEGIN SELECT RAISE(ABORT, 'case_events is append-only'); END"
        )
    db.table("known_bad").create(
        {"kind": str, "value": str, "case_id": int},
        pk=("kind", "value", "case_id"),
        foreign_keys=[("case_id", "cases", "id")],
        if_not_exists=True,
    )


def _repair(db: sqlite_utils.Database) -> None:
    """Rows of an older file that a new link would refuse: a profile's photo digest with no
    photo row is forgotten (it had no features to compare anyway); matches of a profile or
    person no longer stored are dropped (a re-scan makes them again); a case's profile that
    no crawl holds is added from the case's own copy of it; a removed person's cases keep
    no person."""
    db.execute(
        "update profiles set photo_digest = null where photo_digest is not null "
        "and not exists (select 1 from photos f where f.digest = profiles.photo_digest)"
    )
    db.execute(
        "delete from matches where not exists (select 1 from profiles p "
        "where p.key = matches.profile_key) or not exists (select 1 from identities i "
        "where i.slug = matches.identity_slug)"
    )
    db.execute(
        """insert or ignore into profiles
               (key, platform, handle, name, bio, account_id, photo_source, photo_digest,
                source_file, imported_at, updated_at)
           select c.profile_key,
                  json_extract(c.match_json, '$.profile.platform'),
                  json_extract(c.match_json, '$.profile.handle'),
                  coalesce(json_extract(c.match_json, '$.profile.name'), ''),
                  coalesce(json_extract(c.match_json, '$.profile.bio'), ''),
                  json_extract(c.match_json, '$.profile.account_id'),
                  json_extract(c.match_json, '$.profile.photo.source'),
                  (select f.digest from photos f
                   where f.digest = json_extract(c.match_json, '$.profile.photo.digest')),
                  'case #' || c.id, c.opened_at, c.opened_at
           from cases c
           where not exists (select 1 from profiles p where p.key = c.profile_key)
           order by c.id"""
    )
    db.execute(
        "update cases set identity_slug = null where identity_slug is not null and not "
        "exists (select 1 from identities i where i.slug = cases.identity_slug)"
    )


def declare_links(db: sqlite_utils.Database) -> None:
    """Add the links an older file's tables lack (a rebuild each), after repairing the rows
    that would break them; then (re)create the views. Runs inside the migration's
    transaction."""
    missing = {
        table: [fk for fk in links if fk not in set(db.table(table).foreign_keys)]
        for table, links in LINKS.items()
    }
    if any(missing.values()):
        _repair(db)
    for table, fks in missing.items():
        if fks:
            db.table(table).transform(add_foreign_keys=fks)
    create_views(db)


def create_views(db: sqlite_utils.Database) -> None:
    """The views of ``VIEWS``, replaced by their current definitions."""
    for name, sql in VIEWS.items():
        db.execute(f"DROP VIEW IF EXISTS {name}")
        db.execute(f"CREATE VIEW {name} AS {sql.strip()}")
