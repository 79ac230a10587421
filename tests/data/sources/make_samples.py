"""Write the sample files of tests/data/sources/ (invented accounts and texts).

Run `python tests/data/sources/make_samples.py` to regenerate them; the files are committed,
and `tests/test_sources_platforms.py` holds the expected counts of each.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).parent


def _lines(path: str, objs: list[object], raw: dict[int, str] | None = None) -> None:
    """Write JSON lines; `raw` puts a verbatim (broken) line at an index."""
    out = []
    raw = raw or {}
    for k, o in enumerate(objs):
        if k in raw:
            out.append(raw[k])
        out.append(json.dumps(o, ensure_ascii=False))
    for k in sorted(raw):
        if k >= len(objs):
            out.append(raw[k])
    p = HERE / path
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text("\n".join(out) + "\n", encoding="utf-8")


def _doc(path: str, obj: object) -> None:
    p = HERE / path
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(json.dumps(obj, ensure_ascii=False, indent=1), encoding="utf-8")


def _text(path: str, text: str, *, newline: str = "\n", bom: bool = False) -> None:
    p = HERE / path
    p.parent.mkdir(parents=True, exist_ok=True)
    data = text.replace("\n", newline).encode("utf-8")
    p.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)


# -- X/Twitter API v2 (twarc2) ----------------------------------------------------------------
T1 = {"id": "1500000000000000001", "author_id": "9001", "created_at": "2024-03-01T08:00:00.000Z", "lang": "en",
      "conversation_id": "1500000000000000001", "edit_history_tweet_ids": ["1500000000000000001"],
      "text": "Flood warnings along the river tonight https://t.co/aaa #Flood #EastRiver",
      "entities": {"urls": [{"start": 39, "end": 62, "url": "https://t.co/aaa",
                             "expanded_url": "https://www.Example-News.org/story/1?utm_source=tw&id=7",
                             "display_url": "example-news.org/story/1…"}],
                   "hashtags": [{"start": 63, "end": 69, "tag": "Flood"},
                                {"start": 70, "end": 80, "tag": "EastRiver"}]},
      "public_metrics": {"retweet_count": 2, "reply_count": 1, "like_count": 10, "quote_count": 1,
                         "impression_count": 500}}


def twarc2() -> None:
    t2 = {"id": "1500000000000000002", "author_id": "9002", "created_at": "2024-03-01T08:05:00.000Z", "lang": "en",
          "edit_history_tweet_ids": ["1500000000000000002"],
          "text": "RT @river_watch: Flood warnings along the river tonight https://t.co/aaa #Flo…",
          "referenced_tweets": [{"type": "retweeted", "id": "1500000000000000001"}],
          "entities": {"hashtags": [{"start": 72, "end": 76, "tag": "Flo"}],
                       "mentions": [{"start": 3, "end": 15, "username": "river_watch", "id": "9001"}]},
          "public_metrics": {"retweet_count": 2, "reply_count": 0, "like_count": 0, "quote_count": 0}}
    t3 = {"id": "1500000000000000003", "author_id": "9003", "created_at": "2024-03-01T09:00:00.000Z", "lang": "zh",
          "edit_history_tweet_ids": ["1500000000000000003"], "text": "转发一下 這是真的嗎？ #香港 https://t.co/bbb",
          "referenced_tweets": [{"type": "quoted", "id": "1500000000000000001"}],
          "entities": {"hashtags": [{"start": 12, "end": 15, "tag": "香港"}],
                       "urls": [{"url": "https://t.co/bbb",
                                 "expanded_url": "https://twitter.com/river_watch/status/1500000000000000001"}]},
          "public_metrics": {"retweet_count": 0, "reply_count": 0, "like_count": 1, "quote_count": 0}}
    page1 = {"data": [T1, t2, t3],
             "includes": {"users": [{"id": "9001", "username": "river_watch", "name": "River Watch"}],
                          "tweets": [T1]},
             "meta": {"result_count": 3, "newest_id": "1500000000000000003"},
             "__twarc": {"url": "https://api.twitter.com/2/tweets/search/all?query=flood", "version": "2.14.0",
                         "retrieved_at": "2024-03-04T00:00:00+00:00"}}
    t4 = {"id": "1500000000000000004", "author_id": "9001", "created_at": "2024-03-01T10:00:00.000Z", "lang": "ar",
          "edit_history_tweet_ids": ["1500000000000000004"], "text": "@someone شكرا على المعلومات #فيضان",
          "referenced_tweets": [{"type": "replied_to", "id": "1500000000000000003"}],
          "entities": {"hashtags": [{"tag": "فيضان"}], "mentions": [{"username": "someone", "id": "1"}]}}
    t5 = {"id": "1500000000000000005", "author_id": "9004", "created_at": "2024-03-01T12:00:00.000Z", "lang": "zxx",
          "edit_history_tweet_ids": ["1500000000000000005"], "text": "https://t.co/ccc",
          "attachments": {"media_keys": ["3_1"]},
          "entities": {"urls": [{"url": "https://t.co/ccc", "media_key": "3_1",
                                 "expanded_url": "https://twitter.com/x/status/1500000000000000005/photo/1"}]}}
    long_text = ("Сильное наводнение в регионе. " * 12).strip()
    t6 = {"id": "1500000000000000006", "author_id": "9005", "created_at": "2024-03-02T23:59:59.000Z", "lang": "ru",
          "edit_history_tweet_ids": ["1500000000000000006"], "text": long_text[:270] + "…",
          "withheld": {"copyright": False, "country_codes": ["DE"]},
          "note_tweet": {"text": long_text + " #Наводнение https://t.co/ddd",
                         "entities": {"hashtags": [{"tag": "Наводнение"}],
                                      "urls": [{"url": "https://t.co/ddd",
                                                "expanded_url": "https://t.me/s/floodnews?utm_medium=x"}]}}}
    page2 = {"data": [t4, t5, t6], "includes": {"users": []},
             "errors": [{"resource_type": "tweet", "value": "1500000000000000099", "title": "Not Found Error",
                         "detail": "Could not find tweet with ids: [1500000000000000099].", "parameter": "ids"}],
             "meta": {"result_count": 3}}
    t7 = {"id": "1500000000000000007", "author_id": "9003", "created_at": "yesterday", "text": "bad time"}
    t8 = {"id": "1500000000000000008", "author_id": "9002", "created_at": "2024-03-03T06:30:00.000Z", "lang": "hi",
          "edit_history_tweet_ids": ["1500000000000000008"], "text": "बाढ़ की चेतावनी #बाढ़ https://t.co/eee",
          "entities": {"hashtags": [{"tag": "बाढ़"}],
                       "urls": [{"url": "https://t.co/eee",
                                 "expanded_url": "http://WWW.news.example.in:80/a/b/?fbclid=xyz&utm_campaign=q"}]}}
    no_id = {"author_id": "9003", "created_at": "2024-03-03T07:00:00.000Z", "text": "no id"}
    page4 = {"data": [t7, no_id, t8], "meta": {"result_count": 3}}
    _lines("twarc2/search.jsonl", [page1, page2, page4, {"meta": {"result_count": 0}}],
           raw={2: '{"data": [{"id": "150000000000000000X", "text": "cut off'})
    # twarc2 flatten
    f1 = {"id": "1600000000000000001", "author_id": "9101", "created_at": "2024-04-01T00:00:00.000Z", "lang": "ja",
          "text": "台風の情報です #台風 https://t.co/x1",
          "entities": {"hashtags": [{"tag": "台風"}],
                       "urls": [{"url": "https://t.co/x1", "expanded_url": "https://www.jma.go.jp/bosai/?utm_source=x"}]},
          "public_metrics": {"retweet_count": 1, "reply_count": 1, "like_count": 4, "quote_count": 0},
          "author": {"id": "9101", "username": "typhoon_jp", "name": "台風"},
          "__twarc": {"url": "https://api.twitter.com/2/tweets/search/recent", "version": "2.14.0"}}
    f2 = {"id": "1600000000000000002", "author_id": "9102", "created_at": "2024-04-01T01:00:00.000Z", "lang": "ja",
          "text": "RT @typhoon_jp: 台風の情報です #台風 https://t.co/x1",
          "referenced_tweets": [{"type": "retweeted", **{k: v for k, v in f1.items() if k != "__twarc"}}],
          "author": {"id": "9102", "username": "retweeter"}, "__twarc": f1["__twarc"]}
    f3 = {"id": "1600000000000000003", "author_id": "9101", "created_at": "2024-04-01T02:00:00.000Z", "lang": "ko",
          "text": "감사합니다 #태풍", "referenced_tweets": [{"type": "replied_to", "id": "1600000000000000001"}],
          "author": {"id": "9101", "username": "typhoon_jp"}, "__twarc": f1["__twarc"]}
    _lines("twarc2/flat.jsonl", [f1, f2, [1, 2], f3])


def twitter_v1() -> None:
    v1 = {"created_at": "Wed Mar 06 10:00:00 +0000 2024", "id": 1700000000000000001, "id_str": "1700000000000000001",
          "text": "This is a long tweet about the election that the API cuts off at one hundred and forty ch… https://t.co/e0",
          "truncated": True, "user": {"id": 9201, "id_str": "9201", "screen_name": "vote_watch"}, "lang": "en",
          "extended_tweet": {"full_text": "This is a long tweet about the election that the API cuts off at one "
                                          "hundred and forty characters, full text here #Elections2024 https://t.co/e1",
                             "entities": {"hashtags": [{"text": "Elections2024", "indices": [110, 124]}],
                                          "urls": [{"url": "https://t.co/e1", "expanded_url": "https://bit.ly/3abc"}]}},
          "entities": {"hashtags": [], "urls": [{"url": "https://t.co/e0",
                                                 "expanded_url": "https://twitter.com/i/web/status/1700000000000000001"}]},
          "in_reply_to_status_id_str": None, "favorite_count": 5, "retweet_count": 1}
    v2 = {"created_at": "Wed Mar 06 11:00:00 +0000 2024", "id_str": "1700000000000000002",
          "text": "RT @vote_watch: This is a long tweet about the election that the API cuts off at one hundred…",
          "user": {"id_str": "9202", "screen_name": "rt_bot"}, "retweeted_status": v1,
          "entities": {"hashtags": [], "urls": []}, "favorite_count": 0, "retweet_count": 1, "lang": "en"}
    v3 = {"created_at": "Wed Mar 06 12:00:00 +0000 2024", "id_str": "1700000000000000003",
          "text": "Intéressant ! #Élections2024", "user": {"id_str": "9203", "screen_name": "lecteur"},
          "quoted_status_id_str": "1700000000000000001", "is_quote_status": True,
          "entities": {"hashtags": [{"text": "Élections2024"}], "urls": []}, "lang": "fr"}
    v4 = {"created_at": "Wed Mar 06 13:30:00 +0000 2024", "id_str": "1700000000000000004",
          "full_text": "@vote_watch Ευχαριστώ #εκλογές", "user": {"id_str": "9201"},
          "in_reply_to_status_id_str": "1700000000000000001",
          "entities": {"hashtags": [{"text": "εκλογές"}], "urls": []}, "lang": "el"}
    bad = {"created_at": "not a date", "id_str": "1700000000000000007", "text": "x", "user": {"id_str": "9204"}}
    _lines("twitter/v1.jsonl", [v1, v2, {"delete": {"status": {"id_str": "1", "user_id_str": "9"}}},
                                v3, {"limit": {"track": 12}}, v4, bad])


def bluesky() -> None:
    a = "did:plc:alice111"
    j1 = {"did": a, "time_us": 1714003200000000, "kind": "commit",
          "commit": {"rev": "3k1", "operation": "create", "collection": "app.bsky.feed.post", "rkey": "3kabc1",
                     "cid": "bafy1", "record": {
                         "$type": "app.bsky.feed.post", "createdAt": "2024-04-25T00:00:00.000Z", "langs": ["en"],
                         "text": "Wildfire smoke over the valley 🔥 #wildfire #Smoke example.com/fire…",
                         "facets": [
                             {"index": {"byteStart": 50, "byteEnd": 66},
                              "features": [{"$type": "app.bsky.richtext.facet#link",
                                            "uri": "https://www.example.com/fire?utm_source=bsky"}]},
                             {"index": {"byteStart": 35, "byteEnd": 44},
                              "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": "wildfire"}]},
                             {"index": {"byteStart": 45, "byteEnd": 51},
                              "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": "Smoke"}]}]}}}
    post_uri = f"at://{a}/app.bsky.feed.post/3kabc1"
    j2 = {"did": "did:plc:bob222", "time_us": 1714003800000000, "kind": "commit",
          "commit": {"operation": "create", "collection": "app.bsky.feed.repost", "rkey": "3krep1", "record": {
              "$type": "app.bsky.feed.repost", "createdAt": "2024-04-25T00:10:00.000Z",
              "subject": {"uri": post_uri, "cid": "bafy1"}}}}
    j3 = {"did": "did:plc:carol333", "time_us": 1714004400000000, "kind": "commit",
          "commit": {"operation": "create", "collection": "app.bsky.feed.post", "rkey": "3kr1", "record": {
              "text": "Danke für die Info #Waldbrand", "createdAt": "2024-04-25T00:20:00.000Z", "langs": ["de"],
              "reply": {"root": {"uri": post_uri, "cid": "bafy1"}, "parent": {"uri": post_uri, "cid": "bafy1"}}}}}
    j4 = {"did": "did:plc:dave444", "time_us": 1714005000000000, "kind": "commit",
          "commit": {"operation": "create", "collection": "app.bsky.feed.post", "rkey": "3kq1", "record": {
              "text": "Olha isso", "createdAt": "2024-04-25T00:30:00.000Z", "langs": ["pt"],
              "embed": {"$type": "app.bsky.embed.recordWithMedia",
                        "record": {"$type": "app.bsky.embed.record", "record": {"uri": post_uri, "cid": "bafy1"}},
                        "media": {"$type": "app.bsky.embed.images", "images": []}}}}}
    j5 = {"did": "did:plc:bob222", "time_us": 1714006800000000, "kind": "commit",
          "commit": {"operation": "create", "collection": "app.bsky.feed.post", "rkey": "3kx1", "record": {
              "text": "Leer más 🌲 #Incendio", "createdAt": "2024-04-25T01:00:00.000Z", "langs": ["es"],
              "facets": [{"features": [{"$type": "app.bsky.richtext.facet#tag", "tag": "Incendio"}]}],
              "embed": {"$type": "app.bsky.embed.external", "external": {
                  "uri": "https://noticias.example.es/incendio?utm_campaign=a&page=2", "title": "Incendio",
                  "description": ""}}}}}
    like = {"did": "did:plc:erin555", "time_us": 1714005100000000, "kind": "commit",
            "commit": {"operation": "create", "collection": "app.bsky.feed.like", "rkey": "3kl1",
                       "record": {"subject": {"uri": post_uri}, "createdAt": "2024-04-25T00:31:00.000Z"}}}
    ident = {"did": "did:plc:erin555", "time_us": 1714005200000000, "kind": "identity",
             "identity": {"did": "did:plc:erin555", "handle": "erin.example", "seq": 1, "time": "2024-04-25T00:32:00Z"}}
    acct = {"did": "did:plc:erin555", "time_us": 1714005300000000, "kind": "account",
            "account": {"active": False, "did": "did:plc:erin555", "seq": 2, "status": "deactivated"}}
    delete = {"did": a, "time_us": 1714005400000000, "kind": "commit",
              "commit": {"operation": "delete", "collection": "app.bsky.feed.post", "rkey": "3kold"}}
    follow = {"did": a, "time_us": 1714005500000000, "kind": "commit",
              "commit": {"operation": "create", "collection": "app.bsky.graph.follow", "rkey": "3kf",
                         "record": {"subject": "did:plc:bob222", "createdAt": "2024-04-25T00:35:00.000Z"}}}
    norecord = {"did": "did:plc:frank666", "time_us": 1714005600000000, "kind": "commit",
                "commit": {"operation": "create", "collection": "app.bsky.feed.post", "rkey": "3kn"}}
    _lines("bluesky/jetstream.jsonl", [j1, j2, like, j3, ident, j4, acct, delete, follow, norecord, j5],
           raw={7: '{"did": "did:plc:broken", "time_us": 17140'})
    # AppView feed page
    f = "did:plc:frank666"
    p1 = {"uri": f"at://{f}/app.bsky.feed.post/3lx1", "cid": "bafyA",
          "author": {"did": f, "handle": "frank.example", "displayName": "Frank"},
          "record": {"$type": "app.bsky.feed.post", "text": "地震速報 #地震", "createdAt": "2024-05-01T03:00:00.000Z",
                     "langs": ["ja"],
                     "facets": [{"features": [{"$type": "app.bsky.richtext.facet#tag", "tag": "地震"}]}]},
          "replyCount": 1, "repostCount": 3, "likeCount": 12, "quoteCount": 1,
          "indexedAt": "2024-05-01T03:00:01.000Z", "labels": []}
    p2 = {"uri": "at://did:plc:gina777/app.bsky.feed.post/3ly1", "cid": "bafyB",
          "author": {"did": "did:plc:gina777", "handle": "gina.example"},
          "record": {"text": "Тримайтеся! #землетрус", "createdAt": "2024-05-01T03:05:00.000Z", "langs": ["uk"],
                     "reply": {"root": {"uri": p1["uri"], "cid": "bafyA"},
                               "parent": {"uri": p1["uri"], "cid": "bafyA"}}},
          "replyCount": 0, "repostCount": 0, "likeCount": 2, "indexedAt": "2024-05-01T03:05:01.000Z"}
    p3 = {"uri": f"at://{f}/app.bsky.feed.post/3lz1", "cid": "bafyC", "author": {"did": f, "handle": "frank.example"},
          "record": {"text": "Update: quake.example.jp/info", "createdAt": "2024-05-01T04:00:00.000Z",
                     "facets": [{"features": [{"$type": "app.bsky.richtext.facet#link",
                                               "uri": "https://quake.example.jp/info/?utm_source=bsky"}]}],
                     "embed": {"$type": "app.bsky.embed.record", "record": {"uri": p1["uri"], "cid": "bafyA"}}},
          "indexedAt": "2024-05-01T04:00:01.000Z"}
    feed = {"feed": [{"post": p1}, {"post": p2, "reply": {"root": p1, "parent": p1}},
                     {"post": p1, "reason": {"$type": "app.bsky.feed.defs#reasonRepost",
                                             "by": {"did": "did:plc:erin555", "handle": "erin.example"},
                                             "indexedAt": "2024-05-01T03:10:00.000Z"}},
                     {"post": p3}, {"post": {"uri": "at://did:plc:zz/app.bsky.feed.post/1", "author": {"did": "x"}}}],
            "cursor": "1714532400000::bafyC"}
    _doc("bluesky/feed.json", feed)


def mastodon() -> None:
    m1 = {"id": "111", "uri": "https://social.example/users/anna/statuses/111",
          "url": "https://social.example/@anna/111", "created_at": "2024-06-01T10:00:00.000Z",
          "account": {"id": "1", "username": "anna", "acct": "anna", "url": "https://social.example/@anna"},
          "content": '<p>Heatwave alert for Lyon &amp; région <a href="https://social.example/tags/Canicule" '
                     'class="mention hashtag" rel="tag">#<span>Canicule</span></a></p><p><a href="https://meteo.'
                     'example.fr/alerte?utm_source=mastodon" rel="nofollow noopener" target="_blank"><span class='
                     '"invisible">https://</span><span class="">meteo.example.fr/alerte</span><span class="invisible'
                     '">?utm_source=mastodon</span></a></p>',
          "tags": [{"name": "canicule", "url": "https://social.example/tags/canicule"}], "language": "fr",
          "visibility": "public", "favourites_count": 4, "reblogs_count": 2, "replies_count": 1, "reblog": None,
          "in_reply_to_id": None, "spoiler_text": "", "card": None, "media_attachments": []}
    m2 = {"id": "112", "uri": "https://other.example/users/ben/statuses/112/activity", "url": None,
          "created_at": "2024-06-01T10:30:00.000Z",
          "account": {"id": "2", "username": "ben", "acct": "ben@other.example", "url": "https://other.example/@ben"},
          "content": "", "reblog": m1, "visibility": "public", "tags": [], "favourites_count": 0,
          "reblogs_count": 0, "replies_count": 0, "in_reply_to_id": None, "language": None}
    m3 = {"id": "113", "uri": "https://third.example/users/carla/statuses/9", "created_at": "2024-06-01T11:00:00.000Z",
          "account": {"id": "3", "username": "carla", "acct": "carla@third.example",
                      "url": "https://third.example/@carla"},
          "content": '<p><span class="h-card"><a href="https://social.example/@anna" class="u-url mention">@<span>'
                     'anna</span></a></span> merci ! 🌡️ <a href="https://third.example/tags/Hitzewelle" class="mention '
                     'hashtag" rel="tag">#<span>Hitzewelle</span></a></p>',
          "tags": [{"name": "Hitzewelle"}], "in_reply_to_id": "111", "reblog": None, "visibility": "public",
          "language": "de", "favourites_count": 1, "reblogs_count": 0, "replies_count": 0}
    m4 = {"id": "114", "uri": "https://social.example/users/anna/statuses/114", "created_at": "2024-06-01T12:00:00Z",
          "account": {"id": "1", "username": "anna", "acct": "anna", "url": "https://social.example/@anna"},
          "content": "<p>Жара в Москве</p>", "spoiler_text": "погода", "tags": [], "language": "ru",
          "in_reply_to_id": "999", "reblog": None, "visibility": "unlisted",
          "card": {"url": "https://www.weather.example.ru/moscow", "title": "Погода"}}
    _doc("mastodon/statuses.json", [m1, m2, m3, m4, {"id": "115", "content": "x", "created_at": "2024-06-01"}])


def reddit() -> None:
    s1 = {"id": "abc1", "name": "t3_abc1", "subreddit": "worldnews", "author": "river_fan", "created_utc": 1717200000,
          "title": "Dam breach reported upstream", "selftext": "", "is_self": False,
          "url": "https://www.reuters.example/world/dam?utm_source=reddit", "domain": "reuters.example",
          "score": 120, "num_comments": 3, "permalink": "/r/worldnews/comments/abc1/dam/"}
    c1 = {"id": "c1", "link_id": "t3_abc1", "parent_id": "t3_abc1", "subreddit": "worldnews",
          "author": "flood_helper", "body": "Evacuation centers: https://city.example.gov/shelters #staysafe",
          "created_utc": "1717203600", "score": 5}
    c2 = {"id": "c2", "link_id": "t3_abc1", "parent_id": "t1_c1", "subreddit": "worldnews", "author": "river_fan",
          "body": "Спасибо! 🙏", "created_utc": 1717207200.0, "score": 2}
    c3 = {"id": "c3", "link_id": "t3_abc1", "parent_id": "t3_abc1", "subreddit": "worldnews", "author": "[deleted]",
          "body": "[deleted]", "created_utc": 1717207300, "score": 1}
    c4 = {"id": "c4", "link_id": "t3_abc1", "parent_id": "t1_c1", "subreddit": "worldnews", "author": "someone",
          "body": "[removed]", "created_utc": 1717207400, "score": 1}
    s2 = {"id": "abc2", "subreddit": "floods", "author": "news_bot", "created_utc": 1717210800,
          "title": "Crosspost: Dam breach", "selftext": "[removed]", "is_self": True, "crosspost_parent": "t3_abc1",
          "score": 1, "num_comments": 0}
    _lines("reddit/RC_sample.ndjson", [s1, c1, c2, c3, c4, {"subreddit": "x", "created_utc": 1}, s2])


def telegram() -> None:
    chan = "channel1234567890"
    msgs = [
        {"id": 1, "type": "service", "date": "2024-07-01T11:00:00", "date_unixtime": "1719831600",
         "actor": "Погода Новини", "actor_id": chan, "action": "create_channel", "title": "Погода Новини", "text": "",
         "text_entities": []},
        {"id": 2, "type": "message", "date": "2024-07-01T15:00:00", "date_unixtime": "1719835200",
         "from": "Погода Новини", "from_id": chan,
         "text": ["Шторм наближається ", {"type": "hashtag", "text": "#шторм"}, " деталі: ",
                  {"type": "link", "text": "https://meteo.example.ua/storm?utm_source=tg"}],
         "text_entities": [{"type": "plain", "text": "Шторм наближається "}, {"type": "hashtag", "text": "#шторм"}],
         "reactions": [{"type": "emoji", "count": 5, "emoji": "👍"}, {"type": "emoji", "count": 2, "emoji": "🙏"}]},
        {"id": 3, "type": "message", "date": "2024-07-01T16:00:00", "date_unixtime": "1719838800",
         "from": "Погода Новини", "from_id": chan, "reply_to_message_id": 2, "text": "Stay safe everyone",
         "text_entities": [{"type": "plain", "text": "Stay safe everyone"}]},
        {"id": 4, "type": "message", "date": "2024-07-01T17:00:00", "date_unixtime": "1719842400",
         "from": "Погода Новини", "from_id": chan, "forwarded_from": "Other Channel",
         "text": [{"type": "text_link", "text": "читати", "href": "https://www.news.example.com/a?fbclid=1"}, " ",
                  {"type": "hashtag", "text": "#Новини"}], "text_entities": []},
        {"id": 5, "type": "message", "date": "2024-07-01T18:00:00", "date_unixtime": "1719846000",
         "from": "Погода Новини", "from_id": chan, "photo": "photos/photo_1@01-07-2024_18-00-00.jpg",
         "width": 1280, "height": 720, "text": "", "text_entities": []},
        {"id": 6, "type": "service", "date": "2024-07-01T18:05:00", "date_unixtime": "1719846300",
         "actor": "Погода Новини", "actor_id": chan, "action": "pin_message", "message_id": 5, "text": ""},
        {"type": "message", "date": "2024-07-01T18:10:00", "text": "no id"},
        {"id": 8, "type": "message", "date": "not a date", "date_unixtime": "abc", "from_id": chan, "text": "x"},
    ]
    _doc("telegram/result.json", {"name": "Погода Новини", "type": "public_channel", "id": 1234567890,
                                  "messages": msgs})


def youtube() -> None:
    top1 = {"kind": "youtube#comment", "etag": "e1", "id": "Ugx1",
            "snippet": {"channelId": "UCowner", "videoId": "vid00000001", "textDisplay": "Great <b>report</b> #news",
                        "textOriginal": "Great report #news", "authorDisplayName": "@ViewerOne",
                        "authorChannelUrl": "http://www.youtube.com/@ViewerOne", "authorChannelId": {"value": "UCaaa"},
                        "canRate": True, "viewerRating": "none", "likeCount": 3,
                        "publishedAt": "2024-08-01T09:00:00Z", "updatedAt": "2024-08-01T09:00:00Z"}}
    reply = {"kind": "youtube#comment", "etag": "e2", "id": "Ugx1.r1",
             "snippet": {"videoId": "vid00000001", "textOriginal": "¡Gracias! https://youtu.be/vid00000002?si=abc",
                         "parentId": "Ugx1", "authorChannelId": {"value": "UCbbb"}, "likeCount": 0,
                         "publishedAt": "2024-08-01T10:00:00Z"}}
    top2 = {"kind": "youtube#comment", "id": "Ugx2",
            "snippet": {"videoId": "vid00000001", "textDisplay": "बहुत बढ़िया वीडियो &amp; #भारत",
                        "authorChannelId": {"value": "UCccc"}, "likeCount": 7, "publishedAt": "2024-08-02T00:00:00Z"}}
    page = {"kind": "youtube#commentThreadListResponse", "etag": "p1", "nextPageToken": "QURT",
            "pageInfo": {"totalResults": 4, "resultsPerPage": 100},
            "items": [{"kind": "youtube#commentThread", "etag": "t1", "id": "Ugx1",
                       "snippet": {"channelId": "UCowner", "videoId": "vid00000001", "topLevelComment": top1,
                                   "canReply": True, "totalReplyCount": 1, "isPublic": True},
                       "replies": {"comments": [reply]}},
                      {"kind": "youtube#commentThread", "id": "Ugx2",
                       "snippet": {"videoId": "vid00000001", "topLevelComment": top2, "totalReplyCount": 0}},
                      {"kind": "youtube#searchResult", "id": {"kind": "youtube#video", "videoId": "vid9"}},
                      {"id": "nokind", "snippet": {}}]}
    _doc("youtube/commentThreads.json", page)
    v1 = {"kind": "youtube#video", "id": "vid00000001",
          "snippet": {"publishedAt": "2024-07-31T20:00:00Z", "channelId": "UCowner", "title": "Flood report #news",
                      "description": "Sources: https://www.gov.example/flood?utm_source=yt", "tags": ["flood"],
                      "defaultAudioLanguage": "en"},
          "statistics": {"viewCount": "12345", "likeCount": "321", "commentCount": "3"}}
    v2 = {"kind": "youtube#video", "id": "vid00000002",
          "snippet": {"publishedAt": "2024-08-01T20:00:00Z", "channelId": "UCddd", "title": "Наводнение: хроника",
                      "description": ""}, "statistics": {"viewCount": "10"}}
    _lines("youtube/videos.jsonl", [{"kind": "youtube#videoListResponse", "etag": "v", "items": [v1]},
                                    {"kind": "youtube#videoListResponse", "etag": "w", "items": [v2]}])


def meta() -> None:
    ct = (
        "Page Name,User Name,Facebook Id,Page Category,Post Created,Post Created Date,Post Created Time,Type,"
        "Total Interactions,Likes,Comments,Shares,Love,Angry,Post Views,URL,Message,Link,Final Link,Link Text\n"
        'Ciudad Noticias,ciudadnoticias,100001,MEDIA_NEWS_COMPANY,2024-09-01 08:00:00 EDT,2024-09-01,08:00:00,Link,'
        '64,50,4,10,0,0,0,https://www.facebook.com/100001/posts/9001,"Inundaciones en la costa #Inundaciones\n'
        'Más información en el enlace, ""urgente""",https://bit.ly/xyz,'
        'https://www.diario.example.mx/inundaciones?utm_source=fb,Inundaciones\n'
        '台灣新聞,twnews,100002,NEWS_SITE,2024-09-01 10:00:00 EDT,2024-09-01,10:00:00,Status,3,3,0,0,0,0,0,'
        'https://www.facebook.com/100002/posts/9002,颱風來了 #颱風 https://news.example.tw/a1,,,\n'
        'Weather Insta,insta_weather,,,2024-09-02 18:00:00 EDT,2024-09-02,18:00:00,Photo,100,90,10,0,0,0,0,'
        'https://www.instagram.com/p/Cxyz/,Sunset ☀️ #sunset,,,\n'
        "Broken Row,broken,100003,MEDIA\n"
        "No Url,nourl,100004,MEDIA,2024-09-03 10:00:00 EDT,2024-09-03,10:00:00,Status,1,1,0,0,0,0,0,,text,,,\n")
    _text("meta/crowdtangle.csv", ct, newline="\r\n", bom=True)
    mcl = (
        "id,creation_time,text,lang,post_owner.id,post_owner.name,post_owner.type,statistics.reaction_count,"
        "statistics.share_count,statistics.comment_count,statistics.views,link_attachment.link\n"
        '5550001,2024-10-01T08:00:00+0000,"Election debate tonight #Debate2024 🇵🇱 Debata wyborcza",pl,777,'
        "Debate Page,PAGE,100,5,20,1000,https://tvp.example.pl/debata?utm_medium=social\n"
        "5550002,2024-10-01T09:00:00Z,Pregunta: ¿quién ganó?,es,778,Otra,PAGE,1,0,0,,\n"
        "5550003,1727776800,Τι λέτε; #ψηφοφορία,el,777,Debate Page,PAGE,2,0,1,,\n"
        ",2024-10-01T11:00:00Z,no id,en,779,X,PAGE,0,0,0,,\n")
    _text("meta/mcl_facebook.csv", mcl)


