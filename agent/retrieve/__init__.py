"""Retrieve: dense and keyword search fused by reciprocal rank, each passage scored for its relevance to the
question (``hybrid``), also offered as a LangChain retriever."""
