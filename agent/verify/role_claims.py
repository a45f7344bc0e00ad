"""What an answer sentence claims about the figure's offices and kin: "I was governor of X", 我當過採訪使, "Su X was
my eldest son", 我哥哥叫某, "I married X", and what a bare yes to a yes-or-no question about them claims ("Were you
consul?" "Yes."). The checks of these claims are in ``agent/verify/roles.py``; the vocabulary (offices, kin words,
ranks, surnames, the English names of offices named in Chinese) in ``agent/data/roles.toml``.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from agent.dates.calendar import EN_MONTHS
from agent.text.script import CJK_RE, to_simplified


@dataclass(frozen=True)
class RoleClaim:
    """One office (``kind`` "office": ``head`` the office word, ``qualifiers`` the words that place it) or one
    relative (``kind`` "kin": ``head`` the kin word, ``rank``, ``name``) an answer sentence claims for the figure."""

    kind: str
    head: str
    text: str
    qualifiers: tuple[str, ...] = ()
    rank: str = ""
    name: str = ""
    offered: bool = False  # 皇帝想授我某官: the office only offered or planned, not said to be held


# What may stand between 我 and the verb of an office (我真的去做了某官, 我後來也當過某官).
_ZH_ADVERBS = ("真的|确实|的确|曾经|曾|也|还|后来|先后|一度|又|便|就|终于|亦|尝|都|再|已经|早年|晚年|当时|那时|去|被|"
               "亲自|正式")
# Words after which a name starts (其實某是我的母親, 他們說某是我的兒子): a name is cut after the last of them.
_ZH_NAME_LEAD = re.compile(r".*(?:其实|认为|因为|所以|但是|而且|原来|根据|记载|史载|确实|说|的|是|和|与|我|你|他|她|也|都|就|"
                           r"而|在|把|被|对|给|，)")
# Words before 授我某官 that make the office one only offered or planned (想授我, 打算任命我).
_ZH_OFFERED = re.compile(r"(?:想|欲|要|打算|准备|拟|将|曾想|本想)$")
SPOUSE = frozenset(("wife", "husband", "spouse"))
# Words that qualify a relation without ranking it: "my closest friend", "my dear old teacher".
_EN_DEAR = r"(?:(?:closest|best|dearest|dear|old|close|chief|great|beloved|faithful|loyal)\s+){0,2}"
_MONTHS = frozenset(m.lower() for m in EN_MONTHS)


def _zh_name(run: str) -> str:
    """The name that ends a run of characters before 是我…: what follows its last word of grammar."""
    return _ZH_NAME_LEAD.sub("", run) or run


@lru_cache(maxsize=1)
def vocab() -> dict:
    """The vocabulary of offices and kin (``agent/data/roles.toml``), by language."""
    return tomllib.loads(resources.files("agent").joinpath("data/roles.toml").read_text(encoding="utf-8"))


def word_alternation(words: Iterable[str]) -> str:
    """A regular-expression alternation of ``words``, the longest first (長子 before 子)."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1)
