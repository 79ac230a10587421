"""The `post_keys` dedupe table: exact upserts, erasure, migration from schema 1."""

from __future__ import annotations

import orjson
import pyarrow as pa

from agorascope import Project
from agorascope.schema import SCHEMA_VERSION


def _file(path, ids, user=lambda i: f"user{i % 7}"):
    path.write_bytes(b"".join(orjson.dumps({"id": i, "user": user(i), "date": "2026-03-01T10:00:00Z",
                                            "text": f"post {i}", "platform": "twitter"}) + b"\n" for i in ids))
    return path


def _counts(project):
    s = project.store
    return (s.scalar("SELECT count(*) FROM posts"), s.scalar("SELECT count(*) FROM post_keys"),
            s.scalar("SELECT count(DISTINCT post_id) FROM posts"))


def test_overlapping_files_and_duplicates_inside_a_batch(project, tmp_path):
    a = _file(tmp_path / "a.ndjson", range(0, 600))
    b = _file(tmp_path / "b.ndjson", [*range(400, 1000), 450, 999])  # 200 known, 2 repeated inside
    assert project.ingest([a]).imported == 600
    rep = project.ingest([b])
    assert (rep.imported, rep.duplicates) == (400, 202)
    assert _counts(project) == (1000, 1000, 1000)


def test_returning_gives_exactly_the_new_ids(project):
    from agorascope.schema import POST_SCHEMA

    def batch(ids):
        n = len(ids)
        cols = {f.name: pa.nulls(n, f.type) for f in POST_SCHEMA}
        cols["post_id"] = pa.array([f"x:{i}" for i in ids])
        cols["platform"] = pa.array(["x"] * n)
        cols["created_at"] = pa.array([0] * n, pa.int64()).cast(POST_SCHEMA.field("created_at").type)
        return pa.RecordBatch.from_arrays([cols[f.name] for f in POST_SCHEMA], schema=POST_SCHEMA)

    assert sorted(project.store.upsert_posts_returning(batch([1, 2, 3])).to_pylist()) == ["x:1", "x:2", "x:3"]
    assert sorted(project.store.upsert_posts_returning(batch([3, 4, 4, 1])).to_pylist()) == ["x:4"]
    assert project.store.upsert_posts(batch([1, 2, 3, 4])) == 0


def test_a_post_deleted_behind_the_keys_back_is_imported_again(project, tmp_path):
    """A key without its post (a stale key) must not block the post: keys only nominate
    candidates, the stored ids decide."""
    a = _file(tmp_path / "a.ndjson", range(50))
    project.ingest([a])
    project.store.execute("DELETE FROM posts WHERE post_id IN ('twitter:3', 'twitter:4')")
    rep = project.ingest([a], force=True)
    assert (rep.imported, rep.duplicates) == (2, 48)
    assert project.store.scalar("SELECT count(*) FROM posts") == 50


def test_forget_removes_the_keys_and_the_posts_can_come_back(project, tmp_path):
    a = _file(tmp_path / "a.ndjson", range(70), user=lambda i: "Gone_Person" if i % 7 == 0 else f"u{i}")
    project.ingest([a])
    pseud = project.pseudonym(["Gone_Person"], platform="twitter")[0]
    counts = project.forget(handle="Gone_Person", platform="twitter")
    assert counts["posts"] == 10 and counts["post_keys"] == 10
    gone = [f"twitter:{i}" for i in range(0, 70, 7)]
    assert project.store.scalar("SELECT count(*) FROM post_keys WHERE post_key IN "
                                "(SELECT hash(unnest(?::VARCHAR[])))", [gone]) == 0
    assert project.store.scalar("SELECT count(*) FROM posts WHERE author = ?", [pseud]) == 0
    assert _counts(project) == (60, 60, 60)
    rep = project.ingest([a], force=True)  # e.g. the person posts them again and consents
    assert rep.imported == 10
    assert _counts(project) == (70, 70, 70)


def _reopened_after(tmp_path, a, *statements):
    """A project that imported `a`, then had `statements` run on its store (to make it look like
    an older or other version wrote it), closed and opened again."""
    proj = tmp_path / "proj"
    p = Project.init(proj)
    p.ingest([a])
    for sql in statements:
        p.store.execute(sql)
    p.close()
    return Project.open(proj)


def test_a_schema_1_store_is_migrated_and_keeps_deduplicating(tmp_path):
    # What agorascope 0.1 wrote: no keys, schema version 1.
    p = _reopened_after(tmp_path, _file(tmp_path / "a.ndjson", range(300)),
                        "DROP TABLE post_keys", "UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    try:
        assert p.store.schema_version == SCHEMA_VERSION == 3
        assert _counts(p) == (300, 300, 300)
        rep = p.ingest([_file(tmp_path / "b.ndjson", range(250, 350))])
        assert (rep.imported, rep.duplicates) == (50, 50)
    finally:
        p.close()


def test_keys_are_rebuilt_when_duckdb_hash_changes(tmp_path):
    """The keys come from DuckDB's hash(); if an upgrade changes it, the store notices (probe in
    meta) and rebuilds them, so duplicates cannot slip through."""
    a = _file(tmp_path / "a.ndjson", range(200))
    # What a store written by a DuckDB with another hash() looks like: other keys, other probe.
    p = _reopened_after(tmp_path, a, "UPDATE post_keys SET post_key = xor(post_key, 12345::UBIGINT)",
                        "UPDATE meta SET value = 'another hash' WHERE key = 'post_key_probe'")
    try:
        assert p.store.scalar("SELECT count(*) FROM post_keys k JOIN posts ON k.post_key = hash(posts.post_id)") == 200
        rep = p.ingest([a], force=True)
        assert (rep.imported, rep.duplicates) == (0, 200)
    finally:
        p.close()


def test_a_schema_2_store_loses_the_key_authors_and_keeps_deduplicating(tmp_path):
    """Schema 2 kept each key's author next to it; schema 3 keeps keys only."""
    # What schema 2 wrote: keys with their authors.
    p = _reopened_after(tmp_path, _file(tmp_path / "a.ndjson", range(100)),
                        "ALTER TABLE post_keys ADD COLUMN author VARCHAR", "UPDATE post_keys SET author = 'a_0123'",
                        "UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    try:
        assert p.store.schema_version == 3
        assert p.store.columns("post_keys") == ["post_key"]
        rep = p.ingest([_file(tmp_path / "b.ndjson", range(50, 150))])
        assert (rep.imported, rep.duplicates) == (50, 50)
        assert _counts(p) == (150, 150, 150)
    finally:
        p.close()


def test_forget_keeps_a_key_that_another_authors_post_shares(project, tmp_path):
    """A key that also stands for another author's post (a 64-bit collision) stays after the
    author is forgotten, so the other post still deduplicates. Forced here by storing a second
    post with the same id under another author, behind the upsert's back."""
    a = _file(tmp_path / "a.ndjson", range(20), user=lambda i: "Gone_Person" if i in (3, 5) else f"u{i}")
    project.ingest([a])
    project.store.execute("INSERT INTO posts SELECT * REPLACE ('a_other' AS author) FROM posts "
                          "WHERE post_id = 'twitter:3'")
    counts = project.forget(handle="Gone_Person", platform="twitter")
    assert counts["posts"] == 2 and counts["post_keys"] == 1  # twitter:5's key went, twitter:3's stayed
    assert project.store.scalar("SELECT count(*) FROM post_keys WHERE post_key = hash('twitter:3')") == 1
    rep = project.ingest([a], force=True)
    assert (rep.imported, rep.duplicates) == (1, 19)  # twitter:5 comes back; the other twitter:3 blocks its twin
