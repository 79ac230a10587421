"""Column mappings for flat files: `--map author=User,created_at=Date,text=Content`.

Where the user gives no mapping for a Post field, `guess_mapping` looks for a common name
(case- and punctuation-insensitive). A nested NDJSON value is addressed with a dotted path
(`user.screen_name`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import pyarrow as pa
import pyarrow.compute as pc

from agorascope.errors import ConfigError
from agorascope.schema import RAW_POST_SCHEMA
from agorascope.sources._convert import (
    hashtags_from_text,
    parse_timestamps,
    qualify_ids,
    split_list,
    to_int64,
    urls_from_text,
)

MAPPABLE = [f.name for f in RAW_POST_SCHEMA if f.name not in ("record", "domains")] + ["domains"]

#: Common column names per Post field, most specific first.
GUESSES: dict[str, list[str]] = {
    "post_id": ["post_id", "id", "tweet_id", "status_id", "message_id", "uri", "guid", "item_id", "postid"],
    "platform": ["platform", "network", "site"],
    "author": ["author", "user", "username", "user_name", "screen_name", "handle", "account", "author_id",
               "user_id", "author_handle", "from", "channel", "user.screen_name", "user.username"],
    "created_at": ["created_at", "created", "date", "datetime", "timestamp", "time", "published", "published_at",
                   "posted_at", "created_utc", "post_created", "pubdate"],
    "text": ["text", "full_text", "content", "body", "message", "tweet", "post", "caption", "description",
             "title"],
    "lang": ["lang", "language"],
    "urls": ["urls", "links", "url", "expanded_urls", "link"],
    "domains": ["domains", "domain"],
    "hashtags": ["hashtags", "tags", "hashtag"],
    "repost_of": ["repost_of", "retweet_of", "retweeted_id", "reblog_of", "retweeted_status_id", "shared_from"],
    "reply_to": ["reply_to", "in_reply_to", "in_reply_to_status_id", "in_reply_to_id", "parent_id", "reply_to_id"],
    "quote_of": ["quote_of", "quoted_status_id", "quoted_id", "quote_id"],
    "like_count": ["like_count", "likes", "favorite_count", "favourites_count", "reactions", "score"],
    "repost_count": ["repost_count", "retweet_count", "reposts", "shares", "reblogs_count", "share_count"],
    "reply_count": ["reply_count", "replies", "replies_count", "num_comments", "comment_count"],
    "view_count": ["view_count", "views", "impression_count", "impressions", "play_count"],
    "source": ["source"],
}


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9.]", "", name.lower())


def parse_mapping(spec: str | None) -> dict[str, str]:
    """Parse `field=Column,field=Column` into {field: column}; unknown fields are an error."""
    if not spec:
        return {}
    out: dict[str, str] = {}
    for part in spec.split(","):
        if not part.strip():
            continue
        if "=" not in part:
            raise ConfigError(f"Bad --map entry {part!r}: write field=Column, e.g. --map author=User,text=Content")
        field, column = (x.strip() for x in part.split("=", 1))
        if field not in MAPPABLE:
            raise ConfigError(f"Unknown Post field {field!r} in --map. Fields: {', '.join(MAPPABLE)}")
        out[field] = column
    return out


def guess_mapping(columns: Iterable[str], given: Mapping[str, str] | None = None) -> dict[str, str]:
    """The user's mapping completed with guesses from common column names."""
    given = dict(given or {})
    by_key = {_key(c): c for c in columns}
    used = set(given.values())
    for field, names in GUESSES.items():
        if field in given:
            continue
        for name in names:
            col = by_key.get(_key(name))
            if col is not None and col not in used:
                given[field] = col
                used.add(col)
                break
    return given


def check_mapping(mapping: Mapping[str, str], columns: Iterable[str], *, platform: str | None, path: str) -> None:
    """Fail early, with the fix, when a mapped column is missing or a required field is unmapped."""
    cols = list(columns)
    missing = [f"{f}={c}" for f, c in mapping.items() if c not in cols and "." not in c]
    if missing:
        raise ConfigError(f"{path}: column(s) not found for {', '.join(missing)}. Columns are: {', '.join(cols)}")
    need = ["post_id", "created_at"] + ([] if platform else ["platform"])
    unmapped = [f for f in need if f not in mapping]
    if unmapped:
        hint = " or pass --platform NAME" if "platform" in unmapped else ""
        raise ConfigError(
            f"{path}: cannot tell which column holds {', '.join(unmapped)}. Name it with "
            f"--map {unmapped[0]}=COLUMN{hint}. Columns are: {', '.join(cols[:30])}"
        )


def apply_mapping(table: pa.Table | pa.RecordBatch, mapping: Mapping[str, str], *, platform: str | None,
                  records: pa.Array) -> pa.RecordBatch:
    """Build a `RAW_POST_SCHEMA` batch from mapped columns; conversions are vectorised."""
    n = table.num_rows

    def col(field: str) -> pa.Array | None:
        name = mapping.get(field)
        if name is None or name not in table.schema.names:
            return None
        c = table.column(name)
        return c.combine_chunks() if isinstance(c, pa.ChunkedArray) else c

    cols: dict[str, pa.Array] = {}
    plat = col("platform")
    if plat is None:
        plat = pa.repeat(platform or "unknown", n).cast(pa.string())
    else:
        plat = plat.cast(pa.string())
        if platform:
            plat = pc.fill_null(plat, platform)
        plat = pc.utf8_lower(plat)
    cols["platform"] = plat
    platforms = pc.dictionary_encode(plat)  # once for the four id columns
    pid = col("post_id")
    cols["post_id"] = _qualify(pid, platforms) if pid is not None else pa.nulls(n, pa.string())
    for ref in ("repost_of", "reply_to", "quote_of"):
        c = col(ref)
        if c is not None:
            cols[ref] = _qualify(c, platforms)
    ts = col("created_at")
    ts_type = RAW_POST_SCHEMA.field("created_at").type
    cols["created_at"] = parse_timestamps(ts) if ts is not None else pa.nulls(n, ts_type)
    for f in ("author", "text", "lang", "source"):
        c = col(f)
        if c is not None:
            cols[f] = c.cast(pa.string())
    text = cols.get("text", pa.nulls(n, pa.string()))
    urls = col("urls")
    if urls is not None:
        from agorascope.urls import normalise_url_lists

        cols["urls"] = normalise_url_lists(split_list(urls))
    else:
        cols["urls"] = urls_from_text(text)
    dom = col("domains")
    if dom is not None:
        cols["domains"] = split_list(dom)
    tags = col("hashtags")
    cols["hashtags"] = split_list(tags) if tags is not None else hashtags_from_text(text)
    for f in ("like_count", "repost_count", "reply_count", "view_count"):
        c = col(f)
        if c is not None:
            cols[f] = to_int64(c)
    cols["record"] = records
    from agorascope.schema import conform

    return conform(pa.table(cols))


def _qualify(ids: pa.Array, platform: pa.Array) -> pa.Array:
    if pa.types.is_floating(ids.type):
        ids = pc.cast(ids, pa.int64(), safe=False)
    return qualify_ids(ids, platform)
