"""Evaluation: question sets built from the shared data (``sets``), asking and scoring in three modes
(``runner``), and charts of the modes side by side (``plots``)."""
