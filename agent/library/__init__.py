"""A library of figures: bulk import from a folder or table of biographies, a catalogue to find them, and work
spread over a Ray cluster (``agent.library.cluster``, imported only when asked for)."""
