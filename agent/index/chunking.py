"""Split documents into passages of whole paragraphs and sentences: paragraphs that fit are packed into chunks of
``chunk_size``; a longer paragraph is packed from the sentences of the one splitter (``agent.text.sentences``) with
``chunk_overlap``; only a sentence longer than a chunk is cut, at its clauses, then its words."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from langchain_text_splitters import RecursiveCharacterTextSplitter, TextSplitter

from agent.config import ChunkingSettings
from agent.ingest.documents import Document
from agent.text.sentences import sentence_spans
from agent.text.terms import approx_tokens

MIN_CONTENT_CHARS = 4
# Where a sentence longer than a chunk is cut: line breaks, clauses (Chinese, then English), words, anything.
CLAUSE_SEPARATORS = ["\n", "，", "、", "：", ", ", ": ", " ", ""]
# What the index manifest records of this splitter: a change means a rebuild.
CHUNKER = "paragraphs-sentences-v1"
_PARAGRAPH_BREAK_RE = re.compile(r"\n[ \t]*\n")


@dataclass(frozen=True)
class Chunk:
    id: str
    doc_id: str
    text: str
    source_title: str
    locator: str
    section: str
    kind: str
    language: str

    def to_dict(self) -> dict:
        return asdict(self)


class SentenceChunker(TextSplitter):
    """Whole paragraphs and sentences packed into chunks: a LangChain ``TextSplitter`` whose pieces are paragraphs,
    or, in a paragraph longer than a chunk, the sentences of ``agent.text.sentences``."""

    def __init__(self, settings: ChunkingSettings) -> None:
        overlap = min(settings.chunk_overlap, settings.chunk_size // 2)
        super().__init__(chunk_size=settings.chunk_size, chunk_overlap=overlap, length_function=approx_tokens,
                         strip_whitespace=True)
        self._long = RecursiveCharacterTextSplitter(separators=CLAUSE_SEPARATORS, keep_separator="end",
                                                    chunk_size=settings.chunk_size, chunk_overlap=overlap,
                                                    length_function=approx_tokens, strip_whitespace=False)

    def split_text(self, text: str) -> list[str]:
        """Paragraphs that fit a chunk are packed together; a longer paragraph is packed from its sentences."""
        chunks: list[str] = []
        fitting: list[str] = []
        for para in (p.strip() for p in _PARAGRAPH_BREAK_RE.split(text)):
            if not para:
                continue
            if approx_tokens(para) <= self._chunk_size:
                fitting.append(para)
                continue
            chunks += self._merge_splits(fitting, "\n\n")
            fitting = []
            chunks += self._merge_splits(self._sentences(para), "")
        chunks += self._merge_splits(fitting, "\n\n")
        return [chunk.strip() for chunk in chunks if chunk.strip()]

    def _sentences(self, text: str) -> list[str]:
        spans = sentence_spans(text)
        pieces: list[str] = []
        for i, (start, _) in enumerate(spans):
            piece = text[start:spans[i + 1][0] if i + 1 < len(spans) else len(text)]
            pieces += self._long.split_text(piece) if approx_tokens(piece) > self._chunk_size else [piece]
        return pieces


def chunk_document(doc: Document, settings: ChunkingSettings) -> list[Chunk]:
    splitter = SentenceChunker(settings)
    chunks: list[Chunk] = []
    for section in doc.sections:
        locator = doc.locator(section)
        for piece in splitter.split_text(section.text):
            piece = piece.strip()
            if sum(1 for c in piece if c.isalnum()) < MIN_CONTENT_CHARS:
                continue  # punctuation-only or near-empty fragments (an empty poem is just "。")
            chunks.append(
                Chunk(
                    id=f"{doc.doc_id}:{len(chunks) + 1}",
                    doc_id=doc.doc_id,
                    text=piece,
                    source_title=doc.title,
                    locator=locator,
                    section=section.heading,
                    kind=doc.kind,
                    language=doc.language,
                )
            )
    return chunks


def chunk_documents(docs: list[Document], settings: ChunkingSettings) -> list[Chunk]:
    out: list[Chunk] = []
    for doc in docs:
        out.extend(chunk_document(doc, settings))
    return out


__all__ = ["CHUNKER", "Chunk", "SentenceChunker", "chunk_document", "chunk_documents"]
