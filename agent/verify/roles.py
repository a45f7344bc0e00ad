"""Offices and kin the figure claims: "I was governor of X", 我當過採訪使, "Su X was my eldest son", 我哥哥叫某, and a
bare yes to a question that puts an office or a relative to the figure ("Were you consul?" "Yes.").

Rule: an office the figure claims as its own is supported only by a passage sentence that holds the office's words
and does not give it to someone else (another person's name beside it: "the commissioner Han", 採訪使韓某; another
person appointed to it: 張某為荊州長史, "Trumbull was elected") or deny, refuse, offer or only plan it (not, declined,
offered, 欲, 不就); a relative the figure names is supported only by a passage sentence (or two adjacent ones) that
names that person beside the same kin word with no other rank (eldest, youngest, 長, 幼, 兄, 弟), and never by the
figure's own name; a yes to a yes-or-no question about the figure's office or kin claims what the question says.
The vocabulary (offices, kin words, ranks, surnames) is in ``agent/data/roles.toml``.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from agent.text.script import CJK_RE, to_simplified
from agent.text.sentences import split_sentences
from agent.text.terms import EN_STOPWORDS


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


@lru_cache(maxsize=1)
def _vocab() -> dict:
    return tomllib.loads(resources.files("agent").joinpath("data/roles.toml").read_text(encoding="utf-8"))


def _alt(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern[str]]:
    en, zh = _vocab()["en"], _vocab()["zh"]
    office = _alt([*en["offices"], *en["bodies"]])
    name = r"[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,3}"
    kin, rank = _alt(en["kin"]), _alt(en["ranks"])
    zkin, ending = _alt(zh["kin"]), _alt(zh["office_endings"])
    return {
        "en_office": re.compile(
            r"\bI\s+(?:had\s+)?(?:was|became|been|served|acted|held|remained)\s+"
            r"(?:(?:once|ever|also|later|then|first|twice|elected|re-elected|appointed|made|named|chosen|promoted|raised|"
            r"posted|as|to|be|the\s+(?:office|post|rank|position)\s+of)\s+){0,4}(?:(?:a|an|the)\s+)?"
            rf"(?P<role>(?:(?!(?:not|never|no|nor)\b)[A-Za-z-]+\s+){{0,2}}?(?P<head>{office})\w*(?:\s+of\s+(?:the\s+)?{name})?)", re.I),
        "en_kin_named": re.compile(
            rf"(?P<name>{name}),?\s+(?:was|is|had\s+been)\s+my\s+(?:(?P<rank>{rank})\s+)?(?P<kin>{kin})\b"),
        "en_my_kin": re.compile(
            rf"\b[Mm]y\s+(?:own\s+)?(?:(?P<rank>{rank})\s+)?(?P<kin>{kin})\b,?\s+(?:(?:was|is)\s+(?:(?:named|called)\s+)?|"
            rf"(?:named|called)\s+)?(?P<name>{name})"),
        "zh_office": re.compile(
            r"我(?:曾经|曾|也|还|后来|先后|一度|又|便|就|终于|亦|尝)?"
            r"(?:当过|担任过|担任|做过|任过|出任|官至|官拜|升任|被任命为|被授予|被授|拜|当|做|任|为|是)"
            r"(?P<role>[\u4e00-\u9fff]{2,9})"),
        "en_kin_office": re.compile(
            rf"\b[Mm]y\s+(?:own\s+)?(?P<kin>{kin})\s+(?:was|had\s+been|became|served\s+as)\s+(?:(?:once|also|later|"
            rf"elected|appointed|made|named|chosen)\s+)*(?:(?:a|an|the)\s+)?(?:[A-Za-z-]+\s+){{0,2}}?(?P<head>{office})"),
        "zh_kin_office": re.compile(
            rf"我(?:的)?(?P<kin>{zkin})(?:曾经|曾|也|还|后来|一度)?(?:当过|担任过|担任|做过|任过|出任|官至|做|任|为|是)"
            r"(?P<role>[\u4e00-\u9fff]{2,9})"),
        "zh_ending": re.compile(rf"(?:{ending})"),
        "zh_kin_named": re.compile(rf"(?P<name>[\u4e00-\u9fff]{{2,3}}?)是我(?:的)?(?P<kin>{zkin})"),
        "zh_my_kin": re.compile(
            rf"我(?:的)?(?P<kin>{zkin})(?:叫做|叫作|名叫|叫|名为|是)(?P<name>[\u4e00-\u9fff]{{2,3}})(?![\u4e00-\u9fff])"),
        "zh_kin": re.compile(zkin),
        "en_kin": re.compile(rf"(?i)\b(?:(?P<rank>{rank})\s+)?(?P<kin>{kin})\b"),
    }


def _zh_role(role: str) -> str | None:
    """The longest start of ``role`` that ends an office's name (刺史, 翰林供奉), or None."""
    ends = [m.end() for m in _patterns()["zh_ending"].finditer(role)]
    return role[: max(ends)] if ends else None


