"""The platforms' own export and API formats, registered with `agorascope.sources`.

One module per family; each format is a small class with `name`, `description`,
`sniff(head, filename=)` and `read(path, options=)`. Shared machinery is in `_common`.
"""

from __future__ import annotations

from agorascope import sources
from agorascope.sources.platforms.bluesky import AppView, Jetstream
from agorascope.sources.platforms.fourcat import FourCatCSV, FourCatNDJSON
from agorascope.sources.platforms.mastodon import Mastodon
from agorascope.sources.platforms.meta import ContentLibrary, CrowdTangle
from agorascope.sources.platforms.news import Feed, MediaCloud
from agorascope.sources.platforms.reddit import Reddit
from agorascope.sources.platforms.telegram import TelegramExport
from agorascope.sources.platforms.twitter import Twarc2Flat, Twarc2Pages, TwitterV1
from agorascope.sources.platforms.youtube import YouTube
from agorascope.sources.platforms.zeeschuimer import Zeeschuimer

FORMATS = (Twarc2Pages, Twarc2Flat, TwitterV1, Jetstream, AppView, Mastodon, Reddit, TelegramExport, YouTube,
           CrowdTangle, ContentLibrary, Zeeschuimer, FourCatCSV, FourCatNDJSON, Feed, MediaCloud)

for _cls in FORMATS:
    sources.register(_cls())

__all__ = ["FORMATS"]
