"""slfit.fit and slfit.Law against the CLI on the bundled examples (ctest: PythonPackage).

Run with the package importable (PYTHONPATH=build/python) and SLFIT_BINARY naming the CLI.
"""

import json
import os
import subprocess

import numpy as np
import pandas as pd
import pytest

import slfit

SOURCE = os.environ.get("SLFIT_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
BINARY = os.environ.get("SLFIT_BINARY", os.path.join(SOURCE, "build", "slfit"))
TRAIN = os.path.join(SOURCE, "examples", "parscale", "train.csv")
TEST = os.path.join(SOURCE, "examples", "parscale", "test.csv")


def cli_fit(*args):
    out = subprocess.run([BINARY, "fit", "--format", "json", "--backend", "cpu", *args], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)


@pytest.fixture(scope="module")
def train():
    return pd.read_csv(TRAIN)


@pytest.fixture(scope="module")
def test_rows():
    return pd.read_csv(TEST)


def test_fit_gives_the_clis_parameters_and_scores_for_the_same_seed(train, test_rows):
    result = slfit.fit(train, "parallel_power", group="group", test=test_rows, backend="cpu", seed=7, maxiter=200)
    cli = cli_fit("--data", TRAIN, "--test", TEST, "--group", "group", "--law", "parallel_power", "--seed", "7",
                  "--maxiter", "200")
    assert list(result.params.index) == [f["group"] for f in cli["fits"]]
    for f in cli["fits"]:
        g = f["group"]
        assert result.params.loc[g].to_dict() == f["params"]  # exactly, not approximately
        assert result.report.loc[g, "objective"] == f["objective"]
        assert result.report.loc[g, "status"] == f["status"]
        assert result.standard_errors.loc[g].to_dict() == f["uncertainty"]["standard_errors"]
        assert result.report.loc[g, "aic"] == f["uncertainty"]["aic"]
        assert result.test_scores.loc[g, "r2"] == f["test"]["r2"]
    assert result.test_scores.loc["all", "r2"] == cli["test"]["r2"]
    assert result.report.loc["pile", "at_bound"] == {"b": "lower"}


def test_separable_is_the_clis_option_and_its_report_says_what_was_solved(train):
    for setting, solved in (("auto", ["a", "d"]), ("off", [])):
        result = slfit.fit(train, "parallel_power", group="group", backend="cpu", separable=setting)
        cli = cli_fit("--data", TRAIN, "--group", "group", "--law", "parallel_power", "--separable", setting)
        for f in cli["fits"]:
            g = f["group"]
            assert result.params.loc[g].to_dict() == f["params"]
            assert result.report.loc[g, "separable"] == f["separable"] == solved
            assert result.report.loc[g, "de_evaluations"] == f["de"]["evaluations"]
    with pytest.raises(ValueError, match="separable: 'always' is not one of: auto, off"):
        slfit.fit(train, "parallel_power", group="group", backend="cpu", separable="always")


def test_updating_is_the_clis_option(train):
    result = slfit.fit(train, "parallel_power", group="group", backend="cpu", updating="immediate")
    cli = cli_fit("--data", TRAIN, "--group", "group", "--law", "parallel_power", "--updating", "immediate")
    assert cli["updating"] == "immediate"
    for f in cli["fits"]:
        assert result.params.loc[f["group"]].to_dict() == f["params"]
        assert result.report.loc[f["group"], "de_generations"] == f["de"]["generations"]
    with pytest.raises(ValueError, match="updating: 'later' is not one of: deferred, immediate"):
        slfit.fit(train, "parallel_power", group="group", backend="cpu", updating="later")


def test_predictions_score_as_the_test_split(train, test_rows):
    result = slfit.fit(train, "parallel_power", group="group", test=test_rows, backend="cpu", maxiter=100)
    predicted = result.predict(test_rows, group="group")
    y = test_rows["loss"].to_numpy()
    r2 = 1 - np.mean((predicted - y) ** 2) / np.var(y)
    assert r2 == pytest.approx(result.test_scores.loc["all", "r2"], rel=1e-12)


def test_a_law_made_in_python_fits_as_its_law_file(train, tmp_path):
    params = {"E": (0, "y_min"), "A": (1e-4, 1e4), "k": (0, 10), "alpha": (0.01, 2)}
    law = slfit.Law("E + (A * 1e9 / (N * (k * log(P) + 1)))^alpha", params=params,
                    inputs={"N": "num_params", "P": "parallel_size"}, target="loss", name="mine")
    assert law.param_names == ["E", "A", "k", "alpha"]
    assert law.inputs == {"N": "num_params", "P": "parallel_size"}
    path = tmp_path / "mine.json"
    path.write_text(json.dumps(law.to_spec()))
    from_file = slfit.Law.from_file(path)
    a = slfit.fit(train, law, group="group", backend="cpu", maxiter=100)
    b = slfit.fit(train, from_file, group="group", backend="cpu", maxiter=100)
    c = slfit.fit(train, "parscale", group="group", backend="cpu", maxiter=100)
    pd.testing.assert_frame_equal(a.params, b.params)
    pd.testing.assert_frame_equal(a.params, c.params)  # the built-in law is this law


def test_a_dict_of_arrays_is_data_too(train):
    data = {c: train[c].to_numpy() for c in train.columns}
    result = slfit.fit(data, "parallel_power", group="group", backend="cpu", maxiter=50)
    expected = slfit.fit(train, "parallel_power", group="group", backend="cpu", maxiter=50)
    pd.testing.assert_frame_equal(result.params, expected.params)


def test_sigma_fits_as_the_clis_sigma(train, tmp_path):
    weighted = train.assign(err=0.01 * (1 + np.arange(len(train)) % 4))
    path = tmp_path / "weighted.csv"
    weighted.to_csv(path, index=False)
    result = slfit.fit(weighted, "parscale", group="group", sigma="err", backend="cpu", maxiter=100)
    cli = cli_fit("--data", str(path), "--group", "group", "--law", "parscale", "--sigma", "err", "--maxiter", "100")
    for f in cli["fits"]:
        assert result.params.loc[f["group"]].to_dict() == pytest.approx(f["params"], rel=1e-12)


def test_bad_input_raises_value_error_with_the_clis_message(train):
    with pytest.raises(ValueError, match="no column named 'loss'"):
        slfit.fit(train.drop(columns="loss"), "parallel_power", group="group")
    bad = train.copy()
    bad.loc[3, "num_params"] = np.nan
    with pytest.raises(ValueError, match="column 'num_params', row 3: nan is not a finite number"):
        slfit.fit(bad, "parallel_power", group="group")
    with pytest.raises(ValueError, match="popsize must be at least 1"):
        slfit.fit(train, "parallel_power", popsize=0)
    with pytest.raises(TypeError, match="unknown options popsiz"):
        slfit.fit(train, "parallel_power", popsiz=10)
    negative = train.assign(num_params=-train["num_params"])
    law = slfit.Law("a + b * log(num_params)", params={"a": (-10, 10), "b": (-1, 1)})
    with pytest.raises(ValueError, match=r"data:1: group 'all': the law's term log\(num_params\) is NaN"):
        slfit.fit(negative, law)
    with pytest.raises(ValueError, match="unknown built-in law 'parscal'"):
        slfit.Law.builtin("parscal")


def test_summary_and_frame_say_what_a_person_needs(train):
    result = slfit.fit(train, "parallel_power", group="group", backend="cpu", maxiter=100)
    text = result.summary()
    assert "group pile: converged" in text and "at lower bound" in text and "std error" in text
    frame = result.to_frame()
    assert {"a", "se_a", "objective", "r2_train", "aic", "bic", "status"} <= set(frame.columns)
    assert "parallel_power" in result._repr_html_()
    corr = result.correlation("pile")
    assert corr.loc["a", "a"] == 1.0 and corr.loc["a", "b"] == corr.loc["b", "a"]
    assert "2 groups" in repr(result)


def test_fix_holds_a_parameter_as_the_clis_fix(train):
    result = slfit.fit(train, "parallel_power", group="group", fix={"c": 0.1}, backend="cpu", maxiter=100)
    cli = cli_fit("--data", TRAIN, "--group", "group", "--law", "parallel_power", "--fix", "c=0.1", "--maxiter", "100")
    for f in cli["fits"]:
        assert result.params.loc[f["group"]].to_dict() == f["params"]
    assert (result.params["c"] == 0.1).all()
    with pytest.raises(ValueError, match="fix: 'q' is not a parameter"):
        slfit.fit(train, "parallel_power", fix={"q": 1})


def test_missing_drop_leaves_rows_out_as_the_clis(train, tmp_path):
    holes = train.copy()
    holes.loc[[2, 20], "loss"] = np.nan
    with pytest.raises(ValueError, match="column 'loss', row 2: nan is not a finite number"):
        slfit.fit(holes, "parallel_power", group="group")
    with pytest.warns(UserWarning, match="2 rows with a missing value dropped"):
        result = slfit.fit(holes, "parallel_power", group="group", missing="drop", backend="cpu", maxiter=60)
    path = tmp_path / "holes.csv"
    holes.to_csv(path, index=False)
    cli = cli_fit("--data", str(path), "--group", "group", "--law", "parallel_power", "--missing", "drop",
                  "--maxiter", "60")
    for f in cli["fits"]:
        assert result.params.loc[f["group"]].to_dict() == f["params"]


def test_every_instruction_set_gives_the_same_fit(train):
    # The CPU's vector math gives the same bits in every set; a set the CPU lacks is refused.
    before = slfit.cpu_instruction_set()
    sets = slfit.supported_cpu_instruction_sets()
    assert before in sets
    try:
        fits = []
        for name in sets:
            slfit.use_cpu_instruction_set(name)
            assert slfit.cpu_instruction_set() == name
            fits.append(slfit.fit(train, "parscale", group="group", backend="cpu", maxiter=80, progress=False).params)
        for other in fits[1:]:
            pd.testing.assert_frame_equal(other, fits[0], check_exact=True)
        with pytest.raises(ValueError, match="avx9000"):
            slfit.use_cpu_instruction_set("avx9000")
    finally:
        slfit.use_cpu_instruction_set(before)