def _zh_kin(word: str) -> tuple[str, str]:
    head, _, rank = _vocab()["zh"]["kin"][word].partition(":")
    return head, rank


def find_claims(sentence: str) -> list[RoleClaim]:
    """The offices and relatives ``sentence`` claims for the figure (an office in the first person, a relative named
    as "my" kin)."""
    p, en = _patterns(), _vocab()["en"]
    found: list[RoleClaim] = []
    for m in p["en_office"].finditer(sentence):
        head = m.group("head").lower()
        head = en["bodies"].get(head, head)
        places = re.findall(r"\bof\s+(?:the\s+)?([A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)*)", m.group("role"))
        qualifiers = tuple(w for place in places for w in place.split())
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
                                   rank=_zh_kin(m.group("kin"))[0]))
    for m in p["zh_office"].finditer(simple):
        role = _zh_role(m.group("role"))
        if role:
            found.append(RoleClaim("office", role, role))
    for key in ("zh_kin_named", "zh_my_kin"):
        for m in p[key].finditer(simple):
            head, rank = _zh_kin(m.group("kin"))
            found.append(RoleClaim("kin", head, m.group(0), rank=rank, name=m.group("name")))
    return found


_YES_RE = re.compile(r"(?i)^\s*(?:yes|yeah|indeed|correct|that is right|that's right|"
                     r"是的|是啊|对|對|没错|沒錯|不错|不錯|然|正是)(?:[\s,，。.!！;；:：]|$)")
_EN_PREMISE = ((re.compile(r"(?i)^\s*(?:were|was)\s+you\b"), "I was"),
               (re.compile(r"(?i)^\s*had\s+you\s+been\b"), "I had been"),
               (re.compile(r"(?i)^\s*did\s+you\s+(?:ever\s+)?(?:serve|act)\b"), "I served"),
               (re.compile(r"(?i)^\s*did\s+you\s+(?:ever\s+)?become\b"), "I became"),
               (re.compile(r"(?i)^\s*did\s+you\s+(?:ever\s+)?hold\b"), "I held"))


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


_CLAUSE_RE = re.compile(r"[;:，。；：、]|,\s|\s[–—]\s|\band\b")
_PLACE_LEAD = frozenset("in at to from of into over through across near toward towards for the a an".split())
_PERSON = frozenset("i me my he him his she her".split())
_RELATIVE = frozenset("who whom whose which that though although while when whereupon".split())


def _en_office_held(claim: RoleClaim, sentence: str, own: set[str]) -> bool:
    """Some mention of the office in this passage sentence is not another's, nor denied, offered or sought."""
    en = _vocab()["en"]
    not_held = frozenset(en["not_held"])
    heads = [claim.head] + [b for b, member in en["bodies"].items() if member == claim.head]
    if claim.qualifiers and not all(re.search(rf"\b{re.escape(q)}\b", sentence) for q in claim.qualifiers):
        return False
    for m in re.finditer(rf"(?i)\b(?:{_alt(heads)})\w*", sentence):
        before = _CLAUSE_RE.split(sentence[: m.start()])[-1]
        words = re.findall(r"[A-Za-z][\w'-]*", before)
        if {w.lower() for w in words} & not_held:
            continue
        after = re.sub(r"\([^)]*\)\s*", "", sentence[m.end():])
        beside = re.match(r"\s*,?\s*([A-Z][\w'-]*)", after)
        if beside and beside.group(1).lower() not in own and beside.group(1) not in ("I",) \
                and not after.lstrip().startswith("of"):
            continue  # "Governor Yates", "the commissioner (…) Han Chaozong"
        if clause_subject(sentence[: m.start()], own) != "other":
            return True
    return False


