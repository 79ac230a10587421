import os
import stat

import pyarrow as pa
import pytest

from agorascope.errors import ConfigError
from agorascope.privacy import Pseudonymiser, create_secret, load_secret, mask_mentions


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
