"""slfit.sldbench.law_from_program: SLDBench programs translated into laws, never run."""

import os
import textwrap

import numpy as np
import pandas as pd
import pytest

import slfit
from slfit.sldbench import DEFAULT_BOUNDS, law_from_program

SOURCE = os.environ.get("SLFIT_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))


def program(tmp_path, body: str, name: str = "program.py") -> str:
    path = tmp_path / name
    path.write_text(textwrap.dedent(body))
    return str(path)


def test_the_seed_programs_law_fits_as_the_builtin_parallel_power():
    law = law_from_program(os.path.join(SOURCE, "bench", "seed_program.py"))
    assert law.formula == "a * max(num_params, 1e-10)^b / (max(parallel_size, 1e-10)^c + 1e-10) + d"
    spec = {p["name"]: p for p in law.to_spec()["params"]}
    assert (spec["b"]["lower"], spec["b"]["upper"]) == (-0.2, 0.2)
    assert (spec["d"]["lower"], spec["d"]["upper"]) == ("y_min - 0.5", "y_max + 0.5")
    train = pd.read_csv(os.path.join(SOURCE, "examples", "parscale", "train.csv"))
    translated = slfit.fit(train, law, group="group", backend="cpu")
    builtin = slfit.fit(train, "parallel_power", group="group", backend="cpu")
    assert (translated.params.to_numpy() == builtin.params.to_numpy()).all()
    assert (translated.report["objective"] == builtin.report["objective"]).all()


def test_unpacking_locals_and_numpy_functions_translate(tmp_path):
    path = program(tmp_path, """
        import numpy as np
        def scaling_law_func(data_points, params):
            X = np.atleast_2d(np.asarray(data_points))
            N, D = X[:, 0], X[:, 1]
            E, A, alpha, B, beta = params
            term = A / np.power(N, alpha)
            term += B * np.exp(-beta * np.log(D))
            return E + np.clip(term, 0, 100) + np.sqrt(np.square(params[4])) * 0
        """)
    law = law_from_program(path, inputs=["num_params", "tokens"])
    assert law.param_names == ["E", "A", "alpha", "B", "beta"]
    assert law.inputs == {"num_params": "num_params", "tokens": "tokens"}
    spec = law.to_spec()
    assert all((p["lower"], p["upper"]) == DEFAULT_BOUNDS for p in spec["params"])  # no fit_scaling_law
    # The law predicts what the program computes, at a few points and parameters.
    params = [1.7, 400.0, 0.34, 900.0, 0.28]
    X = np.array([[1e8, 1e9], [5e8, 2e10], [2e9, 5e10]])
    expected = params[0] + np.clip(params[1] / X[:, 0] ** params[2] + params[3] * np.exp(-params[4] * np.log(X[:, 1])),
                                   0, 100)
    result = slfit.fit({"num_params": X[:, 0], "tokens": X[:, 1], "loss": expected}, law, maxiter=1, backend="cpu")
    from slfit import _core
    predicted = _core.predict(law._core, [X[:, 0], X[:, 1]], params)
    np.testing.assert_allclose(predicted, expected, rtol=1e-14)
    assert len(result.params) == 1


@pytest.mark.parametrize("body, message", [
    ("""
     def scaling_law_func(data_points, params):
         if params[0] > 0:
             return params[0]
         return params[1]
     """, "program.py:3: the statement if"),
    ("""
     import numpy as np
     def scaling_law_func(data_points, params):
         return np.sin(data_points[:, 0]) * params[0]
     """, "program.py:4: np.sin with 1 arguments is not supported"),
    ("""
     def scaling_law_func(data_points, params):
         return sorted(params)[0]
     """, "program.py:3: the call sorted(...)"),
    ("""
     def scaling_law_func(data_points, params):
         return params * 2
     """, "a whole data matrix or parameter vector"),
    ("""
     def fit_scaling_law(x, y):
         return 1
     """, "no function scaling_law_func"),
    ("""
     def scaling_law_func(data_points, params):
         return undefined_name + params[0]
     """, "program.py:3: the name 'undefined_name' is not defined"),
    ("def scaling_law_func(data_points, params):\n    return (\n", "not Python"),
])
def test_what_cannot_be_translated_is_refused_naming_the_line(tmp_path, body, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)").replace("*", r"\*")):
        law_from_program(program(tmp_path, body))


def test_programs_are_rescored_as_one_leaderboard(tmp_path):
    broken = program(tmp_path, """
        def scaling_law_func(data_points, params):
            while True:
                pass
        """, "broken.py")
    out = tmp_path / "board.csv"
    import subprocess
    import sys
    run = subprocess.run([sys.executable, "-m", "slfit.sldbench", "rescore", "--task", "parallel_scaling_law",
                          "--data", os.path.join(SOURCE, "examples", "parscale"), "--out", str(out), "--backend", "cpu",
                          os.path.join(SOURCE, "bench", "seed_program.py"), broken], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    board = pd.read_csv(out, float_precision="round_trip")
    assert list(board["id"]) == ["seed_program", "broken"]
    assert board.loc[0, "r2"] == pytest.approx(0.999662, abs=1e-6)  # the seed law's test r2 (README)
    assert board.loc[1, "status"] == "invalid_entry" and "broken.py:3: the statement while" in board.loc[1, "error"]


DOMAIN_MIXTURE_PROGRAM = """
    import numpy as np
    def scaling_law_func(data_points, params):
        X = np.atleast_2d(np.asarray(data_points))
        s = params[15] * X[:, 0] + params[16] * X[:, 1] + params[17] * X[:, 2] + params[18] * X[:, 3]
        c1, k1, t1 = params[0], params[1], params[2]
        c2, k2, t2 = params[3], params[4], params[5]
        c3, k3, t3 = params[6], params[7], params[8]
        c4, k4, t4 = params[9], params[10], params[11]
        c5, k5, t5 = params[12], params[13], params[14]
        outputs = [c1 + k1 * np.exp(t1 * X[:, 0] + s), c2 + k2 * np.exp(t2 * X[:, 1] + s),
                   c3 + k3 * np.exp(t3 * X[:, 2] + s), c4 + k4 * np.exp(t4 * X[:, 3] + s),
                   c5 + k5 * np.exp(t5 * X[:, 4] + s)]
        return RETURN
    def fit_scaling_law(data_points, loss_values):
        bounds = BOUNDS
""".replace("BOUNDS", str([(0, 5), (0, 10), (-40, 40)] * 5 + [(-5, 5)] * 4))
INPUTS = [f"proportion_domain_{k}" for k in range(1, 6)]
TARGETS = [f"loss_domain_{k}" for k in range(1, 6)]


def test_a_multi_output_program_becomes_a_law_whose_outputs_share_parameters(tmp_path):
    path = program(tmp_path, DOMAIN_MIXTURE_PROGRAM.replace("RETURN", "np.column_stack(outputs)"), "shared.py")
    law = law_from_program(path, inputs=INPUTS, target=TARGETS)
    assert law.output_names == TARGETS and law.targets == TARGETS
    assert len(law.param_names) == 19  # the four s_j once, in every output
    spec = law.to_spec()
    assert spec["outputs"][0]["formula"].startswith("c1 + k1 * exp(t1 * proportion_domain_1 + ")
    # Fitted and scored as the bundled law file of the same form (examples/sldbench/domain_mixture).
    task = os.path.join(SOURCE, "examples", "sldbench", "domain_mixture")
    table = slfit.sldbench.rescore_programs("domain_mixture", task, [path], backend="cpu")
    assert table.loc[1, "status"] == "converged"
    assert table.loc[1, "r2"] > 0.95
    with pytest.raises(ValueError, match="returns 5 outputs, but the task has 1 target column"):
        law_from_program(path, inputs=INPUTS, target="loss")
    for spelling in ("np.stack(outputs, axis=1)", "np.stack(outputs, axis=-1)", "np.array(outputs).T",
                     "np.vstack(outputs).T"):
        other = program(tmp_path, DOMAIN_MIXTURE_PROGRAM.replace("RETURN", spelling), "spelling.py")
        assert law_from_program(other, inputs=INPUTS, target=TARGETS).to_spec()["outputs"] == spec["outputs"], spelling
    flat = program(tmp_path, DOMAIN_MIXTURE_PROGRAM.replace("RETURN", "np.array(outputs)"), "rows.py")
    with pytest.raises(ValueError, match="rows.py:14: scaling_law_func returns its outputs as rows"):
        law_from_program(flat, inputs=INPUTS, target=TARGETS)