def patterns() -> dict[str, re.Pattern[str]]:
    """The compiled patterns of claims (``en_office``, ``zh_kin_named`` …) and of kin words in passages."""
    en, zh = vocab()["en"], vocab()["zh"]
    office = word_alternation([*en["offices"], *en["bodies"]])
    name = r"[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,3}"
    kin, rank = word_alternation(en["kin"]), word_alternation(en["ranks"])
    zkin, ending = word_alternation(zh["kin"]), word_alternation(zh["office_endings"])
    return {
        "en_office": re.compile(
            r"\bI\s+(?:had\s+)?(?:was|became|been|served|acted|held|remained)\s+"
            r"(?:(?:once|ever|also|later|then|first|twice|elected|re-elected|appointed|made|named|chosen|promoted|raised|"
            r"posted|as|to|be|the\s+(?:office|post|rank|position)\s+of)\s+){0,4}(?:(?:a|an|the)\s+)?"
            rf"(?P<role>(?:(?!(?:not|never|no|nor)\b)[A-Za-z-]+\s+){{0,2}}?(?P<head>{office})\w*(?:\s+(?:of|in|at)\s+(?:the\s+)?{name})?)", re.I),
        "en_kin_named": re.compile(
            rf"(?P<name>{name}),?\s+(?:was|is|had\s+been)\s+my\s+{_EN_DEAR}(?:(?P<rank>{rank})\s+)?(?P<kin>{kin})\b"),
        "en_my_kin": re.compile(
            rf"\b[Mm]y\s+(?:own\s+)?{_EN_DEAR}(?:(?P<rank>{rank})\s+)?(?P<kin>{kin})\b,?\s+(?:(?:was|is)\s+(?:(?:also|too)\s+)?(?:(?:named|called)\s+)?|"
            rf"(?:named|called)\s+)?(?P<name>{name})"),
        "zh_office": re.compile(
            rf"我(?:{_ZH_ADVERBS}){{0,3}}"
            r"(?:当过|担任过|担任|做过|任过|出任|官至|官拜|升任|被任命为|被授予|被授|拜|当|做|任|为|是)了?"
            r"(?P<role>[\u4e00-\u9fff]{2,9})"),
        # 我擔任的第一個官職是某官: the office named as what the figure held
        "zh_office_was": re.compile(
            r"我[\u4e00-\u9fff]{0,4}?(?:担任|当|做|任|出任|得到)(?:过|了)?的(?:[\u4e00-\u9fff]{0,6}?(?:官职|职位|官位|职务))?"
            r"(?:是|为)(?P<role>[\u4e00-\u9fff]{2,9})"),
        # 授予我某官, 任命我為某官, 拜我為某官: the figure put into the office by another
        "zh_office_given": re.compile(
            r"(?:授予|授|任命|拜|封|除|擢|命|让|请)我(?:做|当|为|担任)?(?P<role>[\u4e00-\u9fff]{2,9})"),
        # I married X, 我娶了某: the figure's spouse
        "en_married": re.compile(rf"\bI\s+(?:later\s+|then\s+|also\s+)?married\s+(?P<name>{name})"),
        "zh_married": re.compile(r"我(?:后来|又|便|就)?(?:(?:娶了|娶|嫁给了|嫁给|嫁与)(?P<name>[\u4e00-\u9fff·]{2,8}?)"
                                 r"(?:为妻|为夫|(?![\u4e00-\u9fff·]))|(?:与|和|跟)(?P<name2>[\u4e00-\u9fff·]{2,8}?)"
                                 r"(?:结婚|成婚|成亲))"),
        "en_kin_office": re.compile(
            rf"\b[Mm]y\s+(?:own\s+)?(?P<kin>{kin})\s+(?:was|had\s+been|became|served\s+as)\s+(?:(?:once|also|later|"
            rf"elected|appointed|made|named|chosen)\s+)*(?:(?:a|an|the)\s+)?(?:[A-Za-z-]+\s+){{0,2}}?(?P<head>{office})"),
        "zh_kin_office": re.compile(
            rf"我(?:的)?(?P<kin>{zkin})(?:曾经|曾|也|还|后来|一度)?(?:当过|担任过|担任|做过|任过|出任|官至|做|任|为|是)"
            r"(?P<role>[\u4e00-\u9fff]{2,9})"),
        "zh_ending": re.compile(rf"(?:{ending})"),
        "zh_kin_named": re.compile(rf"(?P<name>[\u4e00-\u9fff·]{{2,12}}?)是我(?:的)?(?:亲生的|亲生|亲|自己的)?(?P<kin>{zkin})"),
        "zh_my_kin": re.compile(
            rf"我(?:的)?(?P<kin>{zkin})(?:叫做|叫作|名叫|叫|名为|是)(?P<name>[\u4e00-\u9fff·]{{2,8}})(?![\u4e00-\u9fff·])"),
        # 和我同任某官的同僚是某: a relation of the figure's, named after it
        "zh_our_kin": re.compile(
            rf"我[^，。；！？]{{0,12}}的(?P<kin>{zkin})(?:叫做|叫作|名叫|叫|是)(?P<name>[\u4e00-\u9fff·]{{2,8}})(?![\u4e00-\u9fff·])"),
        # I had a sister (named X), 我有一個妹妹: a relative the figure says it had
        "en_had_kin": re.compile(
            rf"\bI\s+(?:also\s+)?had\s+(?:a|an|one|two|three|four|five|several|many|\d+)\s+(?:(?P<rank>{rank})\s+)?"
            rf"(?P<kin>{kin})\b(?:,?\s+(?:named|called)\s+(?P<name>{name}))?"),
        "zh_had_kin": re.compile(rf"我(?:还|也|曾)?有(?:过)?(?:一|两|二|三|四|几)?(?:个|位|名)?(?P<kin>{zkin})"),
        "zh_kin": re.compile(zkin),
        "en_kin": re.compile(rf"(?i)\b(?:(?P<rank>{rank})\s+)?(?P<kin>{kin})\b"),
    }


