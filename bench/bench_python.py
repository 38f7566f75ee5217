#!/usr/bin/python3
"""slfit.fit from Python against the CLI on the same data: ParScale's pile group copied G times
(18 rows each), the same fitting options, the two alternated R times. Prints each run's wall time
(the CLI: the whole process, reading the CSV included; Python: slfit.fit on a DataFrame already
in memory, the result's DataFrames built), the cost of FitResult.to_frame(), the medians and
their ratio, and whether the parameters are identical.

    PYTHONPATH=build/python bench/bench_python.py [--groups 10000] [--runs 3] [--slfit build/slfit]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import pandas as pd

import slfit


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--groups", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--slfit", default=os.path.join(os.path.dirname(__file__), "..", "build", "slfit"))
    parser.add_argument("--threads", type=int, default=0)
    args = parser.parse_args()
    source = os.path.join(os.path.dirname(__file__), "..", "examples", "parscale", "train.csv")
    pile = pd.read_csv(source, float_precision="round_trip").query("group == 'pile'")
    data = pd.concat([pile.assign(group=f"g{k}") for k in range(args.groups)], ignore_index=True)
    with tempfile.TemporaryDirectory() as work:
        path = os.path.join(work, "data.csv")
        data.to_csv(path, index=False, float_format="%.17g")
        data = pd.read_csv(path, float_precision="round_trip")
        times = {"cli": [], "python": [], "to_frame": []}
        for _ in range(args.runs):
            start = time.perf_counter()
            subprocess.run([args.slfit, "fit", "--data", path, "--group", "group", "--law", "parallel_power",
                            "--backend", "cpu", "--threads", str(args.threads), "--quiet", "--format", "json",
                            "--out", os.path.join(work, "cli.json")], check=True)
            times["cli"].append(time.perf_counter() - start)
            start = time.perf_counter()
            result = slfit.fit(data, "parallel_power", group="group", backend="cpu", threads=args.threads,
                               progress=False)
            times["python"].append(time.perf_counter() - start)
            start = time.perf_counter()
            result.to_frame()
            times["to_frame"].append(time.perf_counter() - start)
            print(" ".join(f"{k} {v[-1]:.3f} s" for k, v in times.items()), flush=True)
        with open(os.path.join(work, "cli.json")) as f:
            cli = json.load(f)
    same = sum(result.params.loc[f["group"]].to_dict() == f["params"] for f in cli["fits"])
    median = {k: statistics.median(v) for k, v in times.items()}
    print(f"groups {args.groups}: median cli {median['cli']:.3f} s, python {median['python']:.3f} s, "
          f"python / cli {median['python'] / median['cli']:.3f}; to_frame {median['to_frame']:.4f} s "
          f"({100 * median['to_frame'] / median['python']:.2f}% of the fit); identical fits {same} of {len(cli['fits'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
