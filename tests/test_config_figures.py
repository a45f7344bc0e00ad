from pathlib import Path

import pytest

from agent.config import load_settings
from agent.errors import ConfigError, CorpusError, FigureNotFound
from agent.ingest.figures import LifeYear, get_figure, list_figures, load_figure

REPO = Path(__file__).resolve().parents[1]


def test_home_moves_all_state(tmp_path, monkeypatch):
    monkeypatch.setenv("AGENT_HOME", str(tmp_path))
    s = load_settings()
    assert s.home == tmp_path
    assert s.models_dir == tmp_path / "models"
    assert s.index_dir == tmp_path / "indexes"
    assert s.corpora_dirs[-1] == tmp_path / "figures"


def test_config_file_is_read_and_validated(tmp_path, monkeypatch):
    monkeypatch.setenv("AGENT_HOME", str(tmp_path))
    (tmp_path / "config.toml").write_text("[retrieval]\ntop_k = 7\n")
    assert load_settings().retrieval.top_k == 7
    (tmp_path / "config.toml").write_text("[retrieval]\ntop_kk = 7\n")
    with pytest.raises(ConfigError, match="top_kk"):
        load_settings()
    (tmp_path / "config.toml").write_text("[retrieval\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings()


def test_missing_explicit_config_file(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "nope.toml")


@pytest.mark.parametrize(
    "value,year,approx",
    [(762, 762, False), ("c. 701", 701, True), ("509 BC", -509, False), ("?", None, False), (None, None, False)],
)
def test_life_year(value, year, approx):
    parsed = LifeYear.parse(value, "x")
    assert (parsed.year, parsed.approx) == (year, approx)


def test_bad_life_year():
    with pytest.raises(CorpusError, match="cannot read year"):
        LifeYear.parse("long ago", "figure.toml: born")


def test_test_figure_loads(settings):
    fig = get_figure(settings, "test-poet")
    assert fig.name("zh") == "測詩人" and fig.name("en") == "Test Poet"
    assert fig.born.approx and fig.died.year == 762 and fig.cutoff == 762


def test_unknown_figure_lists_known(settings):
    with pytest.raises(FigureNotFound, match="known figures: test-poet"):
        get_figure(settings, "nobody")


def test_figure_without_names(tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "figure.toml").write_text('id = "x"\n')
    with pytest.raises(CorpusError, match=r"\[names\]"):
        load_figure(tmp_path / "x")


def test_repo_figures_load():
    s = load_settings(overrides={"corpora_dirs": [str(REPO / "corpora")]})
    figures = {f.id: f for f in list_figures(s)}
    assert "li-bai" in figures
    li = figures["li-bai"]
    assert li.name("zh") == "李白" and li.died.year == 762
    assert li.voice_for("zh") and li.voice_for("en")
