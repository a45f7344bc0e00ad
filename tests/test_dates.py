"""agent.dates: dates and numbers in Chinese and English, normalised to historical years (no year 0)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agent.dates import (
    CIRCA,
    DateMention,
    chinese_numeral,
    era_candidates,
    era_year,
    extract_dates,
    extract_numbers,
    number_value,
    numeral_tokens,
    sexagenary_years,
    shift_year,
    to_chinese_numeral,
)
from agent.text.script import to_simplified

LI_BAI = (701, 762)


def spans(text: str, **kwargs) -> list[tuple[str, int, int]]:
    """(text, lo, hi) of each mention, after checking that its offsets point at its text."""
    found = extract_dates(text, **kwargs)
    for m in found:
        assert text[m.start:m.end] == m.text
    assert [m.start for m in found] == sorted(m.start for m in found)
    assert all(a.end <= b.start for a, b in zip(found, found[1:]))
    return [(m.text, m.lo, m.hi) for m in found]


def one(text: str, **kwargs) -> DateMention:
    found = extract_dates(text, **kwargs)
    assert len(found) == 1, found
    assert text[found[0].start:found[0].end] == found[0].text
    return found[0]


# -- reign eras

@pytest.mark.parametrize(
    "text, year",
    [
        ("天寶元年", 742), ("天宝元年", 742), ("寶應元年", 762), ("宝应元年", 762), ("元豐二年", 1079),
        ("元丰二年", 1079), ("開元十三年", 725), ("开元十三年", 725), ("开元13年", 725), ("神龍元年", 705),
        ("神龙元年", 705), ("至德二載", 757), ("至德二载", 757), ("貞觀元年", 627), ("贞观元年", 627),
        ("元和十年", 815), ("建中元年", 780), ("天宝三载", 744), ("天寶十五載", 756), ("乾元元年", 758),
        ("熙寧二年", 1069), ("元祐元年", 1086), ("嘉祐二年", 1057), ("乾隆六十年", 1795), ("清康熙六十一年", 1722),
        ("永和九年", 353), ("太平興國三年", 978), ("建中靖國元年", 1101), ("元至正元年", 1341), ("貞元十九年", 803),
        ("大曆五年", 770), ("廣德二年", 764), ("開元廿三年", 735),
        ("長興四年", 933),  # one row of sanmiao ends 長興 in 932; others count it to 934
    ],
)
def test_reign_era_years(text, year):
    m = one(text)
    assert (m.text, m.lo, m.hi, m.kind, m.approx) == (text, year, year, "era", False)


@pytest.mark.parametrize(
    "text, year",
    [("唐玄宗天寶元年", 742), ("宋神宗元豐二年", 1079), ("唐中宗神龍元年", 705), ("玄宗開元二十九年", 741),
     ("唐肅宗至德二載", 757), ("宋元丰二年", 1079)],
)
def test_dynasty_and_emperor_prefixes_are_part_of_the_span(text, year):
    m = one(text)
    assert (m.text, m.lo, m.hi) == (text, year, year)


@pytest.mark.parametrize(
    "text, lo, hi",
    [("神龍初", 705, 707), ("神龙初", 705, 707), ("天寶中", 742, 756), ("天寶末", 754, 756), ("天宝末年", 754, 756),
     ("開元年間", 713, 741), ("开元间", 713, 741), ("開元初年", 713, 715)],
)
def test_approximate_era_phrases(text, lo, hi):
    m = one(text)
    assert (m.lo, m.hi, m.kind, m.approx) == (lo, hi, "era", True)


def test_era_inside_a_sentence_keeps_its_offsets():
    text = "李白於天寶元年奉詔入京，天宝三载賜金放還。"
    assert spans(text) == [("天寶元年", 742, 742), ("天宝三载", 744, 744)]
    assert extract_dates(text)[0].start == 3


def test_month_and_day_join_the_era_date():
    assert spans("安祿山反於天寶十四載十一月") == [("天寶十四載十一月", 755, 755)]
    assert spans("天寶三載正月十五日") == [("天寶三載正月十五日", 744, 744)]


@pytest.mark.parametrize(
    "text, anchor, year",
    [
        ("上元二年", LI_BAI, 761),  # Suzong's 上元 (760), not Gaozong's (674)
        ("上元二年", (640, 700), 675),
        ("建元元年", (-156, -87), -140),  # Han Wudi: 140 BC
        ("建元元年", (300, 400), 343),  # Eastern Jin
        ("至德二載", None, 757),  # Tang beats Chen (583) without an anchor
        ("元和十年", None, 815),  # Tang beats Eastern Han (84)
        ("貞觀元年", None, 627),  # Tang beats Western Xia (1101)
        ("漢建元元年", None, -140),  # the dynasty prefix settles it
        ("東晉建元元年", None, 343),
        ("南齊建元元年", None, 479),
    ],
)
def test_ambiguous_eras_resolved_by_anchor_tier_or_prefix(text, anchor, year):
    m = one(text, anchor=anchor)
    assert (m.lo, m.hi) == (year, year)


@pytest.mark.parametrize("text", ["上元二年", "建元元年", "永興二年", "建武二年"])
def test_ambiguous_era_without_anchor_is_dropped_and_hides_its_numbers(text):
    assert extract_dates(text) == []
    assert extract_numbers(text) == []


def test_era_year_api():
    assert era_year("天寶", 1) == 742
    assert era_year("天宝", 3) == 744
    assert era_year("上元", 2, near=LI_BAI) == 761
    assert era_year("建元", 1, near=(-156, -87)) == -140
    with pytest.raises(KeyError):
        era_year("不存在", 1)
    with pytest.raises(ValueError, match="at most 15"):
        era_year("天寶", 16)
    with pytest.raises(ValueError, match="ambiguous"):
        era_year("上元", 2)
    with pytest.raises(ValueError):
        era_year("天寶", 0)


def test_era_table_uses_historical_years_and_chinese_streams_only():
    assert [(e.start, e.end) for e in era_candidates("元朔")] == [(-128, -123)]  # sanmiao: -127 (astronomical)
    assert [e.start for e in era_candidates("貞觀")] == [627, 1101]  # Japan's 貞観 (859) left out
    assert [(e.start, e.end) for e in era_candidates("神龍")] == [(705, 707)]  # sanmiao lists it to 711
    assert [e.start for e in era_candidates("嘉祐")] == [1056]  # sanmiao's stray 1054 row dropped
    assert era_candidates("天宝") == era_candidates("天寶")


# (name, first year, years) from sanmiao's table; 上元 is Suzong's
WELL_KNOWN_ERAS = [("開元", 713, 29), ("天寶", 742, 15), ("至德", 756, 3), ("乾元", 758, 3), ("上元", 760, 2),
                   ("寶應", 762, 2), ("元豐", 1078, 8), ("熙寧", 1068, 10), ("元祐", 1086, 9), ("嘉祐", 1056, 8),
                   ("貞觀", 627, 23), ("神龍", 705, 3)]


@settings(deadline=None, max_examples=150)
@given(st.sampled_from(WELL_KNOWN_ERAS), st.data(), st.booleans(), st.booleans())
def test_era_round_trip(era, data, digits, simplified):
    name, start, years = era
    n = data.draw(st.integers(1, years))
    suffixes = ["年", "載"] if name == "天寶" else ["年"]
    suffix = data.draw(st.sampled_from(suffixes))
    name = to_simplified(name) if simplified else name
    numeral = "元" if n == 1 and not digits else to_chinese_numeral(n, digits=digits and n >= 10)
    text = f"{name}{numeral}{suffix}"
    m = one(text, anchor=(start, start + years - 1))
    assert (m.lo, m.hi, m.text) == (start + n - 1, start + n - 1, text)
    if name not in ("上元",):
        assert one(text).lo == start + n - 1


# -- sexagenary years

@pytest.mark.parametrize("text", ["甲申年", "歲在甲申", "岁在甲申", "歲次甲申", "甲申歲", "甲申之歲"])
def test_sexagenary_year_with_anchor(text):
    m = one(text, anchor=LI_BAI)
    assert (m.lo, m.hi, m.kind) == (744, 744, "sexagenary")


@pytest.mark.parametrize(
    "text, anchor",
    [("甲申年", None), ("甲子日", LI_BAI), ("三月甲子", LI_BAI), ("甲午", LI_BAI), ("甲子年", (1000, 1100))],
)
def test_sexagenary_not_read(text, anchor):
    assert extract_dates(text, anchor=anchor) == []


def test_ganzhi_after_an_era_date_joins_it():
    assert spans("天寶三載甲申", anchor=LI_BAI) == [("天寶三載甲申", 744, 744)]
    assert spans("天寶三載歲次甲申") == [("天寶三載歲次甲申", 744, 744)]
    assert spans("永和九年，歲在癸丑") == [("永和九年，歲在癸丑", 353, 353)]


def test_sexagenary_years():
    assert sexagenary_years("甲申", LI_BAI) == [744]
    assert sexagenary_years("甲子", (1, 10)) == [4]
    assert sexagenary_years("甲子", (1000, 1100)) == [1024, 1084]
    assert sexagenary_years("甲子", (-60, -50)) == [-57]  # 57 BC; no year 0 in between
    assert sexagenary_years("甲子", (10, 20)) == [4]  # none inside: the closest year outside
    with pytest.raises(ValueError):
        sexagenary_years("甲丑", LI_BAI)


# -- ages

@pytest.mark.parametrize(
    "text, born, lo, hi, approx",
    [
        ("年六十二", 701, 761, 763, False),
        ("卒年六十二", 701, 761, 763, False),
        ("寶應元年卒，年六十二", 701, 761, 763, False),
        ("享年六十", 701, 759, 761, False),
        ("年六十餘", 701, 760, 770, True),
        ("六十二歲", 701, 761, 763, False),
        ("年三十有二", 701, 731, 733, False),
        ("at the age of 62", 701, 761, 764, False),  # completed years or 虛歲
        ("aged 56", 1809, 1863, 1866, False),
        ("62 years old", 701, 761, 764, False),
        ("in my sixty-second year", 701, 761, 763, False),
        ("in his 62nd year", 701, 761, 763, False),
        ("He died in the fifty-sixth year of his age", -100, -46, -44, False),  # Suetonius, Divus Julius 88
        ("年七十三", -551, -480, -478, False),  # Confucius, died 479 BC
    ],
)
def test_ages_with_born(text, born, lo, hi, approx):
    m = [d for d in extract_dates(text, born=born) if d.kind == "age"]
    assert len(m) == 1
    assert (m[0].lo, m[0].hi, m[0].approx) == (lo, hi, approx)


@pytest.mark.parametrize("text, age", [("年六十二", 62), ("卒年六十二", 62), ("aged 56", 56), ("at the age of sixty-two", 62)])
def test_ages_without_born_are_numbers(text, age):
    assert extract_dates(text) == []
    assert [(n.value, n.unit) for n in extract_numbers(text)] == [(age, "歲")]


@pytest.mark.parametrize(
    "text",
    ["天寶元年二月", "开元二十年十二月", "春秋三傳", "千秋萬歲", "卒年1101年", "in the first year of Baoying",
     "In his third year of campaigns he reached the Tay", "In his first year he curbed abuses"],
)
def test_not_ages(text):
    assert [d for d in extract_dates(text, born=701) if d.kind == "age"] == []


def test_death_year_after_zu_nian_is_a_year():
    assert spans("本傳所記的卒年1101年") == [("1101年", 1101, 1101)]


# -- Arabic and Chinese-numeral years

@pytest.mark.parametrize(
    "text, mention, year",
    [
        ("in 742", "742", 742), ("In 1861 the war began.", "1861", 1861), ("born 1809", "1809", 1809),
        ("He died in 762.", "762", 762), ("the year 742", "742", 742), ("by 1100 the city", "1100", 1100),
        ("AD 14", "AD 14", 14), ("14 AD", "14 AD", 14), ("A.D. 618", "A.D. 618", 618), ("44 BC", "44 BC", -44),
        ("44 BCE", "44 BCE", -44), ("1 BC", "1 BC", -1), ("AD 1", "AD 1", 1), ("742 CE", "742 CE", 742),
        ("221 B.C.", "221 B.C.", -221), ("15 March 44 BC", "15 March 44 BC", -44),
        ("March 15, 44 BC", "March 15, 44 BC", -44), ("on 2 March 1865", "2 March 1865", 1865),
        ("the Ides of March, 44 BC", "44 BC", -44),
        ("742年", "742年", 742), ("1861年", "1861年", 1861), ("公元742年", "公元742年", 742),
        ("公元前44年", "公元前44年", -44), ("前221年秦統一", "前221年", -221), ("742年3月", "742年3月", 742),
        ("七〇一年", "七〇一年", 701), ("一九四九年", "一九四九年", 1949), ("一千零三十七年", "一千零三十七年", 1037),
        ("公元前四十四年", "公元前四十四年", -44), ("７４２年", "７４２年", 742),
    ],
)
def test_years(text, mention, year):
    m = one(text)
    assert (m.text, m.lo, m.hi, m.approx) == (mention, year, year, False)


@pytest.mark.parametrize("text", ["我是12年出生的。", "我于12年去世。", "我出生於12年。", "我是五〇年代……不，我是12年生的。"])
def test_two_digits_before_nian_that_date_a_birth_or_death_are_a_year(text):
    m = one(text)
    assert (m.text, m.lo, m.kind) == ("12年", 12, "year")


@pytest.mark.parametrize("text", ["在位12年死", "他做了12年官。", "我于12年中了进士。", "享年62年卒", "12年後去世"])
def test_two_digits_before_nian_otherwise_count_years(text):
    assert extract_dates(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "[2]", "see [12] and 【3】", "300 poems", "He wrote 300 poems in all.", "in 300 poems", "Chapter 12",
        "Page 742", "call 555-1234", "010-6275-1234", "Tel. 1234-5678", "see pp. 120–135", "300-400 poems",
        "甲子日", "三月十五日", "十二月", "the Ides of March", "0 BC", "in 3000", "他活了二十年", "第三首",
        "in 1,000 years", "三千年", "二百年間", "30%", "in 742 poems", "民國三十年", "",
        "dates the death to A.U.C. 670",
    ],
)
def test_not_dates(text):
    assert extract_dates(text) == []


# -- centuries, decades, ranges, circa

@pytest.mark.parametrize(
    "text, lo, hi, kind, approx",
    [
        ("the 8th century", 701, 800, "century", False),
        ("in the eighth century", 701, 800, "century", False),
        ("the fifth century BC", -500, -401, "century", False),
        ("the 3rd century BCE", -300, -201, "century", False),
        ("the 1st century BC", -100, -1, "century", False),
        ("the twenty-first century", 2001, 2100, "century", False),
        ("early 8th century", 701, 740, "century", True),
        ("mid-8th century", 731, 770, "century", True),
        ("the end of the 8th century", 761, 800, "century", True),
        ("the first half of the 8th century", 701, 750, "century", True),
        ("八世紀", 701, 800, "century", False),
        ("八世纪", 701, 800, "century", False),
        ("十八世紀末", 1761, 1800, "century", True),
        ("公元前五世紀", -500, -401, "century", False),
        ("the 1850s", 1850, 1859, "decade", False),
        ("the 740s", 740, 749, "decade", False),
        ("the early 1850s", 1850, 1853, "decade", True),
        ("1850年代", 1850, 1859, "decade", False),
        ("the 1800s", 1800, 1899, "century", False),
    ],
)
def test_centuries_and_decades(text, lo, hi, kind, approx):
    m = one(text)
    assert (m.lo, m.hi, m.kind, m.approx) == (lo, hi, kind, approx)


@pytest.mark.parametrize(
    "text, mention, lo, hi",
    [
        ("431–404 BC", "431–404 BC", -431, -404),
        ("431 BC–404 BC", "431 BC–404 BC", -431, -404),
        ("1861-1865", "1861-1865", 1861, 1865),
        ("1861–65", "1861–65", 1861, 1865),
        ("from 1809 to 1865", "1809 to 1865", 1809, 1865),
        ("between 1809 and 1865", "1809 and 1865", 1809, 1865),
        ("Li Bai (701–762) was a poet.", "701–762", 701, 762),
        ("the rebellion of 755–763", "755–763", 755, 763),
        ("44 BC–AD 14", "44 BC–AD 14", -44, 14),
        ("from 44 BC to AD 14", "44 BC to AD 14", -44, 14),
        ("206 BC–220", "206 BC–220", -206, 220),
        ("742年至744年", "742年至744年", 742, 744),
        ("742至744年", "742至744年", 742, 744),
        ("742—744年", "742—744年", 742, 744),
        ("公元前431年至前404年", "公元前431年至前404年", -431, -404),
        ("天寶元年至三載", "天寶元年至三載", 742, 744),
        ("開元二十年至天寶元年", "開元二十年至天寶元年", 732, 742),
        ("天宝元年至744年", "天宝元年至744年", 742, 744),
    ],
)
def test_ranges_are_one_mention(text, mention, lo, hi):
    m = one(text)
    assert (m.text, m.lo, m.hi, m.kind) == (mention, lo, hi, "range")


@pytest.mark.parametrize(
    "text, mention, year",
    [
        ("c. 701", "c. 701", 701), ("ca. 701", "ca. 701", 701), ("circa 701", "circa 701", 701),
        ("about 701", "about 701", 701), ("born around 742", "around 742", 742), ("約701年", "約701年", 701),
        ("约701年", "约701年", 701), ("七〇一年左右", "七〇一年左右", 701), ("742年前後", "742年前後", 742),
        ("c. 44 BC", "c. 44 BC", -44), ("about AD 14", "about AD 14", 14),
    ],
)
def test_circa(text, mention, year):
    m = one(text)
    assert (m.text, m.lo, m.hi, m.kind, m.approx) == (mention, year - CIRCA, year + CIRCA, "circa", True)


def test_circa_range_and_bc_widen_without_year_zero():
    m = one("c. 551–479 BCE")
    assert (m.lo, m.hi, m.kind, m.approx) == (-553, -477, "range", True)
    assert (one("c. 1 BC").lo, one("c. 1 BC").hi) == (-3, 2)


def test_overlaps_prefer_the_longest_mention():
    assert spans("天宝三载（744年）") == [("天宝三载", 744, 744), ("744年", 744, 744)]
    assert spans("1850年代") == [("1850年代", 1850, 1859)]
    assert spans("742年至744年間") == [("742年至744年", 742, 744)]


def test_mixed_passage_offsets():
    text = ("李白（701年－762年），字太白。天寶元年，玄宗召入長安。寶應元年卒，年六十二。[2] "
            "Du Fu (712–770) moved to Chengdu in 759 and wrote some 240 poems there; he died c. 770.")
    assert spans(text, anchor=LI_BAI, born=701) == [
        ("701年－762年", 701, 762), ("天寶元年", 742, 742), ("寶應元年", 762, 762), ("年六十二", 761, 763),
        ("712–770", 712, 770), ("759", 759, 759), ("c. 770", 768, 772),
    ]


# -- numbers

@pytest.mark.parametrize(
    "text, mention, value, unit, approx",
    [
        ("作詩三千首", "三千首", 3000, "首", False),
        ("作詩三千餘首", "三千餘首", 3000, "首", True),
        ("作诗三千余首", "三千余首", 3000, "首", True),
        ("3000首", "3000首", 3000, "首", False),
        ("二十餘年", "二十餘年", 20, "年", True),
        ("居蜀二十年", "二十年", 20, "年", False),
        ("經過20年", "20年", 20, "年", False),
        ("兵十萬", "十萬", 100000, "", False),
        ("3万人", "3万人", 30000, "人", False),
        ("約三千人", "約三千人", 3000, "人", True),
        ("活了六十二歲", "六十二歲", 62, "歲", False),
        ("sixty poems", "sixty poems", 60, "首", False),
        ("300 poems", "300 poems", 300, "首", False),
        ("3,000 poems", "3,000 poems", 3000, "首", False),
        ("for twenty years", "twenty years", 20, "年", False),
        ("for twenty-odd years", "twenty-odd years", 20, "年", True),
        ("over 1,000 soldiers", "over 1,000 soldiers", 1000, "soldier", True),
        ("some 240 poems", "some 240 poems", 240, "首", True),
        ("three hundred li", "three hundred li", 300, "里", False),
        ("he was 62 years old", "62 years old", 62, "歲", False),
        ("he died aged sixty-six.", "aged sixty-six", 66, "歲", False),
        ("four inches", "four inches", 4, "inch", False),
        ("共二十卷", "二十卷", 20, "卷", False),
    ],
)
def test_numbers(text, mention, value, unit, approx):
    found = extract_numbers(text)
    assert [(n.text, n.value, n.unit, n.approx) for n in found] == [(mention, value, unit, approx)]
    assert text[found[0].start:found[0].end] == mention


@pytest.mark.parametrize(
    "text",
    ["開元二十年", "742年", "in 742", "天寶三載", "Chapter 12 describes it", "第三首", "一首詩", "the 1850s",
     "in the 8th century", "(701–762)", "一九四九年", "新唐書卷二百二", "（第7至8章）", "his 1849 papers",
     "two different accounts", "the years 689 and 740 come from CBDB", "four-horse chariot"],
)
def test_dates_and_locators_are_not_numbers(text):
    assert extract_numbers(text) == []


def test_number_values_agree_across_scripts():
    values = {n.value for text in ("三千首", "3,000 poems", "3000首", "three thousand poems")
              for n in extract_numbers(text)}
    assert values == {3000}
    assert number_value("三千") == number_value("3,000") == number_value("3000") == 3000
    assert number_value("three thousand") == 3000
    assert number_value("junk") is None


def test_numeral_tokens_give_the_digits_of_numbers_written_in_words():
    assert numeral_tokens("he died at the age of eighty-two") == {"82"}
    assert numeral_tokens("卒，年八十二，將兵三千人") == {"82", "3000"}
    # ordinals, small numbers and 第 ordinals give none: "the fifty-sixth year" is not 56 years
    assert numeral_tokens("in the fifty-sixth year of his age, with two sons, 第五十六") == set()



# -- numerals

@pytest.mark.parametrize(
    "text, value",
    [("七〇一", 701), ("一千零三十七", 1037), ("二十", 20), ("廿", 20), ("卅", 30), ("廿三", 23), ("元", 1), ("正", 1),
     ("十五", 15), ("一百零五", 105), ("兩千", 2000), ("三千萬", 30_000_000), ("一萬零一十", 10010), ("二百二", 202),
     ("742", 742)],
)
def test_chinese_numeral(text, value):
    assert chinese_numeral(text) == value


@pytest.mark.parametrize("text", ["", "十十", "abc", "元年", "正月", "一〇十", "千千", "三二一十", "一千零"])
def test_chinese_numeral_rejects_junk(text):
    with pytest.raises(ValueError):
        chinese_numeral(text)


def test_to_chinese_numeral_examples():
    assert to_chinese_numeral(1037) == "一千零三十七"
    assert to_chinese_numeral(15) == "十五"
    assert to_chinese_numeral(110) == "一百一十"
    assert to_chinese_numeral(701, digits=True) == "七〇一"
    with pytest.raises(ValueError):
        to_chinese_numeral(-1)


@given(st.integers(1, 9999), st.booleans())
def test_chinese_numeral_round_trip(n, digits):
    assert chinese_numeral(to_chinese_numeral(n, digits=digits)) == n


@settings(deadline=None)
@given(st.integers(1, 9999))
def test_bc_years_are_negative(n):
    assert [(m.lo, m.hi) for m in extract_dates(f"{n} BC")] == [(-n, -n)]
    assert [(m.lo, m.hi) for m in extract_dates(f"公元前{n}年")] == [(-n, -n)]


@settings(deadline=None)
@given(st.integers(1, 2100))
def test_ad_years(n):
    assert [(m.lo, m.hi) for m in extract_dates(f"AD {n}")] == [(n, n)]
    assert [(m.lo, m.hi) for m in extract_dates(f"公元{to_chinese_numeral(n)}年")] == [(n, n)]


@given(st.integers(-3000, 3000).filter(bool), st.integers(-500, 500))
def test_shift_year_skips_zero(year, delta):
    moved = shift_year(year, delta)
    assert moved != 0
    assert shift_year(moved, -delta) == year
    if year < 0 < moved or moved < 0 < year:
        assert abs(moved - year) == abs(delta) + 1


@pytest.mark.parametrize("text, year", [
    ("ran for the Legislature the same year (1832), and was beaten", 1832),
    ("天寶十五載（756）", 756),
    ("景德二年〔1005〕，入京", 1005),
    ("in the year of 1832", 1832),
    ("its first year is 742", 742),
])
def test_years_in_brackets_and_after_the_word_year(text, year):
    assert year in [d.lo for d in extract_dates(text)]
