"""Content support: what an answer says besides its dates must be in a passage, and it must answer the question.

The date checks (``agent.verify.verifier``) catch invented years and numbers; this module catches invented facts that
carry no number ("my father was called Marcus Minucius", "my favourite dish is vegetables"). For each answer
sentence it takes the *new content*: the sentence's content terms, minus the question's terms, the figure's
names, its dates and numbers (checked elsewhere), number words, question words and words about the sources
themselves ("the passage", 史料). Half of that new content must stand within two neighbouring sentences of
one retrieved passage (or in one timeline event). A sentence whose new content no retrieved passage can be
compared with (a Chinese sentence, English-only passages) is judged against the figure's reference passages
(its biographies and notes) in the sentence's script; with none, it is not judged.

A question that asks for a year, a date or a number ("in what year", 幾歲, "how many") is answered only by an
answer that states one; otherwise every sentence fails with ``no_date``, and the guard abstains. A sentence
about the passages rather than the figure's life ("the one described in the passage", 本文不作判定) fails
with ``meta``. A question asking when the figure was born or died is answered only by a dated sentence that
speaks of the birth or the death; a date of anything else fails with ``other_event``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agent.answer import DateCheck, Passage
from agent.dates.numerals import EN_ORDINALS, EN_SCALES, EN_TENS, EN_UNITS
from agent.text.script import to_simplified
from agent.text.sentences import split_sentences
from agent.text.terms import canonical_events, content_terms, is_cjk, stem
from agent.verify.citations import Tokens, lexical_share, passage_tokens

# The share of a sentence's new content that must stand in one passage window.
NEW_CONTENT_SHARE = 0.5

_NUMBER_WORDS = {*EN_UNITS, *EN_TENS, *EN_ORDINALS, *EN_SCALES, "million", "once", "twice", "half", "dozen"}
_MONTH_WORDS = "january february march april may june july august september october november december mid early late"
_QUESTION_WORDS = "year years name named call called day days month date many much old exact exactly which kind time " \
                  "whole altogether total number age long era reign"
_META_WORDS = "passage passages source sources record records text texts document documents accord according " \
              "mention mentioned state stated states describe described writ written book books say"
GENERIC_WORDS = frozenset(stem(w) for w in f"{_QUESTION_WORDS} {_META_WORDS} {_MONTH_WORDS}".split()) | frozenset(
    stem(w) for w in _NUMBER_WORDS) | frozenset(_NUMBER_WORDS)
# Question words, number characters and words about the sources, in simplified form (text is folded).
GENERIC_ZH = frozenset("年名字叫几多少岁大确切哪一共甚么谁时候日月号称个种位第余载"
                       "〇○零二三四五六七八九十百千万亿两廿卅卌"
                       "史料记载据根文献资本原段中所提到说写")

_ASKS_DATE_RE = re.compile(
    r"(?i:^\s*when\b|[,;:]\s*when\b|\b(?:what\s+year|which\s+year|what\s+day|which\s+day|what\s+date|how\s+many|how\s+much|how\s+old|"
    r"how\s+long|what\s+age|at\s+what\s+age)\b)|"
    r"哪一年|哪年|何年|哪一天|哪天|何時|何时|幾年|几年|幾歲|几岁|多少|多大|幾月|几月|幾時|几时|幾卷|几卷|幾個|几个|幾次|几次|"
    r"幾首|几首|幾天|几天|幾位|几位|幾人|几人|[幾几](?!乎)"
)


# A question asking when (a year): the silences on a year (agent.silence) and the birth and death questions here.
ASKS_YEAR_RE = re.compile(r"(?i)^\s*when\b|[,;:]\s*when\b|\b(?:what|which)\s+year\b|\bwhat\s+era\b|"
                          r"哪一年|哪年|何年|何時|何时|什麼時候|什么时候|甚麼時候|[幾几]時|[幾几]时|生年|卒年")
ASKS_DAY_RE = re.compile(r"(?i)\b(?:what|which|exact)\s+(?:day|date)\b|\bdate\s+of\b|\bbirthday\b|\bday\s+and\s+month\b|"
                         r"\bmonth\s+and\s+day\b|\b(?:what|which)\s+month\b|"
                         r"哪一天|哪天|幾月幾[日號号]|几月几[日号]|日期|日子|生日|月日")


def asks_for_day(question: str) -> bool:
    """True when the question asks for a day of the month ("on what day", 哪一天, 生日), not only a year."""
    return bool(ASKS_DAY_RE.search(question))


_ASKS_WHERE_RE = re.compile(r"(?i)\bwhere\b|\bin\s+(?:which|what)\s+(?:city|town|village|place|province|country|region)\b|"
                            r"哪裡|哪里|哪兒|哪儿|何處|何处|何地|哪[一]?座|哪[一]?個地方|哪[一]?个地方|什麼地方|什么地方|甚麼地方")


def asks_where(question: str) -> bool:
    """True when the question asks for a place ("where", 哪座城市, 何處): a date does not answer it."""
    return bool(_ASKS_WHERE_RE.search(question))


_LIFE_EVENT_QUESTION = {
    "birth": re.compile(r"(?i)\bborn\b|\bbirth\b|出生|出世|誕生|诞生|生[於于]|生年|哪[一]?年生|何年生|[幾几]時生|什[麼么]時候生"),
    "death": re.compile(r"(?i)\b(?:die|died|death|pass(?:ed)?\s+away)\b|去世|過世|过世|逝世|辭世|辞世|離世|离世|卒|死|享年"),
}
_LIFE_EVENT_ANSWER = {
    "birth": re.compile(r"(?i)\bborn\b|\bbirth|\bcame\s+into\s+the\s+world\b|生|誕|诞|出世"),
    "death": re.compile(r"(?i)\b(?:die[ds]?|death|dead|dying|passed\s+away|killed|murdered|assassinated|slain|perished|"
                        r"stabbed|fell|lived\s+(?:until|to|till)|end\s+of\s+my\s+life|last\s+breath)\b|"
                        r"卒|死|逝|去世|過世|过世|辭世|辞世|離世|离世|亡|薨|殁|歿|終|终|享年|崩|遇害|遇刺|被殺|被杀"),
}


def asked_life_event(question: str) -> set[str]:
    """Which of the figure's birth and death a date question asks about ("In which year did your life begin?", 你卒於何年？);
    empty for any other question."""
    if not ASKS_YEAR_RE.search(question):  # "At what age did you pass away?" is answered by an age alone
        return set()
    return {event for event, rx in _LIFE_EVENT_QUESTION.items() if rx.search(question)}


_ASKS_ORIGIN_RE = re.compile(r"(?i)\bwhere\s+(?:are|were|did)\s+you\s+(?:from|come\s+from|born)\b|\bhome\s*town\b|"
                             r"\bnative\s+(?:place|town|city|region|country)\b|\bwhere\s+do\s+you\s+come\s+from\b|"
                             r"哪裡人|哪里人|何處人|何处人|何方人|何許人|何许人|籍貫|籍贯|家鄉|家乡|故鄉|故乡|老家|祖籍")
_ASKS_OFFICE_RE = re.compile(r"(?i)\b(?:offices?|posts?|positions?|official\s+career|titles?)\b|做[過过]?[甚什][麼么]官|"
                             r"[當当做任][過过]?[哪那什甚]|官[職职位銜衔]?|仕[途宦歷历]|履[歷历]|任職|任职|職務|职务")
_ASKS_COURTESY_RE = re.compile(r"(?i)\bcourtesy\s+name\b|\bstyle\s+name\b|表字|你的字|字是什|字叫什|字號|字号")


# What a question about the figure's own birth, death, age, native place or courtesy name may say besides.
_FACT_WORDS = frozenset({"born", "birth", "die", "di", "death", "dead", "courtesy", "style", "native", "hometown",
                         "home", "town", "place", "city", "region", "country", "age", "come", "pas", "pass", "away"})
# A question's words come stemmed ("home" -> "hom"), so each fact word is looked for in both forms.
_FACT_STEMS = _FACT_WORDS | {stem(w) for w in _FACT_WORDS}
_FACT_CHARS = frozenset("死生人里裡纪紀籍贯貫乡鄉家故老祖字号號岁歲寿壽出享活")
# ... and what a question about its offices may say besides.
_OFFICE_WORDS = frozenset({"office", "offic", "post", "position", "career", "title", "hold", "held", "serve", "serv",
                           "official", "govern", "government"})
_OFFICE_CHARS = frozenset("官职職位衔銜任当當做担擔仕途宦历歷履务務些哪过過曾如何")


def asked_fact(question: str) -> str | None:
    """The one fact of a life the question asks for, when it is one the chronology derives: ``born`` or ``died``
    (the year), ``age_at_death``, ``native_place``, ``courtesy_name`` or ``offices`` (the appointments it dates);
    None for any other question."""
    words, chars = question_topic(question)
    if _ASKS_OFFICE_RE.search(question) and not asks_for_date(question):
        other = {w for w in words if not (all(c in _OFFICE_CHARS for c in w) if is_cjk(w) else stem(w) in _OFFICE_WORDS
                                          or w in _OFFICE_WORDS)}
        return None if other or chars - _OFFICE_CHARS else "offices"
    other = {w for w in words if not (all(c in _FACT_CHARS for c in w) if is_cjk(w) else w in _FACT_STEMS)}
    if other or chars - _FACT_CHARS:
        return None  # about someone or something else: 杜甫是哪一年去世的？, your father's courtesy name
    death = bool(_LIFE_EVENT_QUESTION["death"].search(question))
    if death and asks_count(question):
        # an age asked at the death (how old, 多大); with the year too, the death (its passage gives the age)
        return "died" if ASKS_YEAR_RE.search(question) else "age_at_death"
    if asks_several(question):
        return None
    if _ASKS_COURTESY_RE.search(question):
        return "courtesy_name"
    if _ASKS_ORIGIN_RE.search(question):
        return "native_place"
    if asks_for_day(question):
        return None
    events = asked_life_event(question)
    return {frozenset({"birth"}): "born", frozenset({"death"}): "died"}.get(frozenset(events))


def speaks_of_life_event(sentence: str, events: set[str]) -> bool:
    """True when the sentence speaks of one of ``events`` (birth, death): "清寧三年，出為武定軍節度使" dates an
    office, and does not answer 你卒於何年？"""
    return any(_LIFE_EVENT_ANSWER[e].search(sentence) for e in events)


def question_topic(question: str, names: frozenset[str] = frozenset()) -> Tokens:
    """What a question asks about, less question words, numbers and the figure's own ``names``:
    你和某友初次相识在哪一年？ is about 某友 and 相识."""
    words, chars = content_terms(canonical_events(question), exclude=names)
    return {w for w in words if not is_generic(w)}, {c for c in chars if c not in GENERIC_ZH}


def dates_other_matter(sentence: str, spans: list[tuple[int, int]], topic: Tokens) -> bool:
    """True when a dated sentence, its dates (``spans``) aside, speaks only of things the question does not ask
    about: "年四十，乃游京师" for 你和某友初次相识在哪一年？. A sentence that is only a date ("1858年") answers."""
    words, cjk = question_topic(_blank_spans(sentence, spans))
    if not (words or cjk) or not (topic[0] or topic[1]):
        return False
    return not (topic[0] & words or topic[1] & cjk)


def _blank_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with the characters at ``spans`` (its dates and numbers) written as spaces."""
    chars = list(text)
    for a, b in spans:
        chars[a:b] = " " * (b - a)
    return "".join(chars)


