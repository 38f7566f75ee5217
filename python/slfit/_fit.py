"""slfit.fit: a law fitted to every group of a data set, as `slfit fit` does."""

from __future__ import annotations

import html
import json
import math
import warnings

import numpy as np
import pandas as pd

from . import _core
from ._law import Law, as_law, with_options
from ._progress import watching

# Keyword options and the CLI flags they mirror (README.md, "slfit fit").
_OPTIONS = ("pipeline", "separable", "updating", "popsize", "maxiter", "tol", "atol", "ftol", "gtol", "lbfgs_maxiter", "seed")


def _reject_unknown_options(options: dict, function: str) -> None:
    """TypeError naming the keyword options `function` does not know, and the ones it does."""
    unknown = sorted(set(options) - set(_OPTIONS))
    if unknown:
        raise TypeError(f"{function}() got unknown options {', '.join(unknown)}; the options: {', '.join(_OPTIONS)}")


def _column(data, name: str, what: str) -> np.ndarray:
    """A column of a DataFrame or dict of arrays as float64; ValueError naming what is wrong."""
    if name not in data:
        columns = list(data.columns) if isinstance(data, pd.DataFrame) else list(data)
        raise ValueError(f"{what}: no column named {name!r} (columns: {', '.join(map(str, columns))})")
    try:
        values = np.asarray(data[name], dtype=np.float64)
    except (TypeError, ValueError) as e:
        raise ValueError(f"{what}: column {name!r} is not numeric ({e})") from None
    bad = np.flatnonzero(~np.isfinite(values))
    if bad.size:
        raise ValueError(f"{what}: column {name!r}, row {bad[0]}: {values[bad[0]]} is not a finite number"
                         f" ({bad.size} such rows)")
    return values


def _without_missing(data, law: Law, scale: str | None, what: str, missing: str):
    """data, or with missing="drop" the rows without a missing value in a column the law reads
    (as the CLI's --missing drop and lmfit's nan_policy='omit'), with a warning saying how many
    were dropped."""
    if not isinstance(data, (pd.DataFrame, dict)):
        raise TypeError(f"{what} must be a pandas DataFrame or a dict of arrays, not {type(data).__name__}")
    if missing not in ("error", "drop"):
        raise ValueError(f"missing: {missing!r} is not one of: error, drop")
    if missing == "error":
        return data
    frame = pd.DataFrame(data)
    kept = frame.dropna(subset=[c for c in [*law.inputs.values(), *law.targets, scale] if c and c in frame])
    if len(kept) < len(frame):
        warnings.warn(f"{what}: {len(frame) - len(kept)} rows with a missing value dropped", stacklevel=3)
    return kept


def _columns(data, law: Law, group: str | None, what: str, missing: str = "error", scaled: bool = True):
    """The law's columns of `data`: inputs, targets (one per output), each row's residual scale
    (with `scaled`, from the law's weights or sigma column: the weight, or 1 / sigma; None without
    one) and group labels (None without `group`)."""
    column = law._core.scale_column if scaled else ""
    data = _without_missing(data, law, column or None, what, missing)
    inputs = [_column(data, c, what) for c in law.inputs.values()]
    target = [_column(data, t, what) for t in law.targets]
    scales = _residual_scales(data, law, what) if column else None
    if group is None:
        groups = None
    elif group not in data:
        raise ValueError(f"{what}: no group column named {group!r}")
    else:
        groups = [str(g) for g in data[group]]
    return inputs, target, scales, groups


def _residual_scales(data, law: Law, what: str) -> np.ndarray:
    """What each row's residual is multiplied by: its weight, or 1 / its sigma (the CLI's checks)."""
    column = law._core.scale_column
    values = _column(data, column, what)
    if law._core.scale_kind == "sigma":
        if np.any(values <= 0):
            raise ValueError(f"{what}: column {column!r}, row {int(np.flatnonzero(values <= 0)[0])}: "
                             "a sigma must be positive")
        return 1.0 / values
    if np.any(values < 0):
        raise ValueError(f"{what}: column {column!r}, row {int(np.flatnonzero(values < 0)[0])}: a negative weight")
    return values


