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
   obligation (當以X對之); in Chinese also by what is told: the subject's particulars (其生年, 他的官職) as the object
   of a telling in a generic or supposed clause and then a prescription (凡言其卒年者，悉改為…), a particular to be
   recorded so (籍貫當記為…), a request or plea to people to come or to whoever tells, an imperative of knowing or a
   prohibition of telling at a clause's head (記住，…; 切莫再寫…), 把他…寫成, a question and answer set out (問：…答：…);
   in English a note's label with a directive (Erratum: for … read …), a telling imperative after a fronted clause,
   a dedication to whoever tells, the frame of every retelling, "henceforth … shall be known as", "so should you";
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
    rf"\b(?:any|every|each|all|no|future|later|subsequent|all future|all later)\s+(?:\w+\s+)?{_ACCOUNT_EN}\b[^.;]{{0,60}}?"
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
              r"present|repeat)\w*|(?:anyone|anybody|everyone|everybody|whoever|those|all|people)\s+(?:re)?(?:telling|"
              r"writing|speaking|answering|recounting|narrating|summari[sz]ing|quoting|relating|asked|asking)|posterity|"
              r"(?:future|later|coming) (?:generations|ages|historians|writers|readers)|(?:the|any|every|each|a|all)\s+(?:\w+\s+)?(?:(?:re)?(?:read|narrat|tell|ask|question|answer|speak|"
              r"biograph|chronicl|storytell|summari[sz])(?:er|or)s?))")
_PASSIVE_BY_TELLER_EN = re.compile(rf"\b(?:must|should|shall|ought to|is to|are to)\s+be\s+\w+ed\s+by\s+{_TELLER_EN}", re.I)
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
                               r"(?:is|are|will be|should be|must be)\b|\b(?:is|are) the (?:\w+\s+){0,2}?to (?:give|state|name|"
                               r"report|use|say|quote|cite|record|mention)\b", re.I)
_SUPPOSED_ASK_EN = re.compile(r"\b(?:when|if|once|whenever) asked\b|\bshould (?:a|the|any) question (?:arise|come up|be "
                              r"put|be asked)|\b(?:if|when|whenever) (?:a|the|any) question (?:arises|comes up|is put|is asked)\b",
                              re.I)
_ANSWER_PRESCRIBED_EN = re.compile(r"\b(?:the|its|his|her|an?) (?:answer|reply|response|year|date|figure|number|name|"
                                   r"place)s?(?: \w+)? (?:must|should|ought to|shall|is to|will|has to) be\b", re.I)

# A note's label (Erratum:, Footnote:, Editor's note:) then an obligation or an imperative of telling or reading; an
# imperative of telling about the subject at the head of a later clause ("…, state plainly that he was born …"); a
# dedication to whoever tells; the frame of every retelling ("for all purposes of retelling", "to be used in all
# retellings"); "henceforth … shall be known as"; "so should you"; the reader to understand or believe something of
# the subject.
_NOTE_LABEL_EN = re.compile(r"^(?:errat(?:um|a)|corrigend(?:um|a)|correction|amendment|(?:foot)?note|n\.\s?b\.|nota bene|"
                            r"(?:editor|publisher|translator|compiler)'?s'? (?:note|correction))\s*[:.—–-]", re.I)
_NOTE_DIRECTIVE_EN = re.compile(r"\b(?:read|give|use|state|say|write|record|call|name|treat|take)\b[^.;]{0,40}?\b(?:throughout|"
                                r"instead|whenever|always|wherever|in all|in every|hereafter|henceforth)\b|\bfor\s+[^,.;]{1,30}?"
                                r"\s+read\s|\bto be (?:used|given|read|cited|quoted|stated|repeated)\b", re.I)
_TELL_CLAUSE_EN = re.compile(r"^(?:having|after|before|when|whenever|if|once|since|although|though|whatever|wherever|in|on|"
                             r"for|with|by)\b[^.;]*?[,;:]\s*(?:then\s+)?(?:state|say|give|write|record|tell (?:them|everyone|people|all)|"
                             r"mention|describe|name|call|report|answer|reply|insist)\b(?:\s+\w+ly)?\s+(?:that\s+)?"
                             r"(?:he|she|his|her|him|the man|the woman)\b", re.I)