def asks_for_date(question: str) -> bool:
    """True when the question asks for a year, a date, an age or a count."""
    return bool(_ASKS_DATE_RE.search(question))


_ASKS_COUNT_RE = re.compile(r"(?i:\bhow\s+(?:many|much|old|long)\b|\b(?:at\s+)?what\s+age\b)|多少|多久|多大|[幾几](?!乎)")


def asks_count(question: str) -> bool:
    """True when the question asks how many, how much, how long or how old (你在翰林待了幾年？): the answer's
    one or two is then the claim, not an everyday word."""
    return bool(_ASKS_COUNT_RE.search(question))


_QUANTITY_RE = re.compile(
    r"\d|[〇○零一二三四五六七八九十百千萬万兩两廿卅]|"
    rf"(?i:\b(?:{'|'.join(sorted(_NUMBER_WORDS, key=len, reverse=True))})\b)|"
    r"\b[A-Z][a-z]+\s+(?:era|reign|period)\b|\b(?:era|reign)\s+of\s+[A-Z]|"
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November|December|Ides|Kalends|Nones)\b|"
    r"[春夏秋冬]|初年|末年|晚年|年間|年间"
)


_WH_RE = re.compile(r"(?i)\b(?:what|who|whom|whose|where|when|which|why|how)\b|什麼|什么|甚麼|甚么|誰|谁|哪|何|幾|几|多少|怎")


