"""slfit.rescore: a leaderboard re-scored, as `slfit rescore` does."""

from __future__ import annotations

import json
import os

import pandas as pd

from . import _core
from ._fit import _reject_unknown_options
from ._progress import watching


def rescore(manifest, *, restarts: int = 1, threads: int = 0, backend: str = "auto", progress=True,
            **options) -> pd.DataFrame:
    """Fits every entry's law to its task's training data in one batch and scores it on the test
    split with SLDBench's metrics (README.md, "slfit rescore": the manifest format).

    manifest: a manifest file's path, or the manifest as a dict (its relative paths then resolve
    against the working directory). options: the CLI's fitting options by name, the base every
    entry may override. progress (entries done) and Ctrl-C as slfit.fit's.

    Returns one row per entry, best r2 first: rank, id, task, law, r2, nmse, nmae,
    train_objective, status, error, seconds (the CLI's CSV), and params (per training group, the
    kept fit's parameters by name). An entry that cannot be scored is a row with its status and
    error, not an exception.
    """
    _reject_unknown_options(options, "rescore")
    if isinstance(manifest, dict):
        text, path = json.dumps(manifest), os.path.join(os.getcwd(), "<manifest>")
    else:
        path = os.fspath(manifest)
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        except OSError as e:
            raise ValueError(f"{path}: cannot open: {e.strerror}") from None
    with watching(progress, "slfit.rescore") as watch:
        rows = _core.rescore(text, path, options, restarts, threads, backend, watch)
    return pd.DataFrame(rows).set_index("rank")