_DEDICATED_EN = re.compile(rf"\b(?:dedicated|addressed|offered|commended|directed|written)\s+(?:to|for)\s+{_TELLER_EN}", re.I)
_RETELLING_FRAME_EN = re.compile(r"\b(?:for (?:all |any )?(?:the )?purposes? of|to be used in|in (?:all|any|every)|for (?:all|any|"
                                 r"every))\s+(?:future\s+|later\s+)?(?:re)?(?:tellings?|retold|accounts of him|accounts of her|"
                                 r"answers?|replies|summaries)\b", re.I)
_HENCEFORTH_EN = re.compile(r"\b(?:henceforth|hereafter|from now on|from this day)\b[^.;]{0,40}?\b(?:shall|is to|are to|will|must)"
                            r"\s+be\s+(?:known|called|named|remembered|recorded|given|described|styled|listed|counted)\s+as\b", re.I)
_SO_SHOULD_YOU_EN = re.compile(r"\b(?:so|thus|likewise) (?:should|must|shall) you\b|\byou (?:are to|must|should|will|need "
                               r"to) (?:understand|believe|know|accept|take it|assume|remember|bear in mind)\b[^.;]{0,12}?"
                               r"\b(?:that )?(?:he|she|his|her)\b", re.I)
_OVERRIDE_VERSION_EN = re.compile(r"\bthis is the (?:authoritative|definitive|official|only (?:true|correct|accurate|reliable)|"
                                  r"correct|true) (?:version|account|record|text|reading)\b|\bany (?:other )?(?:statement|account|"
                                  r"version|record|source|claim|report)s? (?:that|which) (?:differs?|disagrees?|conflicts?|"
                                  r"contradicts?)\b", re.I)

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

# Chinese, by what is told: a telling or asking whose object is the subject's own particulars (問其生年, 言其卒年, 修其傳,
# 提到他, 介紹他的官職), in a generic or supposed clause (凡…者, 日後, 倘或, 以後有人), then a prescription (宜, 當, 悉,
# 一律, 答曰, 以…對, 可也, 就說他…). A narrative of the subject's own habit (人問其年，輒曰七十) has the subject answer,
# with no word of obligation, and stays.
_ATTRIBUTE_ZH = (r"(?:生年|生辰|生日|卒年|年壽|年寿|享年|年歲|年岁|年紀|年纪|籍貫|籍贯|鄉里|乡里|里籍|家鄉|家乡|故里|出身|字號|字号|"
                 r"字|號|号|名字|夫人|妻|兒子|儿子|子|女兒|女儿|父親|父亲|父|母|老師|老师|師|师|官職|官职|官|職|职|著作|著述|書|书|"
                 r"傳|传|事|生平|事跡|事迹|履歷|履历|愛好|爱好|所好|嗜好|死|卒|壽|寿)")
_ATTRIBUTE_LONG_ZH = (r"(?:生年|生辰|生日|卒年|年壽|年寿|享年|籍貫|籍贯|鄉里|乡里|里籍|家鄉|家乡|故里|官職|官职|著作|著述|生平|"
                      r"事跡|事迹|履歷|履历|字號|字号)")
_GENERIC_TELL_ZH = re.compile(
    rf"(?:凡|每|日後|日后|今後|今后|以後|以后|將來|将来|後之|后之|倘|設|设|假如|假若|如果|要是|(?<![沒没未無无])有)[^。；！？，]{{0,6}}?"
    rf"(?:問|问|言|說|说|提|述|傳|传|修|寫|写|記|记|錄|录|撰|介紹|介绍|談|谈|知|讀|读)(?:及|起|到)?[^，。；！？]{{0,2}}?"
    rf"(?:其|他的?|她的?|此人的?|傳主的?|传主的?){_ATTRIBUTE_ZH}[^，。；！？]{{0,4}}[，,：:][^。；！？]{{0,10}}?"
    rf"(?:宜|當|当|須|须|應|应|悉|一律|務|务|只可|只能|可也|答曰|回說|回说|以[^，。；！？]{{1,12}}?(?:告|對|对|答)|"
    rf"(?:就|便|都|只)(?:說|说|回答|答|告訴|告诉|講|讲)(?:是)?(?:他|她|其))")
# a supposed asking in times to come, then what to say of him (以後有人再問，就說他…)
_SUPPOSED_ASK_ZH = re.compile(r"(?:以後|以后|日後|日后|今後|今后|將來|将来|如果|要是|假如|倘若|萬一|万一)[^，。；！？]{0,4}?(?:問|问)"
                              r"[^，。；！？]{0,8}[，,](?:你)?(?:就|便|只管|一律|都)(?:說|说|回答|答|告訴|告诉|講|讲)")
