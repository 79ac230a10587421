"""URL normalisation: one spelling per link, so co-link and domain counts agree across sources.

Lower-case scheme and host, no `www.`, no default port, no fragment, tracking parameters
(`utm_*`, `fbclid`, `gclid`, …) dropped, trailing slash of an empty path dropped.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pyarrow as pa
import pyarrow.compute as pc

from agorascope._arrow import with_list_values

_TRACKING = re.compile(
    r"^(utm_[a-z_]+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|mc_cid|mc_eid|igshid|igsh|"
    r"ref_src|ref_url|s|t|si|cmpid|_ga|yclid|twclid|__twitter_impression|feature|spm)$",
    re.I,
)
_URL_RE = re.compile(r"https?://[^\s<>\"'\u3000-\u303f\uff01-\uff0f]+", re.I)
_TRAILING = ".,;:!?)]}'\"…»”’"


@lru_cache(maxsize=1 << 17)
def normalise_url(url: str) -> str | None:
    """Return the canonical spelling of `url`, or None when it is not an http(s) URL."""
    url = url.strip().rstrip(_TRAILING) if url else ""
    if not url:
        return None
    if "://" not in url:
        url = "http://" + url
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower().rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    try:
        port = parts.port
    except ValueError:
        return None
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k)]
    path = parts.path if parts.path not in ("", "/") else ""
    return urlunsplit((scheme, host, path, urlencode(query, doseq=True), ""))


def domain(url: str) -> str | None:
    """The registrable-looking host of a normalised URL (host without `www.` and port)."""
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host


def find_urls(text: str) -> list[str]:
    """URLs written in running text (for sources that give no URL entities)."""
    return [u.rstrip(_TRAILING) for u in _URL_RE.findall(text or "")]


#: URLs that are already canonical: lower-case host without www., no port, query or fragment.
_CANONICAL = r"^https?://(?:[a-z0-9-]+\.)+[a-z0-9-]+(?:/[^?#\s]*)?$"


def normalise_urls(urls: pa.Array) -> pa.Array:
    """Vectorised `normalise_url` over a flat string array: canonical URLs pass through untouched,
    the rest are normalised once per distinct value."""
    if len(urls) == 0:
        return urls.cast(pa.string())
    urls = urls.cast(pa.string())
    ok = pc.and_(pc.match_substring_regex(urls, _CANONICAL),
                 pc.invert(pc.match_substring_regex(urls, r"^https?://www\.|^https?://[^/]+/$")))
    todo = pc.unique(urls.filter(pc.invert(pc.fill_null(ok, True))))
    if len(todo) == 0:
        return urls
    fixed = pa.array([normalise_url(u) for u in todo.to_pylist()], pa.string())
    idx = pc.index_in(urls, value_set=todo)
    return pc.if_else(pc.is_valid(idx), pc.take(fixed, idx), urls)


def normalise_url_lists(lists: pa.Array) -> pa.Array:
    """`normalise_urls` applied inside a list<string> column."""
    flat = normalise_urls(lists.flatten())
    if flat.null_count == 0:
        return with_list_values(lists, flat)
    # Drop what is not an http(s) URL, rebuilding the offsets.
    import numpy as np

    keep = pc.is_valid(flat)
    parents = pc.list_parent_indices(lists).filter(keep).to_numpy()
    counts = np.bincount(parents, minlength=len(lists)) if len(parents) else np.zeros(len(lists), dtype=np.int64)
    offsets = pa.array(np.concatenate([[0], np.cumsum(counts)]).astype(np.int32))
    return pa.ListArray.from_arrays(offsets, flat.filter(keep), mask=lists.is_null())


def domains_of(urls: pa.Array) -> pa.Array:
    """Vectorised: the list of distinct hosts for each list of (normalised) URLs."""
    flat = urls.flatten()
    host = pc.extract_regex(flat, r"^[a-zA-Z][a-zA-Z0-9+.-]*://(?:[^@/]*@)?(?P<h>[^/:?#]+)")
    host = pc.utf8_lower(pc.struct_field(host, [0]))
    host = pc.replace_substring_regex(host, r"^www\.", "")
    out = with_list_values(urls, host)
    if len(out) == 0 or (pc.max(pc.list_value_length(out)).as_py() or 0) <= 1:
        return out  # nothing to deduplicate (the common case: at most one link)
    return _distinct_lists(out)


def _distinct_lists(lists: pa.Array) -> pa.Array:
    """Drop nulls and duplicates inside each list, keeping first-seen order."""
    py = lists.to_pylist()  # bounded: one batch of short lists
    return pa.array(
        [None if v is None else list(dict.fromkeys(x for x in v if x)) for v in py], type=pa.list_(pa.string())
    )
