"""slfit.plot draws, under matplotlib's Agg backend, to PNG files (ctest: PythonPackage)."""

import os

import matplotlib
import pandas as pd
import pytest

matplotlib.use("Agg")

import slfit  # noqa: E402
import slfit.plot  # noqa: E402

SOURCE = os.environ.get("SLFIT_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))


def png(ax, path) -> int:
    ax.figure.savefig(path)
    with open(path, "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"
    return os.path.getsize(path)


def test_a_fit_is_drawn_with_its_data_curves_and_test_rows(tmp_path):
    train = pd.read_csv(os.path.join(SOURCE, "examples", "parscale", "train.csv"))
    test = pd.read_csv(os.path.join(SOURCE, "examples", "parscale", "test.csv"))
    result = slfit.fit(train, "parallel_power", group="group", test=test, maxiter=100, backend="cpu")
    ax = slfit.plot.fit(result, train, x="num_params", group="group", test=test)
    # Per group: one curve per parallel_size of the training and test rows (1, 2, 4, 8).
    assert len(ax.lines) == 2 * 4
    assert {t.get_text() for t in ax.get_legend().get_texts()} >= {"pile", "pile (test)", "stack", "stack (test)"}
    assert png(ax, tmp_path / "fit.png") > 10_000
    with pytest.raises(ValueError, match="x must be one of the law's input columns"):
        slfit.plot.fit(result, train, x="loss", group="group")


def test_a_leaderboard_is_drawn_with_its_failed_entries_marked(tmp_path):
    table = slfit.rescore(os.path.join(SOURCE, "examples", "leaderboards", "parallel.json"), maxiter=40,
                          backend="cpu")
    ax = slfit.plot.leaderboard(table)
    assert len(ax.patches) == int((table["r2"] > -1).sum())
    assert any(t.get_text() == "invalid_entry" for t in ax.texts)
    assert png(ax, tmp_path / "leaderboard.png") > 5_000


def test_one_output_of_a_multi_output_law_is_drawn(tmp_path):
    task = os.path.join(SOURCE, "examples", "sldbench", "domain_mixture")
    train = pd.read_csv(os.path.join(task, "train.csv"))
    law = os.path.join(task, "own_domain.json")
    result = slfit.fit(train[train["group"] == "70M"], law, maxiter=50, backend="cpu")
    one = train[train["group"] == "70M"]
    ax = slfit.plot.fit(result, one, x="proportion_domain_3", output="domain_3")
    assert ax.get_ylabel() == "loss_domain_3"
    assert "domain_3: c3 + k3 * exp(t3 * p3)" in ax.get_title()
    assert png(ax, tmp_path / "output.png") > 5_000
    with pytest.raises(ValueError, match="has several outputs; give output= one of domain_1, domain_2"):
        slfit.plot.fit(result, one, x="proportion_domain_3")
