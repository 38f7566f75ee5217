"""slfit: fit scaling laws to many data sets at once, from Python.

The same engine as the `slfit` command line (a C++ library, here through the extension module
slfit._core): differential evolution then exact-gradient L-BFGS-B, every group of a data set in
one batch, reproducible from a seed. Data go in as pandas DataFrames (or dicts of arrays);
results come out as DataFrames.

    >>> import pandas as pd, slfit
    >>> data = pd.read_csv("examples/parscale/train.csv")
    >>> result = slfit.fit(data, "parallel_power", group="group")
    >>> result.params            # one row per group
    >>> print(result.summary())  # parameters with standard errors, r2, AIC, BIC
"""

from ._law import Law, laws
from ._fit import FitResult, fit
from ._bootstrap import BootstrapResult, bootstrap
from ._rescore import rescore
from ._surface import SurfaceResult, surface
from ._core import cpu_instruction_set, supported_cpu_instruction_sets, use_cpu_instruction_set

__all__ = ["Law", "laws", "fit", "FitResult", "bootstrap", "BootstrapResult", "rescore", "surface", "SurfaceResult",
           "cpu_instruction_set", "supported_cpu_instruction_sets", "use_cpu_instruction_set"]
