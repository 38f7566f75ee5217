"""Laws: a formula over named inputs with bounded parameters, as the CLI's law files."""

from __future__ import annotations

import json
import os

from . import _core


class Law:
    """A scaling law: formula, inputs (formula name -> data column), target column, parameters
    with bounds, objective. The law-file format of the README, in Python.

    >>> Law("E + A / N^alpha", params={"E": (0, "y_min"), "A": (0, 1e6), "alpha": (0, 2)},
    ...     inputs={"N": "num_params"}, target="loss")

    params: name -> (lower, upper), or a dict with "lower", "upper" and optionally "init" and
    "scale" ("auto", "linear" or "log": the coordinates the search uses), or {"fixed": value}. Bounds are numbers or expressions over the group's statistics ("y_min",
    "N_max", ...). inputs may be omitted when the formula's names are the data's columns.
    objective: a dict as a law file's: one term ("kind", "space", "delta" or "f_scale"), or
    "terms", a list of them with a "coefficient" each; "reduce", "ridge", "weights" or "sigma",
    and for several outputs "normalize".
    outputs: for a multi-output law, name -> (formula, target column), in place of formula and
    target; parameters may appear in several outputs' formulas (one parameter each).
    """

    def __init__(self, formula: str | None = None, params: dict | None = None, inputs: dict | None = None,
                 target: str = "loss", objective: dict | None = None, name: str = "law", outputs: dict | None = None):
        if params is None:
            raise TypeError("Law: params is required")
        spec = {"name": name, "params": _param_specs(params)}
        if outputs is None:
            if formula is None:
                raise TypeError("Law: give a formula, or outputs")
            spec.update(formula=formula, target=target)
        else:
            if formula is not None:
                raise TypeError("Law: a law with outputs gives each output its formula; no formula too")
            spec["outputs"] = [{"name": n, "formula": f, "target": t} for n, (f, t) in outputs.items()]
        if inputs is not None:
            spec["inputs"] = dict(inputs)
        if objective is not None:
            spec["objective"] = dict(objective)
        self._core = _core.Law.from_spec(json.dumps(spec), f"Law({name!r})")

    @classmethod
    def _wrap(cls, core: "_core.Law") -> "Law":
        law = cls.__new__(cls)
        law._core = core
        return law

    @classmethod
    def from_file(cls, path: str | os.PathLike) -> "Law":
        """A law file (JSON; README.md, "Law files")."""
        return cls._wrap(_core.Law.load(os.fspath(path)))

    @classmethod
    def builtin(cls, name: str) -> "Law":
        """A built-in law by name (slfit.laws() lists them)."""
        if name not in _core.builtin_law_names():
            raise ValueError(f"unknown built-in law {name!r}; the built-in laws: {', '.join(laws())}")
        return cls._wrap(_core.Law.load(name))

    @property
    def name(self) -> str:
        return self._core.name

    @property
    def formula(self) -> str:
        return self._core.formula

    @property
    def param_names(self) -> list[str]:
        return list(self._core.param_names)

    @property
    def inputs(self) -> dict[str, str]:
        """Formula name -> data column."""
        return dict(zip(self._core.variables, self._core.columns))

    @property
    def target(self) -> str:
        """The target column (a multi-output law's first output's)."""
        return self._core.target

    @property
    def targets(self) -> list[str]:
        """The target column of each output (one for most laws)."""
        return list(self._core.targets)

    @property
    def output_names(self) -> list[str]:
        """A multi-output law's outputs ("outputs" in its law file); empty for one output."""
        return list(self._core.output_names)

    def objective(self, data, params, *, weights: str | None = None, sigma: str | None = None,
                  gradient: bool = False):
        """The objective the fit minimises, at `params` (name -> value, or values in param_names'
        order), over every row of `data` (a DataFrame or dict with the law's columns) as one
        group: a float, +inf where a prediction is not finite; with gradient=True, (value, its
        exact gradient as an array). weights, sigma: a residual scale column, as slfit.fit's."""
        from ._fit import _columns  # _fit imports this module

        law = with_options(self, weights=weights, sigma=sigma)
        if isinstance(params, dict):
            unknown = sorted(set(params) - set(law.param_names))
            if unknown:
                raise ValueError(f"params: {', '.join(map(repr, unknown))} not a parameter of law {law.name!r} "
                                 f"(parameters: {', '.join(law.param_names)})")
            missing = [n for n in law.param_names if n not in params]
            if missing:
                raise ValueError(f"params: no value for {', '.join(map(repr, missing))}")
            params = [params[n] for n in law.param_names]
        inputs, target, scales, _ = _columns(data, law, None, "data")
        value, grad = _core.objective(law._core, inputs, target, scales, [float(p) for p in params])
        return (value, grad) if gradient else value

    def to_spec(self) -> dict:
        """The law as a law file's JSON object."""
        return json.loads(self._core.spec_json())

    def __repr__(self) -> str:
        inputs = ", ".join(f"{v}={c}" for v, c in self.inputs.items())
        return (f"Law({self.name!r}: {self.formula}; params {', '.join(self.param_names)}; {inputs} -> "
                f"{', '.join(self.targets)})")


def with_options(law: Law, *, weights: str | None = None, sigma: str | None = None,
                 fix: dict | None = None) -> Law:
    """The law with a residual scale column (weights or sigma, as the CLI's --weights, --sigma)
    and parameters held at values (fix, as --fix); the law itself when none is given."""
    if weights and sigma:
        raise ValueError("weights and sigma both scale the residuals; give one")
    if not (weights or sigma or fix):
        return law
    spec = law.to_spec()
    if weights or sigma:
        spec.setdefault("objective", {})["weights" if weights else "sigma"] = weights or sigma
    names = [p["name"] for p in spec["params"]]
    for name, value in (fix or {}).items():
        if name not in names:
            raise ValueError(f"fix: {name!r} is not a parameter of law {law.name!r} (parameters: {', '.join(names)})")
        spec["params"][names.index(name)] = {"name": name, "fixed": float(value)}
    return Law._wrap(_core.Law.from_spec(json.dumps(spec), f"law {law.name!r}"))


def laws() -> list[str]:
    """The names of the built-in laws."""
    return list(_core.builtin_law_names())


def as_law(law: "Law | str | os.PathLike") -> Law:
    """A Law, a built-in name, or a law file's path."""
    if isinstance(law, Law):
        return law
    if isinstance(law, (str, os.PathLike)):
        name = os.fspath(law)
        return Law.builtin(name) if name in _core.builtin_law_names() else Law.from_file(name)
    raise TypeError(f"law must be a slfit.Law, a built-in law's name or a law file's path, not {type(law).__name__}")


def _param_specs(params: dict) -> list[dict]:
    specs = []
    for name, bounds in params.items():
        if isinstance(bounds, dict):
            specs.append({"name": name, **bounds})
        elif isinstance(bounds, (tuple, list)) and len(bounds) == 2:
            specs.append({"name": name, "lower": bounds[0], "upper": bounds[1]})
        else:
            raise ValueError(f"params[{name!r}]: expected (lower, upper) or a dict with lower, upper and init, "
                             f"or fixed; got {bounds!r}")
    return specs