# A later part that hangs on the answer to the first ("你哪天成婚？那天來了哪些人？"): one question, not two.
_BACK_REFERENCE_RE = re.compile(r"(?i)\b(?:on\s+)?that\s+(?:day|date|year)\b|那天|那一天|那日|那年|那一年|當天|当天|當日|当日")


def asks_several(question: str) -> bool:
    """True for a question in several parts ("What did you say…, and in what year was it?", 你有幾個兒子？他們叫
    甚麼名字？): a part the sources leave open does not make the answer to the others worthless. A part that
    refers back to the first one's answer ("那天你都怎麼過？", "what did you do on that day?") does not count."""
    if _BACK_REFERENCE_RE.search(question):
        return False
    return len(_WH_RE.findall(question)) >= 2 or len(re.findall(r"[?？]", question)) >= 2


def yes_no(question: str) -> bool:
    """True for a question a bare yes or no answers ("Did you…?", 你去過長安嗎？)."""
    return bool(_YES_NO_RE.search(question))


def states_quantity(text: str) -> bool:
    """True when ``text`` gives any year, date, era, month or number, in any form (二十三刀, "fourth time",
    "the Shenlong era", 九月望日): the loose test of whether an answer answers a "when"/"how many" question."""
    return bool(_QUANTITY_RE.search(text))


