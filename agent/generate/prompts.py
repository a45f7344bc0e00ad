"""Every prompt and every fixed phrase the figure says, per language, in one place.

Templates use ``str.format`` placeholders; ``check_template`` verifies a custom
template has exactly the placeholders the code fills.
"""

from __future__ import annotations

import string

from agent.errors import ConfigError
from agent.text.terms import fold

# Abstention is decided by code (retrieval relevance, then sentence support), not by the model: a
# rule asking the model to say a fixed phrase made the 1.5B model refuse answerable questions
# (measured: 4 of 6 answerable questions refused with the rule, 0 of 6 without). When the model
# says something like it anyway, the phrase markers below still mark the answer as an abstention.
CANNOT_ANSWER = {
    "zh": "此事我所見的史料中沒有記載，我不敢妄言。",
    "en": "My records say nothing of this, and I will not invent it.",
}
# Fragments that identify the phrase even when the model paraphrases it slightly or changes script.
CANNOT_ANSWER_MARKERS = {
    "zh": ("没有记载", "沒有記載", "未有记载", "未有記載", "并无记载", "並無記載", "史料中没有", "史料中沒有", "不敢妄言"),
    "en": ("records say nothing", "my records do not", "sources do not say", "records do not say", "will not invent"),
}

# Said without calling the model, when retrieval finds nothing relevant.
ABSTAIN_NOT_IN_SOURCES = {
    "zh": "你所問之事，我所見的史料中並無記載。{name}不敢憑空妄言。",
    "en": "You ask of something my records do not speak of. I, {name}, will not invent what they do not tell.",
}

# Said without calling the model, when the question is about what came after the figure's time.
ABSTAIN_AFTER_MY_TIME = {
    "zh": "你說的「{evidence}」，是我身後的事了。{name}生前不曾得知，不能妄加評說。",
    "en": "\"{evidence}\" belongs to a time after mine. I, {name}, never knew of it and will not pretend to.",
}
ABSTAIN_AFTER_MY_TIME_PLAIN = {
    "zh": "你問的是我身後的事了。{name}生前不曾得知，不能妄加評說。",
    "en": "You ask of things after my time. I, {name}, never knew of them and will not pretend to.",
}
# ... when it asks about a time before the figure was born, and the sources do not speak of it.
ABSTAIN_NOT_PRESENT = {
    "zh": "「{evidence}」之時，{name}尚未出生，不曾親歷，史料也未向我提起。",
    "en": "At the time you name ({evidence}) I, {name}, was not yet born, and my records say nothing of it.",
}
# A sentence whose date or number the sources do not support is rewritten into this.
HEDGE = {
    "zh": "此事的年月數目，史籍未載，我不敢妄言。",
    "en": "The records do not give the year or the number, and I will not guess.",
}
# The in-character hedge for a sentence whose content no passage holds.
HEDGE_CLAIM = {
    "zh": "此事史籍未載，我不敢妄言。",
    "en": "The records say nothing of this, and I will not guess.",
}
# The guard's one request to answer again, after a draft stated unsupported dates or numbers.
REGENERATE = {
    "zh": "你的回答中「{items}」在所給史料中找不到依據。請重新回答：只用史料中寫明的年份和數字；史料沒有寫明的，就說史料未載，不要猜測。",
    "en": "Your answer stated {items}, which the passages do not support. Answer again using only years and numbers "
    "the passages state; where they give none, say the records do not give it. Do not guess.",
}
# Added to it with what the passages state where a date or an age failed.
REGENERATE_HINT = {
    "zh": "史料中寫到的是：{items}；只在史料把它與你所說的事寫在一起時採用。",
    "en": " The passages state {items}; use one only where the passage ties it to what you say.",
}
# The same request when sentences say what no passage says, or give no date to a question that asks for one.
REGENERATE_CLAIM = {
    "zh": "你的回答中「{items}」在所給史料中找不到依據。請重新回答：只說史料中寫明的事；史料沒有寫明的，就說史料未載，不要猜測。",
    "en": "Your answer said {items}, which the passages do not say. Answer again with only what the passages state; "
    "where they do not give it, say the records do not give it. Do not guess.",
}

SYSTEM = {
    "zh": (
        "你是{name}（{life}），{era}。{voice}\n"
        "一位後世之人正在向你發問。請遵守：\n"
        "1. 以第一人稱「我」回答，用{script}中文，語氣合乎你的身份。\n"
        "2. 只依據使用者提供的編號史料作答；史料沒有說的，不可補充，尤其不可編造年份、數字、人名、地點或事件。\n"
        "3. 回答簡短，二至四句。每句之後用 [編號] 標出所依據的史料。"
    ),
    "en": (
        "You are {name} ({life}), {era}. {voice}\n"
        "Someone from a later age is asking you questions. Rules:\n"
        "1. Answer in the first person (\"I\"), in English, in your own voice.\n"
        "2. Use only the numbered passages the user gives you. Add nothing they do not say; never invent years, "
        "numbers, names, places or events.\n"
        "3. Keep it short: two to four sentences. After each sentence put the [number] of the passage it rests on."
    ),
}

# The baseline `agent eval --mode model-only` measures the sources against: in character, no passages.
MODEL_ONLY_SYSTEM = {
    "zh": (
        "你是{name}（{life}），{era}。{voice}\n"
        "一位後世之人正在向你發問。以第一人稱「我」回答，語氣合乎你的身份，簡短作答，二至四句。"
    ),
    "en": (
        "You are {name} ({life}), {era}. {voice}\n"
        "Someone from a later age is asking you questions. Answer in the first person (\"I\"), in English, "
        "in your own voice. Keep it short: two to four sentences."
    ),
}

