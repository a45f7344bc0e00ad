import pytest

from agent.answer import Passage
from agent.core import Agent
from agent.ingest.figures import get_figure
from agent.retrieve.hybrid import content_terms, coverage, in_third_person, search_query
from agent.text.sentences import split_sentences
from agent.verify.citations import attach_citations, split_answer


def _agent(settings, embedder):
    return Agent(get_figure(settings, "test-poet"), settings, embedder=embedder)


def test_hybrid_retrieval_finds_the_passage(settings, embedder):
    agent = _agent(settings, embedder)
    passages = agent.retrieve("你是哪一年来到长安的？")
    assert passages
    assert "長安" in passages[0].text
    assert passages[0].relevance >= settings.retrieval.min_relevance
    en = agent.retrieve("When did you reach Chang'an?")
    assert "Chang'an" in en[0].text


def test_unrelated_question_has_low_relevance(settings, embedder):
    agent = _agent(settings, embedder)
    passages = agent.retrieve("你的手机是什么牌子的？")
    assert all(p.relevance < settings.retrieval.min_relevance for p in passages)


def test_content_terms_drop_names_and_stopwords():
    terms, chars = content_terms("李白你何时到长安？", {"李白", "李", "白"})
    assert "长安" in terms and "李白" not in terms
    assert "何" not in chars and "李" not in chars
    assert coverage(terms, chars, "天寶初，白至長安。") > 0.5


def test_the_search_query_names_the_figure_where_the_question_says_you(settings):
    figure = get_figure(settings, "test-poet")
    assert in_third_person("When were you married, and where did your family live?", figure) == (
        "When were Test Poet married, and where did Test Poet's family live?"
    )
    assert in_third_person("你是哪一年來到長安的？您可曾見過皇帝？", figure) == "測詩人是哪一年來到長安的？測詩人可曾見過皇帝？"
    assert in_third_person("Youth and yourself: young?", figure) == "Youth and Test Poet: young?"
    assert in_third_person("When did Li Bai die?", figure) == "When did Li Bai die?"


@pytest.mark.parametrize("question, query", [
    ("How old were you at your death?", "At what age were you at your death?"),
    ("You went to the capital late. How old were you then?", "You went to the capital late. At what age were you then?"),
    ("How many years did he live altogether?", "At what age did he die?"),
    ("Tell me: how long did he live?", "Tell me: at what age did he die?"),
    ("How long did you live in Hangzhou?", "How long did you live in Hangzhou?"),  # a stay, not a life
    ("How many years did you live there?", "How many years did you live there?"),
    ("Were you old when you married?", "Were you old when you married?"),
])
def test_an_age_is_searched_for_as_the_sources_give_it(question, query):
    assert search_query(question) == query


def test_retrieval_searches_for_an_age_as_the_sources_write_it(settings, embedder, monkeypatch):
    seen = []
    embed_query = embedder.embed_query
    monkeypatch.setattr(embedder, "embed_query", lambda text: seen.append(text) or embed_query(text))
    _agent(settings, embedder).retrieve("How old were you at your death?")
    assert seen == ["At what age were you at your death?", "At what age were Test Poet at Test Poet's death?"]


def test_retrieval_searches_with_the_question_and_its_third_person_form(settings, embedder, monkeypatch):
    seen = []
    embed_query = embedder.embed_query
    monkeypatch.setattr(embedder, "embed_query", lambda text: seen.append(text) or embed_query(text))
    agent = _agent(settings, embedder)
    agent.retrieve("What year were you born in?")
    agent.retrieve("When was Test Poet born?")
    assert seen == ["What year were you born in?", "What year were Test Poet born in?", "When was Test Poet born?"]


