"""Verify: what a draft may say. Citations by code (``citations``), what the question asks and whether a
sentence's content stands in a passage (``claims``), the figure's knowledge cutoff (``boundary``), what the sources
say they do not record (``silence``), every date and number checked (``guard``), the parts of a failing sentence
that can be cut (``trim``)."""
