from datetime import UTC, datetime

import pyarrow as pa

from agorascope.schema import POST_SCHEMA, RAW_POST_SCHEMA, SCHEMA_VERSION, conform, validate_batch


def _raw(rows: list[dict]) -> pa.RecordBatch:
    return conform(pa.Table.from_pylist(rows))


def test_schema_is_versioned_and_raw_adds_record():
    assert POST_SCHEMA.metadata[b"agorascope.schema_version"] == str(SCHEMA_VERSION).encode()
    assert "record" in RAW_POST_SCHEMA.names and "ingested_at" not in RAW_POST_SCHEMA.names
    assert POST_SCHEMA.field("author").type == pa.string()


def test_validator_gives_one_reason_per_bad_row():
    t = datetime(2026, 3, 1, tzinfo=UTC)
    rows = [
        {"post_id": "x:1", "platform": "x", "created_at": t, "text": "fine", "record": 1},
        {"post_id": None, "platform": "x", "created_at": t, "text": "no id", "record": 2},
        {"post_id": "x:3", "platform": "x", "created_at": None, "text": "no time", "record": 3},
        {"post_id": "x:4", "platform": "x", "created_at": datetime(1970, 1, 2, tzinfo=UTC), "text": "old",
         "record": 4},
        {"post_id": "x:5", "platform": "x", "created_at": datetime(2999, 1, 1, tzinfo=UTC), "text": "future",
         "record": 5},
        {"post_id": "x:6", "platform": "x", "created_at": t, "text": "a" * 200_001, "record": 6},
        {"post_id": "x:7", "platform": "x", "created_at": t, "text": "nul\x00", "record": 7},
        {"post_id": "x:8", "platform": None, "created_at": t, "text": "no platform", "record": 8},
        {"post_id": "  ", "platform": "x", "created_at": t, "text": "blank id", "record": 9},
    ]
    valid, rejects = validate_batch(_raw(rows))
    assert valid.column("record").to_pylist() == [1]
    reasons = dict(zip(rejects.records.to_pylist(), rejects.reasons.to_pylist(), strict=True))
    assert reasons[2] == "missing post_id"
    assert reasons[3] == "missing or unparseable created_at"
    assert reasons[4].startswith("created_at out of range")
    assert reasons[5].startswith("created_at out of range")
    assert reasons[6] == "text over 100000 bytes"
    assert reasons[7] == "NUL byte in text"
    assert reasons[8] == "missing platform"
    assert reasons[9] == "missing post_id"


def test_validator_lowercases_hashtags_and_derives_domains():
    t = datetime(2026, 3, 1, tzinfo=UTC)
    rows = [{"post_id": "x:1", "platform": "x", "created_at": t, "hashtags": ["#Hong_Kong", "香港"],
             "urls": ["https://news.example.org/a", "http://www.other.net/b"], "record": 1}]
    valid, rejects = validate_batch(_raw(rows))
    assert len(rejects) == 0
    assert valid.column("hashtags").to_pylist() == [["hong_kong", "香港"]]
    assert valid.column("domains").to_pylist() == [["news.example.org", "other.net"]]


def test_validate_accepts_slices_with_list_columns():
    """Readers hand over slices of bigger tables; list columns must survive the clean fast path."""
    from datetime import UTC, datetime

    import pyarrow as pa

    from agorascope.schema import conform, validate_batch

    n = 6
    b = conform(pa.table({
        "post_id": [f"x:{i}" for i in range(n)], "platform": ["x"] * n,
        "created_at": pa.array([datetime(2026, 1, 1, tzinfo=UTC)] * n),
        "hashtags": [["#A"], None, ["b", "C"], [], ["D"], ["e"]],
        "urls": [["https://a.com/x"], None, [], ["http://b.org"], None, ["https://c.net"]],
        "record": list(range(n))}))
    valid, rejects = validate_batch(b.slice(3, 3))
    assert len(rejects) == 0
    assert valid.column("hashtags").to_pylist() == [[], ["d"], ["e"]]
    assert valid.column("domains").to_pylist() == [["b.org"], None, ["c.net"]]
