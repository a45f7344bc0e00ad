"""An answer to "who was your X?" names someone only where a passage gives that person as X.

Rule: where the question asks who stood in a relation to the figure (a kin or relation word of the vocabulary in a
question that asks who, or for a name: "Who was your teacher?", 你的老師叫甚麼名字, 你的朋友有哪些人), an answer sentence
that names people the question does not name fails when none of them stands in a passage sentence (Chinese: the
clause, or the clause before it) that holds a word of that relation (the relation's kin words, and the words of
``[relations]`` in ``agent/data/roles.toml``: taught, 師事 for a teacher). A name found in the passages only away from
the relation answers another question (a man the passage names as consul, not as tutor).

Asked which person held an office ("Under which praetor did you serve?", 你在哪位刺史手下？), an answer sentence that
gives that office to the figure itself ("I served as praetor", 我任刺史) and names no one else answers another
question, and fails too.

A name is, in English, a run of capitalised words (less sentence openers, months and the figure's own names); in
Chinese, a run of two to four characters between words of grammar that opens with a common surname, or holds the
middle dot of a transliterated name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from agent.dates.calendar import EN_MONTHS
from agent.text.script import CJK_RE, to_simplified
from agent.text.sentences import split_sentences
from agent.verify.citations import MARKER_RE
from agent.verify.polarity import clauses
from agent.verify.role_claims import own_words, vocab, word_alternation

_ERAS = frozenset({"bc", "ad", "bce", "ce", "b", "c"})  # 62 BC, A.D. 79: the era of a year, not a name
_WHO_EN = re.compile(r"(?i)\b(?:who|whom)\b|\bwhat\s+(?:was|were|is|are)\s+[^?.]{0,40}?\bnames?\b|"
                     r"\bnamed?\s+(?:of\s+)?(?:your|the)\b")
_WHO_ZH = re.compile(r"谁|何人|哪位|哪些人|哪个人|什么名字|甚么名字|叫什么|叫甚么|名叫什么|姓什么|姓甚名谁")
# Heads whose one-character words (父, 兄, 妻) name the relation in a classical passage; others (师, 友) are too
# often something else there (京師, 友愛).
_FAMILY = frozenset("father mother brother sister son daughter wife husband grandson grandfather uncle spouse".split())
_OPENERS = frozenset("i i'm i've my mine me yes no the a an he she it they we you his her its their our your this that "
                     "these those there then in on at when after before as but and or of to for from by with while "
                     "although though according during since until sir mr mrs dr lord lady".split())
_MONTHS = frozenset(m.lower() for m in EN_MONTHS)
# Characters of grammar between the names of a Chinese answer (我的同僚有某某和某某).
_ZH_GRAMMAR = re.compile(r"[的和与及跟是有了我你他她们叫为在把被对给也都就而说曾即乃其这那个位些吗呢吧啊着过又还很，。、；：！？,.;:!?()（）「」“”\s]+")
_ZH_META = frozenset(("史料", "记载", "根据", "史书", "资料", "名字", "不知", "知道", "没有", "并无"))


@lru_cache(maxsize=1)
def _titled_ending() -> re.Pattern[str]:
    """The ends of offices' names (丞, 太守, 刺史), the shorter ones only."""
    return re.compile("|".join(sorted((to_simplified(e) for e in vocab()["zh"]["office_endings"] if len(e) <= 2),
                                      key=len, reverse=True)))


@lru_cache(maxsize=1)
def _titled() -> re.Pattern[str]:
    """A run that is an office's name followed by a given name of one or two characters (右丞某)."""
    return re.compile(rf"^[\u4e00-\u9fff]{{0,2}}?(?:{_titled_ending().pattern})(?P<given>[\u4e00-\u9fff]{{1,2}})$")


@lru_cache(maxsize=1)
def _relation_words() -> dict[str, tuple[frozenset[str], frozenset[str]]]:
    """Relation head -> (its English words, its Chinese words, simplified) as a passage may give them."""
    v = vocab()
    out: dict[str, tuple[set[str], set[str]]] = {}
    for word, head in v["en"]["kin"].items():
        out.setdefault(head, (set(), set()))[0].add(word.lower())
    for word, value in v["zh"]["kin"].items():
        head = value.partition(":")[0]
        if len(word) >= 2 or head in _FAMILY:
            out.setdefault(head, (set(), set()))[1].add(to_simplified(word))
    for head, words in v.get("relations", {}).items():
        en, zh = out.setdefault(head, (set(), set()))
        for w in words:
            (zh if CJK_RE.search(w) else en).add(to_simplified(w) if CJK_RE.search(w) else w.lower())
    return {h: (frozenset(en), frozenset(zh)) for h, (en, zh) in out.items()}


def asked_relations(question: str) -> set[str]:
    """The relations (heads: "teacher", "partner") a who-question asks about; empty for any other question."""
    if CJK_RE.search(question):
        simple = to_simplified(question)
        if not _WHO_ZH.search(simple):
            return set()
        return {to_simplified(v.partition(":")[0]) for w, v in vocab()["zh"]["kin"].items()
                if len(w) >= 2 and to_simplified(w) in simple}
    if not _WHO_EN.search(question):
        return set()
    words = {w.lower() for w in re.findall(r"[A-Za-z]+", question)}
    return {head for w, head in vocab()["en"]["kin"].items() if w.lower() in words}