@lru_cache(maxsize=1)
def en_office_words() -> frozenset[str]:
    """The English office words of the vocabulary, lower case ("consul", "governor")."""
    return frozenset(w for w in vocab()["en"]["offices"] if " " not in w)


def _zh_role(role: str) -> str | None:
    """The longest start of ``role`` that ends an office's name (刺史, 翰林供奉), or None."""
    if role[:1] in "的了着是在":
        return None  # 我擔任的…: not an office's name
    role = re.sub(r"^(?:一名|一位|一个|一任|这个|那个)", "", role)
    for part in reversed(role.split("的")):  # 羅馬的獨裁官: 獨裁官; 御史的官: 御史
        ends = [m.end() for m in patterns()["zh_ending"].finditer(part)]
        if ends and max(ends) >= 2:
            end = max(ends)
            return part[: end - 1] if part[end - 1] == "官" and end - 1 in ends else part[:end]  # 供奉官: 供奉
    return None


def zh_kin(word: str) -> tuple[str, str]:
    head, _, rank = vocab()["zh"]["kin"][word].partition(":")
    return head, rank


def find_claims(sentence: str) -> list[RoleClaim]:
    """The offices and relatives ``sentence`` claims for the figure (an office in the first person, a relative named
    as "my" kin)."""
    p, en = patterns(), vocab()["en"]
    found: list[RoleClaim] = []
    for m in p["en_office"].finditer(sentence):
        head = m.group("head").lower()
        head = en["bodies"].get(head, head)
        places = re.findall(r"\b(?:of|in|at)\s+(?:the\s+)?([A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)*)", m.group("role"))
        qualifiers = tuple(w for place in places for w in place.split() if w.lower() not in _MONTHS)
        found.append(RoleClaim("office", head, m.group("role").rstrip("."), qualifiers))
    for key in ("en_kin_named", "en_my_kin"):
        for m in p[key].finditer(sentence):
            rank = en["ranks"].get((m.group("rank") or "").lower(), "")
            found.append(RoleClaim("kin", en["kin"][m.group("kin").lower()], m.group(0).rstrip("."), rank=rank,
                                   name=m.group("name").strip().rstrip(".")))
    for m in p["en_kin_office"].finditer(sentence):
        head = m.group("head").lower()
        kin = en["kin"][m.group("kin").lower()]
        found.append(RoleClaim("kin_office", en["bodies"].get(head, head), m.group(0), rank=kin))
    simple = to_simplified(sentence)
    for m in p["zh_kin_office"].finditer(simple):
        role = _zh_role(m.group("role"))
        if role:
            found.append(RoleClaim("kin_office", role, m.group(0)[: m.start("role") - m.start()] + role,
                                   rank=zh_kin(m.group("kin"))[0]))
    for m in p["zh_office"].finditer(simple):
        role = _zh_role(m.group("role"))
        if role:
            found.append(RoleClaim("office", role, role))
    for m in p["zh_office_was"].finditer(simple):
        role = _zh_role(m.group("role"))
        if role:
            found.append(RoleClaim("office", role, role))
    for m in p["zh_office_given"].finditer(simple):
        role = _zh_role(m.group("role"))
        if role:
            offered = bool(_ZH_OFFERED.search(simple[max(m.start() - 4, 0):m.start()]))
            found.append(RoleClaim("office", role, role, offered=offered))
    for m in p["en_had_kin"].finditer(sentence):
        rank = en["ranks"].get((m.group("rank") or "").lower(), "")
        found.append(RoleClaim("kin", en["kin"][m.group("kin").lower()], m.group(0).rstrip("."), rank=rank,
                               name=(m.group("name") or "").strip().rstrip(".")))
    for m in p["zh_had_kin"].finditer(simple):
        head, rank = zh_kin(m.group("kin"))
        found.append(RoleClaim("kin", head, m.group(0), rank=rank))
    for key in ("zh_kin_named", "zh_my_kin", "zh_our_kin"):
        for m in p[key].finditer(simple):
            head, rank = zh_kin(m.group("kin"))
            name = _zh_name(m.group("name"))
            if len(name) >= 2:
                found.append(RoleClaim("kin", head, m.group(0)[m.group(0).find(name):], rank=rank, name=name))
    for m in p["en_married"].finditer(sentence):
        found.append(RoleClaim("kin", "spouse", m.group(0), name=m.group("name").strip().rstrip(".")))
    for m in p["zh_married"].finditer(simple):
        found.append(RoleClaim("kin", "spouse", m.group(0), name=m.group("name") or m.group("name2")))
    return found


