import hashlib
import hmac
import os
import stat

import numpy as np
import pyarrow as pa
import pytest

from agorascope.errors import ConfigError
from agorascope.privacy import PseudonymCache, Pseudonymiser, create_secret, load_secret, mask_mentions


def test_pseudonyms_stable_per_secret_and_differ_across_secrets():
    a, b = Pseudonymiser(b"k" * 32), Pseudonymiser(b"j" * 32)
    assert a.pseudonym("twitter", "Alice") == a.pseudonym("twitter", "@alice") == Pseudonymiser(
        b"k" * 32).pseudonym("TWITTER", "ALICE")
    assert a.pseudonym("twitter", "alice") != b.pseudonym("twitter", "alice")
    assert a.pseudonym("twitter", "alice") != a.pseudonym("mastodon", "alice")
    assert a.pseudonym("twitter", "alice").startswith("a_") and len(a.pseudonym("twitter", "alice")) == 22
    assert "alice" not in a.pseudonym("twitter", "alice")


def test_vectorised_pseudonymise_matches_scalar_and_keeps_nulls():
    p = Pseudonymiser(b"s" * 32)
    out = p.pseudonymise(pa.array(["x", "x", "y", "x"]), pa.array(["bob", "Bob", "bob", None]))
    assert out.to_pylist() == [p.pseudonym("x", "bob"), p.pseudonym("x", "bob"), p.pseudonym("y", "bob"), None]


def test_secret_file_is_private_and_env_overrides(tmp_path):
    path = create_secret(tmp_path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert load_secret(tmp_path) == path.read_text().strip().encode()
    assert load_secret(tmp_path, "override-secret") == b"override-secret"
    with pytest.raises(ConfigError, match="agorascope init"):
        load_secret(tmp_path / "nowhere")


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("hi @bob and @alice@mastodon.social!", "hi @user and @user!"),
        ("mail me at a@b.com", "mail me at a@b.com"),
        ("@start of line", "@user of line"),
        ("(@x_1) @José", "(@user) @user"),
        ("no mentions here", "no mentions here"),
        ("url https://x.com/@handle stays", "url https://x.com/@handle stays"),
    ],
)
def test_mentions_masked(text, masked):
    assert mask_mentions(pa.array([text])).to_pylist() == [masked]


def test_small_cells_suppressed_below_k():
    from agorascope.privacy import suppress_small_cells

    t = pa.table({"key": ["a", "b", "c"], "authors": [4, 5, 12]})
    assert suppress_small_cells(t)["key"].to_pylist() == ["b", "c"]
    assert suppress_small_cells(t, k=10)["key"].to_pylist() == ["c"]


def test_pseudonym_is_hmac_sha256_of_platform_and_canonical_handle():
    """The prepared-state HMAC gives exactly RFC 2104 HMAC-SHA256, for short and long secrets."""
    import hmac

    from agorascope.privacy import Pseudonymiser

    for secret in (b"k" * 32, b"a-much-longer-secret-" * 5):
        ps = Pseudonymiser(secret)
        expected = "a_" + hmac.digest(secret, b"twitter\x1fsomeone", "sha256")[:10].hex()
        assert ps.pseudonym("Twitter", "@SomeOne") == expected


def _reference(secret: bytes, platform: str, handle: str) -> str:
    msg = f"{platform.lower()}\x1f{handle.strip().lstrip('@＠').lower()}".encode()
    return "a_" + hmac.new(secret, msg, hashlib.sha256).hexdigest()[:20]


def test_a_small_cache_evicts_and_still_gives_the_right_pseudonyms():
    """More authors than the cache holds, seen again and again across batches: every
    pseudonym is still the HMAC of its handle (eviction keeps hash order and values aligned)."""
    secret = b"s" * 40
    p = Pseudonymiser(secret, cache_size=50)
    rng = np.random.default_rng(3)
    for _ in range(30):
        ids = rng.zipf(1.3, 400) % 500  # heavy-tailed: some authors recur, most are rare
        handles = pa.array([f"@User{i}" for i in ids])
        plats = pa.array(["bluesky" if i % 3 else "mastodon" for i in ids])
        got = p.pseudonymise(plats, handles).to_pylist()
        assert got == [_reference(secret, pl, h) for pl, h in zip(plats.to_pylist(), handles.to_pylist(), strict=True)]
        assert len(p._cache) <= 50


def test_cache_confirms_a_hash_match_before_trusting_it():
    """Two keys with the same 64-bit hash must not share a pseudonym: the second hash decides."""
    cache = PseudonymCache(10)
    forged = np.array([hash("bluesky\x1fbob")], np.int64)  # "alice" stored under bob's hash
    cache.add(forged, ["bluesky\x1falice"], np.array([b"a_alice"], "S22"))
    values, found, _ = cache.lookup(["bluesky\x1fbob"])
    assert not found[0] and values[0] == b""
    values, found, _ = cache.lookup(["bluesky\x1falice"])
    assert not found[0]  # alice's own hash differs from the slot she was forged into


def test_cache_keeps_the_recently_used_half_when_full():
    cache = PseudonymCache(4)
    keys = [f"k{i}" for i in range(4)]
    cache.add(np.fromiter(map(hash, keys), np.int64), keys, np.array([k.encode() for k in keys], "S22"))
    cache.lookup(["k3", "k1"])  # recently used
    cache.add(np.array([hash("k9")], np.int64), ["k9"], np.array([b"k9"], "S22"))
    values, found, _ = cache.lookup(["k0", "k1", "k2", "k3", "k9"])
    assert found.tolist() == [False, True, False, True, True]
    assert values[found].tolist() == [b"k1", b"k3", b"k9"]
