"""slfit.bootstrap against `slfit bootstrap`, and the band plot (ctest: PythonPackage)."""

import json
import os
import subprocess

import matplotlib
import numpy as np
import pandas as pd
import pytest

matplotlib.use("Agg")

import slfit  # noqa: E402
import slfit.plot  # noqa: E402

SOURCE = os.environ.get("SLFIT_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
BINARY = os.environ.get("SLFIT_BINARY", os.path.join(SOURCE, "build", "slfit"))
TRAIN = os.path.join(SOURCE, "examples", "parscale", "train.csv")


@pytest.mark.parametrize("method", ["percentile", "bca"])
def test_intervals_are_the_clis(method):
    train = pd.read_csv(TRAIN, float_precision="round_trip")
    result = slfit.bootstrap(train, "parallel_power", group="group", resamples=60, method=method, level=0.9,
                             points={"num_params": [7e10], "parallel_size": [8]}, maxiter=50, backend="cpu", seed=5)
    out = subprocess.run([BINARY, "bootstrap", "--data", TRAIN, "--group", "group", "--law", "parallel_power",
                          "--resamples", "60", "--method", method, "--ci", "0.9", "--predict",
                          "num_params=7e10,parallel_size=8", "--maxiter", "50", "--backend", "cpu", "--seed", "5",
                          "--quiet", "--out", "-"], check=True, capture_output=True, text=True).stdout
    cli = json.loads(out)
    for group in cli["groups"]:
        g = group["group"]
        for name, stat in group["params"].items():
            row = result.intervals.loc[(g, name)]
            assert (row["estimate"], row["low"], row["high"], row["used"]) == \
                (stat["estimate"], stat["low"], stat["high"], stat["used"])
        prediction = result.predictions[result.predictions["group"] == g].iloc[0]
        assert prediction["low"] == group["predictions"][0]["low"]
        assert prediction["high"] == group["predictions"][0]["high"]
        assert result.failed[g] == group["failed"]
    assert result.replicates("pile").shape == (60, 4)


def test_stratified_resamples_and_errors():
    train = pd.read_csv(TRAIN)
    result = slfit.bootstrap(train, "parallel_power", group="group", resamples=20, method="percentile",
                             stratify="parallel_size", maxiter=30, backend="cpu")
    assert set(result.intervals.index.get_level_values("group")) == {"pile", "stack"}
    with pytest.raises(ValueError, match="method: 'bcaa' is not one of"):
        slfit.bootstrap(train, "parallel_power", method="bcaa")
    with pytest.raises(ValueError, match="resamples must be between 2"):
        slfit.bootstrap(train, "parallel_power", resamples=1)
    with pytest.raises(ValueError, match="no column named 'tier' to stratify by"):
        slfit.bootstrap(train, "parallel_power", stratify="tier")


def test_a_band_is_drawn_along_an_input(tmp_path):
    train = pd.read_csv(TRAIN)
    points = pd.DataFrame({"num_params": np.geomspace(5e8, 5e10, 12), "parallel_size": 8})
    result = slfit.bootstrap(train, "parallel_power", group="group", resamples=30, method="percentile",
                             points=points, maxiter=40, backend="cpu")
    ax = slfit.plot.band(result, x="num_params", data=train, group="group")
    assert len(ax.collections) >= 2  # a band per group (and the data's dots)
    ax.figure.savefig(tmp_path / "band.png")
    assert os.path.getsize(tmp_path / "band.png") > 10_000
