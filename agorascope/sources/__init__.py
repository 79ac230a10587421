"""The registry of input formats and `--format auto` detection.

Built-in formats register here; third-party ones through the `agorascope.sources` entry
point group, the way plugins do. Each format has `sniff(head) -> confidence` and
`read(path) -> Iterator[Chunk]`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path

from agorascope.errors import ConfigError, FormatNotDetected
from agorascope.sources._io import inner_name, read_head
from agorascope.sources.base import Chunk, ReadOptions, Reject, Source

log = logging.getLogger(__name__)

_REGISTRY: dict[str, Source] = {}
_loaded = False

#: A best guess below this confidence is not trusted.
MIN_CONFIDENCE = 0.25
#: Two candidates closer than this are ambiguous.
AMBIGUITY_MARGIN = 0.05


def register(source: Source) -> Source:
    """Add a format to the registry (a later registration of the same name replaces it)."""
    _REGISTRY[source.name] = source
    return source


def _load() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    from agorascope.sources import flat

    for cls in (flat.CSVSource, flat.NDJSONSource, flat.ParquetSource):
        register(cls())
    try:
        from agorascope.sources import platforms  # noqa: F401  (registers platform formats)
    except ImportError as exc:  # pragma: no cover - only while the module is absent
        log.debug("platform formats not available: %s", exc)
    for ep in entry_points(group="agorascope.sources"):
        register(ep.load()())


def names() -> list[str]:
    """Registered format names, sorted."""
    _load()
    return sorted(_REGISTRY)


def get(name: str) -> Source:
    """The format called `name`; an unknown name lists the ones on offer."""
    _load()
    try:
        return _REGISTRY[name]
    except KeyError:
        raise ConfigError(f"Unknown format {name!r}. Formats: auto, {', '.join(names())}") from None


@dataclass(frozen=True)
class Detection:
    """The outcome of sniffing one file."""

    format: str
    confidence: float
    candidates: list[tuple[str, float]]


def detect(path: Path) -> Detection:
    """Sniff `path` (decompressed) with every format; raise `FormatNotDetected` when unsure."""
    _load()
    head = read_head(path)
    fname = inner_name(path)
    scores = sorted(((n, float(s.sniff(head, filename=fname))) for n, s in _REGISTRY.items()),
                    key=lambda x: (-x[1], x[0]))
    best, score = scores[0]
    runner = scores[1] if len(scores) > 1 else ("", 0.0)
    near = ", ".join(f"{n} ({s:.0%})" for n, s in scores[:3] if s > 0) or "none"
    if score < MIN_CONFIDENCE:
        raise FormatNotDetected(
            f"Cannot tell the format of {path.name} (closest: {near}). "
            f"Pass --format, one of: {', '.join(names())}.")
    if score - runner[1] < AMBIGUITY_MARGIN:
        raise FormatNotDetected(
            f"{path.name} looks like both {best} and {runner[0]} ({score:.0%} vs {runner[1]:.0%}). "
            f"Pass --format {best} or --format {runner[0]}.")
    return Detection(best, score, scores[:5])


__all__ = ["Chunk", "Detection", "ReadOptions", "Reject", "Source", "detect", "get", "names", "register"]
