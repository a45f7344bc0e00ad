"""Silence in the sources: passages that say what they do not record.

Scholars' notes and this project's biographies say it in plain words: "The papers do not give the date of his
wedding", 本傳沒有寫出錢乙的生年, "Not known from these sources: … his parents' names". When a retrieved passage
says the sources do not give what the question asks for, an answer that gives it anyway is unsupported, however
well its date binds to a neighbouring sentence ("on 18 May 1843 he told Joshua Speed…").

A *silence item* is one clause of such a sentence ("the day of either presidential election", 兩個早夭兒子的名字)
with what it says is missing (a year, a day, a name, a place, a count, a cause, or anything about the topic) and its topic
terms. An item applies to a question that asks for that kind of thing about the same topic: at least half of the
item's topic stands in the question. A year item whose sentence itself gives a year ("Neither Tang history
states the year of Li Bai's birth; the China Biographical Database gives 701") does not forbid years: the normal
date checks decide.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agent.text.sentences import split_sentences
from agent.text.terms import canonical_events, content_terms, is_cjk
from agent.verify.citations import Tokens
from agent.verify.claims import ASKS_DAY_RE, ASKS_YEAR_RE, is_generic, kin_terms

# The share of an item's topic the question must hold ("the visit to Wang Anshi at Jinling" is not "what post
# did Wang Anshi give you").
TOPIC_SHARE = 0.6
# Past forms the light stemmer does not reach ("the year he went to the capital" / "go to the capital").
_IRREGULAR = {"went": "go", "gone": "go", "came": "come", "gave": "give", "took": "take", "sat": "sit", "left": "leave",
              "met": "meet", "wrote": "write", "fought": "fight", "became": "become", "began": "begin", "held": "hold",
              "won": "win", "lost": "lose", "fled": "flee", "led": "lead", "sent": "send", "saw": "see", "ran": "run"}
_IRREGULAR_RE = re.compile(r"(?i)\b(?:" + "|".join(_IRREGULAR) + r")\b")

# What makes a sentence a statement of silence.
_ACTIVE_EN = re.compile(
    r"(?i)\b(?:mentions?|gives?|names?|says?|records?)\s+neither\b|"
    r"\b(?:do|does|did)\s+not\s+(?:give|record|state|say|name|mention|tell|identify|date|report)\b|"
    r"\bneither\b[^.;]*?\b(?:gives?|states?|records?|names?|says?|dates?|mentions?)\b|"
    r"\bsays?\s+nothing\s+(?:of|about)\b|\bgives?\s+no\b|\bmentions?\s+no\b|\bnor\s+(?:the|a|any|his|her)\b")
_PASSIVE_EN = re.compile(
    r"(?i)\b(?:is|are|was|were)\s+(?:not|never)\s+(?:recorded|known|given|named|stated|mentioned|dated)\b|"
    r"\bnot\s+(?:recorded|known)\s+(?:from|in|by)\b|\b(?:is|are|remains?)\s+unknown\b|\bsimply\s+not\s+recorded\b")
_ZH = re.compile(r"沒有寫出?|没有写出?|沒有記載?|没有记载?|未[載载記记詳详]|不[詳详記记]|並無記載|并无记载|沒有說明?|没有说明?|"
                 r"沒有提到|没有提到|沒有定論|没有定论|無從|无从|沒有使用|没有使用|沒有告訴|没有告诉|沒有留下|没有留下")

# What the silence is about, in the item and in the question.
_KINDS_ITEM = [
    ("day", re.compile(r"(?i)\b(?:dates?|days?|birthday)\b|日期|日子|月日|生日|哪一天|具體|具体|確切|确切")),
    ("year", re.compile(r"(?i)\b(?:years?|when|dated?)\b|年份|哪一年|何年|生年|卒年|死年|年代|年月|紀年|纪年")),
    ("name", re.compile(r"(?i)\b(?:names?|named|identif(?:y|ies))\b|名字|名稱|名称|姓名|是誰|是谁|哪一[個个位]|哪位")),
    ("place", re.compile(r"(?i)\b(?:where|place|location|spot|birthplace)\b|地點|地点|何地|哪裡|哪里|何處|何处|哪一座|在哪|"
                         r"出生地|籍貫|籍贯|故鄉|故乡|家鄉|家乡")),
    ("count", re.compile(r"(?i)\bhow\s+(?:many|long|much|old)\b|\b(?:age|number)\b|多少|多久|幾|几|享年|年齡|年龄|歲數|岁数")),
    # "neither the year nor the cause of his death": the cause is missing, not a year of it
    ("cause", re.compile(r"(?i)\b(?:causes?|reasons?|why)\b|原因|緣故|缘故|死因|病因|因何|為何|为何")),
]
_ASKS = {
    "day": ASKS_DAY_RE,
    "year": ASKS_YEAR_RE,
    "name": re.compile(r"(?i)\bnames?\b|\bcalled\b|\bwho\b|\bwhich\s+(?:one|child|son|daughter|man|woman)\b|"
                       r"名字|叫什|叫甚|姓名|誰|谁|哪一[個个位]|哪位"),
    "place": re.compile(r"(?i)\bwhere\b|\b(?:what|which)\s+(?:place|city|town|village|mountain|country|island)\b|"
                        r"哪裡|哪里|何處|何处|何地|哪一座|哪座|地點|地点|哪兒|哪儿|在哪"),
    "count": re.compile(r"(?i)\bhow\s+(?:many|much|old|long)\b|\bwhat\s+age\b|多少|多久|[幾几](?!乎)|多大|歲數|岁数|享年"),
    "cause": re.compile(r"(?i)\bwhy\b|\bcaused?\b|\breasons?\b|\bwhat\s+(?:illness|disease|sickness|wound|killed)\b|"
                        r"\bdied?\s+of\b|\bof\s+what\b|為何|为何|為什麼|为什么|為甚麼|为甚么|原因|緣故|缘故|死因|病因|因何|"
                        r"[什甚]麼病|[什甚]么病|怎麼死|怎么死"),
}
# Which kinds of question an item's kind answers: a year not recorded leaves the day unrecorded too.
_APPLIES = {"day": {"day"}, "year": {"year", "day"}, "name": {"name"}, "place": {"place"}, "count": {"count"},
            "cause": {"cause"}, "any": {"day", "year", "name", "place", "count", "cause", "other"}}

_CLAUSE_RE = re.compile(r"[,，、:：]|\s+(?:or|nor|and)\s+|以及|或者?|和|與|与|及")
_SOURCE_WORDS = re.compile(
    r"(?i)\b(?:papers?|sources?|histor(?:y|ies)|texts?|biograph(?:y|ies)|books?|edition|collection|corpus|tang|"
    r"neither|either|any|exact|exactly|simply|much|also|from|these|this|the|recorded|record|records|known|give|gives|"
    r"given|state|states|say|says|nothing|name|names|mention|mentions|tell|identify|leaves|open|whether)\b|"
    r"《[^》]*》|本傳|本传|傳文|传文|史書|史书|兩書|两书|兩部|两部|唐史|文集|全傳|全传|本項目|本项目|資料|资料|"
    r"任何|沒有|没有|未|不|寫出|写出|記載|记载|記下|记下|告訴我們|告诉我们|告訴|告诉|留下|說明|说明|提到|並無|并无|都|也|各|而|但|卻|却|CBDB|中國歷代人物傳記資料庫")


_PLAIN_SILENCE = re.compile(r"(?:此事|這件事|这件事)?(?:史料|史籍|史書|史书|文獻|文献)?(?:中|上)?(?:並|并)?(?:未載|未载|未記載|未记载|"
                            r"沒有記載|没有记载|無記載|无记载|不詳|不详)[。.]?|(?i:the\s+(?:records|sources)\s+(?:do\s+not|don't)\s+"
                            r"(?:say|tell|record)(?:\s+(?:this|it))?\.?)")
_NUMBERED = re.compile(r"\d|[〇○零一二三四五六七八九十百千兩两]+[年歲岁]|[元初]年")
# A silence kept by one named book, not by the sources as a whole.
_ONE_BOOK = re.compile(r"《[^》]+》|\b(?:Old|New)\s+Book\b|\bthat\s+account\b|\bone\s+of\s+the\b")
_LIST_LEAD = re.compile(r"(?:包括|如下|以下|下列)\s*$|(?i:\b(?:include|following)\s*$)")
_POSSESSIVE = re.compile(r"(?<=[A-Za-z])['’]s\b")
_BIRTHPLACE = re.compile(r"(?i)出生地[點点]?|\bbirthplace\b|生日|\bbirthday\b")
_BIRTH_DEATH_YEAR = re.compile(r"生年|卒年|死年")


@dataclass(frozen=True)
class SilenceItem:
    """One thing a passage says the sources do not give."""
    text: str  # the clause, as shown in findings
    kind: str  # "day", "year", "name", "place", "count", "cause" or "any"
    topic: Tokens
    sentence_has_year: bool
    passage_id: str


def _kind(text: str) -> str | None:
    """The kind whose word comes first in ``text``."""
    found = [(m.start(), k) for k, rx in _KINDS_ITEM if (m := rx.search(text))]
    return min(found)[1] if found else None


def _normal(text: str) -> str:
    """Possessives dropped, irregular past forms and the words for birth, death and marriage written one way."""
    text = _IRREGULAR_RE.sub(lambda m: _IRREGULAR[m.group(0).lower()], _POSSESSIVE.sub("", text))
    text = _BIRTHPLACE.sub(_birth_word, text)
    return canonical_events(_BIRTH_DEATH_YEAR.sub(lambda m: "生" if m.group(0) == "生年" else "死", text))


def _birth_word(m: re.Match[str]) -> str:
    """出生地 and "birthplace" as birth and a place, 生日 and "birthday" as birth and a day: the kind word goes, the
    topic (birth) stays."""
    word = m.group(0).lower()
    return {"birthplace": "born place", "birthday": "born day", "生日": "生 日期"}.get(word, "生 地點")


# Words that say something happened, not what ("the questioning took place within those years").
_LIGHT_WORDS = re.compile(r"(?i)\btakes?\s+place\b|\btaken\s+place\b|\bhappen(?:ed|s)?\b|\boccur(?:red|s)?\b|\bwithin\b")


def _topic(text: str, names: frozenset[str]) -> Tokens:
    text = _LIGHT_WORDS.sub(" ", _normal(text))
    for _, rx in _KINDS_ITEM:
        text = rx.sub(" ", text)
    words, chars = content_terms(_SOURCE_WORDS.sub(" ", text), exclude=names)
    return {w for w in words if not is_generic(w)}, {c for c in chars if not is_generic(c)}


def _kinds(clauses: list[str], zh: bool) -> list[str]:
    """Each clause's kind; a clause without a kind word takes the nearest one's, looking first where the kind
    word usually stands (after it in Chinese: 流放夜郎或遇赦的年份; before it in English: "the year of his
    service under Paullinus, his quaestorship")."""
    own = [_kind(c) for c in clauses]
    out = []
    for i, k in enumerate(own):
        after = next((x for x in own[i + 1:] if x), None)
        before = next((x for x in reversed(own[:i]) if x), None)
        out.append(k or ((after or before) if zh else (before or after)) or "any")
    return out


def silence_items(passage_id: str, text: str, names: frozenset[str], years) -> list[SilenceItem]:
    """The silence items of a passage. ``years(text)`` says whether a text states a year. A silence one
    named book keeps (《舊唐書》完全沒有提到…, "the Old Book of Tang gives no date") is left out: another
    source may give what it lacks."""
    items: list[SilenceItem] = []
    sentences = split_sentences(text)
    for n, sentence in enumerate(sentences):
        for part in re.split(r"[;；]", sentence):
            zh = _ZH.search(part)
            en = None if zh else (_ACTIVE_EN.search(part) or _PASSIVE_EN.search(part))
            verb = zh or en
            if not verb or _ONE_BOOK.search(part[:verb.start()]):
                continue
            if en and _ACTIVE_EN.search(part):
                scope = part[verb.start():]  # "X does not give A, B or C": the topics follow the verb
            else:
                scope = part
                colon = re.search(r"[:：]", part)
                if colon:
                    # 普魯塔克完全沒有寫出任何年份：他記下… explains; "Not known from these sources: A, B" lists.
                    mine = part[:colon.start()] if verb.start() < colon.start() else part[colon.end():]
                    if _LIST_LEAD.search(part[:colon.start()]):  # 史料沒有告訴我們的事包括：A、B、C lists
                        mine = part[colon.end():]
                    scope = mine if any(_topic(mine, names)) else part
            clauses = [c for c in _CLAUSE_RE.split(scope) if c and c.strip()]
            # "兩部唐史都沒有寫他的生年；CBDB記他生於西元689年": a year given right after the silence qualifies it;
            # years before it ("Shenzong reigned from 1067 to 1085 …, but the biography does not say in which year")
            # are what the silence leaves open.
            after = sentence[sentence.find(part) + verb.start():]
            has_year = years(after) or (n + 1 < len(sentences) and years(sentences[n + 1]))
            # "the questioning took place within those years, but the biography does not say in which year": the topic
            # is the nearest clause before the silence that has one
            before = [c for c in _CLAUSE_RE.split(part[:verb.start()]) if c and c.strip()]
            previous: Tokens = next((t for t in (_topic(c, names) for c in reversed(before)) if t[0] or t[1]),
                                    (set(), set())) if en else (set(), set())
            for clause, kind in zip(clauses, _kinds(clauses, bool(zh))):
                topic = _topic(clause, names)
                if not (topic[0] or topic[1]):
                    topic = previous  # 本傳沒有寫出那是哪一年: the topic is the clause before
                if topic[0] or topic[1]:
                    items.append(SilenceItem(clause.strip(), kind, topic, has_year, passage_id))
                previous = topic
    return items


def states_silence(text: str) -> bool:
    """True when ``text`` has a sentence that may say the sources do not give something (a cheap first filter)."""
    return bool(_ZH.search(text) or _ACTIVE_EN.search(text) or _PASSIVE_EN.search(text))


def says_silent(sentence: str) -> bool:
    """True for a sentence that says the sources are silent and states no date or number itself (史料中未載。
    "The papers do not give the date of my wedding."): an answer made of such sentences is an abstention."""
    silent = _ZH.search(sentence) or _ACTIVE_EN.search(sentence) or _PASSIVE_EN.search(sentence) or \
        _PLAIN_SILENCE.fullmatch(sentence.strip())
    return bool(silent) and not _NUMBERED.search(sentence)


def question_kinds(question: str) -> set[str]:
    kinds = {k for k, rx in _ASKS.items() if rx.search(question)}
    return kinds or {"other"}


def matching(items: list[SilenceItem], question: str, names: frozenset[str], share: float = TOPIC_SHARE) -> list[SilenceItem]:
    """The items that say the sources do not give what ``question`` asks for."""
    kinds = question_kinds(question)
    q = content_terms(_normal(question), exclude=names)
    asked_kin = kin_terms(question)
    out = []
    for item in items:
        if not (_APPLIES[item.kind] & kinds):
            continue
        if item.kind in ("year", "day") and item.sentence_has_year and not kinds & {"day"}:
            continue
        topic = item.topic
        item_kin = kin_terms(item.text)
        if asked_kin & item_kin:  # "父母的名字" keeps the father's name for "令尊何名？"
            extra = item_kin - asked_kin
            topic = ({w for w in topic[0] if w not in extra and not any(c in extra for c in w)}, topic[1] - extra)
        if _share(topic, q) >= share:
            out.append(item)
    return out


def _same_word(a: str, b: str) -> bool:
    """Equal, or one a prefix of the other of four letters or more ("consul" and "consulship")."""
    return a == b or (min(len(a), len(b)) >= 4 and not is_cjk(a) and (a.startswith(b) or b.startswith(a)))


def _share(topic: Tokens, question: Tokens) -> float:
    """The mean share of the topic's words and characters found in the question; 0 when none is."""
    parts = []
    if topic[0]:
        parts.append(sum(any(_same_word(w, q) for q in question[0]) for w in topic[0]) / len(topic[0]))
    if topic[1]:
        parts.append(len(topic[1] & question[1]) / len(topic[1]))
    return sum(parts) / len(parts) if parts and any(parts) else 0.0


__all__ = ["SilenceItem", "matching", "question_kinds", "says_silent", "silence_items", "states_silence"]
