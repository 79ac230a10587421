"""Property tests: no reader raises on arbitrary bytes or mutated records; every record is accounted for."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agorascope import sources
from agorascope.errors import SourceError
from agorascope.schema import RAW_POST_SCHEMA
from agorascope.sources.base import ReadOptions

DATA = Path(__file__).parent / "data" / "sources"
PLATFORM_FORMATS = [n for n in sources.names() if n not in ("csv", "ndjson", "parquet")]
SAMPLES = {
    "twarc2": "twarc2/search.jsonl", "twarc2-flat": "twarc2/flat.jsonl", "twitter-v1": "twitter/v1.jsonl",
    "bluesky-jetstream": "bluesky/jetstream.jsonl", "bluesky-appview": "bluesky/feed.json",
    "mastodon": "mastodon/statuses.json", "reddit": "reddit/RC_sample.ndjson", "telegram": "telegram/result.json",
    "youtube": "youtube/commentThreads.json", "crowdtangle": "meta/crowdtangle.csv",
    "meta-content-library": "meta/mcl_facebook.csv", "zeeschuimer": "zeeschuimer/items.ndjson",
    "4cat-csv": "fourcat/dataset.csv", "4cat-ndjson": "fourcat/dataset.ndjson", "rss": "news/feed.rss",
    "mediacloud": "news/mediacloud.csv",
}
#: Formats whose every line is one item: each line must come back as posts, a reject or a skip.
ONE_ITEM_PER_LINE = {"twarc2-flat", "twitter-v1", "bluesky-jetstream", "reddit", "zeeschuimer", "4cat-ndjson"}
#: AGORASCOPE_HYPO=2000 runs the property tests much longer (done before each release).
EXAMPLES = int(os.environ.get("AGORASCOPE_HYPO", 40))
FAST = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def test_every_platform_format_has_a_sample() -> None:
    assert set(SAMPLES) == set(PLATFORM_FORMATS)


def _read_all(name: str, path: Path, batch_rows: int = 3) -> tuple[list[pa.RecordBatch], list[Any], int, bool]:
    batches, rejects, skipped, failed = [], [], 0, False
    try:
        for ch in sources.get(name).read(path, options=ReadOptions(batch_rows=batch_rows)):
            assert ch.posts.schema.equals(RAW_POST_SCHEMA), name
            assert ch.posts.num_rows <= batch_rows
            batches.append(ch.posts)
            rejects.extend(ch.rejects)
            skipped += ch.skipped
    except SourceError:
        failed = True  # a whole file that cannot be read is a clean, named error
    return batches, rejects, skipped, failed


@given(st.binary(max_size=4096))
@settings(max_examples=200, deadline=None)
def test_sniff_is_total(head: bytes) -> None:
    for name in sources.names():
        v = sources.get(name).sniff(head, filename="x.json")
        assert 0.0 <= v <= 1.0, name


@given(st.binary(max_size=2048), st.sampled_from(PLATFORM_FORMATS))
@FAST
def test_readers_never_raise_on_bytes(data: bytes, name: str) -> None:
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "blob"
        p.write_bytes(data)
        _read_all(name, p)


_JSON = st.recursive(st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=False)
                     | st.text(max_size=20),
                     lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=8), c, max_size=3),
                     max_leaves=6)


def _paths(obj: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(obj, dict):
        for k, v in obj.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            out += _paths(v, (*prefix, i))
    return out


def _mutate(obj: Any, data: st.DataObject) -> Any:
    paths = [p for p in _paths(obj) if p]
    for _ in range(data.draw(st.integers(1, 3))):
        if not paths:
            break
        path = data.draw(st.sampled_from(paths))
        parent = obj
        try:
            for k in path[:-1]:
                parent = parent[k]
            if data.draw(st.booleans()) and isinstance(parent, dict):
                parent.pop(path[-1], None)
            else:
                parent[path[-1]] = data.draw(_JSON)
        except (KeyError, IndexError, TypeError):
            continue
    return obj


def _line_mutations(lines: list[str], data: st.DataObject) -> list[str]:
    out = []
    for ln in lines:
        action = data.draw(st.sampled_from(["keep", "mutate", "truncate", "bytes"]))
        if action == "mutate" and ln.strip():
            try:
                ln = json.dumps(_mutate(json.loads(ln), data), ensure_ascii=False)
            except ValueError:
                pass
        elif action == "truncate":
            ln = ln[: data.draw(st.integers(0, max(0, len(ln) - 1)))]
        elif action == "bytes":
            ln = data.draw(st.text(max_size=30))
        out.append(ln.replace("\n", " "))
    return out


def _is_record(line: str) -> bool:
    try:
        return isinstance(json.loads(line), dict | list)
    except ValueError:
        return False


@given(st.sampled_from(sorted(SAMPLES)), st.data())
@settings(max_examples=EXAMPLES * 2, deadline=None)
def test_mutated_records_are_imported_rejected_or_skipped(name: str, data: st.DataObject) -> None:
    src = (DATA / SAMPLES[name]).read_text(encoding="utf-8-sig")
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / Path(SAMPLES[name]).name
        lines = src.split("\n")
        if name in ("bluesky-appview", "mastodon", "telegram", "youtube"):
            try:
                text = json.dumps(_mutate(json.loads(src), data), ensure_ascii=False)
            except ValueError:
                text = src
        elif src.lstrip().startswith(("{", "[")):
            text = "\n".join(_line_mutations(lines, data)) + "\n"
        else:  # CSV / XML: replace or cut lines, keep the header
            body = [data.draw(st.sampled_from([ln, ln[: len(ln) // 2], ln + ',"x', ln.replace(",", ";")]))
                    for ln in lines[1:]]
            text = "\n".join([lines[0], *body]) + "\n"
        p.write_text(text, encoding="utf-8")
        batches, rejects, skipped, failed = _read_all(name, p)
        if name in ONE_ITEM_PER_LINE and failed:  # only when no line is a JSON record (read as a document)
            assert not any(_is_record(ln) for ln in text.split("\n")[:50])
        elif name in ONE_ITEM_PER_LINE:
            records = {r for b in batches for r in b.column("record").to_pylist()} | {r.record for r in rejects}
            nonblank = sum(1 for ln in text.split("\n") if ln.encode().strip())
            assert len(records) + skipped == nonblank, (name, records, skipped, nonblank)
