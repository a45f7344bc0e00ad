"""Views the figure gives as its own: "I thought the war necessary", "I opposed the bill", "in my view ...".

Rule: an answer sentence in which the figure states a view as its own is supported only by a passage sentence that
holds the view's words and gives them as the speaker's or the figure's, not as someone else's: where that sentence
has a verb of saying, urging or believing (says, urged, telling, claims, holds), the first person, he or she, or
the figure's name must come before it to be its subject. "At one time urging the national honor ... as among the objects of the
war" reports another's aims and does not make "I thought the war necessary to the national honor" the figure's
view. In Chinese ("我認為…", "我反對…", 依我看) the passage clause must not give the view after a verb of saying or
urging (曰, 言, 謂, 以為, 奏, 請, 勸, 主張) whose subject is another person named before it (張某言…, 某某以為…); a
verb with no subject of its own, as a biography tells its subject's words, is the figure's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from agent.text.script import to_simplified
from agent.text.sentences import split_sentences
from agent.text.terms import content_terms, keyword_tokens
from agent.verify.citations import MARKER_RE, lexical_share, passage_tokens
from agent.verify.role_claims import vocab

# Share of the view's content words a passage sentence must hold to be the one that gives it.
VIEW_SHARE = 0.5

_STANCE_RE = re.compile(
    r"(?i)\b(?:I|we)\s+(?:(?:always|also|still|then|had|have|firmly|strongly|never|once|did\s+not|didn't)\s+){0,2}"
    r"(?:thought|think|believed?|felt|feel|considered?|regarded?|supported|support|favou?red|favou?r|opposed|oppose|"
    r"approved|approve|deemed|judged|maintained|argued|insisted|was\s+(?:convinced|persuaded|sure|certain))\b|"
    r"\b(?:in|to)\s+my\s+(?:view|mind|opinion|judge?ment|eyes)\b|\bmy\s+(?:view|opinion|belief|position)\b")
_REPORT_RE = re.compile(
    r"(?i)\b(?:say|says|said|saying|urge[sd]?|urging|tell|tells|told|telling|claim(?:s|ed|ing)?|assert(?:s|ed|ing)?|"
    r"declar(?:e|es|ed|ing)|contend(?:s|ed|ing)?|insist(?:s|ed|ing)?|argu(?:e|es|ed|ing)|maintain(?:s|ed|ing)?|"
    r"propos(?:e|es|ed|ing)|alleg(?:e|es|ed|ing)|profess(?:es|ed|ing)?|hold(?:s|ing)?|believ(?:e|es|ed|ing)|"
    r"think(?:s|ing)?|thought)\b")
_OWN_SUBJECT_RE = re.compile(r"(?i)\b(?:I|we|he|she)\b")


_STANCE_ZH_RE = re.compile(r"我(?:一向|始終|始终|當時|当时|也|還|还|堅決|坚决|曾|一直|當然|当然)?"
                           r"(?:認為|认为|以為|以为|覺得|觉得|主張|主张|支持|反對|反对|贊成|赞成|相信|堅持|坚持)|"
                           r"在我看來|在我看来|依我看|我的看法|我的意見|我的意见")
_REPORT_ZH_RE = re.compile(r"曰|言|謂|谓|以為|以为|奏|上疏|上書|上书|請|请|勸|劝|主張|主张|認為|认为|說|说")


def states_own_view(sentence: str) -> bool:
    """True for a sentence in which the figure gives a view as its own ("I thought ...", "in my view", 我認為)."""
    return bool(_STANCE_RE.search(sentence) or _STANCE_ZH_RE.search(sentence))


def _reports_another_zh(clause: str, own: Iterable[str]) -> bool:
    """True when a verb of saying or urging in a Chinese clause follows another person's name (a surname, then one
    or two characters) that is not the figure's."""
    surnames = vocab()["zh"]["surnames"]
    for m in _REPORT_ZH_RE.finditer(clause):
        before = clause[max(0, m.start() - 4): m.start()]
        named = re.search(rf"[{surnames}][\u4e00-\u9fff]{{1,2}}$", before)
        if named and not any(o in clause[: m.start()] for o in own):
            return True
    return False


def _view_not_own_zh(sentence: str, passages: Iterable[str], names: Iterable[str]) -> bool:
    own = [to_simplified(n) for n in names if re.search(r"[\u4e00-\u9fff]", n)]
    own += [o[1:] for o in own if len(o) >= 3]
    view = to_simplified(MARKER_RE.sub(" ", _STANCE_ZH_RE.sub(" ", sentence)))
    _words, chars = content_terms(view, exclude=frozenset(own))
    if len(chars) < 3:
        return False
    holding = [c for text in passages for c in re.split(r"[。；！？]", to_simplified(text))
               if len(chars & set(c)) / len(chars) >= VIEW_SHARE]
    return bool(holding) and all(_reports_another_zh(c, own) for c in holding)


def reports_another(sentence: str, names: Iterable[str] = ()) -> bool:
    """True when a verb of saying, urging or believing in ``sentence`` has no first person, he or she or figure's
    name before it in the sentence to be its subject: the words are someone else's ("At one time urging the
    national honor ..."; "The senator tells us that ...")."""
    words = {w for n in names for w in re.findall(r"[a-z]{3,}", n.lower())}  # "Lincoln" names Abraham Lincoln
    for m in _REPORT_RE.finditer(sentence):
        before = sentence[: m.start()]
        if _OWN_SUBJECT_RE.search(before) or words & set(re.findall(r"[a-z]+", before.lower())):
            continue
        return True
    return False


def view_not_own(sentence: str, passages: Iterable[str], names: Iterable[str] = ()) -> bool:
    """True when ``sentence`` gives a view as the figure's own, some passage sentence holds the view's words, and
    every such sentence gives them as someone else's. False when no passage sentence holds them (the content check
    decides that case) or when the sentence is not such a view."""
    if not states_own_view(sentence):
        return False
    if re.search(r"[\u4e00-\u9fff]", sentence):
        return _view_not_own_zh(sentence, passages, names)
    names = [n for n in names if n and re.search(r"[A-Za-z]", n)]
    view = MARKER_RE.sub(" ", _STANCE_RE.sub(" ", sentence))
    words, _chars = content_terms(view, exclude=frozenset(t for n in names for t in keyword_tokens(n)))
    if len(words) < 2:
        return False
    holding = [s for text in passages for s in (split_sentences(text) or [text])
               if lexical_share((words, set()), passage_tokens(s)) >= VIEW_SHARE]
    return bool(holding) and all(reports_another(s, names) for s in holding)


__all__ = ["VIEW_SHARE", "reports_another", "states_own_view", "view_not_own"]
