"""Labels and evidence for narratives: class-based TF-IDF terms per language, hashtags, domains.

c-TF-IDF (Grootendorst 2022, as in BERTopic) treats all posts of a narrative *in one language*
as one document: weight(t, c) = tf(t, c) / |c| · log(1 + A / f(t)), with A the mean number
of tokens per class and f(t) the frequency of t over every class of that language. Scoring per
language keeps a Chinese narrative's terms from being drowned by the English ones and gives
the analyst the wording in each language.
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable

import regex

from agorascope.store.duckdb_store import DuckDBStore

_WORD = regex.compile(r"[\p{L}\p{N}][\p{L}\p{N}\p{M}'’\-]*")
_DROP = regex.compile(r"https?://\S+|www\.\S+|@user\b|#\S+", regex.IGNORECASE)
_CJK = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}\p{Thai}]")

#: Small stop lists for the fallback tokenizer (the enrichment stage's `tokenize` is preferred).
_STOP = {
    "en": "a an and are as at be been but by can could did do does for from had has have he her his how i if in "
          "into is it its just me my no not now of on or our out she so than that the their them then there these "
          "they this to too up us was we were what when which who why will with would you your yes all any "
          "about after again also am more most much new one only other over own same some such very what's it's "
          "don't can't i'm they're we're you're",
    "es": "a al algo como con de del el ella ellos en es esa ese eso esta este esto ha han la las le les lo los "
          "me mi muy más ni no nos o para pero por que qué se ser si sin sobre su sus te tu un una uno y ya yo",
    "fr": "a à au aux avec ce ces cette dans de des du elle en est et eux il ils je la le les leur lui ma mais me "
          "mes moi mon ne nos notre nous on ou par pas pour qu que qui sa se ses son sont sur ta te tes toi ton "
          "tu un une vos votre vous y c'est l'",
    "de": "aber als am an auch auf aus bei bin bis da das dass dem den der des die doch du durch ein eine einem "
          "einen einer er es für hat ich ihr im in ist ja kein mit nach nicht noch nur oder sich sie sind so und "
          "uns von vor war was wie wir wird zu zum zur",
    "ru": "а без бы в во вы да для до же за и из или им их к как ко ли мы на не него нет ни но о об он она они "
          "от по с со так то ты у уже что это я",
    "pt": "a ao as com da das de do dos e ela ele em entre era essa esse eu foi já la mais mas me meu na nas não "
          "no nos o os ou para pela pelo por que se sem seu sua são também te um uma você",
    "it": "a al alla anche che ci come con da del della di e era gli ha hanno i il in io la le lo ma mi ne nel "
          "non per più se si sono su tu un una",
    "zh": "的 了 是 在 我 有 和 就 不 人 都 一 一个 上 也 很 到 说 要 去 你 会 着 没有 看 好 自己 这 那 他 她 它 "
          "们 我们 "
          "你们 他们 吗 呢 吧 啊 与 及 而 被 把 让 给 对 从",
}
STOPWORDS: dict[str, frozenset[str]] = {k: frozenset(v.split()) for k, v in _STOP.items()}


def _fallback_tokenize(text: str, lang: str | None) -> list[str]:
    text = _DROP.sub(" ", text or "").lower()
    lang = (lang or "").split("-")[0]
    stop = STOPWORDS.get(lang, frozenset())
    if lang == "zh" or (lang in ("", "und") and _CJK.search(text) and not regex.search(r"[\p{Hiragana}\p{Katakana}"
                                                                                       r"\p{Hangul}]", text)):
        import jieba

        jieba.setLogLevel(60)
        toks = [t.strip() for t in jieba.lcut(text)]
        return [t for t in toks if t and _WORD.fullmatch(t) and t not in STOPWORDS["zh"]]
    out: list[str] = []
    for w in _WORD.findall(text):
        if _CJK.search(w):  # ja / ko / th without spaces: character bigrams
            chars = [c for c in w if not c.isspace()]
            out += ["".join(chars[i:i + 2]) for i in range(max(1, len(chars) - 1))]
        elif len(w) > 1 and w not in stop and not w.isdigit():
            out.append(w)
    return out


def tokenizer() -> Callable[[str, str | None], list[str]]:
    """The enrichment stage's `tokenize(text, lang)` when present, else a local fallback."""
    try:
        from agorascope.text.normalise import tokenize
    except ImportError:
        return _fallback_tokenize

    def tok(text: str, lang: str | None) -> list[str]:
        return list(tokenize(_DROP.sub(" ", text or ""), lang or "und"))

    return tok


