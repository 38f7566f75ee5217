"""slfit.surface against `slfit surface`, and its plot (ctest: PythonPackage)."""

import csv
import io
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


@pytest.fixture(scope="module")
def train():
    return pd.read_csv(TRAIN)


def test_a_profile_and_its_intervals_are_the_clis(train, tmp_path):
    result = slfit.surface(train, "parallel_power", {"c": (0, 0.2, 21)}, group="group", profile=True, level=0.9,
                           backend="cpu", maxiter=100)
    intervals = tmp_path / "intervals.csv"
    out = subprocess.run([BINARY, "surface", "--data", TRAIN, "--group", "group", "--law", "parallel_power",
                          "--grid", "c=0:0.2:21", "--profile", "--level", "0.9", "--backend", "cpu", "--maxiter", "100",
                          "--quiet", "--intervals", str(intervals)], check=True, capture_output=True, text=True).stdout
    cli = pd.read_csv(io.StringIO(out), float_precision="round_trip")  # pandas' default parser is not exact
    np.testing.assert_array_equal(result.values[["a", "b", "c", "d", "objective"]].to_numpy(),
                                  cli[["a", "b", "c", "d", "objective"]].to_numpy())
    rows = list(csv.DictReader(open(intervals)))
    for r in rows:
        assert result.intervals.loc[r["group"], "low"] == float(r["low"])
        assert result.intervals.loc[r["group"], "high"] == float(r["high"])
    ax = slfit.plot.surface(result, "stack")
    assert len(ax.patches) == 1  # the interval's band
    ax.figure.savefig(tmp_path / "profile.png")


def test_a_two_parameter_surface_draws_as_contours(train, tmp_path):
    result = slfit.surface(train, "parallel_power", {"b": (-0.2, 0.2, 9), "c": (0, 0.5, 11)}, group="group",
                           backend="cpu", maxiter=50)
    assert len(result.values) == 2 * 9 * 11 and result.intervals is None
    ax = slfit.plot.surface(result)
    ax.figure.savefig(tmp_path / "surface.png")
    assert os.path.getsize(tmp_path / "surface.png") > 10_000
    with pytest.raises(ValueError, match="grid\\['q'\\]: parameter 'q'|no parameter|'q'"):
        slfit.surface(train, "parallel_power", {"q": (0, 1, 3)})
    with pytest.raises(ValueError, match="every parameter is on the grid or fixed"):
        slfit.surface(train, "parallel_power", {"c": (0, 1, 3)}, fix={"a": 1, "b": 0, "d": 1}, profile=True)
