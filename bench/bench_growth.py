#!/usr/bin/python3
"""How slfit's throughput grows with the batch: fits per second against the number of problems,
the points per problem and the number of parameters, all with the full DE budget (popsize 20,
maxiter 500, tol = atol = 1e-11) plus refinement. Times are whole-process wall clock, so small
batches include process start; that is the cost a user sees.

    /usr/bin/python3 bench/bench_growth.py --slfit build/slfit [--quick] [--backend auto|cpu|cuda]
"""

import argparse
import csv
import json
import os
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_fit import add_backend_option, backend_line, run_slfit_process  # noqa: E402

# Laws of 2 to 8 parameters over N (model size), D (tokens) and P (parallel streams).
PARAM_LAWS = {
    2: ("a * N^b", [("a", 1e-3, 1e4), ("b", -1, 0)]),
    3: ("a * N^b + c", [("a", 1e-3, 1e4), ("b", -1, 0), ("c", 0, 5)]),
    4: ("a * N^b / P^c + d", [("a", 1e-3, 1e4), ("b", -1, 0), ("c", 0, 1), ("d", 0, 5)]),
    5: ("E + A / N^alpha + B / D^beta", [("E", 0, 5), ("A", 1, 1e4), ("alpha", 0, 1), ("B", 1, 1e4), ("beta", 0, 1)]),
    6: ("E + (A / N^alpha + B / D^beta) / P^c",
        [("E", 0, 5), ("A", 1, 1e4), ("alpha", 0, 1), ("B", 1, 1e4), ("beta", 0, 1), ("c", 0, 1)]),
    7: ("E + (A / N^alpha + B / D^beta) / P^c + g * log(P)",
        [("E", 0, 5), ("A", 1, 1e4), ("alpha", 0, 1), ("B", 1, 1e4), ("beta", 0, 1), ("c", 0, 1), ("g", -1, 1)]),
    8: ("E + (A / N^alpha + B / D^beta) / P^c + g * log(P) + h * log(P)^2",
        [("E", 0, 5), ("A", 1, 1e4), ("alpha", 0, 1), ("B", 1, 1e4), ("beta", 0, 1), ("c", 0, 1),
         ("g", -1, 1), ("h", -1, 1)]),
}


def law_file(directory: str, n_params: int) -> str:
    formula, params = PARAM_LAWS[n_params]
    spec = {"name": f"growth_{n_params}", "formula": formula,
            "inputs": {v: v for v in ("N", "D", "P") if v in formula},
            "target": "loss", "params": [{"name": n, "lower": lo, "upper": hi} for n, lo, hi in params]}
    path = os.path.join(directory, f"growth_{n_params}.json")
    with open(path, "w") as f:
        json.dump(spec, f)
    return path


def write_data(path: str, problems: int, points: int, rng: np.random.Generator) -> None:
    """Chinchilla-like losses over (N, D, P) with a parallel-streams term and noise."""
    N = np.geomspace(1e8, 1e10, points)
    D = rng.permutation(np.geomspace(1e9, 1e11, points))
    P = rng.choice([1.0, 2, 4, 8], size=points)
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["group", "N", "D", "P", "loss"])
        for k in range(problems):
            loss = 1.8 + (400 / N**0.34 + 2000 / D**0.37) / P**0.1 + rng.normal(0, 0.01, points)
            for i in range(points):
                w.writerow([f"g{k}", repr(N[i]), repr(D[i]), repr(P[i]), repr(loss[i])])


def replicate_parscale(path: str, source: str, problems: int) -> None:
    with open(source) as f:
        rows = [r for r in csv.DictReader(f) if r["group"] == "pile"]
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["group", "num_params", "parallel_size", "loss"])
        for k in range(problems):
            for r in rows:
                w.writerow([f"pile_{k}", r["num_params"], r["parallel_size"], r["loss"]])


def fits_per_second(args: argparse.Namespace, data: str, law: str, problems: int, ran: list[str]) -> float:
    """One timed slfit run; appends the backend its JSON names to `ran`."""
    out = data + ".json"
    seconds, _ = run_slfit_process([args.slfit, "fit", "--data", data, "--group", "group", "--law", law,
                                    "--threads", str(args.threads), "--backend", args.backend, "--out", out])
    with open(out) as f:
        ran.append(json.load(f)["backend"])
    os.remove(out)
    return problems / seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--slfit", required=True)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--train", default=os.path.join(os.path.dirname(__file__), "..", "examples/parscale/train.csv"))
    add_backend_option(parser)
    args = parser.parse_args()
    rng = np.random.default_rng(7)
    ran: list[str] = []
    batch_sizes = [1, 10, 100, 1000] if args.quick else [1, 10, 100, 1000, 10000, 100000]
    per_setting = 4 if args.quick else 100

    with tempfile.TemporaryDirectory() as tmp:
        print(f"Batch size (ParScale pile, parallel_power, 18 points, 4 parameters; {args.threads} threads)\n")
        print("| problems | fits/s |\n|---:|---:|")
        for size in batch_sizes:
            data = os.path.join(tmp, f"batch_{size}.csv")
            replicate_parscale(data, args.train, size)
            print(f"| {size} | {fits_per_second(args, data, 'parallel_power', size, ran):.1f} |", flush=True)

        print(f"\nPoints per problem (5-parameter law E + A/N^alpha + B/D^beta, {per_setting} problems)\n")
        print("| points | fits/s |\n|---:|---:|")
        law5 = law_file(tmp, 5)
        for points in (18, 240, 2400):
            data = os.path.join(tmp, f"points_{points}.csv")
            write_data(data, per_setting, points, rng)
            print(f"| {points} | {fits_per_second(args, data, law5, per_setting, ran):.1f} |", flush=True)

        print(f"\nParameters (240 points, {per_setting} problems)\n")
        print("| parameters | law | fits/s |\n|---:|---|---:|")
        data = os.path.join(tmp, "params.csv")
        write_data(data, per_setting, 240, rng)
        for n in sorted(PARAM_LAWS):
            rate = fits_per_second(args, data, law_file(tmp, n), per_setting, ran)
            print(f"| {n} | `{PARAM_LAWS[n][0]}` | {rate:.1f} |", flush=True)
    print("\n" + backend_line(args.threads, args.backend, ran))
    return 0


if __name__ == "__main__":
    sys.exit(main())
