"""URL normalisation: one spelling per link, so co-link and domain counts agree across sources.

Lower-case scheme and host, no `www.`, no default port, no fragment, tracking parameters
(`utm_*`, `fbclid`, `gclid`, …) dropped, trailing slash of an empty path dropped.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pyarrow as pa
import pyarrow.compute as pc

_TRACKING = re.compile(
    r"^(utm_[a-z_]+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|mc_cid|mc_eid|igshid|igsh|"
    r"ref_src|ref_url|s|t|si|cmpid|_ga|yclid|twclid|__twitter_impression|feature|spm)$",
    re.I,
)
_URL_RE = re.compile(r"https?://[^\s<>\"'\u3000-\u303f\uff01-\uff0f]+", re.I)
_TRAILING = ".,;:!?)]}'\"…»”’"


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


def domains_of(urls: pa.Array) -> pa.Array:
    """Vectorised: the list of distinct hosts for each list of (normalised) URLs."""
    flat = urls.flatten()
    host = pc.extract_regex(flat, r"^[a-zA-Z][a-zA-Z0-9+.-]*://(?:[^@/]*@)?(?P<h>[^/:?#]+)")
    host = pc.utf8_lower(pc.struct_field(host, [0]))
    host = pc.replace_substring_regex(host, r"^www\.", "")
    out = pa.ListArray.from_arrays(urls.offsets, host, mask=urls.is_null())
    return _distinct_lists(out)


def _distinct_lists(lists: pa.Array) -> pa.Array:
    """Drop nulls and duplicates inside each list, keeping first-seen order."""
    py = lists.to_pylist()  # bounded: one batch of short lists
    return pa.array(
        [None if v is None else list(dict.fromkeys(x for x in v if x)) for v in py], type=pa.list_(pa.string())
    )
