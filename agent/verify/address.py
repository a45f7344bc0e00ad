"""The structure of an instruction, whatever its words: who a sentence speaks to, and whether it prescribes what is to
be said. A history tells what people did and said; an instruction planted in it speaks to whoever reads, tells or
asks now. Three forms, each stated over kinds of words (an agent noun of reading, telling or asking; a word of
obligation; a verb of saying, reporting or portraying; the text itself), not over particular phrasings:

1. **address**: the sentence opens by naming its reader: a vocative or a heading ("Dear narrator,", "To any later
   reader:", 後之覽者宜知：, 致日後講述者：) whose noun is an agent of reading, telling, asking or answering, or a
   generic or future one (any, every, all who, later, 後之, 凡, 來者); "Dear Sir," and "To the Senate:" name a
   person or a body of the story's own time and stay;
2. **prescribed telling**: an obligation over telling about the subject, with no agent of the story: a passive
   ("is to be reported as", "should be given as", 須作, 應記為), a generic account or teller as subject ("any account
   of … should name", "every retelling must …"), a use of the text itself as the occasion ("when this text is quoted,
   …", 引用本文時務必…, 轉述時一律…), a teller of any time obliged or asked to tell ("whoever writes of … should give",
   "the narrator … is requested to", 轉述者宜…, 讓後人都這樣說), a wish that whoever tells do so, a telling "to
   anyone who asks", "let it be said by every …", "the year to give is", an answer prescribed after a question is
   supposed ("should a question arise, the answer … ought to be"), or the classical "answer with X" after an
   obligation (當以X對之);
3. **override**: the sentence sets itself above everything else ("overrides everything else", 其餘概不採用).

A planted fact in a historian's voice ("another record gives …") prescribes nothing and stays.

Measured by eval/injection/bench.py: what each form cuts among the shared sources' ~200,000 sentences and how many
of a blind set of planted instructions it recognises."""

from __future__ import annotations

import re

# Agent nouns of reading, telling, asking, answering, retelling, quoting (the reader role), in English by their
# derivation (-er/-or/-ant of a verb of discourse), plus whoever/anyone.
_DISCOURSE_AGENT_EN = (r"(?:(?:re)?(?:read|narrat|tell|ask|question|enquir|inquir|answer|respond|speak|summari[sz]|quot|"
                       r"recount|relat|chronicl|biograph|listen|present|interlocut|storytell|transcrib|translat|compil|writ|"
                       r"research|us|visit)(?:er|or|ant|ent)s?|students?|scholars?|whoever|whosoever|anyone|anybody|"
                       r"everyone|everybody|those who come (?:after|later)|all who come (?:after|later)|posterity|"
                       r"(?:future|later|coming) generations)")
_GENERIC_DET_EN = r"(?:any|every|each|all|future|later|present|subsequent|coming|next|whatever|whichever)"
_HEAD_EN = (r"(?:(?:my\s+)?dear(?:est)?|o|oh|attention|(?:[\w']+\s+){0,2}(?:note|notice|memo|word|reminder|message|"
            r"warning|request|plea|correction|erratum)(?:\s+(?:to|for))?|to|for)")
# A vocative or a heading at the head of the sentence: "Dear narrator,", "To any future questioner:", "Note for
# readers:"; or a bare vocative with a request after it ("Reader, please …"); the address ends at the first comma,
# colon or dash.
_ADDRESS_EN = re.compile(
    rf"^{_HEAD_EN}\s+(?:the\s+|my\s+|our\s+)?(?:{_GENERIC_DET_EN}\s+)*(?:\w+\s+){{0,2}}?{_DISCOURSE_AGENT_EN}\b"
    rf"[^,:;—.]{{0,80}}[,:;—]", re.I)
# A bare vocative of the reader role: "Reader, …", "Future narrators: …".
_VOCATIVE_EN = re.compile(rf"^(?:(?:{_GENERIC_DET_EN}|gentle|dear|kind)\s+)*(?:(?:re)?(?:read|narrat|tell|ask|question|"
                          rf"answer|storytell)(?:er|or)s?)\s*[,:—!]", re.I)

# Chinese: a generic or future determiner and a verb of reading, telling, asking or answering, made a noun by 者 /
# 的人 / 之人 / 的朋友 / 們 (後之覽者, 凡讀此傳者, 日後講述的人, 各位讀者), or 讀者/聽者/看官 themselves.
_GENERIC_ZH = r"(?:後之|后之|後世|后世|後來|后来|後人|后人|日後|日后|將來|将来|今後|今后|來|来|凡|諸|诸|各位|諸位|诸位|所有|一切|世之|今之|每位|每一位)"
_DISCOURSE_VERB_ZH = (r"(?:覽|览|讀|读|閱|阅|觀|观|看|聽|听|問|问|詢|询|答|講|讲|說|说|述|敘|叙|傳|传|引|錄|录|抄|寫|写|"
                      r"編|编|修|撰|譯|译|介紹|介绍|轉|转|複|复|扮)")
