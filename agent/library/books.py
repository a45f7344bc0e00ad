"""Standard histories: which dynasty each book covers, who compiled it and when (what a library figure records
of its source book, and what a citation of it names)."""

from __future__ import annotations

from agent.text.script import to_traditional

BOOKS = {  # book -> (dynasty it covers, compilers, year completed)
    "舊唐書": ("唐", "劉昫 等", 945),
    "新唐書": ("唐", "歐陽修、宋祁 等", 1060),
    "舊五代史": ("五代", "薛居正 等", 974),
    "新五代史": ("五代", "歐陽修", 1053),
    "宋史": ("宋", "脫脫 等", 1345),
    "遼史": ("遼", "脫脫 等", 1344),
    "金史": ("金", "脫脫 等", 1344),
    "元史": ("元", "宋濂 等", 1370),
    "明史": ("明", "張廷玉 等", 1739),
}


def book_name(book: str) -> str:
    """The book's name in traditional characters (新唐书 and 新唐書 are one book)."""
    book = book.strip()
    return to_traditional(book) if book else ""


def book_facts(book: str) -> tuple[str, str, int | None]:
    """(dynasty, compilers, year completed) of a known book; empty and None for any other."""
    return BOOKS.get(book_name(book), ("", "", None))


__all__ = ["BOOKS", "book_facts", "book_name"]