def zeeschuimer() -> None:
    base = {"timestamp_collected": 1730000000000, "user_agent": "Mozilla/5.0", "source_url": "https://example/"}
    tk = {"id": "z1", "item_id": "7300000000000000001", "source_platform": "tiktok.com",
          "source_platform_url": "https://www.tiktok.com/foryou", **base,
          "data": {"id": "7300000000000000001", "desc": "Dance challenge 💃 #fyp #Tanz", "createTime": 1729987200,
                   "author": {"id": "6800000001", "uniqueId": "dancer_x"},
                   "stats": {"diggCount": 1000, "shareCount": 20, "commentCount": 30, "playCount": 50000},
                   "challenges": [{"id": "1", "title": "fyp"}, {"id": "2", "title": "Tanz"}]}}
    ig = {"id": "z2", "item_id": "3400000000_123", "source_platform": "instagram.com", **base,
          "data": {"id": "3400000000_123", "code": "C9abcdEF", "taken_at": 1729990800,
                   "caption": {"text": "Café da manhã ☕ #brunch #SãoPaulo"},
                   "user": {"pk": "5500001", "username": "cafe_sp"}, "like_count": 77, "comment_count": 4}}
    x1d = {"__typename": "Tweet", "rest_id": "1800000000000000001",
           "core": {"user_results": {"result": {"rest_id": "9301", "legacy": {"screen_name": "xuser"}}}},
           "legacy": {"full_text": "Breaking: bridge closed https://t.co/zz #traffic",
                      "created_at": "Sun Oct 27 02:00:00 +0000 2024", "id_str": "1800000000000000001",
                      "user_id_str": "9301", "lang": "en", "favorite_count": 3, "retweet_count": 1, "reply_count": 0,
                      "entities": {"hashtags": [{"text": "traffic"}],
                                   "urls": [{"url": "https://t.co/zz",
                                             "expanded_url": "https://traffic.example.nl/brug?utm_source=twitter"}]}},
           "views": {"count": "900", "state": "EnabledWithCount"}}
    x1 = {"id": "z3", "item_id": "1800000000000000001", "source_platform": "x.com", **base, "data": x1d}
    x2 = {"id": "z4", "item_id": "1800000000000000002", "source_platform": "twitter.com", **base,
          "data": {"__typename": "Tweet", "rest_id": "1800000000000000002",
                   "core": {"user_results": {"result": {"rest_id": "9302"}}},
                   "legacy": {"full_text": "RT @xuser: Breaking: bridge closed https://t.co/zz #traf…",
                              "created_at": "Sun Oct 27 02:30:00 +0000 2024", "user_id_str": "9302",
                              "retweeted_status_result": {"result": x1d},
                              "entities": {"hashtags": [{"text": "traf"}], "urls": []}}}}
    li = {"id": "z5", "item_id": "urn:li:activity:1", "source_platform": "linkedin.com", **base,
          "data": {"commentary": {"text": "Hello"}}}
    tomb = {"id": "z6", "item_id": "1800000000000000003", "source_platform": "x.com", **base,
            "data": {"__typename": "TweetTombstone", "tombstone": {"text": {"text": "This Post is unavailable."}}}}
    _lines("zeeschuimer/items.ndjson", [tk, ig, x1, li, x2, tomb,
                                        {"id": "z7", "source_platform": "x.com", "timestamp_collected": 1}])


