"""The loaders on the real sources in ../shared, checked the way a scholar would check an edition.

Every test reaches ../shared through ``shared_path`` and so skips, with the reason, when the folder is
absent. Nothing from ../shared is copied into the repository: derived files (GBK, Big5, UTF-16 copies,
a truncated TEI) are written at test time under ``tmp_path``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from agent.config import ChunkingSettings, load_settings
from agent.errors import CorpusError
from agent.index.chunking import chunk_document
from agent.ingest.documents import Document
from agent.ingest.loaders import SourceSpec, load_source

from .conftest import shared_path

PLUTARCH = ("sources", "en", "plutarch_lives_vol1_pg14033.html")
SUETONIUS_JULIUS = ("sources", "en", "suetonius", "phi1348.abo011.perseus-eng2.xml")
TACITUS_AGRICOLA = ("sources", "en", "tacitus_agricola_perseus-eng2.xml")
XIN_TANGSHU_LI_BAI = ("sources", "zh", "dynastic_bios", "32540.txt")
LI_BAI_POEMS = ("sources", "zh", "poems", "quantangshi_li_bai.json")

XIN_TANGSHU_CITE = "新唐書·文藝傳中·李白"
# A Chinese sentence (or a quoted speech closing one) ends with one of these.
ZH_SENTENCE_END = tuple("。！？；」』")


def _load_one(path: Path, **spec) -> Document:
    docs = load_source(SourceSpec(path=str(path), **spec), path)
    assert len(docs) == 1
    return docs[0]


def _by_label(doc: Document) -> dict:
    return {s.label: s for s in doc.sections}


def _all_text(doc: Document) -> str:
    return "\n".join(f"{s.heading}\n{s.text}" for s in doc.sections)


# ----------
# Plutarch, Life of Poplicola, out of the Project Gutenberg HTML of Lives vol. I
# ----------
@pytest.fixture(scope="module")
def poplicola() -> Document:
    path = shared_path(*PLUTARCH)
    return _load_one(path, section="POPLICOLA", cite_as="Plutarch, Poplicola", language="en")


def test_poplicola_is_the_life_with_its_23_chapters(poplicola):
    assert poplicola.title == "LIFE OF POPLICOLA"
    assert poplicola.language == "en"
    assert [s.label for s in poplicola.sections] == [str(n) for n in range(1, 24)]
    assert [s.number for s in poplicola.sections] == list(range(1, 24))
    # The Roman numeral that opens each chapter is the locator, not part of the text.
    assert not any(re.match(r"\s*[IVXLC]+\.\s", s.text) for s in poplicola.sections)


def test_poplicola_chapter_locators(poplicola):
    chapters = _by_label(poplicola)
    assert poplicola.citation_name == "Plutarch, Poplicola"
    assert poplicola.locator(chapters["12"]) == "Plutarch, Poplicola 12"
    assert poplicola.locator(chapters["1"]) == "Plutarch, Poplicola 1"
    assert poplicola.locator(chapters["23"]) == "Plutarch, Poplicola 23"


def test_poplicola_chapter_1_names_publius_valerius(poplicola):
    first = _by_label(poplicola)["1"].text
    assert "Publius Valerius" in first
    assert first.startswith("As a parallel to Solon we shall take Poplicola")


def test_poplicola_has_no_licence_and_no_other_life(poplicola):
    text = _all_text(poplicola)
    for boilerplate in ("Gutenberg", "gutenberg.org", "License", "license", "eBook", "FOOTNOTES"):
        assert boilerplate not in text, boilerplate
    for other_heading in ("LIFE OF SOLON", "SOLON.", "COMPARISON OF SOLON AND POPLICOLA", "THEMISTOKLES"):
        assert other_heading not in text, other_heading


def test_poplicola_stops_where_the_comparison_begins(poplicola):
    """The first and last chapters of the neighbouring texts, as the loader itself reads them, are absent."""
    path = shared_path(*PLUTARCH)
    solon = _load_one(path, section="LIFE OF SOLON")
    comparison = _load_one(path, section="COMPARISON OF SOLON AND POPLICOLA")
    assert solon.title == "LIFE OF SOLON" and comparison.title == "COMPARISON OF SOLON AND POPLICOLA"
    mine = _all_text(poplicola)
    for neighbour in (solon.sections[-1].text, comparison.sections[0].text):
        assert neighbour[:200] not in mine
    # ... and the Life's own last chapter is in it.
    assert poplicola.sections[-1].text.rstrip().endswith("outside the city.")


def test_whole_plutarch_book_has_no_gutenberg_licence():
    path = shared_path(*PLUTARCH)
    doc = _load_one(path)
    for section in doc.sections:
        body = f"{section.heading} {section.text}"
        assert "Gutenberg" not in body and "START OF" not in body and "END OF" not in body, section.label


def test_unknown_section_lists_the_headings_found():
    path = shared_path(*PLUTARCH)
    with pytest.raises(CorpusError) as err:
        load_source(SourceSpec(path=str(path), section="LIFE OF CICERO"), path)
    message = str(err.value)
    assert str(path) in message and "LIFE OF CICERO" in message
    assert "LIFE OF SOLON" in message and "LIFE OF POPLICOLA" in message


# ----------
# Suetonius, Divus Julius (Perseus TEI, Thomson's translation), and Tacitus, Agricola
# ----------
@pytest.fixture(scope="module")
def divus_julius() -> Document:
    path = shared_path(*SUETONIUS_JULIUS)
    return _load_one(path, cite_as="Suetonius, Divus Julius")


def test_divus_julius_chapters_are_numbered(divus_julius):
    assert divus_julius.title == "Julius Caesar"
    assert divus_julius.language == "en"
    numbered = [s.label for s in divus_julius.sections if s.label.isdigit()]
    # Thomson omitted chapter 49: Perseus has only an ellipsis and its own note there, so it has no text.
    assert numbered == [str(n) for n in range(1, 90) if n != 49]
    assert divus_julius.locator(_by_label(divus_julius)["1"]) == "Suetonius, Divus Julius 1"


def test_divus_julius_ides_of_march(divus_julius):
    chapters = [s for s in divus_julius.sections if "ides of march" in s.text.lower()]
    # The senate summoned for the Ides (80), Spurinna's warning and the murder (81), the day named parricidal (88).
    assert [s.label for s in chapters] == ["80", "81", "88"]
    assert divus_julius.locator(chapters[0]) == "Suetonius, Divus Julius 80"
    murder = _by_label(divus_julius)["81"]
    assert "Spurinna" in murder.text and "but not past" in murder.text
    assert divus_julius.locator(murder) == "Suetonius, Divus Julius 81"


def test_divus_julius_death_in_his_56th_year(divus_julius):
    chapters = [s.label for s in divus_julius.sections if "fifty-sixth year" in s.text]
    assert chapters == ["88"]


def test_divus_julius_leaves_out_editor_notes(divus_julius):
    text = _all_text(divus_julius)
    first = _by_label(divus_julius)["1"].text
    # Phrases that occur only inside <note> elements of chapter 1 (and elsewhere).
    assert "A. U. C." not in text
    assert "Pliny informs us" not in first and "Flamen Dialis" not in first
    assert "Thomson has omitted" not in text
    # ... while the sentence the notes hang on stays whole, with the text that follows each note.
    assert "lost his father when he was in the sixteenth year of his age;" in first
    assert "and the year following, being nominated to the office of high-priest of Jupiter, he repudiated" in first


def test_truncated_tei_is_an_error_not_half_a_text(tmp_path):
    raw = shared_path(*SUETONIUS_JULIUS).read_bytes()
    cut = tmp_path / "julius-truncated.xml"
    cut.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(CorpusError) as err:
        load_source(SourceSpec(path=str(cut)), cut)
    assert str(cut) in str(err.value) and "not well-formed" in str(err.value)


@pytest.fixture(scope="module")
def agricola() -> Document:
    path = shared_path(*TACITUS_AGRICOLA)
    return _load_one(path, cite_as="Tacitus, Agricola")


def test_agricola_chapter_44_birth_and_death(agricola):
    assert [s.label for s in agricola.sections] == [str(n) for n in range(1, 47)]
    ch44 = _by_label(agricola)["44"]
    assert agricola.locator(ch44) == "Tacitus, Agricola 44"
    assert "13th of June" in ch44.text
    assert "third consulate of Caius Cæsar" in ch44.text
    assert "consulate of Collega and Priscus" in ch44.text
    assert "fifty-sixth year" in ch44.text


def test_agricola_keeps_html_entities_as_characters(agricola):
    """Perseus writes C&aelig;sar and &mdash; with no loadable DTD; the letters must not vanish."""
    text = _all_text(agricola)
    assert "Cæsar" in text and "Cnæus Julius" in text
    assert not re.search(r"\b(Csar|Cnus|Qustor)\b", text)
    assert "fortunate—fortunate" in text and "fortunatefortunate" not in text


# ----------
# 新唐書 卷二百二 文藝傳中 李白 (CBDB dynastic-history text)
# ----------
@pytest.fixture(scope="module")
def xin_tangshu() -> Document:
    path = shared_path(*XIN_TANGSHU_LI_BAI)
    return _load_one(path, cite_as=XIN_TANGSHU_CITE, title=XIN_TANGSHU_CITE, kind="primary")


def test_xin_tangshu_is_one_chinese_document(xin_tangshu):
    assert xin_tangshu.language == "zh"
    assert xin_tangshu.kind == "primary"
    assert len(xin_tangshu.sections) == 1
    assert xin_tangshu.locator(xin_tangshu.sections[0]) == xin_tangshu.cite_as == XIN_TANGSHU_CITE
    assert xin_tangshu.sections[0].text.startswith("李白，字太白")


def test_xin_tangshu_chunks_never_cut_a_sentence(xin_tangshu):
    text = xin_tangshu.sections[0].text
    chunks = chunk_document(xin_tangshu, ChunkingSettings())
    assert len(chunks) >= 2
    for chunk in chunks:
        assert chunk.text.endswith(ZH_SENTENCE_END), chunk.text[-20:]
        start = text.find(chunk.text)
        assert start >= 0, "a chunk is not a verbatim slice of the biography"
        # ... and starts where a sentence or a paragraph starts.
        assert start == 0 or text[start - 1] in "\n" + "".join(ZH_SENTENCE_END), chunk.text[:20]
        assert chunk.locator == XIN_TANGSHU_CITE and chunk.language == "zh"
    tianbao = [c for c in chunks if "天寶初" in c.text]
    assert len(tianbao) == 1 and tianbao[0].text.startswith("天寶初，南入會稽")


def _write_figure(corpora: Path, source: Path) -> Path:
    root = corpora / "xtl-li-bai"
    root.mkdir(parents=True)
    (root / "figure.toml").write_text(
        'id = "xtl-li-bai"\nborn = 701\ndied = 762\nera = "唐"\nlanguages = ["zh"]\ndefault_language = "zh"\n\n'
        '[names]\nzh = "李白"\naliases = ["太白"]\n',
        encoding="utf-8",
    )
    (root / "sources.toml").write_text(
        "[[source]]\n"
        f"path = {json.dumps(str(source))}\n"
        'format = "text"\n'
        f'title = "{XIN_TANGSHU_CITE}"\ncite_as = "{XIN_TANGSHU_CITE}"\n'
        'kind = "primary"\nlanguage = "zh"\n',
        encoding="utf-8",
    )
    return root


def test_question_about_tianbao_retrieves_the_xin_tangshu_passage(tmp_path, embedder):
    from agent.core import Agent
    from agent.ingest.figures import get_figure

    source = shared_path(*XIN_TANGSHU_LI_BAI)
    corpora = tmp_path / "corpora"
    _write_figure(corpora, source.resolve())
    settings = load_settings(
        overrides={
            "corpora_dirs": [str(corpora)],
            "index_dir": str(tmp_path / "indexes"),
            "embedding": {"model": "test-hash-embedder"},
        }
    )
    agent = Agent(get_figure(settings, "xtl-li-bai"), settings, embedder=embedder)
    passages = agent.retrieve("天宝初年你去了哪里？")
    assert passages, "nothing retrieved"
    top = passages[0]
    assert "天寶初" in top.text  # the source's own (traditional) text, not a conversion
    assert "新唐書" in top.locator and top.locator == XIN_TANGSHU_CITE
    assert top.kind == "primary" and top.language == "zh"


# ----------
# 全唐詩: 李白's poems (chinese-poetry JSON)
# ----------
@pytest.fixture(scope="module")
def li_bai_json() -> list[dict]:
    return json.loads(shared_path(*LI_BAI_POEMS).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def li_bai_poems() -> list[Document]:
    path = shared_path(*LI_BAI_POEMS)
    return load_source(SourceSpec(path=str(path), author_filter="李白", cite_as="全唐詩"), path)


def _non_empty(poems: list[dict]) -> list[dict]:
    return [p for p in poems if "\n".join(p["paragraphs"]).strip()]


def test_every_li_bai_poem_is_a_document(li_bai_json, li_bai_poems):
    assert len(li_bai_json) == 1207 and {p["author"] for p in li_bai_json} == {"李白"}
    expected = _non_empty(li_bai_json)
    assert len(li_bai_poems) == len(expected) == 1207
    assert [d.title for d in li_bai_poems] == [p["title"] for p in expected]
    assert len({d.doc_id for d in li_bai_poems}) == len(li_bai_poems)
    for doc, poem in zip(li_bai_poems, expected):
        assert doc.language == "zh" and doc.author == "李白" and doc.cite_as == "全唐詩"
        assert len(doc.sections) == 1
        assert doc.locator(doc.sections[0]) == f"全唐詩·{poem['title']}"
        assert doc.sections[0].text == "\n".join(poem["paragraphs"]).strip()


def test_jing_ye_si_is_there_as_the_json_has_it(li_bai_json, li_bai_poems):
    in_json = [p for p in li_bai_json if p["title"] == "靜夜思"]
    if not in_json:
        pytest.skip("靜夜思 is not in this copy of the JSON")
    docs = [d for d in li_bai_poems if d.title == "靜夜思"]
    assert len(docs) == len(in_json) == 1
    assert docs[0].locator(docs[0].sections[0]) == "全唐詩·靜夜思"
    assert docs[0].sections[0].text == "\n".join(in_json[0]["paragraphs"])


def test_another_authors_filter_on_li_bai_file_is_an_error():
    path = shared_path(*LI_BAI_POEMS)
    with pytest.raises(CorpusError) as err:
        load_source(SourceSpec(path=str(path), author_filter="杜甫"), path)
    assert str(path) in str(err.value) and "杜甫" in str(err.value)


# ----------
# Encodings: the 新唐書 biography re-encoded at test time
# ----------
@pytest.mark.parametrize("encoding", ["gb18030", "gbk", "big5", "utf-16", "utf-8-sig"])
def test_xin_tangshu_in_other_encodings_reads_the_same(tmp_path, xin_tangshu, encoding):
    original = shared_path(*XIN_TANGSHU_LI_BAI).read_text(encoding="utf-8")
    # Big5 has no code for a few characters (靧 here): they are dropped from the copy and from the expectation.
    data = original.encode(encoding, errors="ignore")
    expected_text = data.decode(encoding).removeprefix("\ufeff")
    assert len(original) - len(expected_text) <= 3
    copy = tmp_path / f"32540.{encoding}.txt"
    copy.write_bytes(data)
    reference = tmp_path / "expected.txt"
    reference.write_text(expected_text, encoding="utf-8")

    doc = _load_one(copy, cite_as=XIN_TANGSHU_CITE)
    assert doc.language == "zh"
    assert len(doc.sections) == 1
    assert doc.sections[0].text == _load_one(reference).sections[0].text
    if encoding != "big5":
        assert doc.sections[0].text == xin_tangshu.sections[0].text
