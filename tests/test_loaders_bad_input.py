"""Bad sources: each is refused with a CorpusError that names the file, never a traceback from deep inside.

All inputs are written by the tests themselves under ``tmp_path``; nothing here needs ../shared.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from agent.errors import CorpusError
from agent.ingest.corpus import figure_documents, read_specs
from agent.ingest.figures import load_figure
from agent.ingest.loaders import SourceSpec, load_source

GOOD_TEI = (
    '<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>A Test Life</title>'
    "</titleStmt></fileDesc></teiHeader><text><body><div type=\"textpart\" subtype=\"chapter\" n=\"1\">"
    "<p>He was born in the country.<note>An editor's aside.</note> He died in the city.</p></div></body></text></TEI>"
)

# name -> (file name, bytes, SourceSpec options, words the message should hold besides the path)
BAD_FILES: dict[str, tuple[str, bytes, dict, tuple[str, ...]]] = {
    "empty file": ("empty.txt", b"", {}, ("empty",)),
    "whitespace only": ("blank.md", b"  \n\t\n\n", {}, ("empty",)),
    "only a byte-order mark": ("bom.txt", b"\xef\xbb\xbf\r\n", {}, ("empty",)),
    "png header named .txt": ("picture.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", {}, ("binary",)),
    "binary named .html": ("page.html", b"\x00\x01\x02\x03" * 64, {}, ("binary",)),
    "binary named .xml": ("life.xml", b"PK\x03\x04\x14\x00\x00\x00\x08\x00", {}, ("binary",)),
    "no known encoding": ("noise.txt", bytes([0x80, 0xFF, 0xFE, 0x81, 0x82, 0xA0, 0xFF]) * 40, {}, ("decode",)),
    "utf-16 mark, odd length": ("odd16.txt", b"\xff\xfe" + "李白".encode("utf-16-le") + b"a", {}, ("UTF-16",)),
    "utf-8 mark, bad bytes": ("bad8.txt", b"\xef\xbb\xbf" + "李白".encode("utf-8") + b"\xff\xfe\x80", {}, ("UTF-8",)),
    "html with only a script": (
        "script.html",
        b"<html><head><title>t</title><script>var a = 1;</script></head>"
        b"<body><script>document.write('hi')</script><style>p {}</style></body></html>",
        {},
        ("no body text",),
    ),
    "html, empty body": ("empty-body.html", b"<html><body>   </body></html>", {}, ("no body text",)),
    "html section that has no text": (
        "headings.html", b"<html><body><h2>LIFE OF A</h2><h2>LIFE OF B</h2><p>B's text.</p></body></html>",
        {"section": "LIFE OF A"}, ("no body text",),
    ),
    "html section with no headings at all": (
        "plain.html", b"<html><body><p>Just a paragraph.</p></body></html>", {"section": "POPLICOLA"}, ("POPLICOLA",),
    ),
    "tei without body": (
        "nobody.xml",
        b'<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>x</title>'
        b"</titleStmt></fileDesc></teiHeader></TEI>",
        {},
        ("<body>",),
    ),
    "tei body with only notes": (
        "notes.xml", b'<TEI><text><body><div n="1"><note>Only an editor speaks here.</note></div></body></text></TEI>',
        {}, ("no text",),
    ),
    "malformed xml: mis-nested tags": (
        "nested.xml", b'<TEI><text><body><div n="1"><p>one <hi>two</p></hi></div></body></text></TEI>', {},
        ("not well-formed",),
    ),
    "malformed xml: bare ampersand": (
        "amp.xml", b'<TEI><text><body><div n="1"><p>Caesar & Pompey</p></div></body></text></TEI>', {},
        ("not well-formed",),
    ),
    "malformed xml: truncated": ("cut.xml", GOOD_TEI.encode()[: len(GOOD_TEI) // 2], {}, ("not well-formed",)),
    "not xml at all": ("prose.xml", b"This is prose, not XML.", {}, ("not well-formed",)),
    "json: not json": ("broken.json", b'[{"author": "\xe6\x9d\x8e\xe7\x99\xbd", "title": ', {}, ("JSON",)),
    "json: a dict": ("dict.json", '{"author": "李白", "title": "靜夜思", "paragraphs": ["床前明月光。"]}'.encode(), {},
                     ("list of poems",)),
    "json: a list of strings": ("strings.json", '["床前明月光。", "疑是地上霜。"]'.encode(), {}, ("list of poems",)),
    "json: a poem without paragraphs": (
        "nopara.json", '[{"author": "李白", "title": "靜夜思"}]'.encode(), {}, ("poem 1", "paragraphs"),
    ),
    "json: paragraphs not a list": (
        "strpara.json", '[{"author": "李白", "title": "靜夜思", "paragraphs": "床前明月光。"}]'.encode(), {},
        ("poem 1",),
    ),
    "json: a poem without a title": (
        "notitle.json",
        ('[{"author": "李白", "title": "靜夜思", "paragraphs": ["床前明月光。"]},'
         ' {"author": "李白", "paragraphs": ["x"]}]').encode(),
        {}, ("poem 2",),
    ),
    "json: every poem empty": ("hollow.json", '[{"author": "李白", "title": "句", "paragraphs": []}]'.encode(), {},
                               ("no poems",)),
    "json: nobody by that author": (
        "dufu.json", '[{"author": "杜甫", "title": "春望", "paragraphs": ["國破山河在。"]}]'.encode(),
        {"author_filter": "李白"}, ("李白",),
    ),
    "unknown suffix": ("notes.docx", b"some text", {}, ("format",)),
    "unknown format option": ("notes.txt", b"some text", {"format": "pdf"}, ("pdf",)),
    "unknown kind": ("kind.txt", b"some text", {"kind": "gossip"}, ("gossip",)),
}


@pytest.mark.parametrize("case", list(BAD_FILES), ids=list(BAD_FILES))
def test_bad_file_is_a_corpus_error_naming_the_file(tmp_path, case):
    name, data, options, words = BAD_FILES[case]
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(CorpusError) as err:
        load_source(SourceSpec(path=str(path), **options), path)
    message = str(err.value)
    assert str(path) in message
    for word in words:
        assert word in message, (word, message)


def test_missing_file_is_a_corpus_error_naming_it(tmp_path):
    path = tmp_path / "nowhere" / "absent.txt"
    with pytest.raises(CorpusError) as err:
        load_source(SourceSpec(path=str(path)), path)
    assert str(path) in str(err.value) and "not found" in str(err.value)


def test_a_directory_is_not_a_source(tmp_path):
    with pytest.raises(CorpusError) as err:
        load_source(SourceSpec(path=str(tmp_path)), tmp_path)
    assert str(tmp_path) in str(err.value)


# ----------
# Inputs that look odd but are fine, and must stay fine
# ----------
def test_tei_keeps_text_after_a_note_and_drops_the_note(tmp_path):
    path = tmp_path / "life.xml"
    path.write_text(GOOD_TEI, encoding="utf-8")
    [doc] = load_source(SourceSpec(path=str(path), cite_as="Test, Life"), path)
    assert doc.title == "A Test Life"
    assert [s.text for s in doc.sections] == ["He was born in the country. He died in the city."]
    assert doc.locator(doc.sections[0]) == "Test, Life 1"


def test_tei_html_entities_without_a_dtd_become_characters(tmp_path):
    path = tmp_path / "perseus-like.xml"
    path.write_bytes(
        b'<?xml version="1.0"?>\n<!DOCTYPE TEI.2 PUBLIC "-//TEI P4//DTD Main DTD Driver File//EN" '
        b'"http://www.example.invalid/tei2.dtd" [\n<!ENTITY % Prose PUBLIC "-//X//DTD Prose//EN" '
        b'"http://www.example.invalid/prose.dtd">\n%Prose;\n]>\n'
        b'<TEI.2><text><body><div1 type="chapter" n="1"><p>C&aelig;sar &amp; Pompey &mdash; Rome &lt;AD&gt;</p>'
        b"</div1></body></text></TEI.2>"
    )
    [doc] = load_source(SourceSpec(path=str(path)), path)
    assert doc.sections[0].text == "Cæsar & Pompey — Rome <AD>"


def test_tei_external_entities_are_never_read(tmp_path):
    """A TEI file (perhaps fetched from a URL) must not pull local files into the corpus."""
    secret = tmp_path / "secret.txt"
    secret.write_text("PRIVATE-KEY-MATERIAL", encoding="utf-8")
    path = tmp_path / "xxe.xml"
    path.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE TEI [<!ENTITY leak SYSTEM "{secret.as_uri()}">'
        '<!ENTITY who "Agricola">]>\n'
        '<TEI><text><body><div type="chapter" n="1"><p>Life of &who;: &leak; the end.</p></div></body></text></TEI>',
        encoding="utf-8",
    )
    try:
        docs = load_source(SourceSpec(path=str(path)), path)
    except CorpusError as err:  # refusing the file is also acceptable
        assert str(path) in str(err)
        return
    text = " ".join(s.text for d in docs for s in d.sections)
    assert "PRIVATE-KEY-MATERIAL" not in text
    assert "Life of Agricola" in text  # entities the file itself declares are still expanded


def test_latin_1_text_loads(tmp_path):
    """An older Project Gutenberg file in ISO-8859-1 is read by its detected encoding, accents intact."""
    path = tmp_path / "latin.txt"
    path.write_bytes("The caf\u00e9 of the na\u00efve consul, \u00e0 la carte, with his r\u00e9sum\u00e9. ".encode("latin-1") * 20)
    [doc] = load_source(SourceSpec(path=str(path)), path)
    assert doc.sections[0].text.startswith("The caf\u00e9 of the na\u00efve consul, \u00e0 la carte")


def test_gbk_and_big5_chinese_text_load(tmp_path):
    text = "李白，字太白，隴西成紀人。天寶初，客遊會稽，與道士吳筠隱於剡中。" * 4
    for encoding in ("gb18030", "big5"):
        path = tmp_path / f"bio-{encoding}.txt"
        path.write_bytes(text.encode(encoding))
        [doc] = load_source(SourceSpec(path=str(path)), path)
        assert doc.sections[0].text == text, encoding


def test_html_in_its_declared_latin_1_charset(tmp_path):
    path = tmp_path / "old-gutenberg.html"
    path.write_bytes(
        '<html><head><meta charset="iso-8859-1"></head><body>'
        "<p>The caf\u00e9 of the na\u00efve consul.</p></body></html>".encode("latin-1")
    )
    [doc] = load_source(SourceSpec(path=str(path)), path)
    assert doc.sections[0].text == "The caf\u00e9 of the na\u00efve consul."


def test_html_with_an_unknown_declared_charset_is_read_by_detection(tmp_path):
    path = tmp_path / "odd.html"
    path.write_bytes(b'<html><head><meta charset="x-no-such-charset"></head><body><p>The caf\xe9 of the na\xefve '
                     b'consul, \xe0 la carte.</p></body></html>')
    [doc] = load_source(SourceSpec(path=str(path)), path)
    assert doc.sections[0].text == "The caf\u00e9 of the na\u00efve consul, \u00e0 la carte."


def test_html_that_no_encoding_reads_is_a_corpus_error(tmp_path):
    path = tmp_path / "odd.html"
    path.write_bytes(b'<html><head><meta charset="x-no-such-charset"></head><body><p>' + bytes([0x80, 0xFF, 0xFE, 0x81]) * 60
                     + b"</p></body></html>")
    with pytest.raises(CorpusError) as err:
        load_source(SourceSpec(path=str(path)), path)
    assert str(path) in str(err.value)


def test_utf16_text_with_windows_line_ends(tmp_path):
    path = tmp_path / "u16.txt"
    path.write_bytes("天寶初，南入會稽。\r\n\r\n後入長安。\r\n".encode("utf-16"))
    [doc] = load_source(SourceSpec(path=str(path)), path)
    assert doc.language == "zh" and doc.sections[0].text == "天寶初，南入會稽。\n\n後入長安。"


def test_empty_poems_are_skipped_not_fatal(tmp_path):
    path = tmp_path / "poems.json"
    path.write_text(
        '[{"author": "李白", "title": "句", "paragraphs": []},'
        ' {"author": "李白", "title": "靜夜思", "paragraphs": ["床前明月光，疑是地上霜。"]}]',
        encoding="utf-8",
    )
    docs = load_source(SourceSpec(path=str(path), cite_as="全唐詩"), path)
    assert [d.title for d in docs] == ["靜夜思"]
    assert docs[0].locator(docs[0].sections[0]) == "全唐詩·靜夜思"


# ----------
# sources.toml problems, through agent.corpus.figure_documents
# ----------
FIGURE_TOML = 'id = "bad-input"\nborn = 701\ndied = 762\nlanguages = ["en"]\n\n[names]\nen = "Bad Input"\n'


def _figure(tmp_path: Path, sources_toml: str):
    root = tmp_path / "corpora" / "bad-input"
    root.mkdir(parents=True)
    (root / "figure.toml").write_text(FIGURE_TOML, encoding="utf-8")
    (root / "sources.toml").write_text(sources_toml, encoding="utf-8")
    (root / "life.txt").write_text("He was born in 701.\n\nHe died in 762.\n", encoding="utf-8")
    return load_figure(root)


def test_unknown_key_in_a_source_entry(tmp_path):
    figure = _figure(tmp_path, '[[source]]\npath = "life.txt"\ncite_as = "Life"\n\n[[source]]\npath = "life.txt"\n'
                               'colour = "red"\n')
    with pytest.raises(CorpusError) as err:
        figure_documents(figure)
    message = str(err.value)
    assert str(figure.root / "sources.toml") in message
    assert "source 2" in message and "colour" in message


def test_source_entry_without_a_path(tmp_path):
    figure = _figure(tmp_path, '[[source]]\ncite_as = "Life"\n')
    with pytest.raises(CorpusError) as err:
        read_specs(figure)
    assert str(figure.root / "sources.toml") in str(err.value) and "no path" in str(err.value)


def test_sources_toml_that_is_not_toml(tmp_path):
    figure = _figure(tmp_path, '[[source]]\npath = "life.txt\n')
    with pytest.raises(CorpusError) as err:
        figure_documents(figure)
    assert str(figure.root / "sources.toml") in str(err.value)


def test_missing_required_source_is_an_error(tmp_path):
    figure = _figure(tmp_path, '[[source]]\npath = "life.txt"\n\n[[source]]\npath = "gone/missing.txt"\n')
    with pytest.raises(CorpusError) as err:
        figure_documents(figure)
    message = str(err.value)
    assert str(figure.root / "sources.toml") in message and "missing.txt" in message and "not found" in message


def test_missing_optional_source_is_skipped_and_the_rest_load(tmp_path, caplog):
    figure = _figure(
        tmp_path,
        '[[source]]\npath = "gone/missing.txt"\noptional = true\n\n'
        '[[source]]\npath = "life.txt"\ncite_as = "A Life"\nkind = "secondary"\n',
    )
    with caplog.at_level(logging.WARNING, logger="agent.ingest.corpus"):
        docs = figure_documents(figure)
    assert [d.cite_as for d in docs] == ["A Life"]
    assert "He was born in 701." in docs[0].sections[0].text
    assert any("missing.txt" in r.getMessage() for r in caplog.records)


def test_present_optional_source_that_is_broken_is_still_an_error(tmp_path):
    """optional = true forgives absence, not a bad file."""
    figure = _figure(tmp_path, '[[source]]\npath = "broken.json"\noptional = true\n')
    (figure.root / "broken.json").write_text('{"not": "a list"}', encoding="utf-8")
    with pytest.raises(CorpusError) as err:
        figure_documents(figure)
    assert str(figure.root / "broken.json") in str(err.value)


def test_only_missing_optional_sources_means_no_sources(tmp_path):
    figure = _figure(tmp_path, '[[source]]\npath = "gone/missing.txt"\noptional = true\n')
    with pytest.raises(CorpusError) as err:
        figure_documents(figure)
    assert str(figure.root) in str(err.value) and "no sources" in str(err.value)