def ctfidf_terms(docs: Iterable[tuple[int, str, str]], *, top: int = 8
                 ) -> dict[int, dict[str, list[tuple[str, float]]]]:
    """Top terms per narrative and language from (narrative_id, lang, text) rows.

    Returns {narrative_id: {lang: [(term, weight), …]}}, weights rounded to 4 places, ties by term.
    """
    tok = tokenizer()
    counts: dict[str, dict[int, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    for nid, lang, text in docs:
        lang = (lang or "und")
        counts[lang][nid].update(tok(text, lang))
    result: dict[int, dict[str, list[tuple[str, float]]]] = defaultdict(dict)
    for lang, per in counts.items():
        freq: Counter[str] = Counter()
        for c in per.values():
            freq.update(c)
        sizes = [sum(c.values()) for c in per.values()]
        avg = (sum(sizes) / len(sizes)) if sizes else 0.0
        for nid, c in per.items():
            total = sum(c.values())
            if not total:
                continue
            scored = [(t, (n / total) * math.log(1 + avg / freq[t])) for t, n in c.items() if n >= 2 or total < 20]
            scored.sort(key=lambda kv: (-kv[1], kv[0]))
            result[nid][lang] = [(t, round(w, 4)) for t, w in scored[:top]]
    return dict(result)


def top_values(store: DuckDBStore, column: str, ids: list[int], *, top: int = 10) -> dict[int, list[tuple[str, int]]]:
    """Most frequent hashtags or domains per narrative (`column` is `hashtags` or `domains`)."""
    if column not in ("hashtags", "domains") or not ids:
        return {}
    t = store.query(f"""
        SELECT narrative_id, v, n FROM (
            SELECT a.narrative_id, v, count(*) AS n,
                   row_number() OVER (PARTITION BY a.narrative_id ORDER BY count(*) DESC, v) AS r
            FROM narrative_assignments a JOIN posts p USING (post_id), unnest(p.{column}) AS u(v)
            WHERE a.narrative_id IN (SELECT unnest(?::BIGINT[])) AND v IS NOT NULL AND v <> ''
            GROUP BY 1, 2) WHERE r <= ? ORDER BY narrative_id, n DESC, v""", [ids, top])
    out: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for nid, v, n in zip(t["narrative_id"].to_pylist(), t["v"].to_pylist(), t["n"].to_pylist(), strict=True):
        out[nid].append((v, n))
    return dict(out)


def label_from_terms(terms: dict[str, list[tuple[str, float]]], languages: dict[str, int], *, n: int = 3) -> str:
    """`term · term · term` from the narrative's most common language that has terms."""
    for lang in sorted(languages, key=lambda k: (-languages[k], k)):
        if terms.get(lang):
            return " · ".join(t for t, _ in terms[lang][:n])
    for lang in sorted(terms):
        if terms[lang]:
            return " · ".join(t for t, _ in terms[lang][:n])
    return "(no terms)"


def write_labels(store: DuckDBStore, ids: list[int], *, sample: int = 1000, top: int = 8) -> None:
    """Compute and store terms, label, hashtags and domains for narratives `ids`."""
    if not ids:
        return
    from agorascope.analysis.narratives_store import lang_sql

    join, lang = lang_sql(store)
    rows = store.query(f"""
        SELECT narrative_id, lang, text FROM (
            SELECT a.narrative_id, {lang} AS lang, p.text,
                   row_number() OVER (PARTITION BY a.narrative_id, {lang}
                                      ORDER BY hash(p.post_id), p.post_id) AS r
            FROM narrative_assignments a JOIN posts p USING (post_id) {join}
            WHERE a.narrative_id IN (SELECT unnest(?::BIGINT[])) AND p.text IS NOT NULL AND p.repost_of IS NULL)
        WHERE r <= ?""", [ids, sample])
    terms = ctfidf_terms(zip(rows["narrative_id"].to_pylist(), rows["lang"].to_pylist(), rows["text"].to_pylist(),
                             strict=True), top=top)
    tags = top_values(store, "hashtags", ids)
    doms = top_values(store, "domains", ids)
    langs = store.query("SELECT narrative_id, languages FROM narratives WHERE narrative_id IN "
                        "(SELECT unnest(?::BIGINT[]))", [ids])
    lang_of = {nid: json.loads(js or "{}") for nid, js in zip(langs["narrative_id"].to_pylist(),
                                                              langs["languages"].to_pylist(), strict=True)}
    for nid in ids:
        t = terms.get(nid, {})
        store.execute("UPDATE narratives SET terms = ?, label = ?, hashtags = ?, domains = ? WHERE narrative_id = ?",
                      [json.dumps(t, ensure_ascii=False), label_from_terms(t, lang_of.get(nid, {})),
                       json.dumps(tags.get(nid, []), ensure_ascii=False),
                       json.dumps(doms.get(nid, []), ensure_ascii=False), nid])
