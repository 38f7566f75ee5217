"""Progress of a long call: tqdm's bar when tqdm is installed and the call runs over a second."""

from __future__ import annotations

import contextlib
import time


class TqdmProgress:
    """Called as fits finish (done, total), about ten times a second at most (the engine's
    pace); draws nothing for calls under a second or without tqdm."""

    def __init__(self, what: str):
        self.what = what
        self.start = time.monotonic()
        self.bar = None
        self.available = True

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            if not self.available or time.monotonic() - self.start < 1.0:
                return
            try:
                from tqdm.auto import tqdm
            except ImportError:
                self.available = False
                return
            self.bar = tqdm(total=total, desc=self.what, unit="fit")
        self.bar.n = done
        self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def progress_callback(progress, what: str):
    """progress=True: tqdm's bar for long calls; False or None: nothing; a callable: called with
    (done, total)."""
    if progress is True:
        return TqdmProgress(what)
    if progress is False or progress is None:
        return None
    if not callable(progress):
        raise TypeError(f"progress must be True, False or a callable of (done, total), not {type(progress).__name__}")
    return progress


@contextlib.contextmanager
def watching(progress, what: str):
    """progress_callback's callback for the duration of a call, its bar closed however it ends."""
    watch = progress_callback(progress, what)
    try:
        yield watch
    finally:
        if hasattr(watch, "close"):
            watch.close()