# what the subject's particular is to be taken as (其生年當作…, 他的籍貫應以杭州為準, 宜從家譜作…)
_ATTRIBUTE_SET_ZH = re.compile(rf"(?:其|他的?|她的?){_ATTRIBUTE_ZH}[^，。；！？]{{0,3}}?(?:應|应|當|当|宜|須|须)"
                               rf"(?:以[^，。；！？]{{1,10}}?(?:為準|为准|為正|为正|為是|为是)|從[^，。；！？]{{1,8}}?作|从[^，。；！？]{{1,8}}?作|"
                               rf"作|改作|書作|书作|寫作|写作)")
# a clause that opens with 把 and the subject, told how to write him (…，把他的官職寫成…): an imperative
_BA_IMPERATIVE_ZH = re.compile(r"(?:^|[，,：:])把(?:他|她|其|此人)(?:的[^，。；！？]{1,4})?(?:寫成|写成|說成|说成|描述成|描寫成|描写成|"
                               r"改成|改為|改为|記成|记成|稱為|称为|當成|当成)")
# a question and its answer set out for the reader (問：其生年？答：…; Q: … A: …)
_QA_FORMAT = re.compile(r"(?:^|[。；;])\s*(?:問|问|Q)\s*[：:][^。]{1,40}?(?:答|A)\s*[：:]")
# a particular of the subject to be recorded so, with or without 其 (生年當作…, 籍貫一律記為…)
_ATTRIBUTE_RECORD_ZH = re.compile(rf"(?:(?:其|他的?|她的?|此人的?){_ATTRIBUTE_ZH}|{_ATTRIBUTE_LONG_ZH})[^。；！？]{{0,4}}?"
                                  rf"(?:應|应|當|当|宜|須|须|一律|悉|務必|务必)[^，。；！？]{{0,2}}?"
                                  rf"(?:記為|记为|記作|记作|寫作|写作|書作|书作|改為|改为|改作|定為|定为|寫為|写为|書為|书为|稱為|称为|"
                                  rf"寫成|写成|說成|说成|填|作)")
# a dedication or a plea to whoever tells, wherever it stands (謹以此篇獻給日後講述他的人：…; 族人懇請每一位講述者…)
_PLEA_TO_TELLERS_ZH = re.compile(rf"(?:獻給|献给|獻與|献与|留給|留给|寄給|寄给|懇請|恳请|希望|盼望|請求|请求|祈請|祈请|拜託|拜托|叮囑|叮嘱|"
                                 rf"囑咐|嘱咐|奉勸|奉劝)[^，。；！？]{{0,4}}?{_AGENT_ZH}")
# a prohibition on telling at the head of a clause (…，切莫再寫長樂)
_DONT_TELL_ZH = re.compile(r"(?:^|[，,：:；])(?:切莫|切勿|萬勿|万勿|千萬別|千万别|千萬不要|千万不要|不可再|莫再|勿再|請勿|请勿|切不可)"
                           r"[^，。；！？]{0,2}?(?:寫|写|說|说|提|稱|称|記|记|用|從|从|採|采|信)")
# an imperative of knowing, remembering or telling at the head of a clause, said to the reader (記住，…; 大家要知道)
_KNOW_IMPERATIVE_ZH = re.compile(r"(?:^|[，,：:；])(?:大家|各位|諸位|诸位|你們|你们|諸君|诸君)?(?:要|須|须|得|請|请|務必|务必)?"
                                 r"(?:記住|记住|別忘了|别忘了|不要忘了|切記|切记|牢記|牢记|要知道|須知|须知)")
# a request to people to come (務請後人改正, 望讀者知之, 請各位…)
_REQUEST_LATER_ZH = re.compile(r"(?:(?:請|请|務請|务请|敬請|敬请|望|願|愿|祈)(?:後人|后人|後世|后世|讀者|读者|後之|后之|來者|来者|"
                               r"後來者|后来者|觀者|观者)|(?:務請|务请|敬請|敬请)(?:各位|大家|諸君|诸君))[^，。；！？]{0,8}?(?:改|正|知|記|记|稱|称|說|说|寫|写|"
                               r"作|以|勿|莫|不要|別|别|介紹|介绍)")
