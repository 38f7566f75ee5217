"""slfit.bootstrap: confidence intervals from resampled fits, as `slfit bootstrap`."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import _core
from ._fit import _reject_unknown_options, _column, _columns, _without_missing
from ._law import Law, as_law, with_options
from ._progress import watching


class BootstrapResult:
    """intervals: one row per (group, parameter): estimate (the full-data fit), mean and se over
    the replicates, the interval's low and high, and the replicates used.
    predictions: with `points`, one row per (group, point), or per (group, output, point) for a
    multi-output law: the point's inputs (and output), then the same statistics of the law's
    prediction there. failed: per group, the replicates whose fit found
    no finite objective. replicates(group): the B x parameters array of a group's replicate fits
    (NaN rows for failed ones)."""

    def __init__(self, law: Law, raw: dict, points: pd.DataFrame | None, method: str, level: float):
        self.law, self.method, self.level, self.backend = law, method, level, raw["backend"]
        names = law.param_names
        rows, predictions = [], []
        self._replicates = {}
        for g, s in zip(raw["groups"], raw["summaries"]):
            for name, stat in zip(names, s["params"]):
                rows.append({"group": g, "param": name, **stat})
            outputs = law.output_names  # a multi-output law predicts each point once per output
            for k, stat in enumerate(s["predictions"]):
                row = {"group": g, **points.iloc[k % len(points)].to_dict()}
                if outputs:
                    row["output"] = outputs[k // len(points)]
                predictions.append({**row, **stat})
            self._replicates[g] = np.asarray(s["replicates"]).reshape(-1, len(names))
        self.intervals = pd.DataFrame(rows).set_index(["group", "param"])
        self.predictions = pd.DataFrame(predictions) if points is not None else None
        self.failed = pd.Series([s["failed"] for s in raw["summaries"]], index=pd.Index(raw["groups"], name="group"))

    def _repr_html_(self) -> str:
        title = f"{self.law.name}: {100 * self.level:g}% {self.method} intervals"
        parts = [f"<p><b>{title}</b></p>", self.intervals.to_html()]
        if self.predictions is not None:
            parts.append(self.predictions.to_html(index=False))
        return "".join(parts)

    def replicates(self, group) -> np.ndarray:
        return self._replicates[group]

    def __repr__(self) -> str:
        return (f"<slfit.BootstrapResult: law {self.law.name!r}, {len(self.failed)} groups, "
                f"{100 * self.level:g}% {self.method} intervals>")


def bootstrap(data, law, group: str | None = None, *, resamples: int = 1000, method: str = "bca",
              level: float = 0.95, search: str = "global", points=None, stratify: str | None = None,
              weights: str | None = None, sigma: str | None = None, fix: dict | None = None, missing: str = "error",
              threads: int = 0, backend: str = "auto", progress=True,
              **options) -> BootstrapResult:
    """Confidence intervals for a law's parameters and predictions from `resamples` resampled
    fits per group (README.md, "slfit bootstrap"): method "percentile", "basic" or "bca" (scipy's
    definitions), search "global" (every resample fully fitted) or "local" (L-BFGS-B from the
    full-data optimum). points: a DataFrame (or dict) of the law's input columns, one row per
    point to predict at. stratify: a column whose values are resampled separately. weights,
    sigma, fix, missing, progress: as slfit.fit's (Ctrl-C too). options: the
    CLI's fitting options by name. The same data and seed give the CLI's intervals."""
    _reject_unknown_options(options, "bootstrap")
    law = with_options(as_law(law), weights=weights, sigma=sigma, fix=fix)
    data = _without_missing(data, law, law._core.scale_column or None, "data", missing)  # the strata's rows too
    inputs, target, scales, groups = _columns(data, law, group, "data")
    strata = None
    if stratify is not None:
        if stratify not in data:
            raise ValueError(f"data: no column named {stratify!r} to stratify by")
        strata = [str(s) for s in data[stratify]]
    point_frame, point_inputs = None, []
    if points is not None:
        point_frame = pd.DataFrame(points)[list(law.inputs.values())]
        point_inputs = [_column(point_frame, c, "points") for c in law.inputs.values()]
    with watching(progress, "slfit.bootstrap") as watch:
        raw = _core.bootstrap(law._core, inputs, target, scales, groups, options, threads, backend, group or "",
                              int(resamples), method, float(level), search, point_inputs, strata, watch)
    return BootstrapResult(law, raw, point_frame, method, level)
