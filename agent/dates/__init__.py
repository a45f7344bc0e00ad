"""Dates and numbers stated in answers, questions and passages, in Chinese and English.

Every date becomes a :class:`DateMention`: the exact span of the input and an inclusive range of historical
years (``lo``..``hi``). Conventions:

* **Years** are historical, with no year 0: 1 BC = -1, 44 BC = -44, AD 1 = 1. (sanmiao's tables use
  astronomical years, 1 BC = 0; they are converted when loaded.)
* **Circa** ("c. 701", "ca.", "circa", "about", "around", 約701年, 七〇一年左右/前後) widens the year by
  ``CIRCA`` = 2 on each side and sets ``approx``; kind ``"circa"`` (a circa range stays ``"range"``).
* **Ages** (年六十二, 卒年六十二, 享年六十, 年三十有二, 六十二歲, "at the age of 62", "aged 62", "62 years old",
  "in my sixty-second year") become years only with ``born``. A Chinese age or an English ordinal year of
  *n* counts in 虛歲 (year 1 of life is the birth year): ``born + n - 2 .. born + n`` (born + n - 1, ±1).
  An English cardinal age may be completed years or a translated 虛歲: ``born + n - 2 .. born + n + 1``.
  年六十餘 is ages 61-69 and ``approx``. "in his first year [as governor]", "in the first year of Baoying"
  are not ages (an ordinal age needs my/his/her/their, n >= 2, and no "of"/"as"/... after "year").
  Without ``born`` ages are not dates: :func:`extract_numbers` reports them (unit ``"歲"``).
* **Reign eras** come from sanmiao's era table (Chinese calendar streams only; Japanese and Korean eras are
  left out). 元年 is year 1; 載 counts like 年 (天寶三載 = 744); an era may carry a dynasty and/or emperor
  prefix (唐玄宗天寶元年), which narrows the candidates and is part of the span. 神龍初 is the era's first
  three years, 天寶末 its last three, 開元中 / 開元間 / 開元年間 the whole era; all ``approx``.
* **Ambiguous era names** (建元, 上元, 太平 ...): the candidates are the eras of that name long enough for
  the year number. With ``near`` (``anchor`` in :func:`extract_dates`, normally the figure's lifetime) the
  candidate whose year lies inside or closest to the window wins. Otherwise, and on a tie, Tang, Wu Zhou
  and Song eras are preferred, then the other dynasties of the standard succession (Qin, Han, Wei, Jin,
  the Southern dynasties, Sui, the Five Dynasties, Yuan, Ming, Qing), then the rest; the first of those
  tiers that has candidates decides when it has exactly one, else the mention is dropped (上元二年
  without ``anchor``: Tang had two 上元 eras). A mention that is dropped still hides its span from
  :func:`extract_numbers`.
* **Sexagenary years** (甲申年, 歲在甲申, 歲次甲申, 甲申歲) are read only with ``anchor`` and only when
  :func:`sexagenary_years` gives exactly one year; sexagenary days (甲子日, 三月甲子) are never years. A
  ganzhi written right after a reign date (天寶三載甲申, 天寶三載歲次甲申) joins that mention: the era date
  wins.
* **Centuries** ("the 8th century" = 701-800, "the fifth century BC" = -500..-401, 八世紀): early / mid /
  late (初, 中葉, 末 ...) take the first, middle or last 40 years, first/second half 50 years, ``approx``.
  **Decades**: "the 1850s", 1850年代; early/mid/late take 4 years.
* **Ranges** ("431–404 BC", "1861-1865", "1861–65", "from 1809 to 1865", "between ... and ...",
  "(701–762)", "the rebellion of 755–763", "44 BC–AD 14", 742年至744年, 742至744年, 公元前431年至前404年,
  天寶元年至三載, 天寶元年至寶應元年) are one mention of kind ``"range"``. A BC mark on the second year only
  applies to both; after a BC first year an unmarked second year is BC when it is smaller, else AD.
* **Arabic years** count only in a date context: an era mark (AD, BC, BCE, CE, A.D., B.C., 公元, 公元前, 西元,
  前 before digits), 年 after 3-4 digits (1-2 digits need 公元 or a following month), a preceding word
  ("in", "by", "since", "from", "born", "died", "b.", "d.", "year", "spring of", a month name ...). Never a
  number followed by a counted noun ("in 300 poems", "300-400 poems"), a citation marker ([2], 【3】), or an
  unmarked range of 3-digit years without "(", "from", "between", "in", "during", "by" or "of" before it;
  a bare "1861-1865" needs four digits on both sides and at most 200 years between them.
* **Chinese-numeral years** with 年: digit style (七〇一年, 一九四九年) always; place-value style (一千零三十七年)
  after 公元/西元 or with four digits not a round hundred; other Chinese numbers before 年 are durations.
* **Days and months** ("15 March 44 BC", "March 15, 1865", 天寶三載正月十五日, 742年3月) join the year's
  mention; a month or day alone ("the Ides of March", 三月十五日, 十二月) is not a date.
* Mentions never overlap: the longest (then the most specific) wins; results are sorted by ``start``.

Not recognised: years written out in English words ("seven hundred and forty-two"), regnal years without
an era name (文公三年, 秦始皇二十六年, "the third year of Xuanzong"), 民國 years, other calendars (A.U.C. 670,
建城紀年670年 is read as AD 670), a lone year in brackets (天寶十五載（756）: only the era), a second bare year
joined by "and" ("in 1066 and 1067": only 1066), 50年代 without the century, sexagenary years without
``anchor``, Japanese and Korean eras, relative dates ("three years later", 明年), and days or months without
a year.

:func:`extract_numbers` returns the counts and durations that are not dates: a number with a counter or
unit (三千首, 二十餘年, 兵十萬, "300 poems", "twenty years", "3,000 soldiers") and, always, ages. Chinese numbers
need a counter (首 篇 卷 人 年 歲 里 次 ...) or a magnitude (百 千 萬 億); English ones a plural noun or a known
counter ("li", "people", "juan"). Not counts: ordinals and locators (第三首, 卷二百二, 第7至8章, "Chapter 12"),
a bare 一 / "one", and four-digit numbers that look like years ("his 1849 papers"). Values are normalised
(三千 == 3000 == "3,000" == "three thousand"; 二百二 = 202 the classical way), ``approx`` marks 餘/多/許/來,
約/近/逾 and "about", "over", "some", "-odd"; ``unit`` is canonical across scripts and languages: 年 for
durations (years, 載), 歲 for ages, 首 for poems, 人 for people, 里 for li, 天 for days, 個月 for months,
traditional forms for the other Chinese counters, else the English noun in the singular.
"""

from __future__ import annotations

# Modules, each importing only those before it: numerals -> eras -> candidates -> english, chinese -> ages
# -> extract (extract_dates) -> numbers (extract_numbers).
from agent.dates.candidates import CIRCA
from agent.dates.eras import Era, era_candidates, era_year, sexagenary_years
from agent.dates.extract import DateMention, extract_dates
from agent.dates.numbers import NumberMention, extract_numbers, units_agree
from agent.dates.numerals import (
    chinese_numeral,
    english_number,
    number_value,
    numeral_tokens,
    shift_year,
    to_chinese_numeral,
)

__all__ = [
    "CIRCA",
    "DateMention",
    "Era",
    "NumberMention",
    "chinese_numeral",
    "english_number",
    "era_candidates",
    "era_year",
    "extract_dates",
    "extract_numbers",
    "units_agree",
    "number_value",
    "numeral_tokens",
    "sexagenary_years",
    "shift_year",
    "to_chinese_numeral",
]