def _en_subject(words: Sequence[str], own: set[str]) -> str:
    """Whom the last person named in ``words`` (the clause before an office or a kin word) is: "own" (I, he, the
    figure's name), "other" (another capitalised name, not a place after in, at, of …) or "" (none)."""
    ref = ""
    for i, w in enumerate(words):
        low = w.lower().removesuffix("'s")
        if low in _PERSON or low in own:
            ref = "own"
        elif w[0].isupper() and low not in EN_STOPWORDS and (i == 0 or words[i - 1].lower() not in _PLACE_LEAD):
            ref = "other"
    return ref


def clause_subject(before: str, own: set[str]) -> str:
    """Whom the last person named in the clause that ``before`` ends is: "own", "other" or "" (``_en_subject``);
    a clause that names no one takes its subject from the clauses before it ("Gallus, whom Vell had defended,
    later freed them": Gallus)."""
    clauses = _CLAUSE_RE.split(before)
    for i, clause in enumerate(reversed(clauses)):
        words = re.findall(r"[A-Za-z][\w'-]*", clause)
        if i > 0 and words and words[0].lower() in _RELATIVE:
            continue  # "whom Vell had defended": not the subject of what follows
        if who := _en_subject(words, own):
            return who
    return ""


def _en_kin_own(window: str, start: int, own: set[str]) -> bool:
    """The kin word at ``start`` of ``window`` is the figure's relative: not "whose", "X's" or "their" kin of
    another, and, after his or her, not in a clause whose last person named is another ("Brutus condemned his sons")."""
    before = _CLAUSE_RE.split(window[:start])[-1]
    words = re.findall(r"[A-Za-z][\w'-]*", before)
    last = words[-1].lower() if words else ""
    if last in ("whose",) or (last.endswith("'s") and last.removesuffix("'s") not in own):
        return False
    return last in ("my",) or _en_subject(words[:-1], own) != "other"


def _zh_office_held(claim: RoleClaim, sentence: str, own: set[str]) -> bool:
    """Some mention of the office (its characters in order, or all of them within a few characters: 供奉翰林 for
    翰林供奉) in this passage sentence (simplified) follows a verb that puts someone into it (為, 拜, 出任, 詔) in
    its clause, and is not another's, nor denied, refused or only planned."""
    zh = _vocab()["zh"]
    role = claim.head
    spans = [m.span() for m in re.finditer(re.escape(role), sentence)]
    if not spans and len(role) >= 4:
        width = len(role) + 2
        spans = [(i, i + width) for i in range(max(len(sentence) - width + 1, 0))
                 if all(c in sentence[i:i + width] for c in role)][:1]
    appoint = _alt(zh["appoint"])
    surnames = zh["surnames"]
    for start, end in spans:
        clause_start = max([m.end() for m in re.finditer(r"[，。；：、,;:]", sentence[:start])], default=0)
        before = sentence[clause_start:start]
        after = re.split(r"[，。；：、,;:]", sentence[end:], maxsplit=2)
        if any(w in before for w in zh["not_held"]) or re.match(r"[^，。；]{0,3}(?:不|未|辞|谢)", sentence[end:]):
            continue
        if len(after) > 1 and re.match(r"(?:[\u4e00-\u9fff]{0,3})(?:不就|不赴|不受|不拜|固辞|辞不)", after[1]):
            continue
        if not re.search(rf"(?:{appoint})[^，。；：、,;:]{{0,8}}$", before):
            continue  # no one is put into the office here
        if end < len(sentence) and sentence[end] in surnames and not any(sentence[end:].startswith(o) for o in own):
            continue  # 採訪使韓某: the office of the man named after it
        appointed = re.search(rf"(?P<who>[\u4e00-\u9fff]{{2,3}}?)(?:又|再|曾|也|便|遂|乃|先|即|后)?(?:{appoint})"
                              rf"[\u4e00-\u9fff]{{0,4}}$", before)
        if appointed and appointed.group("who")[0] in surnames and not any(o in before for o in own):
            continue  # 張某為荊州長史: another man put into the office
        if re.search(r"以(?P<who>[\u4e00-\u9fff]{1,3})为", before) and not any(o in before for o in own):
            continue
        return True
    return False


