"""Pictures of slfit's results, with matplotlib (optional: `pip install matplotlib`, or Debian's
python3-matplotlib).

    fit(result, data, x, ...)     data points per group and the fitted curves along one input
    leaderboard(table, ...)       the test r2 of each rescored entry, failed entries marked
    surface(result, group, ...)   a surface: a curve over one grid parameter (its profile
                                  interval marked), contours over two
    band(result, x, ...)          a bootstrap's prediction band along one input

Each returns the matplotlib Axes it drew on; pass `ax` to draw into a figure of your own.
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd


def _pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError as e:  # matplotlib is optional for the package, required here
        raise ImportError("slfit.plot needs matplotlib (Debian: python3-matplotlib)") from e
    return plt


def _spans_decades(values: np.ndarray) -> bool:
    values = values[np.isfinite(values)]
    return values.size > 0 and values.min() > 0 and values.max() / values.min() >= 100


def _output_column(law, output: str | None, caller: str) -> tuple[int, str]:
    """The index and target column of the output a picture draws: `output` for a multi-output
    law (required), the law's only one otherwise."""
    if law.output_names:
        if output not in law.output_names:
            raise ValueError(f"{caller}: law {law.name!r} has several outputs; give output= one of "
                             f"{', '.join(law.output_names)}")
        column = law.output_names.index(output)
        return column, law.targets[column]
    if output is not None:
        raise ValueError(f"{caller}: law {law.name!r} has one output; output= is for multi-output laws")
    return 0, law.target


def fit(result, data, x: str, group: str | None = None, test=None, ax=None, points: int = 200,
        output: str | None = None):
    """Each group's data (dots; `test` rows as open circles) and its fitted law along input
    column `x`, the other inputs held at each group's values: one curve per distinct value of
    the other inputs (ParScale's P = 1, 2, 4 each get a line). The curves run over the training
    and test rows' range of x; the part beyond the training rows (an extrapolation) is shaded.
    Log axes where a column spans two decades or more. For a multi-output law, `output` names
    the output drawn (law.output_names)."""
    plt = _pyplot()
    ax = ax or plt.figure(figsize=(7, 4.5)).add_subplot()
    law = result.law
    inputs = list(law.inputs.values())
    if x not in inputs:
        raise ValueError(f"plot.fit: x must be one of the law's input columns ({', '.join(inputs)}), not {x!r}")
    column, target = _output_column(law, output, "plot.fit")
    others = [c for c in inputs if c != x]
    frames = {"train": pd.DataFrame(data), "test": pd.DataFrame(test) if test is not None else None}
    groups = list(result.params.index)
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    every_x = np.concatenate([f[x].to_numpy(dtype=float) for f in frames.values() if f is not None])
    train_x = frames["train"][x].to_numpy(dtype=float)
    log_x = _spans_decades(every_x)
    grid = (np.geomspace if log_x else np.linspace)(every_x.min(), every_x.max(), points)
    for k, g in enumerate(groups):
        colour = colours[k % len(colours)]
        rows = {s: (f if group is None else f[f[group].astype(str) == g]) for s, f in frames.items() if f is not None}
        ax.scatter(rows["train"][x], rows["train"][target], s=18, color=colour, label=f"{g}")
        if "test" in rows and len(rows["test"]):
            ax.scatter(rows["test"][x], rows["test"][target], s=30, facecolors="none", edgecolors=colour,
                       label=f"{g} (test)")
        settings = pd.concat(list(rows.values()))[others].drop_duplicates() if others else pd.DataFrame(index=[0])
        for _, setting in settings.iterrows():
            curve = {x: grid, **{c: np.full(points, setting[c]) for c in others}}
            if group is not None:
                curve[group] = [g] * points
            y = result.predict(curve, group=group)
            ax.plot(grid, y[:, column] if y.ndim == 2 else y, color=colour, linewidth=1)
    if every_x.max() > train_x.max():
        ax.axvspan(train_x.max(), every_x.max(), color="0.9", zorder=0, label="extrapolation")
    if log_x:
        ax.set_xscale("log")
    ax.set_xlabel(x)
    ax.set_ylabel(target)
    title = law.formula if not law.output_names else f"{output}: {law.to_spec()['outputs'][column]['formula']}"
    ax.set_title(f"{law.name}: {title}", fontsize=9)
    ax.legend(fontsize=7)
    return ax


