"""Text normalisation and tokenisation for analysis (the stored `text` stays as imported).

Two public entry points:

- `normalise(batch)` adds `text_norm`: Unicode NFKC, lower-cased (a no-op for scripts without
  case), URLs replaced by the token ``<url>``, masked mentions kept as ``@user``, whitespace
  collapsed. Vectorised with `pyarrow.compute`; this is the input to MinHash (near-duplicate
  signatures) and to `tokenize`. `normalise_text` does the same for one string.
- `tokenize(text, lang)` splits one text into analysis tokens: URLs become ``<url>``, mentions
  ``@user``, hashtags ``#tag``, each emoji one token, words case-folded; Chinese is cut with jieba,
  Japanese, Thai, Khmer, Lao, Burmese and runs of Han/Kana/Hangul without a segmenter become
  overlapping character bigrams; stop words of `lang` are dropped (`stopwords(lang)`).
"""

from __future__ import annotations

import functools
import json
import unicodedata
from importlib import resources

import pyarrow as pa
import pyarrow.compute as pc
import regex

#: URL pattern shared by `normalise` (RE2 syntax, for pyarrow) and `tokenize`.
URL_RE2 = r"(?i)\b(?:https?://|www\.)[^\s<>\"']+"
URL_TOKEN = "<url>"

_URL = regex.compile(r"(?i)\b(?:https?://|www\.)[^\s<>\"']+")
# One token: URL | mention | hashtag | emoji (with modifiers/ZWJ sequences) | word | other symbol.
_TOKEN = regex.compile(
    r"(?P<url>(?i:\b(?:https?://|www\.)[^\s<>\"']+))"
    r"|(?P<mention>@\w+)"
    r"|(?P<hashtag>[#＃]\w+)"
    r"|(?P<emoji>\p{Extended_Pictographic}(?:[\p{Emoji_Modifier}\uFE0F\u20E3]|\u200D\p{Extended_Pictographic})*"
    r"|[\U0001F1E6-\U0001F1FF]{2})"
    r"|(?P<word>[\p{L}\p{M}\p{N}]+(?:['’][\p{L}\p{M}]+)*)",
    regex.VERSION1,
)
# Scripts written without spaces between words; runs of them become character bigrams.
_NOSPACE = regex.compile(r"(?:[\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}ー]\p{M}*)+")
_HAN = regex.compile(r"\p{Han}+")
_PUNCT = regex.compile(r"^[\p{P}\p{S}]+$")


def normalise_text(text: str | None) -> str:
    """`text_norm` of one string: NFKC, lower-case, URLs as ``<url>``, whitespace collapsed."""
    if not text:
        return ""
    t = unicodedata.normalize("NFKC", text).lower().replace("i\u0307", "i")  # as Arrow lowers "İ"
    t = _URL.sub(URL_TOKEN, t)
    return " ".join(t.split())


def normalise_array(text: pa.Array | pa.ChunkedArray) -> pa.Array:
    """`normalise_text` over an Arrow string array (vectorised; nulls become "")."""
    if isinstance(text, pa.ChunkedArray):
        text = text.combine_chunks()
    if text.type != pa.string():
        text = text.cast(pa.string())
    t = pc.utf8_normalize(text.fill_null(""), "NFKC")
    t = pc.utf8_lower(t)
    t = pc.replace_substring_regex(t, URL_RE2, URL_TOKEN)
    t = pc.replace_substring_regex(t, r"\s+", " ")
    return pc.utf8_trim_whitespace(t)


def normalise(batch: pa.RecordBatch) -> pa.RecordBatch:
    """Add `text_norm` (see module docs) to a batch with a `text` column; input unchanged."""
    norm = normalise_array(batch.column("text"))
    if "text_norm" in batch.schema.names:
        return batch.set_column(batch.schema.get_field_index("text_norm"), "text_norm", norm)
    return batch.append_column("text_norm", norm)


@functools.cache
def _stopword_table() -> dict[str, frozenset[str]]:
    raw = json.loads(resources.files("agorascope.text").joinpath("models/stopwords.json").read_text("utf-8"))
    return {lang: frozenset(words) for lang, words in raw.items()}


def stopwords(lang: str | None) -> frozenset[str]:
    """Stop words of an ISO 639-1 language (empty for languages without a list)."""
    if not lang:
        return frozenset()
    return _stopword_table().get(lang.split("-")[0].lower(), frozenset())


def stopword_languages() -> list[str]:
    """Languages with a stop-word list."""
    return sorted(_stopword_table())


@functools.cache
def _jieba() -> object:
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def _bigrams(run: str) -> list[str]:
    """Overlapping bigrams of grapheme clusters (a Thai vowel mark stays on its consonant)."""
    g = regex.findall(r"\X", run)
    if len(g) == 1:
        return g
    return [g[i] + g[i + 1] for i in range(len(g) - 1)]


def _split_word(word: str, lang: str) -> list[str]:
    """Split a word token that contains a no-space script."""
    if not _NOSPACE.search(word):
        return [word]
    out: list[str] = []
    pos = 0
    for m in _NOSPACE.finditer(word):
        if m.start() > pos:
            out.append(word[pos:m.start()])
        run = m.group()
        if lang in ("zh", "yue", "wuu") and _HAN.fullmatch(run):
            jb = _jieba()
            out.extend(w for w in jb.lcut(run) if w.strip())  # type: ignore[attr-defined]
        else:
            out.extend(_bigrams(run))
        pos = m.end()
    if pos < len(word):
        out.append(word[pos:])
    return out


def tokenize(text: str | None, lang: str | None = None, *, keep_stopwords: bool = False) -> list[str]:
    """Analysis tokens of one text (see module docs). `lang` picks the segmenter and stop words.

    Chinese text is cut with jieba when `lang` is zh (or when it is unknown and the text is mostly
    Han); other no-space scripts fall back to character bigrams, a standard choice for
    Japanese/Thai retrieval that needs no dictionary. Hangul is space-delimited and kept as words.
    """
    if not text:
        return []
    t = unicodedata.normalize("NFKC", text)
    lang = (lang or "").split("-")[0].lower()
    if not lang or lang == "und":
        han = len(_HAN.findall(t))
        if han and not regex.search(r"[\p{Hiragana}\p{Katakana}]", t):
            lang = "zh"
    stop = frozenset() if keep_stopwords else stopwords(lang)
    out: list[str] = []
    for m in _TOKEN.finditer(t):
        kind = m.lastgroup
        tok = m.group()
        if kind == "url":
            out.append(URL_TOKEN)
        elif kind == "mention":
            out.append(tok.casefold())
        elif kind == "hashtag":
            out.append("#" + tok[1:].casefold())
        elif kind == "emoji":
            out.append(tok)
        else:
            for w in _split_word(tok.casefold().replace("i\u0307", "i"), lang):
                if w and w not in stop and not _PUNCT.match(w):
                    out.append(w)
    return out


__all__ = ["URL_RE2", "URL_TOKEN", "normalise", "normalise_array", "normalise_text", "stopword_languages",
           "stopwords", "tokenize"]