def _kin_supported(claim: RoleClaim, text: str, own_en: set[str], own_zh: set[str]) -> bool:
    """A sentence of ``text`` (or two adjacent ones) names ``claim.name`` beside the same kin word, with the same rank
    or none given by the claim."""
    p = _patterns()
    name = to_simplified(claim.name)
    cjk = bool(CJK_RE.search(name))
    keys = {name} | ({name[1:]} if cjk and len(name) >= 2 else set(name.split()[-1:]))
    text = to_simplified(text) if cjk else text
    sentences = split_sentences(text) or [text]
    for i, s in enumerate(sentences):
        window = s + (" " + sentences[i + 1] if i + 1 < len(sentences) else "")
        for key in keys:
            for m in re.finditer(re.escape(key) if cjk else rf"\b{re.escape(key)}\b", window):
                lo = max(0, m.start() - (8 if cjk else 60))
                near = window[lo: m.end() + (8 if cjk else 40)]
                mentions = ([(_zh_kin(k.group(0)), k.span()) for k in p["zh_kin"].finditer(near)] if cjk else
                            [((_vocab()["en"]["kin"][k.group("kin").lower()],
                               _vocab()["en"]["ranks"].get((k.group("rank") or "").lower(), "")), k.span())
                             for k in p["en_kin"].finditer(near)])
                # the kin word nearest the name is the one that says who the person is (妻子和弟弟某: a brother)
                gaps = [max(a - (m.end() - lo), (m.start() - lo) - b, 0) for _, (a, b) in mentions]
                nearest = [(kin, at) for (kin, (at, _)), gap in zip(mentions, gaps) if gap == min(gaps)]
                for (head, rank), at in nearest:
                    if head == claim.head and (not claim.rank or rank == claim.rank) and \
                            (cjk or _en_kin_own(near, at, own_en)):
                        return True
    return False


def _kin_office_supported(claim: RoleClaim, text: str, own_en: set[str]) -> bool:
    """A sentence of ``text`` holds the figure's kin word (``claim.rank``: father, brother …) and the office, the
    office not denied, offered or sought there ("His father … was a senator" for "my father was a senator")."""
    p, en, zh = _patterns(), _vocab()["en"], _vocab()["zh"]
    cjk = bool(CJK_RE.search(claim.head))
    for s in split_sentences(to_simplified(text) if cjk else text) or [text]:
        if cjk:
            kin_at = [k.start() for k in p["zh_kin"].finditer(s) if _zh_kin(k.group(0))[0] == claim.rank]
            role = s.find(claim.head)
            if kin_at and role >= 0 and not any(w in s[min(kin_at):role] for w in zh["not_held"]):
                return True
            continue
        kin_at = [k.start("kin") for k in p["en_kin"].finditer(s) if en["kin"][k.group("kin").lower()] == claim.rank
                  and _en_kin_own(s, k.start(), own_en)]
        heads = [claim.head] + [b for b, member in en["bodies"].items() if member == claim.head]
        role = re.search(rf"(?i)\b(?:{_alt(heads)})", s)
        if kin_at and role and min(kin_at) < role.start():
            between = {w.lower() for w in re.findall(r"[A-Za-z]+", s[min(kin_at):role.start()])}
            if not between & set(en["not_held"]):
                return True
    return False


def role_failures(sentence: str, question: str | None, passages: Sequence[str], names: Iterable[str]) -> list[str]:
    """The offices and relatives ``sentence`` claims for the figure (itself, or by a yes to ``question``) that no
    passage supports under the module's rule, as shown to the model ("governor of Illinois", "采访使")."""
    claims = find_claims(sentence) + (premise_claims(question, sentence) if question is not None else [])
    if not claims:
        return []
    own_en, own_zh = own_words(names)
    failed = []
    for claim in claims:
        if claim.kind == "kin_office":
            if not any(_kin_office_supported(claim, t, own_en) for t in passages):
                failed.append(claim.text)
            continue
        if claim.kind == "kin":
            own_name = to_simplified(claim.name) in own_zh or {w.lower() for w in claim.name.split()} <= own_en
            if own_name or not any(_kin_supported(claim, t, own_en, own_zh) for t in passages):
                failed.append(claim.text)
            continue
        held = _zh_office_held if CJK_RE.search(claim.head) else _en_office_held
        own = own_zh if held is _zh_office_held else own_en
        if not any(held(claim, s, own) for t in passages
                   for s in (split_sentences(to_simplified(t) if held is _zh_office_held else t) or [t])):
            failed.append(claim.text)
    return failed


__all__ = ["RoleClaim", "clause_subject", "find_claims", "own_words", "premise_claims", "role_failures"]