def fourcat() -> None:
    csv_text = (
        "id,thread_id,timestamp,unix_timestamp,subject,body,author,subreddit,url,score,num_comments\n"
        'q1,q1,2024-11-01 10:00:00,1730455200,Housing crisis,"Rents are up 20% https://stats.example.de/miete",'
        "housing_user,housing,https://www.reddit.com/r/housing/comments/q1/,50,2\n"
        'q2,q1,2024-11-01 11:00:00,1730458800,,"Agreed, #Mietendeckel now",renter2,housing,,3,0\n'
        "q3,q3,2024-11-01 12:00:00,1730462400,,no platform here,someone,,,1,0\n"
        ",q1,2024-11-01 13:00:00,1730466000,,no id,someone,housing,,1,0\n")
    _text("fourcat/dataset.csv", csv_text)
    items = [{"id": "chan-5", "thread_id": "chan-5", "timestamp": "2024-11-02 08:00:00",
              "body": "Новости дня #новости", "author": "chan", "url": "https://t.me/chan/5", "views": "1200"},
             {"id": "chan-6", "thread_id": "chan-5", "timestamp": "2024-11-02 09:00:00",
              "body": "Ответ https://example.org/x", "author": "user7", "url": "https://t.me/chan/6"}]
    _lines("fourcat/dataset.ndjson", items, raw={1: "garbage {"})


