"""Offices and kin the figure claims (parsed in ``agent/verify/role_claims.py``): "I was governor of X", 我當過採訪使,
"Su X was my eldest son", 我哥哥叫某, "I married X", the figure's own name in the third person, and a bare yes to a
question that puts an office or a relative to the figure ("Were you consul?" "Yes.").

Rule: an office the figure claims as its own is supported only by a passage sentence that puts someone into it (was,
elected, served as, his; 為, 拜, 授; a title before the figure's name) and does not give it to someone else (another
person's name beside it: "the commissioner Han", 採訪使韓某; another person appointed to it: 張某為荊州長史, "Trumbull
was elected") or deny, refuse, offer or only plan it (not, declined, offered, 欲, 不就), with the place the claim gives
it ("postmaster in X"); an office named in Chinese is looked for in an English passage by its English name. A
relative the figure names is supported only by a passage sentence (or two adjacent ones) that names that person
beside the same kin word with no other rank (eldest, youngest, 長, 幼, 兄, 弟), or as the one the figure married,
and never by the figure's own name; a yes to a yes-or-no question about the figure's office or kin claims what the
question says. The vocabulary (offices, kin words, ranks, surnames) is in ``agent/data/roles.toml``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from agent.text.script import CJK_RE, to_simplified
from agent.text.sentences import split_sentences
from agent.text.terms import EN_STOPWORDS
from agent.verify.role_claims import (
    SPOUSE,
    RoleClaim,
    find_claims,
    own_words,
    patterns,
    premise_claims,
    vocab,
    word_alternation,
    zh_kin,
)


def _same_kin(claimed: str, found: str) -> bool:
    """A passage's kin word names the claimed relative: the same word, or a spouse named by marriage."""
    return claimed == found or ({claimed, found} <= SPOUSE and "spouse" in (claimed, found))


_CLAUSE_RE = re.compile(r"[;:，。；：、]|,\s|\s[–—]\s|\band\b")
_PLACE_LEAD = frozenset("in at to from of into over through across near toward towards for the a an".split())
_PERSON = frozenset("i me my he him his she her".split())
_RELATIVE = frozenset("who whom whose which that though although while when whereupon".split())


def _en_office_held(claim: RoleClaim, sentence: str, own: set[str]) -> bool:
    """Some mention of the office in this passage sentence is not another's, nor denied, offered or sought."""
    en = vocab()["en"]
    not_held = frozenset(en["not_held"])
    heads = [claim.head] + [b for b, member in en["bodies"].items() if member == claim.head]
    if claim.qualifiers and not all(re.search(rf"\b{re.escape(q)}\b", sentence) for q in claim.qualifiers):
        return False
    for m in re.finditer(rf"(?i)\b(?:{word_alternation(heads)})\w*", sentence):
        before = _CLAUSE_RE.split(sentence[: m.start()])[-1]
        words = re.findall(r"[A-Za-z][\w'-]*", before)
        if {w.lower() for w in words} & not_held:
            continue
        after = re.sub(r"\([^)]*\)\s*", "", sentence[m.end():])
        beside = re.match(r"\s*,?\s*([A-Z][\w'-]*)", after)
        if beside and beside.group(1).lower() not in own and beside.group(1) not in ("I",) \
                and not after.lstrip().startswith("of"):
            continue  # "Governor Yates", "the commissioner (…) Han Chaozong"
        if clause_subject(sentence[: m.start()], own) != "other" and _holds(sentence, m.start(), m.end(), own):
            return True
    return False


_HOLDING = frozenset("was were is are be been being became become becomes becoming elected re-elected reelected "
                     "appointed made named chosen created promoted raised served serving serves acted acting held "
                     "holding holds as remained sworn inaugurated installed proclaimed hailed declared his my our "
                     "office rank post".split())


def _holds(sentence: str, start: int, end: int, own: set[str]) -> bool:
    """The office mentioned at ``start:end`` holds someone: after a word that puts someone in it (was, became,
    elected, served as, his …) in its clause, as a title before the figure's name ("Governor Vell"), or in apposition
    after it ("Vell, governor of …"). A mention such as "I wrote to the Secretary of War" holds no one."""
    words = re.findall(r"[A-Za-z][\w'-]*", _CLAUSE_RE.split(sentence[:start])[-1])
    if {w.lower() for w in words[-8:]} & _HOLDING:
        return True
    after = re.match(r"\s+([A-Z][\w'-]*)", sentence[end:])
    if after and after.group(1).lower() in own:
        return True
    lead = re.search(r"([A-Za-z][\w'-]*)\s*,\s*(?:(?:the|a|an)\s+)?(?:[A-Za-z-]+\s+){0,2}$", sentence[:start])
    return bool(lead) and (lead.group(1).lower() in own or lead.group(1) == "I")


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