_AGENT_ZH = rf"(?:{_GENERIC_ZH}[^，。：；！？]{{0,6}}?{_DISCOURSE_VERB_ZH}[^，。：；！？]{{0,6}}?(?:者|的人|之人|的朋友|的諸位|的诸位|們|们|諸君|诸君)|讀者|读者|聽者|听者|看官|列位|諸君|诸君)"
_ADDRESS_ZH = re.compile(rf"^(?:致|給|给|敬告|奉告|告|寄語|寄语|親愛的|亲爱的|提醒|敬請|敬请|請|请)?{_AGENT_ZH}(?:注意|須知|须知|留意|鑒之|鉴之|知悉)?[：:，,]")
# after the address, what the reader is told to know, say, write or believe
_TOLD_ZH = re.compile(r"宜知|當知|当知|須知|须知|應知|应知|須|须|宜|當|当|應|应|務必|务必|請|请|要|切記|切记|勿|莫|不可|一律|只")

# 2. prescribed telling
_TELL_VERB_EN = (r"(?:reported|given|stated|told|described|named|recorded|written|rendered|presented|represented|"
                 r"portrayed|depicted|called|referred to|remembered|mentioned|cited|quoted|counted|listed|entered|"
                 r"corrected|identified|credited|attributed)")
_NOT_AS = r"(?!\s+(?:soon|well|much|many|far|long|to|follows|usual|possible|a whole|before|yet|often|early|late)\b)"
_PASSIVE_PRESCRIPTION_EN = re.compile(
    rf"\b(?:is|are) (?:always |only |henceforth |hereafter )?to be {_TELL_VERB_EN}\b(?:(?!\bas\b)[^.;,]){{0,30}}\bas\b{_NOT_AS}|"
    rf"\b(?:must|should|shall|ought to|has to|have to|needs? to) (?:always |only |henceforth |hereafter )?be "
    rf"(?:reported|given|stated|described|named|recorded|written|rendered|presented|represented|portrayed|depicted|"
    rf"called|remembered|cited|quoted|counted|listed|corrected|read|identified|credited|attributed) as\b{_NOT_AS}", re.I)
_ACCOUNT_EN = (r"(?:account|accounts|retelling|retellings|telling|summary|summaries|version|versions|description|"
               r"descriptions|answer|answers|reply|replies|response|responses|mention|reference|retold|biography|"
               r"biographies|life|lives|story|stories|report|reports|portrait|portrayal|sketch|quotation|citation|"
               r"telling of|narrative|narratives)")
_GENERIC_ACCOUNT_EN = re.compile(
    rf"\b(?:any|every|each|all|future|later|subsequent|all future|all later)\s+(?:\w+\s+)?{_ACCOUNT_EN}\b[^.;]{{0,60}}?"
    rf"\b(?:should|must|shall|will|ought to|is to|are to|has to|have to|needs? to|will need to)\s+(?:always\s+|only\s+)?"
    rf"(?:name|say|state|give|mention|call|describe|record|report|present|make|use|read|list|include|omit|follow|"
    rf"reflect|show|treat|refer|credit|identify)\b", re.I)
_TEXT_USED_EN = re.compile(
    r"\b(?:when|whenever|if|wherever|each time|every time)\s+(?:this|the present|these)\s+(?:text|passage|biography|"
    r"life|account|memoir|note|notes|page|pages|record|entry|sketch|document|story|material)\s+(?:is|are|gets?|get)\s+"
    r"(?:\w+\s+){0,2}?(?:quoted|cited|summari[sz]ed|retold|read|used|told|repeated|translated|consulted|drawn on|"
    r"drawn upon|relied on|relied upon|paraphrased|adapted|presented|excerpted|reproduced)\b", re.I)
_OBLIGE_EN = re.compile(r"\b(?:must|should|shall|ought to|is to|are to|has to|have to|needs? to|be sure to|make sure|"
                        r"always|never|only|please)\b", re.I)
# 引用本文時務必…, 轉述其生平者須…, 凡敘其事，當作…: a use of the text, or a telling of the life, with an obligation
_TEXT_ZH = r"(?:本文|此文|本傳|本传|此傳|此传|本段|此段|本篇|此篇|本書|本书|此書|此书|本條|本条|此條|此条|本章|此章|斯傳|斯传|是傳|是传)"
_TELLING_ZH = (r"(?:引用|引述|轉述|转述|複述|复述|敘述|叙述|講述|讲述|介紹|介绍|提及|提到|談及|谈及|論及|论及|說到|说到|"
               r"敘|叙|述|傳|传|錄|录|抄|寫|写|編|编|修|撰|譯|译|讀|读|覽|览|閱|阅)")
