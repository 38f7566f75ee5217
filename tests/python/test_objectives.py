"""Every objective of a law file against numpy and scipy (ctest: PythonPackage).

Values and exact gradients against numpy implementations of the README's definitions on random
points (1e-12 relative); fits against scipy's optimum of the same objective (least_squares with
that loss and f_scale, or L-BFGS-B on the sum) on the bundled ParScale data.
"""

import itertools
import os

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import least_squares, minimize

import slfit

SOURCE = os.environ.get("SLFIT_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
TRAIN = os.path.join(SOURCE, "examples", "parscale", "train.csv")

LOSSES = ["mse", "mae", "huber", "soft_l1", "cauchy", "arctan"]
SPACES = ["linear", "log", "neglog", "relative"]


# --- The definitions, in numpy ----------------------------------------------------------------

@np.errstate(invalid="ignore", divide="ignore")  # a log of a prediction of the wrong sign is nan
def residual(space, p, y):
    """The residual and its derivative with respect to the prediction."""
    if space == "linear":
        return p - y, np.ones_like(p)
    if space == "log":
        return np.log(p) - np.log(y), 1 / p
    if space == "neglog":
        return np.log(-p) - np.log(-y), 1 / p
    return (p - y) / y, 1 / y


def loss(kind, r, c):
    """A loss and its derivative with respect to the residual; c is delta or f_scale."""
    z = (r / c) ** 2
    if kind == "mse":
        return r ** 2, 2 * r
    if kind == "mae":
        return np.abs(r), np.sign(r)
    if kind == "huber":
        inside = np.abs(r) <= c
        return np.where(inside, r ** 2 / 2, c * (np.abs(r) - c / 2)), np.where(inside, r, c * np.sign(r))
    # scipy.optimize.least_squares' rho(z) and its derivative rho'(z): the term is c^2 rho(z), its
    # derivative with respect to r 2 r rho'(z).
    rho, drho = {"soft_l1": (2 * (np.sqrt(1 + z) - 1), 1 / np.sqrt(1 + z)),
                 "cauchy": (np.log1p(z), 1 / (1 + z)),
                 "arctan": (np.arctan(z), 1 / (1 + z ** 2))}[kind]
    return c ** 2 * rho, 2 * r * drho


# The law: a * N^b / P^c + d. Its prediction and the prediction's Jacobian.
FORMULA = "a * N^b / P^c + d"


def prediction(theta, n, p):
    a, b, c, d = theta
    core = n ** b / p ** c
    return a * core + d, np.stack([core, a * core * np.log(n), -a * core * np.log(p), np.ones_like(n)], axis=1)


def reference(spec, theta, n, p, y, w):
    """The objective of a law file's `spec` and its gradient, from the definitions."""
    pred, dpred = prediction(theta, n, p)
    terms = spec.get("terms", [dict(spec, coefficient=1.0)])
    value, adjoint = 0.0, np.zeros_like(pred)
    for t in terms:
        r, dr = residual(t.get("space", "linear"), pred, y)
        l, dl = loss(t.get("kind", "mse"), w * r, t.get("f_scale", t.get("delta", 1.0)))
        scale = 1.0 / len(y) if spec.get("reduce", "mean") == "mean" else 1.0
        value += t["coefficient"] * scale * l.sum()
        adjoint += t["coefficient"] * scale * dl * w * dr
    grad = dpred.T @ adjoint
    ridge = spec.get("ridge", {"coefficient": 0.0, "params": []})
    names = ["a", "b", "c", "d"]
    for name in ridge["params"]:
        k = names.index(name)
        value += ridge["coefficient"] * theta[k] ** 2
        grad[k] += 2 * ridge["coefficient"] * theta[k]
    return value, grad


def law(objective):
    return slfit.Law(FORMULA, params={"a": (0.01, 10), "b": (-0.5, 0.5), "c": (0, 1), "d": (-5, 5)},
                     inputs={"N": "N", "P": "P"}, target="y", objective=objective)


def random_case(rng, space, points=40):
    """Random data and parameters whose predictions suit the space (negative for neglog)."""
    n = rng.uniform(1, 50, points)
    p = rng.choice([1.0, 2.0, 4.0, 8.0], points)
    theta = np.array([rng.uniform(0.5, 3), rng.uniform(-0.4, 0.4), rng.uniform(0.1, 0.8), rng.uniform(0.5, 2)])
    if space == "neglog":
        theta[[0, 3]] = -theta[[0, 3]]
    pred, _ = prediction(theta, n, p)
    y = pred * rng.uniform(0.7, 1.3, points)  # same sign as the predictions, never 0
    w = rng.uniform(0.2, 2.0, points)
    return n, p, y, w, theta


def objectives():
    """Every loss in every space, both reductions; then sums of terms with a ridge."""
    for kind, space, reduce in itertools.product(LOSSES, SPACES, ["mean", "sum"]):
        spec = {"kind": kind, "space": space, "reduce": reduce}
        if kind == "huber":
            spec["delta"] = 0.05
        elif kind in ("soft_l1", "cauchy", "arctan"):
            spec["f_scale"] = 0.05
        yield spec
    for space in SPACES:
        yield {"terms": [{"kind": "mse", "space": space, "coefficient": 1.0},
                         {"kind": "mae", "space": space, "coefficient": 0.1}],
               "ridge": {"coefficient": 1e-3, "params": ["a", "d"]}}
    yield {"terms": [{"kind": "mse", "coefficient": 1.0}, {"kind": "mse", "space": "log", "coefficient": 0.5},
                     {"kind": "soft_l1", "f_scale": 0.02, "space": "relative", "coefficient": 3.0}],
           "reduce": "sum", "ridge": {"coefficient": 0.25, "params": ["b", "c"]}}


def space_of(spec):
    return (spec["terms"][0] if "terms" in spec else spec).get("space", "linear")


@pytest.mark.parametrize("weighted", [False, True])
def test_every_objective_and_its_gradient_equal_numpy_on_random_points(weighted):
    rng = np.random.default_rng(11)
    checked = 0
    for spec in objectives():
        for _ in range(3):
            n, p, y, w, theta = random_case(rng, space_of(spec))
            if not weighted:
                w = np.ones_like(w)
            frame = pd.DataFrame({"N": n, "P": p, "y": y, "w": w})
            value, grad = law(spec).objective(frame, theta, weights="w" if weighted else None, gradient=True)
            want_value, want_grad = reference(spec, theta, n, p, y, w)
            assert value == pytest.approx(want_value, rel=1e-12, abs=0), spec
            np.testing.assert_allclose(grad, want_grad, rtol=1e-12, atol=1e-12 * np.abs(want_grad).max(),
                                       err_msg=str(spec))
            checked += 1
    assert checked == 3 * (len(LOSSES) * len(SPACES) * 2 + len(SPACES) + 1)


def test_objective_is_infinite_where_a_prediction_is_not_finite():
    frame = pd.DataFrame({"N": [1.0, 2.0], "P": [1.0, 0.0], "y": [1.0, 2.0]})
    for kind in LOSSES:  # arctan saturates, yet an infinite prediction still fails the candidate
        spec = {"kind": kind}
        if kind != "mse" and kind != "mae":
            spec["delta" if kind == "huber" else "f_scale"] = 1.0
        assert law(spec).objective(frame, {"a": 1, "b": 0.1, "c": 0.5, "d": 1}) == np.inf


def test_objective_names_bad_parameters():
    frame = pd.DataFrame({"N": [1.0], "P": [1.0], "y": [1.0]})
    with pytest.raises(ValueError, match="'e' not a parameter of law"):
        law(None).objective(frame, {"a": 1, "b": 0, "c": 0, "d": 0, "e": 1})
    with pytest.raises(ValueError, match="no value for 'd'"):
        law(None).objective(frame, {"a": 1, "b": 0, "c": 0})
    with pytest.raises(ValueError, match="3 parameter values for law"):
        law(None).objective(frame, [1, 0, 0])


# --- Fits against scipy's optimum of the same objective ----------------------------------------

BOUNDS = ([0.01, -0.5, 0.0, -5.0], [100.0, 0.5, 1.0, 5.0])


@pytest.fixture(scope="module")
def pile():
    """ParScale's pile group, N in billions so that scipy's solvers see a well-scaled problem."""
    data = pd.read_csv(TRAIN)
    data = data[data["group"] == "pile"]
    return pd.DataFrame({"N": data["num_params"].to_numpy() / 1e9, "P": data["parallel_size"].to_numpy(dtype=float),
                         "y": data["loss"].to_numpy()})


def fit_law(objective):
    lower, upper = BOUNDS
    return slfit.Law(FORMULA, params={k: (lo, hi) for k, lo, hi in zip("abcd", lower, upper)},
                     inputs={"N": "N", "P": "P"}, target="y", objective=objective)


def scipy_least_squares(frame, space, kind, f_scale, sign=1.0):
    """least_squares with `kind` and `f_scale` from many starts: its best cost, as the law's
    (mean) objective: 2 cost / n."""
    n, p, y = frame["N"].to_numpy(), frame["P"].to_numpy(), sign * frame["y"].to_numpy()
    lower, upper = np.array(BOUNDS[0]), np.array(BOUNDS[1])
    if sign < 0:
        lower, upper = np.array([-100.0, -0.5, 0.0, -5.0]), np.array([-0.01, 0.5, 1.0, 5.0])
    starts = np.random.default_rng(3).uniform(lower, upper, (40, 4))
    best = np.inf
    for x0 in starts:
        fun = lambda t: residual(space, prediction(t, n, p)[0], y)[0]
        if not np.all(np.isfinite(fun(x0))):
            continue
        r = least_squares(fun, x0, bounds=(lower, upper), loss=kind, f_scale=f_scale, xtol=1e-15, ftol=1e-15,
                          gtol=1e-15, max_nfev=2000)
        best = min(best, 2 * r.cost / len(y))
    return best


@pytest.mark.parametrize("kind,space,f_scale", [("soft_l1", "linear", 0.01), ("cauchy", "log", 0.005),
                                                ("arctan", "relative", 0.004), ("linear", "relative", 1.0)])
def test_robust_fits_reach_the_optimum_of_scipy_least_squares(pile, kind, space, f_scale):
    spec = {"kind": "mse" if kind == "linear" else kind, "space": space}
    if kind != "linear":
        spec["f_scale"] = f_scale
    result = slfit.fit(pile, fit_law(spec), backend="cpu", seed=1)
    reference_value = scipy_least_squares(pile, space, kind, f_scale)
    assert result.report["objective"].iloc[0] <= reference_value * (1 + 1e-7), (kind, space)


def test_a_negative_target_fits_in_neglog_space_as_scipy_does(pile):
    negative = pile.assign(y=-pile["y"])
    spec = {"kind": "soft_l1", "f_scale": 0.01, "space": "neglog"}
    lower, upper = [-100.0, -0.5, 0.0, -5.0], [-0.01, 0.5, 1.0, 5.0]
    neg_law = slfit.Law(FORMULA, params={k: (lo, hi) for k, lo, hi in zip("abcd", lower, upper)},
                        inputs={"N": "N", "P": "P"}, target="y", objective=spec)
    result = slfit.fit(negative, neg_law, backend="cpu", seed=1)
    assert result.report["status"].iloc[0] == "converged"
    assert result.report["objective"].iloc[0] <= scipy_least_squares(negative, "neglog", "soft_l1", 0.01) * (1 + 1e-7)


def test_sums_of_terms_with_a_ridge_reach_the_optimum_of_scipy_minimize(pile):
    spec = {"terms": [{"kind": "mse", "coefficient": 1.0}, {"kind": "mae", "coefficient": 0.1},
                      {"kind": "mse", "space": "log", "coefficient": 0.5}],
            "ridge": {"coefficient": 1e-4, "params": ["a", "d"]}}
    fitted = fit_law(spec)
    result = slfit.fit(pile, fitted, backend="cpu", seed=1)
    n, p, y = pile["N"].to_numpy(), pile["P"].to_numpy(), pile["y"].to_numpy()
    ones = np.ones_like(y)
    best = np.inf
    for x0 in np.random.default_rng(5).uniform(BOUNDS[0], BOUNDS[1], (40, 4)):
        f = lambda t: reference(spec, t, n, p, y, ones)
        if not np.isfinite(f(x0)[0]):
            continue
        r = minimize(f, x0, jac=True, method="L-BFGS-B", bounds=list(zip(*BOUNDS)),
                     options={"ftol": 1e-15, "gtol": 1e-12, "maxiter": 5000})
        best = min(best, r.fun)
    assert result.report["objective"].iloc[0] <= best * (1 + 1e-7)
    # and slfit's reported objective is the definition's at its parameters
    theta = result.params.iloc[0].to_numpy()
    assert result.report["objective"].iloc[0] == pytest.approx(reference(spec, theta, n, p, y, ones)[0], rel=1e-12)


def test_a_laws_own_weights_column_is_read_without_being_named_again(pile):
    frame = pile.assign(w=np.linspace(0.5, 2.0, len(pile)))
    own = slfit.fit(frame, fit_law({"kind": "mse", "weights": "w"}), backend="cpu", seed=2)
    named = slfit.fit(frame, fit_law({"kind": "mse"}), weights="w", backend="cpu", seed=2)
    pd.testing.assert_frame_equal(own.params, named.params)
    value = fit_law({"kind": "mse", "weights": "w"}).objective(frame, own.params.iloc[0].to_numpy())
    assert value == own.report["objective"].iloc[0]