def _en_kin_own(window: str, start: int, own: set[str], possessed: bool = False) -> bool:
    """The kin word at ``start`` of ``window`` is the figure's relative: not "whose", "X's" or "their" kin of
    another, not his, her, their or your kin in a clause spoken in the first person ("I had told her sister"), and,
    after his or her, not in a clause whose last person named is another ("Brutus condemned his sons"). With
    ``possessed``, it also needs a possessor that can be the figure: my, our, his, her, the figure's name's (not a
    bare "sister in company")."""
    before = _CLAUSE_RE.split(window[:start])[-1]
    words = re.findall(r"[A-Za-z][\w'-]*", before)
    last = words[-1].lower() if words else ""
    if possessed and not (last in ("my", "our", "his", "her") or last.removesuffix("'s") in own):
        return False
    if last in ("whose",) or (last.endswith("'s") and last.removesuffix("'s") not in own):
        return False
    if last == "your" or last in ("her", "his", "their", "the", "said", "that") and re.search(r"\b(?:I|we|me|us)\b", before):
        return False  # a letter's "your sister"; in a clause spoken in the first person, "her sister" is another's
    return last in ("my",) or _en_subject(words[:-1], own) != "other"


def _zh_office_held(claim: RoleClaim, sentence: str, own: set[str]) -> bool:
    """Some mention of the office (its characters in order, or all of them within a few characters: 供奉翰林 for
    翰林供奉) in this passage sentence (simplified) follows a verb that puts someone into it (為, 拜, 出任, 詔) in
    its clause, and is not another's, nor denied, refused or only planned. A claim that the office was only
    offered (想授我某官) is supported by an offer too, refused or not: the office planned (欲授), or named in 以某官召
    (summoned with it)."""
    zh = vocab()["zh"]
    role = claim.head
    spans = [m.span() for m in re.finditer(re.escape(role), sentence)]
    if not spans and len(role) >= 4:
        width = len(role) + 2
        spans = [(i, i + width) for i in range(max(len(sentence) - width + 1, 0))
                 if all(c in sentence[i:i + width] for c in role)][:1]
    appoint = word_alternation(zh["appoint"])
    surnames = zh["surnames"]
    for start, end in spans:
        clause_start = max([m.end() for m in re.finditer(r"[，。；：、,;:]", sentence[:start])], default=0)
        before = sentence[clause_start:start]
        after = re.split(r"[，。；：、,;:]", sentence[end:], maxsplit=2)
        summoned = claim.offered and re.search(r"以[^，。；：、,;:]{0,2}$", before) and re.match(
            r"(?:的官职|之职|之官|的职位)?[^，。；：、,;:]{0,2}?(?:征召|征|召|辟|聘|授)(?P<whom>[\u4e00-\u9fff]{0,4})",
            sentence[end:])
        if summoned and summoned.group("whom")[:1] in surnames and not any(
                summoned.group("whom").startswith(o) for o in own):
            continue  # 以某官召杜某: another man summoned
        if not claim.offered:
            if any(w in before for w in zh["not_held"]) or re.match(r"[^，。；]{0,3}(?:不|未|辞|谢)", sentence[end:]):
                continue
            if len(after) > 1 and re.match(r"(?:[\u4e00-\u9fff]{0,3})(?:不就|不赴|不受|不拜|固辞|辞不)", after[1]):
                continue
        if not summoned and not re.search(rf"(?:{appoint})[^，。；：、,;:]{{0,8}}$", before):
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
    p = patterns()
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
                mentions = ([(zh_kin(k.group(0)), k.span()) for k in p["zh_kin"].finditer(near)] if cjk else
                            [((vocab()["en"]["kin"][k.group("kin").lower()],
                               vocab()["en"]["ranks"].get((k.group("rank") or "").lower(), "")), k.span())
                             for k in p["en_kin"].finditer(near)])
                # the kin word nearest the name is the one that says who the person is (妻子和弟弟某: a brother)
                gaps = [max(a - (m.end() - lo), (m.start() - lo) - b, 0) for _, (a, b) in mentions]
                nearest = [(kin, at) for (kin, (at, _)), gap in zip(mentions, gaps) if gap == min(gaps)]
                for (head, rank), at in nearest:
                    owner = (clause_subject(near[:at], own_en) != "other" if head == "spouse"
                             else _en_kin_own(near, at, own_en))
                    if _same_kin(claim.head, head) and (not claim.rank or rank == claim.rank) and (cjk or owner):
                        return True
    return False


def _kin_of_figure(claim: RoleClaim, text: str, own_en: set[str]) -> bool:
    """Some sentence of ``text`` names a relative of the figure's with the claimed kin word and rank ("his sister",
    其妹; in English with a possessor that can be the figure and not another's: ``_en_kin_own``)."""
    p, en = patterns(), vocab()["en"]
    if CJK_RE.search(claim.text):
        return any(zh_kin(k.group(0))[0] == claim.head and (not claim.rank or zh_kin(k.group(0))[1] == claim.rank)
                   for k in p["zh_kin"].finditer(to_simplified(text)))
    for s in split_sentences(text) or [text]:
        for k in p["en_kin"].finditer(s):
            rank = en["ranks"].get((k.group("rank") or "").lower(), "")
            if _same_kin(claim.head, en["kin"][k.group("kin").lower()]) and (not claim.rank or rank == claim.rank) \
                    and _en_kin_own(s, k.start(), own_en, possessed=True):
                return True
    return False