# A time, for a question that asks when: digits, a numeral with 年/歲/月 (年四十, 三十歲, 九月), an era or reign, a
# month, a season, a part of a reign (初年, 晚年) or an age. A bare numeral (一座嗟伏, "one of the poets") is none.
_TIME_RE = re.compile(
    r"\d|[〇○零一二三四五六七八九十百千兩两廿卅]+\s*[年歲岁載载月]|年[〇○零一二三四五六七八九十廿卅]|"
    r"\b[A-Z][a-z]+\s+(?:era|reign|period)\b|\b(?:era|reign)\s+of\s+[A-Z]|"
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November|December|Ides|Kalends|Nones)\b|"
    r"(?i:\b(?:spring|summer|autumn|winter|aged?|years?\s+old|(?:first|second|third|fourth|fifth|sixth|seventh|eighth|"
    r"ninth|tenth|\w+tieth|\w+teenth)\s+year)\b)|"
    r"(?i:\bat\s+(?:the\s+age\s+of\s+)?(?:ten|eleven|twelve|\w+teen|(?:twen|thir|for|fif|six|seven|eigh|nine)ty(?:-\w+)?)\b)|"
    r"[春夏秋冬]|初年|末年|晚年|年間|年间|之[時时]|那年|當年|当年"
)


def states_time(text: str) -> bool:
    """True when ``text`` gives a time in any form (a year, an era, 年四十, 初年, "in the spring", "aged forty"): the
    test of whether an answer answers a question asking when. A bare numeral ("一座嗟伏") does not."""
    return bool(_TIME_RE.search(text))


_YES_NO_RE = re.compile(r"(?i:^\s*(?:did|do|does|were|was|are|is|have|has|had|can|could|would|will)\b)|[嗎吗否]\s*[？?]?\s*$|"
                        r"有沒有|有没有|是不是|是否")
_ASKS_NAME_RE = re.compile(r"(?i:\bnames?\b|\bcalled?\b|\bcall you\b)|名|字|號|号|稱|称|叫")
# An office given where a name was asked ("叫任城尉": a county's 尉, 令, 丞, a prefecture's 刺史, 太守, 长史 …).
_POST_AS_NAME_RE = re.compile(r"(?:叫做|叫作|名叫|名为|叫|名|是)(?P<post>[\u4e00-\u9fff]{1,4}?"
                              r"(?:刺史|长史|太守|参军|主簿|司马|县令|县尉|县丞|尉|令|丞))(?![\u4e00-\u9fff])")
_KIN_EN = {"father": "father", "mother": "mother", "wife": "wife", "husband": "husband", "son": "son", "sons": "son",
           "daughter": "daughter", "daughters": "daughter", "brother": "brother", "brothers": "brother",
           "sister": "sister", "sisters": "sister", "parents": "parent", "children": "child", "child": "child",
           "grandfather": "grandfath", "grandmother": "grandmoth"}
