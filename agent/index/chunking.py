"""Split documents into passages that never cut a sentence when a sentence fits."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from agent.config import ChunkingSettings
from agent.ingest.documents import Document
from agent.text.terms import approx_tokens

# Paragraphs first, then sentence ends (Chinese, then English), then clauses, then anything.
MIN_CONTENT_CHARS = 4
SEPARATORS = ["\n\n", "\n", "。", "！", "？", "；", ". ", "! ", "? ", "; ", "，", "、", ", ", " ", ""]


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


def _splitter(settings: ChunkingSettings):
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    return RecursiveCharacterTextSplitter(
        separators=SEPARATORS,
        keep_separator="end",
        chunk_size=settings.chunk_size,
        chunk_overlap=min(settings.chunk_overlap, settings.chunk_size // 2),
        length_function=approx_tokens,
        strip_whitespace=True,
    )


def chunk_document(doc: Document, settings: ChunkingSettings) -> list[Chunk]:
    splitter = _splitter(settings)
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


__all__ = ["Chunk", "SEPARATORS", "chunk_document", "chunk_documents"]