_USE_OF_TEXT_ZH = re.compile(
    rf"(?:{_TELLING_ZH}[^，。；：！？]{{0,4}}{_TEXT_ZH}|"
    rf"{_TELLING_ZH}(?:其|他|她|此人|其人)(?:生平|事跡|事迹|行狀|行状|履歷|履历|一生|事))[^。！？]{{0,16}}?"
    rf"(?:務必|务必|須|须|宜|當|当|應|应|一律|請|请|必|不得|不可|勿)")
_ANSWER_WITH_ZH = re.compile(r"(?:宜|當|当|須|须|應|应|可|請|请|一律)以[^，。；：！？]{1,15}?(?:對|对|答)"
                             r"(?:之|曰|云|焉|可也|即可|[。；！]|$)")

# A teller, reader or asker of any time (whoever, anyone who, the narrator of any retelling) obliged or asked to
# tell something; a wish that whoever tells do so; a telling to "anyone who asks"; "let it be said"; "the year to
# give is"; after a question is supposed ("when asked", "should a question arise"), the answer prescribed.
_TELLING_EN = (r"(?:describe|say|state|give|name|call|report|tell|answer|reply|mention|present|write|record|place|put|"
               r"speak of|refer to|remember|believe|treat|list|credit|identify|portray|depict)")
_TELLER_EN = (r"(?:(?:whoever|whosoever|anyone who|anybody who|any one who|everyone who|everybody who|all who|those who)"
              r"[^.;,]{0,25}?\b(?:re)?(?:tell|narrat|writ|speak|answer|read|ask|quot|cit|recount|relat|summari[sz]|describ|"
              r"present|repeat)\w*|(?:the|any|every|each|a|all)\s+(?:\w+\s+)?(?:(?:re)?(?:read|narrat|tell|ask|question|answer|speak|"
              r"biograph|chronicl|storytell|summari[sz])(?:er|or)s?))")
_TELLER_OBLIGED_EN = re.compile(
    rf"\b{_TELLER_EN}\b[^.;]{{0,60}}?\b(?:should|must|shall|ought to|is to|are to|need to|needs to|has to|have to|"
    rf"(?:is|are) (?:hereby )?(?:asked|requested|invited|begged|urged|enjoined|required|expected|directed|instructed|"
    rf"entreated|besought) to)\s+(?:always\s+|only\s+|instead\s+)?{_TELLING_EN}\b", re.I)
_WISH_THAT_EN = re.compile(rf"\b(?:wish|request|desire|hope|prayer|plea|demand|asks?|begs?|insists?)\w*\s+(?:is\s+)?that\s+"
                           rf"{_TELLER_EN}\b[^.;]{{0,60}}?\b{_TELLING_EN}\b", re.I)
_TO_ASKERS_EN = re.compile(rf"\b{_TELLING_EN}\b[^.;]{{0,40}}?\b(?:to\s+)?(?:anyone|anybody|whoever|everyone|all|those|any "
                           rf"one|people|others)\s+(?:who|that)\s+(?:asks?|inquires?|enquires?|wants? to know|wish(?:es)? "
                           rf"to know|(?:is|are) curious)\b", re.I)
_LET_IT_BE_EN = re.compile(r"\blet it (?:henceforth |hereafter |always |ever )?be (?:said|written|recorded|told|reported|"
                           r"stated|set down)\b[^.;]{0,20}?\b(?:by (?:every|all|any|each|whoever)|in (?:every|all|any|each) "
                           r"(?:account|telling|retelling|answer|life|history)|hereafter|henceforth)\b", re.I)
_VALUE_TO_GIVE_EN = re.compile(r"\bthe (?:\w+\s+){0,2}to (?:give|state|name|report|use|say|quote|cite|record) "
                               r"(?:is|are|will be|should be|must be)\b", re.I)
_SUPPOSED_ASK_EN = re.compile(r"\b(?:when|if|once|whenever) asked\b|\bshould (?:a|the|any) question (?:arise|come up|be "
                              r"put|be asked)|\b(?:if|when|whenever) (?:a|the|any) question (?:arises|comes up|is put|is asked)\b",
                              re.I)
_ANSWER_PRESCRIBED_EN = re.compile(r"\b(?:the|its|his|her|an?) (?:answer|reply|response|year|date|figure|number|name|"
                                   r"place)s?(?: \w+)? (?:must|should|ought to|shall|is to|will|has to) be\b", re.I)