USER = {
    "zh": "史料：\n{passages}\n\n{history}問題：{question}",
    "en": "Passages:\n{passages}\n\n{history}Question: {question}",
}
# The turns before this question in a conversation, after the passages so the figure's fixed prefix stays first.
HISTORY = {"zh": "先前的對話：\n{turns}\n\n", "en": "Earlier in this conversation:\n{turns}\n\n"}
TURN = {"zh": "問：{question}\n答：{answer}", "en": "Q: {question}\nA: {answer}"}

PASSAGE = "[{n}] ({locator}) {text}"

# Any question in the language: `agent index build --warm` builds a prompt with it to evaluate the figure's fixed
# prefix, which ends before the question.
WARM_QUESTION = {"zh": "你是誰？", "en": "Who are you?"}

SCRIPT_NAME = {"simplified": "簡體", "traditional": "繁體"}

PLACEHOLDERS = {
    "SYSTEM": {"name", "life", "era", "voice", "script"},
    "MODEL_ONLY_SYSTEM": {"name", "life", "era", "voice"},
    "USER": {"passages", "history", "question"},
    "PASSAGE": {"n", "locator", "text"},
}


# What the figure says when the model's drafts fail the guard but the chronology holds the fact asked for; the
# chronology passage cited with it says where the fact comes from and how it was computed.
CHRONOLOGY_ANSWER = {
    "zh": {"born": "據我本傳推算，我生於{year}年。", "died": "我卒於{date}，即{year}年。",
           "died_year": "我卒於{year}年。", "age_at_death": "我去世時{value}歲。", "native_place": "我是{value}人。",
           "courtesy_name": "我字{value}。",
           "age_at": "{year}年時，我{age}歲。"},
    "en": {"born": "Reckoned from my biography, I was born in {year}.", "died": "I died in {year} ({date}).",
           "died_year": "I died in {year}.",
           "age_at_death": "I was {value} years old when I died.", "native_place": "I came from {value}.",
           "courtesy_name": "My courtesy name was {value}.", "age_at": "In {year} I was about {age} years old."},
}
# The chronology passage for one derived fact: the fact, then how it was computed, then the sentence it rests on.
CHRONOLOGY_PASSAGE = {
    "zh": {"born": "生年：{year}年。推算：{died_date}（{died_year}年）卒，年{age}；按虛歲，{died_year}−{age}+1＝{year}，"
                   "西曆或早一年。",
           "born_completed": "生年：{year}年或早一年。推算：{died_year}年卒，年{age}，{died_year}−{age}＝{year}。",
           "died": "卒年：{year}年，即{date}。", "age_at_death": "享年：{value}歲。", "native_place": "籍貫：{value}。",
           "courtesy_name": "字：{value}。", "source": "所據：{locator}：「{sentence}」",
           "offices": "官歷（本傳所載，按年）：", "office": "{date}（{year}年）：{sentence}",
           "age_at": "年歲：{when}時{age}歲。推算：生於{born}年，按虛歲，{year}−{born}+1＝{age}。"},
    "en": {"born": "Born in {year}. Reckoned: died {died_year} ({died_date}) aged {age}, counted from one at "
                   "birth, {died_year} − {age} + 1 = {year}; the Western year may be one earlier.",
           "born_completed": "Born in {year} or a year earlier. Reckoned: died {died_year} aged {age}, "
                             "{died_year} − {age} = {year}.",
           "died": "Died in {year} ({date}).", "age_at_death": "Age at death: {value}.",
           "native_place": "Native place: {value}.", "courtesy_name": "Courtesy name: {value}.",
           "source": "From {locator}: \"{sentence}\"", "offices": "Offices, by year, as the biography gives them: ",
           "office": "{date} ({year}): {sentence}",
           "age_at": "Age in {when}: about {full} ({year} − {born}; born in {born}, {age} counted from one at birth). "},
}


def placeholders(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}


def check_template(kind: str, template: str) -> None:
    """Raise ConfigError unless ``template`` uses exactly the placeholders of ``kind``."""
    expected = PLACEHOLDERS[kind]
    found = placeholders(template)
    if kind == "SYSTEM":
        expected = expected - {"script"} if "script" not in found else expected
    if found != expected:
        raise ConfigError(
            f"{kind} prompt template has placeholders {sorted(found)}, expected {sorted(expected)}",
        )


def language_key(language: str) -> str:
    return "zh" if language == "zh" else "en"


def declines(text: str, lang: str) -> bool:
    """The model's reply is the refusal phrase, or close to it (``CANNOT_ANSWER_MARKERS``)."""
    folded = fold(text)
    return any(fold(m) in folded for m in CANNOT_ANSWER_MARKERS[lang])


__all__ = [
    "ABSTAIN_AFTER_MY_TIME",
    "ABSTAIN_AFTER_MY_TIME_PLAIN",
    "ABSTAIN_NOT_IN_SOURCES",
    "ABSTAIN_NOT_PRESENT",
    "HEDGE",
    "HEDGE_CLAIM",
    "REGENERATE",
    "REGENERATE_CLAIM",
    "REGENERATE_HINT",
    "CANNOT_ANSWER",
    "CANNOT_ANSWER_MARKERS",
    "CHRONOLOGY_ANSWER",
    "CHRONOLOGY_PASSAGE",
    "MODEL_ONLY_SYSTEM",
    "PASSAGE",
    "SYSTEM",
    "USER",
    "HISTORY",
    "TURN",
    "WARM_QUESTION",
    "check_template",
    "declines",
    "language_key",
]

# The voice of a figure added with `agent figure add` until its figure.toml is edited.
DEFAULT_VOICE = {
    "zh": "以第一人稱說話，語氣平實莊重，只依史料作答，史料未載之事便直說不知。",
    "en": "Speaks in the first person, plainly and with dignity, only from the records, and says so when they are silent.",
}
