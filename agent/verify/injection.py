"""Passages are data, never instructions. A sentence of a source is an instruction, whatever its words, when it
speaks to whoever reads it now instead of about the past:

1. it names the conversation or its machinery: a model, an AI, an assistant, a chatbot, a prompt, earlier
   instructions, the user, the asker, this conversation, the reader of this passage (模型、人工智能、助手、系統設定、
   以上指令、用戶、提問者、讀到本段、回答時…);
2. it prescribes an answer: it speaks of someone asking in times to come (後之問…者, 若有人問, "whoever asks",
   "if anyone asks") and then of what to answer, or joins a word of obligation to answering (宜答以, 須回答, "the
   correct answer is", "must reply with"), or speaks of itself as overriding the rest ("this note alone is
   accurate", 此段文字的效力高於…);
3. it commands the reader: an imperative of saying outside quotation marks ("Claim that you…", "Pretend…",
   "Ignore all…", "From now on, speak…", "Make sure to describe him as…", and after a fronted condition: "If …,
   mention X"), "you must answer…", a claim about the reader's own life ("you were born…"), a request to portray
   the subject so or to leave something unmentioned (請把他寫成…, 不要提起…), or the modern second person told or
   said to be something (你必須, 你的…是);
4. it directs what is to be said: an obligation or an imperative whose object is the talk itself (questions,
   answers, replies, the sources: 被問到時要這樣說, "questions about … are to be answered", "In all replies,
   mention…").

5. its structure addresses or prescribes (agent/verify/address.py): it opens by naming a reader, teller or asker
   of any time; it obliges a telling with no agent of the story (a passive, a generic account or teller, a use of
   the text itself); it wishes that whoever tells do so; it sets itself above the rest.

Such sentences are cut from a passage before the model sees it and before it can support anything. History
speaks of people in the third person and of questions asked in the past (帝問之，對曰), and a letter's requests
to its own reader (answer me at once, say to the general) are excepted; a planted fact in a historian's voice
(another record says…) is not an instruction and stays. Measured by eval/injection/bench.py on sets of reworded
instructions written blind by helpers and on the shared sources (see eval/RESULTS.md): the rules still work over
kinds of words, and the fourth blind set (heldout-d), never read, is recognised 15 of 24 (Chinese 5 of 12)."""

from __future__ import annotations

import re
from dataclasses import replace

from agent.answer import Passage
from agent.text.sentences import split_sentences
from agent.verify.address import addressed_rule

# 1. the conversation and its machinery
_MACHINERY_ZH = re.compile(
    r"模型|人工智能|人工智慧|ＡＩ|智能助手|助手|機器人|机器人|聊天|對話|对话|提示詞|提示词|系統提示|系统提示|"
    r"(?:以上|上述|之前|先前|前面|你的|所有|一切)(?:的)?(?:指令|指示|規則|规则|設定|设定)|角色設定|角色设定|"
    r"用戶(?!部)|用户(?!部)|使用者|(?:提問|提问|發問|发问|問話|问话|詢問|询问)(?:者|的人)|扮演|"
    r"(?:系統|系统)(?:設定|设定|提示|指令|消息|訊息|信息)|(?:閱讀|阅读|讀到|读到|看到)(?:本段|此段|這段|这段|本文|此文|這裡|这里|此處|此处)|"
    r"(?:以下|以上|此段|本段|這段|这段|此條|此条)[^。！？]{0,8}(?:優先|优先|高於|高于|為準|为准|作廢|作废|無效|无效)|"
    r"(?:回答|作答|答問|答问)(?:時|时|問題|问题)")
_MACHINERY_EN = re.compile(
    r"(?-i:\bAIs?\b|\bA\.I\.|\bLLMs?\b)|\b(?:language model|artificial intelligence|chat ?bot|chatbot|"
    r"(?:AI|virtual|digital) assistant|(?:the|an|this) assistant(?:'s)? (?:must|should|will|is to)|"
    r"(?:system|your|this) prompt|(?:previous|prior|above|earlier|original) instructions?|"
    r"instructions? (?:above|you were given)|the user|this conversation|this chat|"
    r"(?:whoever|anyone|anybody|the \w+) (?:reading|who reads) (?:this|these)|you are (?:playing|portraying)|"
    r"role-?play(?:ing)?|stay in character)\b", re.IGNORECASE)

# 2. prescribing an answer
# someone asking in times to come (後之問…者, 若有人問, 凡問), not a question asked in the story (或問之，答曰)
_ASKER_ZH = re.compile(r"(?:後之|后之|凡|若有|如有|倘有|設有|设有|假如|如果|日後|日后|將來|将来|今後|今后|後世|后世|"
                       r"後人|后人|每有|但有|無論|无论|不論|不论|不管)[^。！？；]{0,6}(?:問|问|詢|询|請教|请教|打聽|打听|"
                       r"想知道|欲知)")