def test_coverage_reads_words_for_birth_and_death_as_one_event(settings, embedder):
    terms, chars = content_terms("When was it that you were born?")
    assert coverage(terms, chars, "Neither history gives the year of his birth.") == 1.0
    assert coverage(terms, chars, "He was reborn as a legend.") == 0.0
    agent = _agent(settings, embedder)
    best = agent.retrieve("When was it that you were born?")[0]
    assert "born in 701" in best.text and best.relevance >= settings.retrieval.min_relevance
    death = max(agent.retrieve("And your death?"), key=lambda p: p.relevance)
    assert "died in 762" in death.text and death.relevance >= settings.retrieval.min_relevance
    zh = max(agent.retrieve("你去世了嗎？"), key=lambda p: p.relevance)
    assert "卒於762年" in zh.text and zh.relevance >= settings.retrieval.min_relevance


def test_langchain_retriever(settings, embedder):
    from langchain_core.retrievers import BaseRetriever

    retriever = _agent(settings, embedder).as_retriever(k=2)
    assert isinstance(retriever, BaseRetriever)
    docs = retriever.invoke("長安")
    assert len(docs) == 2
    assert docs[0].metadata["locator"] and docs[0].metadata["passage_id"]


def _passages():
    return [
        Passage("a:1", "他生於701年，在蜀中讀書。", "Bio", "Bio §1", 0.1),
        Passage("a:2", "天寶初年（天寶元年即742年），他到達長安。", "Bio", "Bio §2", 0.1),
    ]


def test_model_markers_checked_and_unknown_dropped():
    text, cites, support = attach_citations("我於天寶元年即742年到達長安。[2][7]", _passages())
    assert text == "我於天寶元年即742年到達長安。[2]"
    assert [c.passage_id for c in cites] == ["a:2"]
    assert "742" in cites[0].quote


def test_wrong_marker_replaced_by_supported_passage():
    text, cites, _ = attach_citations("我於天寶元年到達長安。[1]", _passages())
    assert cites and cites[0].passage_id == "a:2"
    assert text.endswith("[2]")


def test_citation_added_when_model_wrote_none():
    text, cites, _ = attach_citations("I was born in 701 and read in Shu.", [Passage("e:1", "He was born in 701 in Shu.", "Life", "Life §1", 0.1)])
    assert text.endswith("[1]") and cites[0].marker == "[1]"


def test_a_number_in_digits_is_cited_to_the_passage_that_writes_it_in_words():
    passages = [Passage("e:1", "He went home and died at the age of eighty-two.", "Life", "Life §4", 0.1)]
    text, cites, _ = attach_citations("I lived for 82 years.", passages)
    assert text.endswith("[1]") and cites[0].passage_id == "e:1"
    text, cites, _ = attach_citations("I lived for 81 years.", passages)
    assert cites == []


def test_unsupported_sentence_gets_no_citation():
    text, cites, support = attach_citations("我最喜歡吃火鍋。", _passages())
    assert cites == [] and support[0].passage_numbers == []


def test_split_answer_moves_leading_markers_back():
    parts = split_answer("我到了長安。[2] 後來離開。【1】")
    assert parts == [("我到了長安。", [2]), ("後來離開。", [1])]


@pytest.mark.parametrize(("text", "expected"), [
    ("I trained the team 1. FC Köln from 2018. Then I left.", ["I trained the team 1. FC Köln from 2018.", "Then I left."]),
    ("I lived in St. Louis. It was cold.", ["I lived in St. Louis.", "It was cold."]),
    ("Ulysses S. Grant led the army. I was glad.", ["Ulysses S. Grant led the army.", "I was glad."]),
    ("He wrote it c. 98, under Trajan. Yes.", ["He wrote it c. 98, under Trajan.", "Yes."]),
    ("I was born in 1809. Then I moved.", ["I was born in 1809.", "Then I moved."]),
    ("I counted 3. Then 4.", ["I counted 3.", "Then 4."]),
    ("I was elected.[1] Then I served.", ["I was elected.[1]", "Then I served."]),
    ("我到了長安。後來離開。", ["我到了長安。", "後來離開。"]),
    ("It ends at St.", ["It ends at St."]),
])
def test_split_sentences_keeps_abbreviations_initials_and_club_numerals(text, expected):
    assert split_sentences(text) == expected
