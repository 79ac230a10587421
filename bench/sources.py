"""Benchmark the platform readers: twarc2 raw API v2 pages and Bluesky Jetstream lines.

    python bench/sources.py [--posts N] [--formats twarc2,bluesky-jetstream] [--keep DIR]

For each format it writes N synthetic posts (invented accounts, multilingual texts with
hashtags, t.co links with expanded URLs, retweets/replies/quotes), then times, each in a
fresh subprocess (so peak RSS is that run's own):
  - agorascope: `Project.init(tmp).ingest([file])` — parse, map, validate, pseudonymise,
    mask mentions, upsert into DuckDB (everything a user's import does);
  - agorascope reader only: iterate `source.read()` (parse + map to Arrow, no store);
  - DuckDB: `CREATE TABLE t AS SELECT * FROM read_json(file)` (parse only, no mapping).
and prints posts/s (wall and per CPU-second, which is steadier on a shared machine) and
peak RSS side by side. `import` is ingest with the batch hooks off (the import path alone),
`ingest` the same with every registered batch hook (trend counters, alert rules) on.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORDS = {
    "en": "flood warning river city council vote election storm bridge closed water rising people help",
    "es": "inundación alerta río ciudad elecciones tormenta puente cerrado agua gente ayuda",
    "zh": "洪水 警报 河流 城市 选举 风暴 桥梁 关闭 水位 上涨 市民 帮助",
    "ar": "فيضان تحذير نهر مدينة انتخابات عاصفة جسر مغلق مياه الناس مساعدة",
    "ru": "наводнение предупреждение река город выборы шторм мост закрыт вода люди помощь",
}
TAGS = ["flood", "vote2024", "香港", "فيضان", "наводнение", "storm", "help", "news"]
DOMAINS = ["example-news.org", "www.daily.example.com", "bit.ly", "news.example.in", "t.me", "gov.example"]


def _text(rng: random.Random) -> tuple[str, str, list[str], list[str]]:
    lang = rng.choice(list(WORDS))
    words = rng.choices(WORDS[lang].split(), k=rng.randint(6, 20))
    tags = rng.sample(TAGS, rng.randint(0, 2))
    urls = [f"https://{rng.choice(DOMAINS)}/a/{rng.randint(1, 50_000)}?utm_source=tw"
            for _ in range(rng.randint(0, 1))]
    text = " ".join(words + ["#" + t for t in tags]) + "".join(f" https://t.co/{rng.randint(1, 9**9):x}" for _ in urls)
    if rng.random() < 0.3:
        text = f"@user{rng.randint(1, 99_999)} " + text
    return lang, text, tags, urls


def write_twarc2(path: Path, posts: int, seed: int = 7) -> None:
    """API v2 pages of 100 tweets with includes (users, referenced tweets), one page per line."""
    rng = random.Random(seed)
    t0 = 1_709_251_200  # 2024-03-01
    with open(path, "w", encoding="utf-8") as f:
        n = 0
        while n < posts:
            data, users, refs = [], {}, []
            for _ in range(min(100, posts - n)):
                n += 1
                lang, text, tags, urls = _text(rng)
                author = str(rng.randint(1, 200_000))
                ts = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(t0 + n * 0.6))
                tw = {"id": str(10**18 + n), "author_id": author, "created_at": ts, "lang": lang, "text": text,
                      "edit_history_tweet_ids": [str(10**18 + n)], "conversation_id": str(10**18 + n),
                      "possibly_sensitive": False, "reply_settings": "everyone",
                      "entities": {"hashtags": [{"start": 0, "end": len(t) + 1, "tag": t} for t in tags],
                                   "urls": [{"start": 0, "end": 23, "url": "https://t.co/x", "expanded_url": u,
                                             "display_url": u[8:30]} for u in urls]},
                      "public_metrics": {"retweet_count": rng.randint(0, 50), "reply_count": rng.randint(0, 5),
                                         "like_count": rng.randint(0, 200), "quote_count": 0,
                                         "impression_count": rng.randint(0, 10_000)}}
                r = rng.random()
                if n > 100 and r < 0.35:
                    kind = "retweeted" if r < 0.2 else "replied_to" if r < 0.3 else "quoted"
                    ref = str(10**18 + rng.randint(1, n - 1))
                    tw["referenced_tweets"] = [{"type": kind, "id": ref}]
                    if kind == "retweeted":
                        tw["text"] = ("RT @someone: " + text)[:140]
                        refs.append({"id": ref, "text": text, "author_id": str(rng.randint(1, 200_000)),
                                     "created_at": ts, "entities": tw["entities"], "lang": lang})
                data.append(tw)
                users[author] = {"id": author, "username": f"user{author}", "name": f"User {author}",
                                 "created_at": "2020-01-01T00:00:00.000Z", "verified": False,
                                 "public_metrics": {"followers_count": 10, "following_count": 5, "tweet_count": 9}}
            page = {"data": data, "includes": {"users": list(users.values()), "tweets": refs},
                    "meta": {"result_count": len(data), "newest_id": data[-1]["id"], "oldest_id": data[0]["id"]},
                    "__twarc": {"url": "https://api.twitter.com/2/tweets/search/all", "version": "2.14.0",
                                "retrieved_at": "2024-03-04T00:00:00+00:00"}}
            f.write(json.dumps(page, ensure_ascii=False) + "\n")


def write_jetstream(path: Path, posts: int, seed: int = 7) -> None:
    """Jetstream commit events: posts (with facets, replies, quotes) and reposts, one per line."""
    rng = random.Random(seed)
    t0 = 1_714_000_000_000_000
    with open(path, "w", encoding="utf-8") as f:
        for n in range(1, posts + 1):
            did = f"did:plc:{rng.randint(1, 200_000):024x}"
            ts = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(t0 / 1e6 + n * 0.05))
            if n > 100 and rng.random() < 0.15:
                subj = f"at://did:plc:{rng.randint(1, 200_000):024x}/app.bsky.feed.post/3k{rng.randint(1, n):x}"
                ev = {"did": did, "time_us": t0 + n * 50_000, "kind": "commit",
                      "commit": {"rev": f"3l{n:x}", "operation": "create", "collection": "app.bsky.feed.repost",
                                 "rkey": f"3r{n:x}", "cid": "bafyrei" + "a" * 52,
                                 "record": {"$type": "app.bsky.feed.repost", "createdAt": ts,
                                            "subject": {"uri": subj, "cid": "bafyrei" + "b" * 52}}}}
            else:
                lang, text, tags, urls = _text(rng)
                facets = [{"index": {"byteStart": 0, "byteEnd": 5},
                           "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": t}]} for t in tags]
                facets += [{"index": {"byteStart": 0, "byteEnd": 5},
                            "features": [{"$type": "app.bsky.richtext.facet#link", "uri": u}]} for u in urls]
                rec = {"$type": "app.bsky.feed.post", "createdAt": ts, "langs": [lang], "text": text,
                       "facets": facets}
                if n > 100 and rng.random() < 0.15:
                    parent = f"at://did:plc:{rng.randint(1, 200_000):024x}/app.bsky.feed.post/3k{rng.randint(1, n):x}"
                    rec["reply"] = {"root": {"uri": parent, "cid": "bafy"}, "parent": {"uri": parent, "cid": "bafy"}}
                ev = {"did": did, "time_us": t0 + n * 50_000, "kind": "commit",
                      "commit": {"rev": f"3l{n:x}", "operation": "create", "collection": "app.bsky.feed.post",
                                 "rkey": f"3k{n:x}", "cid": "bafyrei" + "c" * 52, "record": rec}}
            f.write(json.dumps(ev, ensure_ascii=False) + "\n")


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(mode: str, fmt: str, file: str) -> None:
    """Run one measurement in this (fresh) process and print a JSON line."""
    ru0 = resource.getrusage(resource.RUSAGE_SELF)
    cpu0 = ru0.ru_utime + ru0.ru_stime
    t = time.perf_counter()
    posts = 0
    if mode in ("ingest", "import"):
        from agorascope.project import Project

        with tempfile.TemporaryDirectory() as d:
            Project.init(Path(d) / "p").close()
            # "import": the import path alone; "ingest": plus every registered batch hook (trends, alerts …)
            with Project.open(Path(d) / "p", run_hooks=(mode == "ingest")) as p:
                rep = p.ingest([Path(file)], format=fmt)
                posts = rep.imported
    elif mode == "reader":
        from agorascope import sources
        from agorascope.sources.base import ReadOptions

        for ch in sources.get(fmt).read(Path(file), options=ReadOptions(batch_rows=50_000)):
            posts += ch.posts.num_rows
    elif mode == "duckdb":
        import duckdb

        con = duckdb.connect(":memory:")
        con.execute("SET threads = 2")
        if fmt == "twarc2":
            con.execute("CREATE TABLE t AS SELECT unnest(data) AS tweet FROM read_json(?, format='newline_delimited',"
                        " maximum_object_size=67108864)", [file])
        else:
            con.execute("CREATE TABLE t AS SELECT * FROM read_json(?, format='newline_delimited')", [file])
        posts = con.execute("SELECT count(*) FROM t").fetchone()[0]
    else:
        raise SystemExit(f"unknown run {mode!r}")
    dt = time.perf_counter() - t
    ru = resource.getrusage(resource.RUSAGE_SELF)
    cpu = ru.ru_utime + ru.ru_stime - cpu0
    print(json.dumps({"mode": mode, "posts": posts, "seconds": round(dt, 2), "posts_per_s": round(posts / dt),
                      "cpu_s": round(cpu, 2), "posts_per_cpu_s": round(posts / max(cpu, 1e-9)),
                      "peak_rss_mb": round(_peak_rss_mb())}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--posts", type=int, default=1_000_000)
    ap.add_argument("--formats", default="twarc2,bluesky-jetstream")
    ap.add_argument("--runs", default="import,ingest,reader,duckdb",
                    help="which runs: import (no batch hooks), ingest (with hooks), reader, duckdb")
    ap.add_argument("--keep", type=Path, default=None, help="write the generated files here and keep them")
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        _child(*a.child)
        return
    work = a.keep or Path(tempfile.mkdtemp(prefix="agorascope-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"{a.posts:,} posts per format; {os.cpu_count()} CPUs; files in {work}")
    print(f"{'format':<18} {'run':<24} {'posts':>10} {'wall s':>7} {'posts/s':>8} {'CPU s':>7} "
          f"{'posts/CPU-s':>11} {'peak RSS':>9}")
    for fmt in a.formats.split(","):
        path = work / (f"{fmt}-{a.posts}.jsonl")
        if not path.exists():
            t = time.perf_counter()
            (write_twarc2 if fmt == "twarc2" else write_jetstream)(path, a.posts)
            print(f"  (wrote {path.name}: {path.stat().st_size / 1e6:.0f} MB in {time.perf_counter() - t:.0f}s)")
        for mode, label in (("import", "agorascope import"), ("ingest", "agorascope import+hooks"),
                            ("reader", "agorascope reader only"), ("duckdb", "duckdb read_json")):
            if mode not in a.runs.split(","):
                continue
            r = subprocess.run([sys.executable, __file__, "--child", mode, fmt, str(path)], capture_output=True,
                               text=True, check=False)
            if r.returncode != 0:
                print(f"{fmt:<18} {label:<24} failed: {r.stderr.strip().splitlines()[-1:]}")
                continue
            res = json.loads(r.stdout.strip().splitlines()[-1])
            print(f"{fmt:<18} {label:<24} {res['posts']:>10,} {res['seconds']:>7} {res['posts_per_s']:>8,} "
                  f"{res['cpu_s']:>7} {res['posts_per_cpu_s']:>11,} {res['peak_rss_mb']:>6} MB", flush=True)
    if a.keep is None:
        import shutil

        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
