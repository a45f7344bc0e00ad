import pytest

from agent.config import ChunkingSettings
from agent.errors import CorpusError
from agent.index.chunking import chunk_documents
from agent.ingest.corpus import team_documents


def test_front_matter_and_sections(corpora):
    docs = {d.doc_id: d for d in team_documents(corpora / "test-poet" / "sources")}
    zh = docs["bio-zh"]
    assert zh.title == "測詩人小傳" and zh.kind == "team-written" and zh.language == "zh"
    assert [s.heading for s in zh.sections] == ["出身", "長安", "晚年"]
    assert docs["bio-en"].citation_name == "Test Poet: a life"


def test_locators_and_ids(corpora):
    chunks = chunk_documents(team_documents(corpora / "test-poet" / "sources"), ChunkingSettings())
    zh = [c for c in chunks if c.doc_id == "bio-zh"]
    assert zh[1].locator == "測試小傳 §2"
    assert len({c.id for c in chunks}) == len(chunks)


def test_chinese_sentences_are_not_cut(tmp_path):
    sentence = "天寶初年，他南遊會稽，與道士交好，後來到了長安。"
    body = "\n".join(["## 一", sentence * 30])
    path = tmp_path / "long.md"
    path.write_text(body, encoding="utf-8")
    chunks = chunk_documents(team_documents(tmp_path), ChunkingSettings(chunk_size=80, chunk_overlap=0))
    assert len(chunks) > 3
    for c in chunks:
        assert c.text.endswith("。"), c.text
        assert c.text.startswith("天寶初年"), c.text


def test_english_sentences_are_not_cut(tmp_path):
    body = "## A\n" + " ".join(f"Sentence number {i} tells of the year 742 and Chang'an." for i in range(60))
    path = tmp_path / "en.md"
    path.write_text(body)
    chunks = chunk_documents(team_documents(tmp_path), ChunkingSettings(chunk_size=60, chunk_overlap=0))
    assert len(chunks) > 3
    assert all(c.text.endswith(".") for c in chunks)


@pytest.mark.parametrize(
    "content,match",
    [
        (b"", "empty"),
        (b"\xff\xfe\x00garbage\x9c", "not valid UTF-16"),
        (b"+++\ntitle = 'x'\n", "never closed"),
        (b"+++\nkind = 'novel'\n+++\ntext", "kind"),
        (b"+++\ncolour = 'red'\n+++\ntext", "unknown front-matter"),
    ],
)
def test_bad_source_files(tmp_path, content, match):
    path = tmp_path / "bad.md"
    path.write_bytes(content)
    with pytest.raises(CorpusError, match=match) as err:
        team_documents(tmp_path)
    assert "bad.md" in str(err.value)


def test_chunks_are_whole_sentences_of_the_one_splitter(tmp_path):
    """A stop after an abbreviation or an initial ends no sentence, so no chunk starts inside one ("St. Louis")."""
    from agent.text.sentences import split_sentences

    body = "## A\n" + " ".join(f"In {1840 + i} he went to St. Louis with Ulysses S. Grant and Gen. Scott." for i in range(40))
    (tmp_path / "en.md").write_text(body)
    chunks = chunk_documents(team_documents(tmp_path), ChunkingSettings(chunk_size=50, chunk_overlap=10))
    assert len(chunks) > 3
    for c in chunks:
        assert c.text.startswith("In 18") and c.text.endswith("Gen. Scott."), c.text
        assert all(s.startswith("In 18") for s in split_sentences(c.text))
