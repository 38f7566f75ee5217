"""`python3 -m slfit.plot` on each CLI output, and FitResult.from_json (ctest: PythonPackage)."""

import os
import subprocess
import sys

import pandas as pd
import pytest

import slfit

SOURCE = os.environ.get("SLFIT_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
BINARY = os.environ.get("SLFIT_BINARY", os.path.join(SOURCE, "build", "slfit"))
TRAIN = os.path.join(SOURCE, "examples", "parscale", "train.csv")
DATA = ["--data", TRAIN, "--group", "group", "--law", "parallel_power", "--backend", "cpu", "--quiet"]


def cli(*args):
    subprocess.run([BINARY, *args], check=True, capture_output=True, text=True)


def draw(tmp_path, *args) -> int:
    out = tmp_path / "picture.png"
    run = subprocess.run([sys.executable, "-m", "slfit.plot", *map(str, args), "--out", str(out)],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return os.path.getsize(out)


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    d = tmp_path_factory.mktemp("outputs")
    cli("fit", *DATA, "--maxiter", "60", "--format", "json", "--out", str(d / "fit.json"))
    cli("bootstrap", *DATA, "--resamples", "20", "--maxiter", "30", "--predict", "num_params=1e9,parallel_size=8",
        "--predict", "num_params=1e10,parallel_size=8", "--out", str(d / "boot.json"))
    cli("surface", *DATA, "--grid", "b=-0.2:0.2:5", "--grid", "c=0:0.5:5", "--out", str(d / "surface.csv"))
    cli("rescore", "--manifest", os.path.join(SOURCE, "examples", "leaderboards", "parallel.json"), "--maxiter", "40",
        "--quiet", "--out", str(d / "board.csv"))
    return d


def test_each_cli_output_is_drawn(outputs, tmp_path):
    assert draw(tmp_path, outputs / "fit.json", "--data", TRAIN) > 10_000
    assert draw(tmp_path, outputs / "boot.json", "--data", TRAIN) > 10_000
    assert draw(tmp_path, outputs / "surface.csv") > 10_000
    assert draw(tmp_path, outputs / "board.csv") > 10_000


def test_what_cannot_be_drawn_says_why(outputs, tmp_path):
    run = subprocess.run([sys.executable, "-m", "slfit.plot", str(outputs / "fit.json"), "--out",
                          str(tmp_path / "x.png")], capture_output=True, text=True)
    assert run.returncode != 0 and "needs its data: --data" in run.stderr


def test_a_fit_read_back_from_json_is_the_fit(outputs):
    result = slfit.FitResult.from_json(outputs / "fit.json")
    direct = slfit.fit(pd.read_csv(TRAIN), "parallel_power", group="group", maxiter=60, backend="cpu")
    pd.testing.assert_frame_equal(result.params, direct.params)
    pd.testing.assert_frame_equal(result.standard_errors, direct.standard_errors)
    assert result.report.loc["pile", "at_bound"] == {"b": "lower"}


def test_one_output_of_a_multi_output_fit_and_band_is_drawn(tmp_path):
    task = os.path.join(SOURCE, "examples", "sldbench", "domain_mixture")
    data = ["--data", os.path.join(task, "train.csv"), "--group", "group", "--law",
            os.path.join(task, "own_domain.json"), "--backend", "cpu", "--quiet", "--maxiter", "40"]
    cli("fit", *data, "--format", "json", "--out", str(tmp_path / "fit.json"))
    points = [arg for p in (0.1, 0.3, 0.5) for arg in
              ("--predict", f"proportion_domain_1={p},proportion_domain_2=0.2,proportion_domain_3=0.1,"
                            f"proportion_domain_4=0.1,proportion_domain_5={0.6 - p}")]
    cli("bootstrap", *data, "--resamples", "10", "--method", "percentile", *points, "--out", str(tmp_path / "boot.json"))
    train = os.path.join(task, "train.csv")
    assert draw(tmp_path, tmp_path / "fit.json", "--data", train, "--x", "proportion_domain_1",
                "--output", "domain_1") > 5_000
    assert draw(tmp_path, tmp_path / "boot.json", "--data", train, "--x", "proportion_domain_1",
                "--output", "domain_1") > 5_000
    run = subprocess.run([sys.executable, "-m", "slfit.plot", str(tmp_path / "fit.json"), "--data", train,
                          "--out", str(tmp_path / "x.png")], capture_output=True, text=True)
    assert run.returncode != 0 and "give output= one of domain_1" in run.stderr