def _kin_office_supported(claim: RoleClaim, text: str, own_en: set[str]) -> bool:
    """A sentence of ``text`` holds the figure's kin word (``claim.rank``: father, brother …) and the office, the
    office not denied, offered or sought there ("His father … was a senator" for "my father was a senator")."""
    p, en, zh = patterns(), vocab()["en"], vocab()["zh"]
    cjk = bool(CJK_RE.search(claim.head))
    for s in split_sentences(to_simplified(text) if cjk else text) or [text]:
        if cjk:
            kin_at = [k.start() for k in p["zh_kin"].finditer(s) if zh_kin(k.group(0))[0] == claim.rank]
            role = s.find(claim.head)
            if kin_at and role >= 0 and not any(w in s[min(kin_at):role] for w in zh["not_held"]):
                return True
            continue
        kin_at = [k.start("kin") for k in p["en_kin"].finditer(s) if en["kin"][k.group("kin").lower()] == claim.rank
                  and _en_kin_own(s, k.start(), own_en)]
        heads = [claim.head] + [b for b, member in en["bodies"].items() if member == claim.head]
        role = re.search(rf"(?i)\b(?:{word_alternation(heads)})", s)
        if kin_at and role and min(kin_at) < role.start():
            between = {w.lower() for w in re.findall(r"[A-Za-z]+", s[min(kin_at):role.start()])}
            if not between & set(en["not_held"]):
                return True
    return False


def _first_person(sentence: str, names: Sequence[str]) -> str:
    """``sentence`` with the figure's own name, where it is the subject or the one given an office, put as I or 我
    (玄宗授李白某官 claims what 玄宗授我某官 claims; "Vell was elected praetor" what "I was elected praetor" does)."""
    ordered = sorted({n for n in names if n.strip()}, key=len, reverse=True)
    zh = [to_simplified(n) for n in ordered if CJK_RE.search(n)]
    en = [n for n in ordered if not CJK_RE.search(n)]
    if zh and CJK_RE.search(sentence):
        sentence = re.sub("|".join(map(re.escape, zh)), "我", to_simplified(sentence))
    if en:
        sentence = re.sub(rf"\b(?:{'|'.join(map(re.escape, en))})\b(?!'s)(?=\s+(?:was|had|became|served|held)\b)",
                          "I", sentence)
    return sentence


def role_failures(sentence: str, question: str | None, passages: Sequence[str], names: Iterable[str]) -> list[str]:
    """The offices and relatives ``sentence`` claims for the figure (itself, or by a yes to ``question``) that no
    passage supports under the module's rule, as shown to the model ("governor of Illinois", "采访使")."""
    names = list(names)
    claims = find_claims(sentence)
    claims += [c for c in find_claims(_first_person(sentence, names)) if c.kind == "office" and c not in claims]
    claims += premise_claims(question, sentence) if question is not None else []
    if not claims:
        return []
    own_en, own_zh = own_words(names)
    failed = []
    for claim in claims:
        if claim.kind == "kin_office":
            if not any(_kin_office_supported(claim, t, own_en) for t in passages):
                failed.append(claim.text)
            continue
        if claim.kind == "kin" and not claim.name:  # "I had a sister": a relative of the figure's, unnamed
            if not any(_kin_of_figure(claim, t, own_en) for t in passages):
                failed.append(claim.text)
            continue
        if claim.kind == "kin":
            own_name = to_simplified(claim.name) in own_zh or {w.lower() for w in claim.name.split()} <= own_en
            if own_name or not any(_kin_supported(claim, t, own_en, own_zh) for t in passages):
                failed.append(claim.text)
            continue
        if not any(_office_in(claim, t, own_en, own_zh) for t in passages):
            failed.append(claim.text)
    return failed


def _office_in(claim: RoleClaim, text: str, own_en: set[str], own_zh: set[str]) -> bool:
    """Some sentence of ``text`` gives the claimed office to the figure; an office named in Chinese is looked for
    in an English passage by its English name (執政官: consul)."""
    if CJK_RE.search(claim.head) and not CJK_RE.search(text):
        english = [en for zh, en in vocab()["zh"]["en_offices"].items() if zh in claim.head]
        if not english:
            return False
        claim = RoleClaim("office", max(english, key=len), claim.text)
    if CJK_RE.search(claim.head):
        return any(_zh_office_held(claim, s, own_zh) for s in split_sentences(to_simplified(text)) or [text])
    return any(_en_office_held(claim, s, own_en) for s in split_sentences(text) or [text])


__all__ = ["clause_subject", "role_failures"]
