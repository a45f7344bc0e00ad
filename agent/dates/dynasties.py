"""Dynasties and the years they span: the anchor for reading a reign era when a figure's own years are unknown."""

from __future__ import annotations

import re

DYNASTY_YEARS = {  # dynasty (as the China Biographical Database writes it) -> (first, last) year
    "隋": (581, 618), "唐": (618, 907), "五代": (907, 960), "後梁": (907, 923), "後唐": (923, 937),
    "後晉": (936, 947), "後漢": (947, 951), "後周": (951, 960), "吳": (902, 937), "吳(楊)": (902, 937),
    "南唐": (937, 976), "吳越": (907, 978), "前蜀": (907, 925), "後蜀": (934, 965), "南漢": (917, 971),
    "南平": (924, 963), "遼": (907, 1125), "宋": (960, 1279), "金": (1115, 1234), "偽齊": (1130, 1137),
    "元": (1271, 1368), "明": (1368, 1644), "清": (1644, 1912),
}
DYNASTY_EN = {"隋": "Sui", "唐": "Tang", "五代": "Five Dynasties", "後梁": "Later Liang", "後唐": "Later Tang",
              "後晉": "Later Jin", "後漢": "Later Han", "後周": "Later Zhou", "吳": "Wu", "吳(楊)": "Wu",
              "南唐": "Southern Tang", "吳越": "Wuyue", "前蜀": "Former Shu", "後蜀": "Later Shu",
              "南漢": "Southern Han", "南平": "Jingnan", "遼": "Liao", "宋": "Song", "金": "Jin", "偽齊": "Qi",
              "元": "Yuan", "明": "Ming", "清": "Qing"}


def dynasty_window(text: str) -> tuple[int, int] | None:
    """The years of the dynasty ``text`` names ("宋 Song dynasty", "北宋", "Tang"), the longest name found first;
    None when it names none."""
    for name in sorted(DYNASTY_YEARS, key=len, reverse=True):
        if name in text:
            return DYNASTY_YEARS[name]
    for name, english in sorted(DYNASTY_EN.items(), key=lambda kv: len(kv[1]), reverse=True):
        if re.search(rf"(?i)\b{re.escape(english)}\b", text):
            return DYNASTY_YEARS[name]
    return None


MAJOR_DYNASTIES = ("隋", "唐", "五代", "宋", "元", "明", "清")  # what a text's dates place it in, when nothing says


def dynasty_of_text(text: str) -> str:
    """The dynasty whose years hold the middle one of the reign-era dates a Chinese text states (a biography
    whose book and dynasty nobody gave); "" when it states fewer than two."""
    from agent.dates import extract_dates

    years = sorted((m.lo + m.hi) // 2 for m in extract_dates(text) if m.kind == "era" and m.hi - m.lo <= 20)
    if len(years) < 2:
        return ""
    middle = years[len(years) // 2]
    return next((d for d in MAJOR_DYNASTIES if DYNASTY_YEARS[d][0] <= middle <= DYNASTY_YEARS[d][1]), "")


__all__ = ["DYNASTY_EN", "DYNASTY_YEARS", "MAJOR_DYNASTIES", "dynasty_of_text", "dynasty_window"]
