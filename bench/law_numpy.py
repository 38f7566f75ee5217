#!/usr/bin/python3
"""slfit law specs as numpy functions, so that scipy fits exactly the law slfit fits.

slfit's formula language is a subset of Python's expression grammar once `^` is written `**`
(both are right-associative and bind tighter than unary minus), so a formula becomes a Python
expression evaluated over numpy arrays with the language's functions mapped to numpy's.
Only slfit's own law specs (built-in or bench-made) are evaluated here.
"""

import json
import subprocess

import numpy as np

FUNCTIONS = {
    "exp": np.exp, "log": np.log, "log2": np.log2, "log10": np.log10, "log1p": np.log1p,
    "sqrt": np.sqrt, "abs": np.abs, "tanh": np.tanh,
    "pow": np.power, "min": np.minimum, "max": np.maximum,
}


def load_builtin(slfit: str, name: str) -> dict:
    """The JSON spec of a built-in law, as `slfit laws --show` prints it."""
    out = subprocess.run([slfit, "laws", "--show", name], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def _compile(text: str):
    return compile(text.replace("^", "**"), "<law>", "eval")


class NumpyLaw:
    """A law spec bound to numpy: prediction, objective and per-group bounds."""

    def __init__(self, spec: dict):
        self.spec = spec
        self.variables = list(spec["inputs"].keys())
        self.columns = [spec["inputs"][v] for v in self.variables]
        self.target = spec.get("target", "loss")
        self.param_names = [p["name"] for p in spec["params"]]
        self._formula = _compile(spec["formula"])
        objective = spec.get("objective", {})
        if objective.get("kind", "mse") != "mse" or objective.get("space", "linear") != "linear":
            raise ValueError("bench laws use the mse objective in linear space")
        self._reduce_sum = objective.get("reduce", "mean") == "sum"

    def predict(self, X: dict, params) -> np.ndarray:
        scope = dict(FUNCTIONS)
        scope.update({v: X[v] for v in self.variables})
        scope.update(zip(self.param_names, (float(p) for p in params)))
        with np.errstate(all="ignore"):
            return np.asarray(eval(self._formula, {"__builtins__": {}}, scope), dtype=np.float64)

    def objective(self, X: dict, y: np.ndarray, params) -> float:
        """MSE (or SSE), +inf where any prediction is not finite, as slfit's Objective."""
        pred = self.predict(X, params)
        if pred.shape != y.shape:
            pred = np.broadcast_to(pred, y.shape)
        if not np.all(np.isfinite(pred)):
            return float("inf")
        r = pred - y
        total = float(np.sum(r * r))
        return total if self._reduce_sum else total / len(y)

    def bounds(self, X: dict, y: np.ndarray) -> list[tuple[float, float]]:
        """Bounds evaluated over the group statistics slfit defines (README, Law files)."""
        y_range = float(y.max() - y.min())
        stats = {"y_min": float(y.min()), "y_max": float(y.max()), "y_mean": float(y.mean()),
                 "y_range": y_range, "y_span": y_range if y_range > 1e-6 else 1.0}
        for v in self.variables:
            stats[v + "_min"] = float(np.min(X[v]))
            stats[v + "_max"] = float(np.max(X[v]))
        scope = dict(FUNCTIONS)
        scope.update(stats)

        def value(bound):
            if isinstance(bound, (int, float)):
                return float(bound)
            return float(eval(_compile(bound), {"__builtins__": {}}, scope))

        return [(value(p["lower"]), value(p["upper"])) for p in self.spec["params"]]