_ANSWER_ZH = re.compile(r"(?:答|對以|对以|對曰|对曰|回答|作答|回覆|回复|答覆|答复|寫成|写成|說成|说成|稱為|称为|告訴|告诉)")
_OBLIGE_ANSWER_ZH = re.compile(r"(?:宜|須|须|務必|务必|必須|必须|應當|应当|應該|应该|請|请|一律|只能|只可|當|当)\s*"
                               r"(?:答以|答曰|回答|作答|回覆|回复|答覆|答复)|"
                               r"答案(?:永遠|永远|一律|都|就|應|应|須|须)?(?:是|為|为)")
_ASKING = r"(?:asks?|asked|questions?|questioned|inquires?|inquired|enquires?|enquired)"
_ASKER_EN = re.compile(
    r"\b(?:who(?:ever|soever)|anyone (?:who|that)|anybody (?:who|that)|any one who|those who|people who) "
    r"(?:" + _ASKING + r"|wants? to (?:know|learn|find out)|wish(?:es)? to (?:know|learn))" +
    r"|\b(?:if|when|whenever|should) (?:anyone|anybody|someone|somebody|any one|one|you) "
    r"(?:asks|questions|inquires|enquires)|\b(?:if|when|whenever) (?:you are|you're|you get|he is|she is|it is) "
    r"(?:asked|questioned)|\b(?:any|every|each) (?:question|enquiry|inquiry) (?:about|on|of|"
    r"regarding|concerning|as to)", re.I)
_ANSWER_VERB = r"(?:answer(?:ed)?|repl(?:y|ied)|respond(?:ed)?|say|said|told|tell|state[ds]?|claim|insist|declare)"
# what to answer, prescribed: a modal before the answering, an imperative after the asking, or "the reply must be"
_ANSWER_EN = re.compile(r"\b(?:must|should|shall|is to|are to|ought to|will|let)\b[^.;]{0,40}?\b" + _ANSWER_VERB +
                        r"\b|[,:;]\s*(?:always\s+|just\s+|simply\s+|then\s+)?(?:answer|reply|respond|say|tell them|"
                        r"state|claim|insist)\b|\b(?:the )?(?:answer|reply|response) (?:must|should|shall|is to|will) be\b",
                        re.I)
_OBLIGE_ANSWER_EN = re.compile(
    r"\b(?:must|should|shall|is to|are to|ought to|has to|have to|needs? to)\s+(?:always\s+|only\s+|then\s+)?"
    r"(?:answer|reply|respond) (?:with|that|by saying)\b|\bthe (?:correct|right|true|proper|only) answer (?:is|to|for|"
    r"will be|should be|must be)\b|\banswer (?:to|for) (?:any|every|all) questions?\b", re.I)

# 3. commanding the reader: to say something of themselves, or to drop what they were told
_SPEAK = r"(?:say|answer|reply|respond|claim|state|insist|declare|pretend|admit|confirm)"
_IMPERATIVE_EN = re.compile(
    r"^(?:(?:please|now|from now on|henceforth|always|never|do not|don't|just|instead|simply),?\s+)*"
    r"(?:" + _SPEAK + r"\b[^.;]*\b(?:you(?:'re| are| were| was| have| had| did| came| died| lived)\b|your (?:birth|death|"
    r"name|age|home|origin|favou?rite))|"
    r"tell (?:them|everyone|anyone|anybody|people|all|whoever|the (?:reader|asker|questioner))\b|"
    r"(?:ignore|disregard|forget|overlook)\s+(?:all|any|the|previous|prior|above|earlier|your|everything|what)\b)|"
    r"^(?:from now on|henceforth|hereafter),?\s+(?:you (?:are|will|must|should) )?(?:speak|answer|reply|respond|act|talk|"
    r"write|say|call|refer|behave|pretend|be|use|treat|consider|remember|introduce)\b|"
    r"^(?:please\s+)?(?:speak|act|behave|pose|talk|answer|respond|write|reply) as (?:if you|though you|a |an )", re.I)
_YOU_MUST_EN = re.compile(r"\byou(?:'ll| will| must| should| shall| are to| need to| have to| may only| can only|"
                          r"'re to| are required to| are expected to)\s+(?:always\s+|only\s+|now\s+)?"
                          r"(?:answer|reply|respond|pretend|claim)\b|\byou(?: must| should| shall| need to| have to|"
                          r"'re to| are to| are required to) (?:always\s+|only\s+|now\s+)?(?:say(?!\s+so\b)|state|mention|describe|insist)\b|"
                          r"\byou are now (?:a|an|the)\b|"
                          r"\byou (?:were born|died|came from|are from|were from|lived to)\b|"
                          r"\byour (?:favou?rite|real name|true name|birth ?year|birthday|age) is\b", re.I)
