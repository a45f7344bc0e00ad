"""Text mechanisms every stage shares, one implementation each: language and script (``script``), the sentence
splitter (``sentences``) and matching terms (``terms``). Dates and numbers live in ``agent.dates``."""
