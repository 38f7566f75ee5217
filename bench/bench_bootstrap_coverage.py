#!/usr/bin/python3
"""Coverage of `slfit bootstrap` intervals, the larger version of tests/test_bootstrap_coverage.cpp.

Draws --datasets synthetic data sets from y = E + A x^-alpha (E=1, A=2, alpha=0.5; x log-spaced
in [1, 1000]) with Gaussian noise, bootstraps each (one group per data set, one slfit run), and
prints per parameter the share of data sets whose interval covers the true value, with its
binomial standard error.

    /usr/bin/python3 bench/bench_bootstrap_coverage.py --slfit build/slfit [--datasets 1000]
        [--points 50] [--noise 0.01] [--resamples 1000] [--method percentile] [--search local]
"""

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

TRUE = {"E": 1.0, "A": 2.0, "alpha": 0.5}
LAW = {"name": "power", "formula": "E + A * x^(-alpha)", "inputs": {"x": "x"},
       "params": [{"name": "E", "lower": 0, "upper": 5}, {"name": "A", "lower": 0, "upper": 10},
                  {"name": "alpha", "lower": 0, "upper": 2}]}


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--slfit", default=str(Path(__file__).resolve().parent.parent / "build" / "slfit"))
    p.add_argument("--datasets", type=int, default=1000)
    p.add_argument("--points", type=int, default=50)
    p.add_argument("--noise", type=float, default=0.01)
    p.add_argument("--resamples", type=int, default=1000)
    p.add_argument("--method", default="percentile", choices=["percentile", "basic", "bca"])
    p.add_argument("--search", default="local", choices=["local", "global"])
    p.add_argument("--ci", type=float, default=0.95)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args(argv)

    rng = np.random.default_rng(args.seed)
    x = 1000.0 ** (np.arange(args.points) / (args.points - 1))
    with tempfile.TemporaryDirectory() as tmp:
        law = Path(tmp) / "power.json"
        law.write_text(json.dumps(LAW))
        data = Path(tmp) / "sets.csv"
        with open(data, "w") as f:
            f.write("set,x,loss\n")
            for d in range(args.datasets):
                y = TRUE["E"] + TRUE["A"] * x ** -TRUE["alpha"] + rng.normal(0.0, args.noise, args.points)
                f.writelines(f"s{d},{xi!r},{yi!r}\n" for xi, yi in zip(x, y))
        out = subprocess.run([args.slfit, "bootstrap", "--data", str(data), "--law", str(law), "--group", "set",
                              "--resamples", str(args.resamples), "--method", args.method, "--search", args.search,
                              "--ci", str(args.ci), "--quiet", "--out", "-"],
                             check=True, capture_output=True, text=True).stdout
    groups = json.loads(out)["groups"]
    print(f"{args.datasets} data sets of {args.points} points, noise {args.noise}, {args.resamples} resamples, "
          f"{args.method} {args.ci:g} intervals, {args.search} search")
    for name, value in TRUE.items():
        covered = [g["params"][name]["low"] <= value <= g["params"][name]["high"] for g in groups]
        rate = float(np.mean(covered))
        print(f"  {name}: coverage {rate:.3f} +- {np.sqrt(rate * (1 - rate) / len(groups)):.3f}")
    print(f"  failed replicate fits: {sum(g['failed'] for g in groups)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