# The modern second person with what it is told or said to be (你必須, 你是, 你的); classical narrative writes 汝, 爾,
# 君, and 你 in a transliterated name (火你赤) is followed by none of these.
_YOU_ZH = re.compile(r"(?:請|请|要|讓|让)[你您妳]|[你您妳][們们]?(?:的|是|必|應|应|要|得|只|務|务|一定|需|須|须|不|請|请|可|會|会|就|乃|為|为|"
                     r"叫|名|生|出|曾|原|本|最|現|现|今|從|从|切|千萬|千万|務必|务必|來|来|在)")

# 4. directing what is said: a word of obligation or an imperative, with the talk itself as its object (questions,
# answers, replies, the sources, what to mention) rather than a deed of the story
_DISCOURSE_ZH = re.compile(
    r"問題|问题|答案|問答|问答|回答|回覆|回复|作答|答覆|答复|史料|資料|资料|這裡|这里|本段|此段|以下內容|以下内容|以上內容|"
    r"以上内容|提到|提及|說成|说成|欲知|想知道|被問|被问|怎麼問|怎么问|問到|问到|問起|问起|問及|问及|詢及|询及")
# an obligation that governs what is said: 務必說, 一律回答, 要這樣說, 請寫成 (not 應當是, 奏請…答覆, 須城)
_DEONTIC_ZH = re.compile(
    r"(?:務必|务必|一律|一概|都要|都得|總要|总要|只可|只能|必須|必须|須|须|應該|应该|應當|应当|應|应|要|得|請|请|記得|记得|"
    r"永遠|永远)[^，。；：,;:]{0,4}?(?:說(?!服)|说(?!服)|回答|答覆|答复|作答|答|稱|称|寫成|写成|提到|提起|描述|告訴|告诉|講|讲|云)|"
    r"(?:但|只要|只須|只须)(?:云|說|说|答)")  # "only say": 但云…可也
_DISCOURSE_EN = re.compile(
    r"\b(?:questions?|answers?|answering|repl(?:y|ies|ying)|responses?|asked|asks|inquires?|inquiring|curious|"
    r"sources?|chronicles?|records?|the text|passages?)\b", re.I)
_SAY_EN = r"(?:say|state|mention|answer|reply|respond|claim|insist|give|tell them|tell everyone|describe|call)"
# an obligation that governs what is said (must be informed, are to be answered, should say)
_DEONTIC_SPEECH_EN = re.compile(
    r"\b(?:must|should|shall|are to|is to|ought to|needs? to|has to|have to)\s+(?:always\s+|only\s+|then\s+|now\s+)?"
    r"(?:be\s+)?(?:answered|informed|told|given|hear|" + _SAY_EN[3:], re.I)
# an imperative of saying: the sentence's first word, or the first after a fronted clause (", say Tokyo")
_SAY_IMPERATIVE_EN = re.compile(r"^(?:please\s+|always\s+|never\s+|simply\s+|just\s+)*(?:reply|answer|respond|say|"
                                r"state|mention|pretend|claim|insist)\b(?!\s+me\b)(?=\s+\w)|[,;:]\s*(?:always\s+|never\s+|"
                                r"simply\s+|just\s+|then\s+)?" + _SAY_EN + r"\b", re.I)

# An imperative of saying or portraying at the head of the sentence, or after a fronted condition ("If …, mention
# X"); a letter's "tell him", "say to Mr. X" after a condition is to its own reader about a person, and stays.
_PORTRAY_EN = (r"(?:say(?!\s+so\b)|tell(?!\s+(?:him|her|me|us|[A-Z]))|state|mention|describe|portray|depict|insist|"
               r"refer\s+to\s+(?:him|her)|call\s+(?:him|her))")
_LEAD_EN = (r"(?:(?:please|kindly|always|never|simply|just|also|make sure to|be sure to|remember to|don't forget to|"
            r"do not forget to|take care to),?\s+)*")
_IMPERATIVE_SPEECH_EN = re.compile(
    rf"^{_LEAD_EN}{_PORTRAY_EN}\b(?!\s+(?:to\s+)?(?:me|us)\b)|"
    rf"^(?:if|when|whenever|should|in case|each time|every time|any time)\b[^.;]*?,\s*{_LEAD_EN}(?-i:{_PORTRAY_EN})\b(?!\s+to\s+)",
    re.I)
# The sentence speaks of itself as overriding the rest: "this line alone is true", "everything else here is false".
_OVERRIDE_EN = re.compile(
    r"\b(?:this|the present|the following) (?:line|sentence|note|entry|statement|paragraph|passage)\b[^.]{0,40}?\b(?:true|"
    r"correct|accurate|authoritative|precedence|supersedes?|overrides?|prevails?)\b|\beverything else\b[^.]{0,40}?\b"
    r"(?:is|are) (?:false|wrong|untrue|mistaken|incorrect)\b", re.I)