_KIN_ZH = "父母妻兒儿女兄弟姊姐妹祖孫孙"  # not 子 or 夫: 孔子, 大夫


_KIN_WIDER = {"parent": {"father", "mother"}, "child": {"son", "daughter"}, "children": {"son", "daughter"}}


def kin_terms(text: str) -> set[str]:
    """The kinship words of ``text``, in matching form (stemmed words, folded characters); "parents" stands for
    father and mother, "children" for sons and daughters."""
    words = {stem(w.lower()) for w in re.findall(r"[A-Za-z]+", text) if w.lower() in _KIN_EN}
    for w in list(words):
        words |= _KIN_WIDER.get(w, set())
    chars = {c for c in to_simplified(text) if c in to_simplified(_KIN_ZH)}
    return words | chars


# Talk about the passages themselves rather than the figure's life ("the one described in the passage", 本文兩說並存,
# 本項目所用文本): the figure steps out of character, and the sentence answers nothing.
_META_RE = re.compile(r"(?i)\b(?:the|this|that|these|those|each|a|one|other)\s+(?:passages?|excerpts?)\b|\bpassages?\s*\[?\d|"
                      r"本文|本項目|本项目|這段文字|这段文字|此段|該段|该段|上述段落|引文中|段落中")


_META_LEAD_RE = re.compile(r"(?i)^\s*(?:according\s+to|as\s+(?:stated|told|said|written)\s+in|based\s+on|from)\s+"
                           r"(?:the|this|these)\s+(?:passages?|excerpts?)(?:\s*\[\d+\])?\s*,?|^\s*(?:據|据|根據|根据)(?:本文|此段|該段|该段)[，,]?")


def speaks_of_passages(sentence: str) -> bool:
    """True for a sentence about the passages rather than the past ("the one described in the passage", 本文不作
    判定); a lead-in alone ("According to the passage, more than 30,000 Britons…") is only a manner of speaking."""
    return bool(_META_RE.search(_META_LEAD_RE.sub("", sentence)))


@dataclass
class ClaimFinding:
    sentence: str
    terms: str  # the new content not found, as shown to the model and in date_checks
    reason: str  # "unsupported" (not in any passage) or "no_date" (the question asks for one; none given)
    note: str = ""  # what a reader is told, where the reason's own note does not say it


def is_generic(term: str) -> bool:
    """A question word, number, number word, month or word about the sources: never content to bind or check."""
    if is_cjk(term):
        return any(c in GENERIC_ZH for c in term)
    return term in GENERIC_WORDS or term.isdigit()


def new_content(sentence: str, question: str, names: frozenset[str], spans: list[tuple[int, int]]) -> Tokens:
    """What ``sentence`` adds to ``question``: its content terms without the question's, the names, the
    dates and numbers at ``spans``, question words, number words and words about the sources."""
    words, cjk = content_terms(canonical_events(_blank_spans(sentence, spans)), exclude=names)
    q_words, q_chars = content_terms(canonical_events(question))
    words = {w for w in words - q_words if not is_generic(w) and not (is_cjk(w) and any(c in q_chars for c in w))}
    cjk = {c for c in cjk - q_chars if c not in GENERIC_ZH}
    return words, cjk


def _judgeable(new: Tokens, has_cjk: bool, has_latin: bool) -> Tokens:
    words = {w for w in new[0] if (has_cjk if is_cjk(w) else has_latin)}
    return words, (new[1] if has_cjk else set())


def claim_check(f: ClaimFinding) -> DateCheck:
    """The failing check that records a content finding, with a note a reader understands."""
    note = {"no_date": "the question asks for a date or a number; the answer gives none",
            "no_day": "the question asks for a day; the answer gives none",
            "no_age": "the question asks how old; the answer gives a year, not an age",
            "own_name": "the name given for a relative is the figure's own",
            "post": "the name given for a relative is an office, not a name",
            "other_event": "the question asks when the figure was born or died; the answer dates something else",
            "other_matter": "the question asks when something happened; the answer dates another matter",
            "restates": "the answer only repeats the question",
            "meta": "the sentence speaks of the passages, not of the figure's life",
            "not_own_view": "the passage gives this view as someone else's, not the figure's"}.get(
                f.reason, f.note or "no passage says this")
    return DateCheck(sentence=f.sentence, text=f.terms, kind="claim", lo=0, hi=0, status="unsupported", note=note)


