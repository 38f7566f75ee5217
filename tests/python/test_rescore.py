"""slfit.rescore against `slfit rescore` on the bundled leaderboard (ctest: PythonPackage)."""

import csv
import io
import json
import os
import subprocess

import pytest

import slfit

SOURCE = os.environ.get("SLFIT_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
BINARY = os.environ.get("SLFIT_BINARY", os.path.join(SOURCE, "build", "slfit"))
MANIFEST = os.path.join(SOURCE, "examples", "leaderboards", "parallel.json")


def test_the_leaderboard_is_the_clis():
    table = slfit.rescore(MANIFEST, maxiter=60, backend="cpu", seed=3)
    out = subprocess.run([BINARY, "rescore", "--manifest", MANIFEST, "--maxiter", "60", "--backend", "cpu",
                          "--seed", "3", "--quiet"], check=True, capture_output=True, text=True).stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(table["id"]) == [r["id"] for r in rows]
    for rank, r in zip(table.index, rows):
        assert rank == int(r["rank"])
        assert table.loc[rank, "status"] == r["status"]
        if r["nmse"]:
            assert table.loc[rank, "r2"] == float(r["r2"])  # the CSV holds the shortest exact text
        else:
            assert table.loc[rank, "r2"] == -1.0 and r["error"] in table.loc[rank, "error"]
    seed = table[table["id"] == "seed"].iloc[0]
    assert set(seed["params"]) == {"pile", "stack"} and set(seed["params"]["pile"]) == {"a", "b", "c", "d"}


def test_a_manifest_dict_resolves_paths_against_the_working_directory(monkeypatch):
    monkeypatch.chdir(SOURCE)
    manifest = {"tasks": {"p": {"train": "examples/parscale/train.csv", "test": "examples/parscale/test.csv",
                                "group": "group"}},
                "entries": [{"id": "seed", "task": "p", "law": "parallel_power"}]}
    table = slfit.rescore(manifest, maxiter=40, backend="cpu")
    assert table.loc[1, "id"] == "seed" and table.loc[1, "status"] == "converged"


def test_errors_are_value_errors():
    with pytest.raises(ValueError, match="cannot open"):
        slfit.rescore("no/such/manifest.json")
    with pytest.raises(ValueError, match="entries: the list is empty"):
        slfit.rescore({"tasks": {}, "entries": []})
    with pytest.raises(TypeError, match="unknown options"):
        slfit.rescore(MANIFEST, restart=2)