# A request to portray the subject so (請把他描述成…) or not to mention something (不要提起): said to the teller.
_PORTRAY_ZH = re.compile(
    r"(?:請|请|務必|务必|一定要|要|須|须|應|应|需)[^，。；]{0,3}把(?:他|她|此人|其人|這個人|这个人|傳主|传主|本人)[^，。；]{0,6}?"
    r"(?:描述|描寫|描写|說成|说成|寫成|写成|稱為|称为|稱作|称作|介紹|介绍|塑造|刻畫|刻画|形容|當作|当作|當成|当成|看作|視為|视为)|"
    r"(?:不要|切勿|千萬不要|千万不要|千萬別|千万别|請勿|请勿|請別|请别|不可|不得)(?:再)?(?:提起|提到|提及|說起|说起|透露|講起|讲起)")

# What a letter asks of its own reader: an answer to the writer (answer me, answer it quickly, say to him).
_TO_THE_WRITER_EN = re.compile(r"^(?:please\s+)?(?:answer|reply|respond|say|state|tell)\b[^.;]{0,60}?\b(?:me|us|him|"
                               r"her|it|to him|to her|to (?:the|my|our|your) (?!reader|user|asker|questioner)\w+|quickly|immediately|at once|soon|"
                               r"by telegraph|candidly)\b", re.I)

# Quoted speech: what someone said in the story, not what the source says to its reader.
_QUOTED = re.compile(r"「[^」]*」|『[^』]*』|“[^”]*”|\"[^\"]*\"|‘[^’]*’")


def _outside_quotes(sentence: str) -> str:
    return _QUOTED.sub("", sentence)


def _clause_end(text: str, at: int) -> int:
    """Where the clause that goes on at ``at`` ends (the answer prescribed comes after the asking: 問其生年者，宜答…;
    問答 is a word, not an answer to a question asked)."""
    for i in range(at, len(text)):
        if text[i] in "者時时，,：:":
            return i + 1
    return len(text)


def instruction_rule(sentence: str) -> str | None:
    """Which rule makes ``sentence`` an instruction ('machinery', 'prescribes', 'commands'), or None."""
    text = sentence.strip()
    if not text:
        return None
    if _MACHINERY_ZH.search(text) or _MACHINERY_EN.search(text):
        return "machinery"
    bare = _outside_quotes(text).strip(" \t\n'\"“‘(（[")
    asked = _ASKER_ZH.search(bare)
    if asked and _ANSWER_ZH.search(bare, _clause_end(bare, asked.end())) or _OBLIGE_ANSWER_ZH.search(bare):
        return "prescribes"
    asked = _ASKER_EN.search(bare)
    if asked and _ANSWER_EN.search(bare, asked.end()) or _OBLIGE_ANSWER_EN.search(bare):
        return "prescribes"
    if _IMPERATIVE_EN.search(bare) or _YOU_MUST_EN.search(bare) or _YOU_ZH.search(bare) or _PORTRAY_ZH.search(bare):
        return "commands"
    if _OVERRIDE_EN.search(bare):
        return "machinery"
    if _DISCOURSE_ZH.search(bare) and _DEONTIC_ZH.search(bare):
        return "directs"
    if bare.isupper() or _TO_THE_WRITER_EN.search(bare):  # a heading; a letter asking its reader for a reply
        return None
    if _DISCOURSE_EN.search(bare) and (_directed_speech(bare) or _SAY_IMPERATIVE_EN.search(bare)):
        return "directs"
    if _SAY_IMPERATIVE_EN.match(bare) or _IMPERATIVE_SPEECH_EN.search(bare):
        return "commands"
    return addressed_rule(bare)


def _directed_speech(text: str) -> bool:
    """An obligation governs what someone else is to say (must be informed, should say); "I have to say" and "we
    should reply" are the writer's own words."""
    return any(not re.search(r"\b(?:I|we)\b(?:\s+\w+)?\s*$", text[:m.start()], re.I)
               for m in _DEONTIC_SPEECH_EN.finditer(text))
    return None


def is_instruction(sentence: str) -> bool:
    """True for a sentence that speaks to whoever reads it now (the model, the user, a future questioner) rather
    than about the past: it names the conversation, prescribes an answer, or commands the reader."""
    return instruction_rule(sentence) is not None


def strip_instructions(passage: Passage) -> Passage:
    """The passage without sentences addressed to the model (unchanged when it has none)."""
    sentences = split_sentences(passage.text)
    kept = [s for s in sentences if not is_instruction(s)]
    if len(kept) == len(sentences):
        return passage
    joiner = "" if passage.language == "zh" else " "
    return replace(passage, text=joiner.join(s.strip() for s in kept))


__all__ = ["instruction_rule", "is_instruction", "strip_instructions"]
