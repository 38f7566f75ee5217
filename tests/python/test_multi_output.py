"""Multi-output laws: SLDBench's domain_mixture task (5 proportions -> 5 losses) with a law whose
outputs share parameters (ctest: PythonPackage).

The SLDBench score of slfit's predictions equals a numpy re-implementation of SLDBench's
evaluator; the objective equals its definition; the CLI gives the same numbers.
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
TASK = os.path.join(SOURCE, "examples", "sldbench", "domain_mixture")
LAW = os.path.join(TASK, "shared_exponents.json")
OUTPUTS = [f"loss_domain_{i}" for i in range(1, 6)]


def read(name):
    return pd.read_csv(os.path.join(TASK, name), float_precision="round_trip")


def sldbench_scores(predictions: np.ndarray, targets: np.ndarray) -> dict:
    """SLDBench's evaluator for a multi-output task: each output's nmse (MSE over the variance of
    its test targets) and nmae (MAE over their mean absolute deviation), averaged over outputs;
    r2 = 1 - the mean nmse."""
    nmse = np.mean((predictions - targets) ** 2, axis=0) / np.var(targets, axis=0)
    nmae = np.mean(np.abs(predictions - targets), axis=0) / np.mean(np.abs(targets - targets.mean(axis=0)), axis=0)
    return {"r2": 1 - nmse.mean(), "nmse": nmse.mean(), "nmae": nmae.mean(), "per_output_r2": 1 - nmse}


@pytest.fixture(scope="module")
def fitted():
    return slfit.fit(read("train.csv"), LAW, group="group", test=read("test.csv"), backend="cpu", seed=3)


def test_shared_exponents_fit_and_score_as_sldbench_scores_their_predictions(fitted):
    test = read("test.csv")
    predictions = fitted.predict(test, group="group")
    assert predictions.shape == (len(test), 5)
    want = sldbench_scores(predictions, test[OUTPUTS].to_numpy())
    got = fitted.test_scores.loc["all"]
    for key in ("r2", "nmse", "nmae"):
        assert got[key] == pytest.approx(want[key], rel=1e-12, abs=1e-15), key
    np.testing.assert_allclose(fitted.output_scores["r2"].to_numpy(), want["per_output_r2"], rtol=1e-12)
    assert got["r2"] > 0.9
    assert (fitted.report["status"] == "converged").all()
    # One exponent per domain, shared: the four s_j are single parameters of every output.
    assert [n for n in fitted.law.param_names if n.startswith("s")] == ["s1", "s2", "s3", "s4"]


def test_the_objective_is_each_outputs_mse_over_its_variance(fitted):
    train = read("train.csv")
    group = train[train["group"] == "70M"]
    theta = fitted.params.loc["70M"].to_numpy()
    value = fitted.law.objective(group, theta)
    predictions = fitted.predict(group, group="group")
    y = group[OUTPUTS].to_numpy()
    want = np.mean(np.mean((predictions - y) ** 2, axis=0) / np.var(y, axis=0))
    assert value == pytest.approx(want, rel=1e-12)
    assert value == pytest.approx(fitted.report.loc["70M", "objective"], rel=1e-12)


def test_the_cli_gives_the_same_fits_and_scores(fitted):
    out = subprocess.run([BINARY, "fit", "--format", "json", "--backend", "cpu", "--seed", "3",
                          "--data", os.path.join(TASK, "train.csv"), "--test", os.path.join(TASK, "test.csv"),
                          "--group", "group", "--law", LAW], check=True, capture_output=True, text=True).stdout
    j = json.loads(out)
    assert j["outputs"] == [f"domain_{i}" for i in range(1, 6)]
    for f in j["fits"]:
        assert [f["params"][n] for n in fitted.law.param_names] == list(fitted.params.loc[f["group"]])
        assert f["n"] == 20
    assert j["test"]["r2"] == fitted.test_scores.loc["all", "r2"]
    assert j["test"]["outputs"]["domain_3"]["r2"] == fitted.output_scores.loc["domain_3", "r2"]


def test_a_law_of_outputs_from_python_equals_its_law_file():
    spec = json.load(open(LAW))
    law = slfit.Law(params={p["name"]: (p["lower"], p["upper"]) for p in spec["params"]}, inputs=spec["inputs"],
                    outputs={o["name"]: (o["formula"], o["target"]) for o in spec["outputs"]},
                    objective=spec["objective"], name=spec["name"])
    assert law.output_names == [f"domain_{i}" for i in range(1, 6)]
    assert law.targets == OUTPUTS
    train = read("train.csv")
    a = slfit.fit(train, law, group="group", backend="cpu", seed=5, maxiter=50)
    b = slfit.fit(train, LAW, group="group", backend="cpu", seed=5, maxiter=50)
    pd.testing.assert_frame_equal(a.params, b.params)


def test_bootstrap_resamples_rows_with_all_their_outputs():
    train = read("train.csv")
    small = train[train["group"] == "70M"]
    point = {f"proportion_domain_{i}": [0.2] for i in range(1, 6)}
    result = slfit.bootstrap(small, LAW, resamples=8, method="percentile", points=point, backend="cpu", maxiter=60)
    # One prediction per output at the one point, each inside its own band.
    assert len(result.predictions) == 5
    assert (result.predictions["low"] <= result.predictions["high"]).all()
