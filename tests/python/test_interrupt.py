"""A long slfit.fit reports progress and stops on Ctrl-C with KeyboardInterrupt (ctest: PythonPackage)."""

import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pandas as pd

import slfit

SOURCE = os.environ.get("SLFIT_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
TRAIN = os.path.join(SOURCE, "examples", "parscale", "train.csv")


def many_groups(copies: int) -> pd.DataFrame:
    train = pd.read_csv(TRAIN)
    return pd.concat([train.assign(group=train["group"] + str(k)) for k in range(copies)], ignore_index=True)


def test_progress_is_called_up_to_the_total():
    calls = []
    slfit.fit(many_groups(20), "parallel_power", group="group", maxiter=30, backend="cpu",
              progress=lambda done, total: calls.append((done, total)))
    assert calls and calls[-1] == (40, 40)
    assert all(d <= t for d, t in calls) and [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_ctrl_c_stops_a_long_fit_with_keyboard_interrupt(tmp_path):
    data = tmp_path / "many.csv"
    many_groups(400).to_csv(data, index=False)
    script = tmp_path / "long_fit.py"
    script.write_text(textwrap.dedent(f"""
        import signal, sys, time
        signal.signal(signal.SIGINT, signal.default_int_handler)  # whatever the parent ignores
        import pandas as pd, slfit
        data = pd.read_csv({str(data)!r})
        def progress(done, total):
            if done and not hasattr(progress, "said"):
                progress.said = True
                print("fitting", flush=True)
        try:
            slfit.fit(data, "parallel_power", group="group", maxiter=5000, tol=0, atol=0, backend="cpu",
                      threads=1, progress=progress)
            print("finished", flush=True)
        except KeyboardInterrupt:
            print("interrupted", flush=True)
        """))
    child = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True, env=os.environ)
    assert child.stdout.readline().strip() == "fitting"
    child.send_signal(signal.SIGINT)
    sent = time.monotonic()
    out, _ = child.communicate(timeout=60)
    assert out.strip() == "interrupted"
    assert time.monotonic() - sent < 5  # 800 fits of 5,000 generations would take minutes


def test_rescore_and_surface_report_progress_too():
    entries, points = [], []
    slfit.rescore(os.path.join(SOURCE, "examples", "leaderboards", "parallel.json"), maxiter=30, backend="cpu",
                  progress=lambda done, total: entries.append((done, total)))
    assert entries and entries[-1][0] == entries[-1][1]
    slfit.surface(many_groups(2), "parallel_power", {"c": (0, 0.5, 9)}, group="group", profile=True, maxiter=20,
                  backend="cpu", progress=lambda done, total: points.append((done, total)))
    assert points and points[-1] == (4 * 9, 4 * 9)  # the profile's 36 fits, after the 4 full fits


def test_results_show_as_tables_in_a_notebook():
    train = pd.read_csv(TRAIN)
    b = slfit.bootstrap(train, "parallel_power", group="group", resamples=10, method="percentile", maxiter=20,
                        backend="cpu")
    s = slfit.surface(train, "parallel_power", {"c": (0, 0.5, 3)}, group="group", backend="cpu", maxiter=20)
    assert "<table" in b._repr_html_() and "percentile" in b._repr_html_()
    assert "<table" in s._repr_html_() and "surface over c" in s._repr_html_()
