"""slfit.surface: the objective on a grid of parameter values per group, as `slfit surface`."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import _core
from ._fit import _reject_unknown_options, _columns
from ._law import as_law
from ._progress import watching


class SurfaceResult:
    """values: one row per (group, grid point): group, every parameter's value (the grid's, the
    fixed ones, and the fitted or, with a profile, re-fitted others) and the objective.
    intervals: with a profile on one axis, per group the parameter's estimate and its
    profile-likelihood interval (low, high; NaN where the grid does not reach an end; why_not
    where there is none); else None."""

    def __init__(self, law, raw: dict, axes: list, level: float):
        self.law = law
        self.axes = [a[0] for a in axes]  # the grid's parameters, the first varying slowest
        names = law.param_names
        frames = []
        for g, points, values in zip(raw["groups"], raw["points"], raw["values"]):
            frame = pd.DataFrame(np.asarray(points).reshape(len(values), len(names)), columns=names)
            frame.insert(0, "group", g)
            frame["objective"] = values
            frames.append(frame)
        self.values = pd.concat(frames, ignore_index=True)
        self.intervals = None
        if raw["intervals"]:
            self.intervals = pd.DataFrame(raw["intervals"], index=pd.Index(raw["groups"], name="group"))
            self.intervals.insert(0, "param", axes[0][0])
            self.intervals["level"] = level

    def _repr_html_(self) -> str:
        intervals = self.intervals.to_html() if self.intervals is not None else ""
        return f"<p><b>{self.law.name}: surface over {', '.join(self.axes)}</b></p>" + intervals + \
            self.values.head(20).to_html(index=False)

    def __repr__(self) -> str:
        return f"<slfit.SurfaceResult: law {self.law.name!r}, {len(self.values)} grid points>"


def surface(data, law, grid: dict, group: str | None = None, *, fix: dict | None = None, profile: bool = False,
            level: float = 0.95, missing: str = "error", threads: int = 0, backend: str = "auto", progress=True,
            **options) -> SurfaceResult:
    """The objective on a grid of parameter values, per group (README.md, "slfit surface").

    grid: parameter -> (lo, hi, n) or (lo, hi, n, "log"), the first varying slowest.
    fix: parameter -> value, held off the grid. Parameters on no axis and not fixed sit at each
    group's fitted optimum, or with profile=True are re-fitted at every grid point; with a
    profile on one parameter, `intervals` holds its profile-likelihood interval at `level`.
    options: the CLI's fitting options by name. missing, progress and Ctrl-C as slfit.fit's.
    """
    _reject_unknown_options(options, "surface")
    law = as_law(law)
    axes = []
    for name, spec in grid.items():
        spec = tuple(spec)
        log = len(spec) == 4 and spec[3] == "log"
        if len(spec) not in (3, 4) or (len(spec) == 4 and not log):
            raise ValueError(f"grid[{name!r}]: expected (lo, hi, n) or (lo, hi, n, 'log'), got {spec!r}")
        axes.append((name, float(spec[0]), float(spec[1]), int(spec[2]), log))
    inputs, target, scales, groups = _columns(data, law, group, "data", missing)
    with watching(progress, "slfit.surface") as watch:
        raw = _core.surface(law._core, inputs, target, scales, groups, options, threads, backend, group or "", axes,
                            {k: float(v) for k, v in (fix or {}).items()}, profile, level, watch)
    return SurfaceResult(law, raw, axes, level)
