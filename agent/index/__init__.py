"""Index: documents cut into sentence-aligned chunks (``chunking``), embedded (``embeddings``, with the bundled
multilingual-e5-small converted by ``e5convert``) and stored with a keyword index and a manifest (``store``)."""