_YES_RE = re.compile(r"(?i)^\s*(?:yes|yeah|indeed|correct|that is right|that's right|"
                     r"是的|是啊|对|對|没错|沒錯|不错|不錯|然|正是)(?:[\s,，。.!！;；:：]|$)")
_EN_PREMISE = ((re.compile(r"(?i)^\s*(?:were|was)\s+you\b"), "I was"),
               (re.compile(r"(?i)^\s*had\s+you\s+been\b"), "I had been"),
               (re.compile(r"(?i)^\s*did\s+you\s+(?:ever\s+)?(?:serve|act)\b"), "I served"),
               (re.compile(r"(?i)^\s*did\s+you\s+(?:ever\s+)?become\b"), "I became"),
               (re.compile(r"(?i)^\s*did\s+you\s+(?:ever\s+)?hold\b"), "I held"))


def opens_with_yes(sentence: str) -> bool:
    """True when ``sentence`` opens with yes (yes, indeed, 是的, 對, 沒錯)."""
    return bool(_YES_RE.search(sentence))


def premise_claims(question: str, sentence: str) -> list[RoleClaim]:
    """What a yes (``sentence`` opening with yes, 是的, 對) to ``question`` claims: the question's office or relative
    put to the figure, as the figure's own ("Were you consul?" → "I was consul"; 某是你的長子嗎？ → 某是我的長子)."""
    if not _YES_RE.search(sentence):
        return []
    text = question.strip().rstrip("?？").strip()
    if CJK_RE.search(text):
        text = re.sub(r"(?:吗|嗎|么|麼|呢|是不是|是否|有没有|有沒有)$", "", text)
        text = re.sub(r"是不是|是否", "", re.sub(r"[你您]", "我", text))
        return find_claims(text)
    for pattern, first_person in _EN_PREMISE:
        if pattern.search(text):
            return find_claims(pattern.sub(first_person, text, count=1))
    text = re.sub(r"(?i)^\s*(?:was|is)\s+(.+?)\s+your\b", r"\1 was my", text)
    return find_claims(text) if " my " in f" {text} " else []


def own_words(names: Iterable[str]) -> tuple[set[str], set[str]]:
    """The figure's name words (English, lower case) and name strings (Chinese, simplified, with the given name)."""
    words, zh = set(), set()
    for n in names:
        words |= {w.lower() for w in re.findall(r"[A-Za-z]{3,}", n)}
        for part in re.findall(r"[\u4e00-\u9fff]{2,}", to_simplified(n)):
            zh |= {part, part[1:]} if len(part) >= 3 else {part}
    return words, zh


__all__ = ["SPOUSE", "RoleClaim", "en_office_words", "find_claims", "opens_with_yes", "own_words", "patterns",
           "premise_claims", "vocab",
           "word_alternation", "zh_kin"]