def fit(data, law, group: str | None = None, test=None, *, weights: str | None = None, sigma: str | None = None,
        fix: dict | None = None, missing: str = "error", threads: int = 0, backend: str = "auto", progress=True,
        **options) -> "FitResult":
    """Fits `law` to every group of `data`, each on its own, in one batch.

    data: a DataFrame (or dict of arrays) with the law's input and target columns.
    law: a slfit.Law, a built-in law's name, or a law file's path.
    group: the column whose values split the rows into groups (None: one group, "all").
    test: held-out data with the same columns, scored with SLDBench's r2, nmse and nmae.
    weights, sigma: a column scaling each row's residual (times a weight, or over a sigma).
    fix: parameter -> value, held there while the others are fitted (the CLI's --fix).
    missing: "error" (a missing value in a column the law reads is a ValueError naming its row)
    or "drop" (such rows are left out, with a warning), as the CLI's --missing.
    threads: worker threads (0: every core); backend: "auto", "cpu" or "cuda".
    progress: True draws tqdm's bar when tqdm is installed and the fit runs over a second; False
    draws nothing; a callable is called with (fits done, total). Ctrl-C stops the fit (the fits
    running finish) and raises KeyboardInterrupt.
    options: the CLI's fitting options by name: pipeline ("de" or "seed"), separable ("auto" or
    "off"), updating ("deferred" or "immediate"), popsize, maxiter, tol, atol, ftol, gtol,
    lbfgs_maxiter, seed.

    Groups come in order of first appearance and draw random numbers by that order, so the same
    rows in the same order give the CLI's result for the same seed. Raises ValueError for bad
    input, with the CLI's message.
    """
    _reject_unknown_options(options, "fit")
    law = with_options(as_law(law), weights=weights, sigma=sigma, fix=fix)
    inputs, target, scales, groups = _columns(data, law, group, "data", missing)
    test_inputs = test_target = test_groups = None
    if test is not None:
        test_inputs, test_target, _, test_groups = _columns(test, law, group, "test", missing, scaled=False)
    with watching(progress, "slfit.fit") as watch:
        raw = _core.fit(law._core, inputs, target, scales, groups, options, threads, backend, group or "",
                        test_inputs, test_target, test_groups, watch)
    return FitResult(law, raw, options)