class ContentSupport:
    """Checks the new content of answer sentences against passage windows and timeline events."""

    def __init__(self, names: frozenset[str], timeline_texts: list[str] = (), reference: list[Passage] = ()) -> None:
        self.names = names
        self.reference = list(reference)
        self._cache: dict[str, tuple[list[Tokens], bool, bool]] = {}
        self._timeline = [self._windows(f"timeline:{i}", t, pairs=False) for i, t in enumerate(timeline_texts)]

    def _windows(self, key: str, text: str, *, pairs: bool = True) -> tuple[list[Tokens], bool, bool]:
        if key not in self._cache:
            sentences = split_sentences(text) or [text]
            spans = [s + (sentences[i + 1] if pairs and i + 1 < len(sentences) else "") for i, s in enumerate(sentences)]
            has_cjk = any(is_cjk(c) for c in text)
            has_latin = bool(re.search(r"[A-Za-z]{2}", text))
            self._cache[key] = ([passage_tokens(canonical_events(s)) for s in spans], has_cjk, has_latin)
        return self._cache[key]

    def best_share(self, new: Tokens, passages: list[Passage], kin: set[str] = frozenset()) -> float | None:
        """The best share of ``new`` found in one window (one holding a ``kin`` term, when given); None when no
        passage can be compared with it."""
        best: float | None = None
        for windows, has_cjk, has_latin in [*(self._windows(p.id, p.text) for p in passages), *self._timeline]:
            mine = _judgeable(new, has_cjk, has_latin)
            if not (mine[0] or mine[1]):
                continue
            share = max((lexical_share(mine, w) for w in windows if not kin or kin & (w[0] | w[1])), default=0.0)
            best = share if best is None else max(best, share)
        return best

    def new_content(self, question: str, sentence: str, spans: list[tuple[int, int]]) -> Tokens:
        """The sentence's new content; the figure's names count as content when the question asks for a name."""
        names = frozenset() if _ASKS_NAME_RE.search(question) else self.names
        return new_content(sentence, question, names, spans)

    def check(self, question: str, sentence: str, spans: list[tuple[int, int]], passages: list[Passage],
              new: Tokens | None = None) -> ClaimFinding | None:
        """A finding when the sentence's new content (``new`` when the caller has it) is not in any passage window
        (one with the kinship word the question and the sentence share: "my father was called X" needs X next
        to "father")."""
        new = self.new_content(question, sentence, spans) if new is None else new
        if not (new[0] or new[1]):
            return None
        asked_kin = kin_terms(question)
        if asked_kin and _ASKS_NAME_RE.search(question):
            # "我的父母叫孟浩然": the only name given for a relative is the figure's own.
            others = new_content(sentence, question, self.names, spans)
            if not (others[0] or others[1]):
                return ClaimFinding(sentence, ", ".join(sorted(new[0] or new[1])[:6]), "own_name")
            post = _POST_AS_NAME_RE.search(to_simplified(sentence))
            if post:  # "我的父亲叫任城尉": the sources give his post (尉 of Rencheng), not his name
                return ClaimFinding(sentence, post.group("post"), "post")
        kin = asked_kin & kin_terms(sentence)
        share = self.best_share(new, passages, kin)
        if share is None and self.reference:  # "我的父親叫馬庫斯" against Plutarch in English: the Chinese biography
            share = self.best_share(new, self.reference, kin)
        if share is None or share >= NEW_CONTENT_SHARE:
            return None
        shown = sorted(new[0] if new[0] else new[1])
        return ClaimFinding(sentence, ", ".join(shown[:6]), "unsupported")


__all__ = [
    "ASKS_DAY_RE", "ASKS_YEAR_RE", "ClaimFinding", "ContentSupport", "NEW_CONTENT_SHARE", "asked_fact", "asked_life_event",
    "claim_check",
    "asks_for_date", "asks_for_day", "asks_several", "asks_where", "dates_other_matter", "is_generic",
    "kin_terms", "new_content", "question_topic", "speaks_of_life_event", "speaks_of_passages", "states_quantity",
    "states_time", "yes_no"
]