def news() -> None:
    rss = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>Omroep Voorbeeld</title><link>https://omroep.example.nl/</link><language>nl-NL</language>
  <item>
    <title>Dijkversterking gestart</title>
    <link>https://www.omroep.example.nl/nieuws/dijk?utm_source=rss</link>
    <description><![CDATA[<p>De werkzaamheden &amp; planning</p>]]></description>
    <pubDate>Mon, 02 Dec 2024 09:00:00 +0100</pubDate>
    <guid isPermaLink="false">dijk-1</guid><dc:creator>J. Jansen</dc:creator>
  </item>
  <item>
    <title>Storm op komst #storm</title>
    <link>https://omroep.example.nl/nieuws/storm</link>
    <pubDate>Mon, 02 Dec 2024 12:00:00 GMT</pubDate>
  </item>
  <item><title>Zonder link</title><pubDate>Mon, 02 Dec 2024 13:00:00 GMT</pubDate></item>
</channel>
</rss>
"""
    _text("news/feed.rss", rss)
    atom = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh">
  <title>新闻示例</title><id>urn:example:feed</id><updated>2024-12-03T06:00:00Z</updated>
  <entry>
    <title>空气质量预警</title><id>urn:example:1</id>
    <link href="https://news.example.cn/aq/1"/>
    <published>2024-12-03T00:00:00Z</published>
    <summary type="html">北京 #雾霾</summary>
    <author><name>记者</name></author>
  </entry>
  <entry>
    <title>Follow-up</title><id>urn:example:2</id>
    <link rel="self" href="https://news.example.cn/feed/2"/>
    <link rel="alternate" href="https://news.example.cn/aq/2?utm_source=atom"/>
    <updated>2024-12-03T06:00:00+08:00</updated>
  </entry>
</feed>
"""
    _text("news/feed.atom", atom)
    mc = ("stories_id,publish_date,title,url,language,media_id,media_name,media_url\n"
          '1001,2024-12-04 07:00:00,"Flood defences ""tested""",https://www.bbc.example.co.uk/news/1?at_medium=RSS,'
          "en,1,BBC Example,bbc.example.co.uk\n"
          "1002,2024-12-04 08:30:00.123456,Inondations: le point,https://lemonde.example.fr/a/2,fr,2,"
          "Le Monde Example,https://www.lemonde.example.fr\n"
          "1003,,No date,https://x.example/3,en,3,X,x.example\n")
    _text("news/mediacloud.csv", mc)


if __name__ == "__main__":
    for fn in (twarc2, twitter_v1, bluesky, mastodon, reddit, telegram, youtube, meta, zeeschuimer, fourcat, news):
        fn()
