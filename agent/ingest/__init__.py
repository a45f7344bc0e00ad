"""Ingest: a figure's folder (``figures``), its sources read by format (``loaders``) into documents with sections
(``documents``, ``corpus``), the figure's own dated events (``timeline``), and the commands that create figures and
add sources (``admin``)."""