class FitResult:
    """The fits of one law to each group: parameters, their standard errors, the fit's report.

    Attributes (DataFrames are indexed by group):
      params           the fitted parameters, a column each
      standard_errors  their standard errors (curve_fit's, from the exact Jacobian)
      report           per group: objective, r2_train, aic, bic, status, de_converged, ...,
                       separable (the parameters solved exactly for each candidate)
      test_scores      with `test`: r2, nmse, nmae and n per group, and the row "all" for
                       every test row at once (SLDBench's score); None without. For a
                       multi-output law, each row is the mean over the outputs (SLDBench's)
      output_scores    a multi-output law's test scores per output (indexed by output), over
                       every test row; None otherwise
      backend          the backend that ran the fits
    """

    def __init__(self, law: Law, raw: dict, options: dict):
        self.law = law
        self.backend = raw["backend"]
        self.options = dict(options)
        names = law.param_names
        index = pd.Index(raw["groups"], name="group")
        fits = raw["fits"]
        nan_row = [math.nan] * len(names)
        self.params = pd.DataFrame([f["params"] or nan_row for f in fits], index=index, columns=names)
        self.standard_errors = pd.DataFrame([f["standard_errors"] for f in fits], index=index, columns=names)
        keys = ("objective", "r2_train", "aic", "bic", "status", "de_converged", "de_generations", "de_evaluations",
                "lbfgsb_iterations", "lbfgsb_status", "separable", "seconds", "error")
        self.report = pd.DataFrame([{k: f[k] for k in keys} for f in fits], index=index)
        self.report["at_bound"] = [{n: side for n, side in zip(names, f["at_bound"]) if side} for f in fits]
        self._correlation = {g: np.asarray(f["correlation"]).reshape(len(names), len(names))
                             for g, f in zip(raw["groups"], fits)}
        self._notes = {g: f["note"] for g, f in zip(raw["groups"], fits) if f["note"]}
        self.test_scores = None
        self.output_scores = None
        if raw["test"] is not None:
            t = raw["test"]
            rows = [{k: s[k] for k in ("r2", "nmse", "nmae", "n")} for s in t["groups"]]
            rows.append({k: t[k] for k in ("r2", "nmse", "nmae", "n")})
            self.test_scores = pd.DataFrame(rows, index=pd.Index(list(raw["groups"]) + ["all"], name="group"))
            self.test_error = t["error"] or None
            outputs = t.get("outputs") or {}
            if outputs:  # a multi-output law: test_scores are the means over its outputs, as SLDBench's
                self.output_scores = pd.DataFrame([{k: s[k] for k in ("r2", "nmse", "nmae", "n")} for s in outputs.values()],
                                                  index=pd.Index(list(outputs), name="output"))

    @classmethod
    def from_json(cls, path) -> "FitResult":
        """The result of `slfit fit --format json` (read back: the law from its law_spec)."""
        with open(path, encoding="utf-8") as f:
            j = json.load(f)
        if "fits" not in j or "law_spec" not in j:
            raise ValueError(f"{path}: not the JSON output of 'slfit fit' (no fits or law_spec)")
        law = Law._wrap(_core.Law.from_spec(json.dumps(j["law_spec"]), f"{path}: law_spec"))
        names = law.param_names
        nan = [math.nan] * len(names)
        fits = []
        for f in j["fits"]:
            u = f.get("uncertainty", {})
            se = u.get("standard_errors", {})
            corr = u.get("correlation") or [nan] * len(names)
            fits.append({
                "params": [f["params"][n] if f["params"][n] is not None else math.nan for n in names],
                "standard_errors": [se.get(n) if se.get(n) is not None else math.nan for n in names],
                "correlation": [c if c is not None else math.nan for row in corr for c in (row or nan)],
                "objective": f["objective"], "r2_train": f["r2_train"] if f["r2_train"] is not None else math.nan,
                "aic": u.get("aic", math.nan), "bic": u.get("bic", math.nan), "status": f["status"],
                "de_converged": f["de"]["converged"], "de_generations": f["de"]["generations"],
                "de_evaluations": f["de"]["evaluations"], "lbfgsb_iterations": f["lbfgsb"]["iterations"],
                "lbfgsb_status": f["lbfgsb"]["status"], "separable": f.get("separable", []),
                "seconds": f["seconds"], "error": f.get("error", ""),
                "at_bound": [f.get("at_bound", {}).get(n, "") for n in names], "note": u.get("note", "")})
        test = None
        if "test" in j:
            test = {**j["test"], "error": "", "groups": [f.get("test", {"r2": math.nan, "nmse": math.nan,
                                                                           "nmae": math.nan, "n": 0})
                                                           for f in j["fits"]]}
        raw = {"groups": [f["group"] for f in j["fits"]], "fits": fits, "backend": j["backend"], "test": test}
        result = cls(law, raw, {"seed": j.get("seed")})
        result.group_column = j.get("group_column")
        return result

    def correlation(self, group) -> pd.DataFrame:
        """The parameters' correlation matrix of one group's fit."""
        names = self.law.param_names
        return pd.DataFrame(self._correlation[group], index=names, columns=names)

    def to_frame(self) -> pd.DataFrame:
        """One row per group: parameters, their standard errors (se_<name>) and the report."""
        errors = self.standard_errors.add_prefix("se_")
        return pd.concat([self.params, errors, self.report], axis=1)

    def predict(self, data, group: str | None = None) -> np.ndarray:
        """The fitted law at each row of `data` (a DataFrame or dict with the law's inputs), each
        row with its group's parameters: `group` names the group column, or, without one, every
        row uses the only group's fit. A multi-output law gives one column per output (rows x
        outputs, in law.output_names' order)."""
        inputs = [_column(data, c, "predict") for c in self.law.inputs.values()]
        n = len(inputs[0]) if inputs else 0
        if group is None:
            if len(self.params) != 1:
                raise ValueError(f"predict: the result has {len(self.params)} groups; name the group column")
            labels = [self.params.index[0]] * n
        else:
            if group not in data:
                raise ValueError(f"predict: no group column named {group!r}")
            labels = [str(g) for g in data[group]]
        outputs = len(self.law.targets)
        out = np.empty((n, outputs))
        for label in dict.fromkeys(labels):
            if label not in self.params.index:
                raise ValueError(f"predict: group {label!r} was not fitted (groups: {', '.join(self.params.index)})")
            rows = np.fromiter((i for i, g in enumerate(labels) if g == label), dtype=np.int64)
            params = self.params.loc[label].to_numpy(dtype=np.float64)
            stacked = _core.predict(self.law._core, [x[rows] for x in inputs], list(params))
            out[rows] = np.asarray(stacked).reshape(outputs, len(rows)).T  # output after output
        return out[:, 0] if outputs == 1 else out

    def summary(self) -> str:
        """A report to read: per group its status, objective, r2, AIC, BIC, and each parameter
        with its standard error and a flag on a bound (the CLI's table)."""
        lines = [f"{self.law.name}: {self.law.formula}", f"backend {self.backend}", ""]
        width = max([9] + [len(n) for n in self.law.param_names])
        for g in self.params.index:
            r = self.report.loc[g]
            de = " (DE met its tolerance)" if r["de_converged"] else " (DE used every generation)"
            lines.append(f"group {g}: {r['status']}{de}")
            if r["status"] == "failed":
                lines += [f"  error: {r['error']}", ""]
                continue
            line = f"  objective {r['objective']:.6g}   r2 {r['r2_train']:.6g}   AIC {r['aic']:.6g}   BIC {r['bic']:.6g}"
            if self.test_scores is not None:
                line += f"   test r2 {self.test_scores.loc[g, 'r2']:.6g}"
            lines.append(line)
            lines.append(f"  {'parameter':<{width}}  {'value':>13}  {'std error':>13}")
            for name in self.law.param_names:
                flag = r["at_bound"].get(name)
                lines.append(f"  {name:<{width}}  {self.params.loc[g, name]:>13.6g}  "
                             f"{self.standard_errors.loc[g, name]:>13.6g}" + (f"  at {flag} bound" if flag else ""))
            if g in self._notes:
                lines.append(f"  note: {self._notes[g]}")
            lines.append("")
        if self.test_scores is not None:
            s = self.test_scores.loc["all"]
            lines.append(f"test, all groups ({int(s['n'])} points): r2 {s['r2']:.6g}   nmse {s['nmse']:.6g}"
                         f"   nmae {s['nmae']:.6g}")
        return "\n".join(lines).rstrip() + "\n"

    def __repr__(self) -> str:
        statuses = self.report["status"].value_counts().to_dict()
        return (f"<slfit.FitResult: law {self.law.name!r}, {len(self.params)} groups "
                f"({', '.join(f'{n} {s}' for s, n in statuses.items())}), backend {self.backend}>")

    def _repr_html_(self) -> str:
        title = html.escape(f"{self.law.name}: {self.law.formula}")
        return f"<p><b>{title}</b></p>" + self.to_frame().to_html()
