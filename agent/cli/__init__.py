"""The command line (``commands``), the chat REPL (``repl``) and batch question files (``batch``): the boundary
where typed errors become one-line messages."""