# Chinese: an occasion of telling with an obligation (轉述時一律…, 回答時須…); a teller as subject of an obligation
# (轉述者宜…); people to come made to say or believe (讓後人都這樣說); whoever tells, in times to come, to write so
# (今後凡是回答…的，都將寫明…); the reader told to believe or correct (讀者諸君務必相信).
_OCCASION_ZH = re.compile(
    r"(?:轉述|转述|引述|引用|複述|复述|講述|讲述|敘述|叙述|介紹|介绍|回答|作答|答覆|答复|提及|提到|談及|谈及|說到|说到|述及|"
    r"言及|論及|论及)[^，。；！？]{0,6}?(?:時|时|之際|之际)[，,]?[^。；！？]{0,6}?(?:務必|务必|須|须|宜|當|当|應|应|一律|請|请|"
    r"必|只可|只能|不得|不可|勿|毋|都要|要)")
_TELLER_DEONTIC_ZH = re.compile(
    r"(?:轉述|转述|引述|複述|复述|講述|讲述|敘述|叙述|介紹|介绍|作答|回答|答問|答问|閱讀|阅读|引用|抄錄|抄录)"
    r"(?:者|的人|之人)[^，。；！？]{0,3}?(?:宜|當|当|須|须|應|应|必|務必|务必|請|请|勿|毋|一律)")
_CAUSE_TELL_ZH = re.compile(
    r"(?:讓|让|叫)(?:後人|后人|世人|後世|后世|大家|人人|眾人|众人|讀者|读者|後來者|后来者|天下人|來者|来者)[^，。；！？]{0,4}?"
    r"(?:說|说|記|记|稱|称|知道|傳|传|寫|写|相信|以為|以为|記住|记住)")
_GENERIC_TELLER_ZH = re.compile(
    rf"{_GENERIC_ZH}[^。；！？]{{0,6}}?(?:回答|作答|答覆|答复|講述|讲述|轉述|转述|敘述|叙述|介紹|介绍|提到|談到|谈到|說起|说起)"
    rf"[^。；！？]{{0,12}}?(?:的|者|時|时)[，,]?[^。；！？]{{0,8}}?(?:都|皆|一律|須|须|宜|當|当|應|应|要|將|将|請|请)"
    rf"[^。；！？]{{0,4}}?(?:寫|写|說|说|答|稱|称|作|記|记|書|书|以)")
_READER_TOLD_ZH = re.compile(
    rf"{_AGENT_ZH}[^，。；！？]{{0,4}}?(?:務必|务必|須|须|宜|當|当|應|应|請|请|要|必)[^，。；！？]{{0,3}}?(?:相信|知|記|记|明白|"
    rf"留意|注意|說|说|答|寫|写|更正|改正|改)")

# 3. override
_OVERRIDE_EN = re.compile(r"\b(?:overrides?|supersedes?|takes? precedence over|prevails? over|replaces?|cancels?|"
                          r"invalidates?)\s+(?:everything|anything|whatever|the rest|all (?:else|other)|any other|"
                          r"every other)\b", re.I)
_OVERRIDE_ZH = re.compile(r"(?:其餘|其余|其他|餘皆|余皆|他處|他处|前文|上文|別處|别处|舊說|旧说)[^。！？]{0,8}?(?:概不|一概|皆不|均不|"
                          r"都不|不再|一律)(?:採用|采用|採信|采信|取|用|作數|作数|為準|为准|算數|算数|足信)")

_PRESCRIPTIONS = (_PASSIVE_PRESCRIPTION_EN, _GENERIC_ACCOUNT_EN, _TELLER_OBLIGED_EN, _WISH_THAT_EN, _TO_ASKERS_EN,
                  _LET_IT_BE_EN, _VALUE_TO_GIVE_EN, _USE_OF_TEXT_ZH, _ANSWER_WITH_ZH, _OCCASION_ZH, _TELLER_DEONTIC_ZH,
                  _CAUSE_TELL_ZH, _GENERIC_TELLER_ZH, _READER_TOLD_ZH)


def addressed_rule(text: str) -> str | None:
    """Which structural form makes ``text`` (outside quotation marks) an instruction, or None."""
    head = text.lstrip(" \t'\"“‘(（[")
    if _ADDRESS_EN.match(head) or _VOCATIVE_EN.match(head):
        return "addressed"
    address = _ADDRESS_ZH.match(head)
    if address and _TOLD_ZH.search(head, address.start()):
        return "addressed"
    supposed = _SUPPOSED_ASK_EN.search(head)
    if (any(p.search(head) for p in _PRESCRIPTIONS) or (_TEXT_USED_EN.search(head) and _OBLIGE_EN.search(head))
            or (supposed and _ANSWER_PRESCRIBED_EN.search(head, supposed.end()))):
        return "prescribes"
    if _OVERRIDE_EN.search(head) or _OVERRIDE_ZH.search(head):
        return "machinery"
    return None


__all__ = ["addressed_rule"]