def leaderboard(table: pd.DataFrame, ax=None):
    """The test r2 of each entry of slfit.rescore's table, best first; failed entries (r2 = -1)
    marked in grey with their status."""
    plt = _pyplot()
    ax = ax or plt.figure(figsize=(7, 0.35 * len(table) + 1.2)).add_subplot()
    failed = table["r2"] <= -1
    scored = table.loc[~failed, "r2"]
    floor = min(scored.min(), 0.99) if len(scored) else 0.0
    labels = [f"{i} ({law})" if i != law else str(i) for i, law in zip(table["id"], table["law"])]
    y = np.arange(len(table))[::-1]
    ax.barh(y[~failed.to_numpy()], scored - floor, left=floor, color="tab:blue")
    for yi, (status, bad) in zip(y, zip(table["status"], failed)):
        if bad:
            ax.annotate(status, (floor, yi), xytext=(4, 0), textcoords="offset points", va="center", fontsize=8,
                        color="0.4")
    ax.set_yticks(y, labels, fontsize=8)
    ax.set_xlabel("test r2")
    ax.set_xlim(left=floor)
    ax.set_title("leaderboard", fontsize=10)
    return ax


def surface(result, group=None, ax=None):
    """One group's surface from slfit.surface: over one grid parameter the objective as a curve
    (the profile interval, where there is one, shaded), over two a contour map of
    log10(objective) with the lowest point marked. `group`: which (default: the first)."""
    plt = _pyplot()
    ax = ax or plt.figure(figsize=(6, 4.5)).add_subplot()
    values = result.values
    group = values["group"].iloc[0] if group is None else group
    rows = values[values["group"] == group]
    if rows.empty:
        raise ValueError(f"plot.surface: no group {group!r} (groups: {', '.join(map(str, values['group'].unique()))})")
    varying = [p for p in result.law.param_names if rows[p].nunique() > 1]
    axes = [p for p in result.axes if p in varying] if hasattr(result, "axes") else varying
    finite = rows[np.isfinite(rows["objective"])]
    best = finite.loc[finite["objective"].idxmin()] if len(finite) else None
    if len(axes) == 1:
        x = axes[0]
        ax.plot(rows[x], rows["objective"], color="tab:blue")
        if result.intervals is not None and group in result.intervals.index:
            i = result.intervals.loc[group]
            if np.isfinite(i["low"]) and np.isfinite(i["high"]):
                ax.axvspan(i["low"], i["high"], color="tab:blue", alpha=0.15,
                           label=f"{100 * i['level']:g}% profile interval")
                ax.legend(fontsize=8)
        ax.set_xlabel(x)
        ax.set_ylabel("objective")
        if _spans_decades(rows["objective"].to_numpy(dtype=float)):
            ax.set_yscale("log")
    elif len(axes) == 2:
        x, y = axes
        grid = rows.pivot_table(index=y, columns=x, values="objective", aggfunc="first")
        z = np.log10(grid.to_numpy(dtype=float))
        contours = ax.contourf(grid.columns, grid.index, z, levels=20, cmap="viridis")
        ax.figure.colorbar(contours, ax=ax, label="log10 objective")
        if best is not None:
            ax.plot(best[x], best[y], marker="*", color="white", markersize=12, markeredgecolor="black")
        ax.set_xlabel(x)
        ax.set_ylabel(y)
    else:
        raise ValueError(f"plot.surface: a surface over {len(axes)} parameters; one or two can be drawn")
    ax.set_title(f"{result.law.name}, group {group}", fontsize=10)
    return ax


def band(result, x: str, data=None, group: str | None = None, ax=None, output: str | None = None):
    """A bootstrap's prediction band along input column `x`: per group the full-data fit's
    prediction at each of the bootstrap's `points` (a line) and the interval around it (shaded),
    with `data`'s rows as dots (split by `group`). Log axes where x spans two decades. For a
    multi-output law, `output` names the output drawn."""
    plt = _pyplot()
    if result.predictions is None:
        raise ValueError("plot.band: the bootstrap has no predictions; give slfit.bootstrap points along x")
    _, target = _output_column(result.law, output, "plot.band")
    predictions = result.predictions
    if output is not None:
        predictions = predictions[predictions["output"] == output]
    ax = ax or plt.figure(figsize=(7, 4.5)).add_subplot()
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for k, (g, rows) in enumerate(predictions.groupby("group", sort=False)):
        rows = rows.sort_values(x)
        colour = colours[k % len(colours)]
        ax.plot(rows[x], rows["estimate"], color=colour, label=f"{g}")
        ax.fill_between(rows[x], rows["low"], rows["high"], color=colour, alpha=0.2,
                        label=f"{g}: {100 * result.level:g}% {result.method} band")
        if data is not None:
            mine = pd.DataFrame(data)
            if group is not None:
                mine = mine[mine[group].astype(str) == str(g)]
            ax.scatter(mine[x], mine[target], s=12, color=colour)
    if _spans_decades(predictions[x].to_numpy(dtype=float)):
        ax.set_xscale("log")
    ax.set_xlabel(x)
    ax.set_ylabel(target)
    ax.set_title(f"{result.law.name}: bootstrap band", fontsize=10)
    ax.legend(fontsize=7)
    return ax