def named_people(sentence: str, question: str, names: Iterable[str]) -> list[tuple[str, ...]]:
    """The people ``sentence`` names that ``question`` does not, each as the words (English, lower case) or the one
    string (Chinese, simplified) to find in a passage."""
    text = MARKER_RE.sub(" ", sentence)
    own_en, own_zh = own_words(names)
    if CJK_RE.search(text):
        simple, asked = to_simplified(text), to_simplified(question)
        surnames = vocab()["zh"]["surnames"]
        out = []
        for run in _ZH_GRAMMAR.split(simple):
            run = run.strip("·")
            if not (2 <= len(run) <= 4 or "·" in run) or run in asked or run in _ZH_META:
                continue
            if any(o in run or run in o for o in own_zh):
                continue
            if run[0] in surnames or "·" in run:
                out.append((run,))
            elif (titled := _titled().match(run)) and not _titled_ending().search(titled.group("given")):
                out.append((titled.group("given"),))  # 右丞某, 太守某: an office's name, then the man's given name
        return out
    asked = {w.lower() for w in re.findall(r"[A-Za-z][\w'-]*", question)}
    out = []
    for run in re.findall(r"[A-Z][\w'-]*(?:\s+(?:of\s+|de\s+|von\s+)?[A-Z][\w'-]*)*", text):
        words = tuple(w.lower() for w in re.findall(r"[A-Za-z][\w'-]*", run)
                      if w.lower() not in _OPENERS | _MONTHS | _ERAS | {"of", "de", "von"})
        words = tuple(w for w in words if w not in asked and w not in own_en and w.removesuffix("'s") not in own_en)
        if words:
            out.append(words)
    return out


@lru_cache(maxsize=64)
def _relation_re(relations: frozenset[str], cjk: bool) -> re.Pattern[str]:
    """Any word of ``relations`` as a passage gives it: English whole words (a plural too), Chinese substrings."""
    words = sorted({w for h in relations for w in _relation_words().get(h, ((), ()))[1 if cjk else 0]}, key=len,
                   reverse=True)
    if not words:
        return re.compile(r"(?!x)x")
    alternation = "|".join(map(re.escape, words))
    return re.compile(alternation if cjk else rf"\b(?:{alternation})(?:s|es)?\b")


def _windows(text: str, relations: frozenset[str], cjk: bool) -> list[str]:
    """The stretches of a passage that give a relation: an English sentence holding one of its words; a Chinese
    clause holding one, with the clause before it (李某，文遠同僚也)."""
    pattern = _relation_re(relations, cjk)
    if not cjk:
        return [s.lower() for s in split_sentences(text) or [text] if pattern.search(s.lower())]
    parts = clauses(text)
    return [(parts[i - 1] if i else "") + "，" + c for i, c in enumerate(parts) if pattern.search(c)]


def _named_in(person: tuple[str, ...], window: str, cjk: bool) -> bool:
    if cjk:
        return person[0] in window
    tokens = set(re.findall(r"[a-z][\w'-]*", window))
    return set(person) <= tokens | {t.removesuffix("'s") for t in tokens}


def relation_unbound(question: str, sentence: str, passages: Sequence[str], names: Iterable[str]) -> list[str]:
    """The people ``sentence`` gives in answer to a who-question about a relation when none of them stands beside
    that relation in any passage (in the sentence's script); empty when the rule does not apply or one is found."""
    relations = asked_relations(question)
    if not relations:
        return []
    people = named_people(sentence, question, names)
    cjk = bool(CJK_RE.search(MARKER_RE.sub("", sentence)))
    texts = [t for t in passages if bool(CJK_RE.search(t)) == cjk]
    if not people or not texts:
        return []
    windows = [w for t in texts for w in _windows(t, frozenset(relations), cjk)]
    if any(_named_in(p, w, cjk) for p in people for w in windows):
        return []
    return [" ".join(p) for p in people]


@lru_cache(maxsize=1)
def _asked_office_res() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Which office's holder a question asks for, in Chinese (哪位刺史) and in English ("which praetor")."""
    zh = re.compile(rf"(?:哪位|哪一位|哪个|哪個|哪一个|哪一個)([^？?，,。的]{{0,4}}?(?:{word_alternation(vocab()['zh']['office_endings'])}))")
    en = re.compile(rf"(?i)\b(?:which|what)\s+({word_alternation(vocab()['en']['offices'])})s?\b")
    return zh, en


def _asked_office(question: str) -> str:
    """The office whose holder the question asks for ("which praetor": praetor; 哪位刺史: 刺史), or ''."""
    zh, en = _asked_office_res()
    if CJK_RE.search(question):
        m = zh.search(to_simplified(question))
        return m.group(1) if m else ""
    m = en.search(question)
    return m.group(1).lower() if m else ""


def office_for_person(question: str, sentence: str, names: Iterable[str]) -> str:
    """The office the question asks the holder of, where ``sentence`` gives it to the figure itself and names no
    one else ("I served as praetor" to "Under which praetor …?"); '' otherwise."""
    office = _asked_office(question)
    if not office:
        return ""
    text = MARKER_RE.sub(" ", sentence)
    if CJK_RE.search(text):
        own = re.search(rf"我[^，,。；]{{0,6}}?(?:任|为|為|做|当|當|担任|擔任|出任|拜)[^，,。；]{{0,4}}?{re.escape(office)}",
                        to_simplified(text))
    else:
        own = re.search(rf"(?i)\bI\s+(?:was|served as|became|acted as|held the office of|was made|was elected)\s+"
                        rf"(?:an?\s+|the\s+)?(?:\w+\s+)?{re.escape(office)}\b", text)
    return office if own and not named_people(sentence, question, names) else ""


__all__ = ["asked_relations", "named_people", "office_for_person", "relation_unbound"]