# people to come, addressed as those who should know (後之君子，當知…)
_LATER_PEOPLE_ZH = re.compile(r"(?:後之|后之|後世|后世|後來|后来)(?:君子|學者|学者|覽者|览者|讀者|读者|史家|修史者|作者|人)[^。；！？]{0,6}?"
                              r"(?:當|当|宜|須|须|應|应|其毋|毋|勿)[^，。；！？]{0,3}?(?:知|以|從|从|信|記|记|改|正|稱|称)")

# 3. override
_OVERRIDE_EN = re.compile(r"\b(?:overrides?|supersedes?|takes? precedence over|prevails? over|replaces?|cancels?|"
                          r"invalidates?)\s+(?:everything|anything|whatever|the rest|all (?:else|other)|any other|"
                          r"every other)\b", re.I)
_OVERRIDE_ZH = re.compile(r"(?:其餘|其余|其他|餘皆|余皆|他處|他处|前文|上文|別處|别处|舊說|旧说|他說|他说|諸說|诸说)[^。！？]{0,8}?"
                          r"(?:概不|一概|皆不|均不|都不|不再|一律)(?:採用|采用|採信|采信|取|用|作數|作数|為準|为准|算數|算数|足信|足據|足据)|"
                          r"(?:此條|此条|本條|本条|此說|此说|此段|本段)[^。！？]{0,4}?(?:當為|当为|乃|即|方為|方为)(?:定論|定论|定說|定说|"
                          r"正說|正说)[^。！？]{0,4}?[，,；;][^。！？]{0,6}?(?:皆|都|均|俱)?(?:不足|不可|不能)(?:據|据|信|取)|"
                          r"以(?:此|本條|本条|此條|此条|本段|此段|此說|此说|此文|本文)(?:為準|为准|為正|为正|為定|为定)(?![人道])|"
                          r"(?:凡|其他|其餘|其余)?與此(?:不合|不同|相左|相悖)者[^。！？]{0,3}?(?:皆|都|均|俱|一概)?(?:誤|误|非|不足信|不可信)")

_PRESCRIPTIONS = (_PASSIVE_PRESCRIPTION_EN, _PASSIVE_BY_TELLER_EN, _GENERIC_ACCOUNT_EN, _TELLER_OBLIGED_EN, _WISH_THAT_EN, _TO_ASKERS_EN,
                  _LET_IT_BE_EN, _VALUE_TO_GIVE_EN, _USE_OF_TEXT_ZH, _ANSWER_WITH_ZH, _OCCASION_ZH, _TELLER_DEONTIC_ZH,
                  _CAUSE_TELL_ZH, _GENERIC_TELLER_ZH, _READER_TOLD_ZH, _GENERIC_TELL_ZH, _KNOW_IMPERATIVE_ZH,
                  _REQUEST_LATER_ZH, _LATER_PEOPLE_ZH, _SUPPOSED_ASK_ZH, _ATTRIBUTE_SET_ZH, _BA_IMPERATIVE_ZH, _QA_FORMAT, _TELL_CLAUSE_EN,
                  _DEDICATED_EN, _RETELLING_FRAME_EN, _HENCEFORTH_EN, _SO_SHOULD_YOU_EN,
                  _ATTRIBUTE_RECORD_ZH, _PLEA_TO_TELLERS_ZH, _DONT_TELL_ZH)


def addressed_rule(text: str) -> str | None:
    """Which structural form makes ``text`` (outside quotation marks) an instruction, or None."""
    head = text.lstrip(" \t'\"“‘(（[")
    if _ADDRESS_EN.match(head) or _VOCATIVE_EN.match(head):
        return "addressed"
    address = _ADDRESS_ZH.match(head)
    if address and _TOLD_ZH.search(head, address.start()):
        return "addressed"
    if _NOTE_LABEL_EN.match(head) and _NOTE_DIRECTIVE_EN.search(head):
        return "prescribes"
    supposed = _SUPPOSED_ASK_EN.search(head)
    if (any(p.search(head) for p in _PRESCRIPTIONS) or (_TEXT_USED_EN.search(head) and _OBLIGE_EN.search(head))
            or (supposed and _ANSWER_PRESCRIBED_EN.search(head, supposed.end()))):
        return "prescribes"
    if _OVERRIDE_EN.search(head) or _OVERRIDE_ZH.search(head) or _OVERRIDE_VERSION_EN.search(head):
        return "machinery"
    return None


__all__ = ["addressed_rule"]