def _from_cli_outputs(path: str, data: str | None, x: str | None, test: str | None, group: str | None,
                      output: str | None = None):
    """Draws the CLI output at `path` (fit JSON, bootstrap JSON, rescore CSV or surface CSV)."""
    import json
    from types import SimpleNamespace

    from . import _core
    from ._fit import FitResult
    from ._law import Law

    read = lambda p: pd.read_csv(p, float_precision="round_trip")  # noqa: E731
    if path.endswith(".json"):
        with open(path, encoding="utf-8") as f:
            j = json.load(f)
        if "fits" in j:
            result = FitResult.from_json(path)
            if data is None:
                raise SystemExit(f"{path}: a fit's picture needs its data: --data FILE.csv")
            x = x or next(iter(result.law.inputs.values()))
            return fit(result, read(data), x, group=group or result.group_column,
                       test=read(test) if test else None, output=output)
        if "groups" in j and "law_spec" in j:
            law = Law._wrap(_core.Law.from_spec(json.dumps(j["law_spec"]), f"{path}: law_spec"))
            rows = [{"group": g["group"], **p["point"], **{k: p[k] for k in ("estimate", "low", "high")},
                     **({"output": p["output"]} if "output" in p else {})}
                    for g in j["groups"] for p in g["predictions"]]
            if not rows:
                raise SystemExit(f"{path}: the bootstrap has no predictions to draw (run it with --predict)")
            shim = SimpleNamespace(law=law, predictions=pd.DataFrame(rows), level=j["level"], method=j["method"])
            x = x or next(iter(law.inputs.values()))
            return band(shim, x, data=read(data) if data else None, group=group or j.get("group_column"),
                        output=output)
        raise SystemExit(f"{path}: not the JSON output of slfit fit or slfit bootstrap --out")
    table = read(path)
    if list(table.columns[:3]) == ["rank", "id", "task"]:
        table["status"] = table["status"].astype(str)
        return leaderboard(table.set_index("rank"))
    if table.columns[0] == "group" and table.columns[-1] == "objective":
        params = list(table.columns[1:-1])
        varying = [p for p in params if table[p].nunique() > 1]
        shim = SimpleNamespace(law=SimpleNamespace(name=os.path.basename(path), param_names=params), values=table,
                               intervals=None, axes=varying[:2])
        return surface(shim, group)
    raise SystemExit(f"{path}: not an output slfit.plot knows (fit or bootstrap JSON, rescore or surface CSV)")


def main(argv=None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python3 -m slfit.plot",
                                     description="Draws an output of the slfit CLI: a fit (JSON, with --data), "
                                                 "a bootstrap's band (JSON), a leaderboard or a surface (CSV).")
    parser.add_argument("result", help="slfit fit --format json, bootstrap --out, rescore or surface output")
    parser.add_argument("--out", required=True, help="the picture (PNG, SVG or PDF by its extension)")
    parser.add_argument("--data", help="the data the fit was made on (fit, bootstrap)")
    parser.add_argument("--test", help="the held-out rows to mark (fit)")
    parser.add_argument("--x", help="the input to draw along (default: the law's first)")
    parser.add_argument("--group", help="the group column (default: the fit's), or the surface's group")
    parser.add_argument("--output", help="a multi-output law's output to draw (fit, bootstrap)")
    args = parser.parse_args(argv)
    import matplotlib
    matplotlib.use("Agg")
    try:
        ax = _from_cli_outputs(args.result, args.data, args.x, args.test, args.group, args.output)
    except (ValueError, OSError) as e:
        raise SystemExit(f"python3 -m slfit.plot: {e}")
    ax.figure.savefig(args.out, dpi=110, bbox_inches="tight")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
