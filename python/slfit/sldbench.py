"""SLDBench programs as slfit laws.

An SLDBench leaderboard entry is a Python program with `scaling_law_func(data_points, params)`,
a numpy expression of the data's columns and the parameters, and `fit_scaling_law(data_points,
loss_values)`, its fitter. law_from_program reads the first with Python's `ast` module (the
program is never run) and translates it into a slfit.Law; bounds come from a literal `bounds`
list in the second where it has one.

What translates: assignments (also tuple unpacking, `a, b, c = params`), `return`, numbers,
names, + - * / ** and unary minus, columns `X[:, k]` of the data (X being `data_points` or a
name bound to `np.asarray(data_points)`, `np.atleast_2d(...)` and the like), parameters
`params[k]`, and np.power, exp, log, log10, log2, log1p, sqrt, square, abs, maximum, minimum and
clip; a multi-output program returns its outputs as columns (np.column_stack([...]),
np.stack([...], axis=1), np.array([...]).T), which become a law's outputs sharing its parameters.
Anything else is a ValueError naming the line and the construct.

    python3 -m slfit.sldbench rescore --task TASK --data DIR PROGRAM.py... [--out scores.csv]

re-scores programs on a task (DIR holding its train.csv and test.csv) as one batch; TASKS lists
the tasks it knows (a task's input columns in data_points' order, its target and group column).
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import sys

import pandas as pd

from ._law import Law
from ._rescore import rescore

# Bounds a parameter gets when the program's fit_scaling_law has no literal bound for it.
DEFAULT_BOUNDS = (-1e3, 1e3)

_FUNCTIONS = {"exp": "exp", "log": "log", "log10": "log10", "log2": "log2", "log1p": "log1p", "sqrt": "sqrt",
              "abs": "abs", "absolute": "abs", "tanh": "tanh", "sinh": "sinh"}
_PASS_THROUGH = {"asarray", "array", "atleast_2d", "atleast_1d", "float64", "ravel", "squeeze"}
_OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "^"}


class _Data:
    """The data_points matrix."""


class _Params:
    """The parameter vector."""


class _Outputs(list):
    """A matrix of one column per output: np.column_stack([f1, f2, ...]) and its spellings."""


class _Translator:
    def __init__(self, path: str, inputs: list[str] | None):
        self.path = path
        self.inputs = inputs
        self.columns: dict[int, str] = {}   # data column index -> the law's input name
        self.params: dict[int, str] = {}    # parameter index -> its name

    def fail(self, node: ast.AST, what: str):
        raise ValueError(f"{self.path}:{getattr(node, 'lineno', '?')}: {what}")

    def construct(self, node: ast.AST) -> str:
        first_line = ast.unparse(node).splitlines()[0]
        return f"{type(node).__name__.lower()} ({first_line[:60]})"

    # --- statements ---------------------------------------------------------------------------
    def function(self, fn: ast.FunctionDef) -> str:
        args = [a.arg for a in fn.args.args]
        if len(args) != 2:
            self.fail(fn, f"scaling_law_func takes {len(args)} arguments, expected (data_points, params)")
        env = {args[0]: _Data(), args[1]: _Params()}
        for statement in fn.body:
            if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
                continue  # a docstring
            if isinstance(statement, ast.Assign):
                value = self.value(statement.value, env)
                for target in statement.targets:
                    self.bind(target, value, env, statement)
            elif isinstance(statement, ast.AugAssign) and isinstance(statement.target, ast.Name):
                op = _OPERATORS.get(type(statement.op))
                if op is None or statement.target.id not in env:
                    self.fail(statement, f"the augmented assignment {self.construct(statement)} is not supported")
                env[statement.target.id] = f"({self.text(env[statement.target.id], statement)} {op} "\
                                           f"{self.text(self.value(statement.value, env), statement)})"
            elif isinstance(statement, ast.Return):
                if statement.value is None:
                    self.fail(statement, "scaling_law_func returns nothing")
                value = self.value(statement.value, env)
                if isinstance(value, _Outputs):  # a multi-output law: one formula per column
                    if getattr(value, "rows", False):
                        self.fail(statement, "scaling_law_func returns its outputs as rows (np.array([...]) without "
                                             ".T); a multi-output task's outputs are the columns")
                    return [self.text(v, statement) for v in value]
                return self.text(value, statement)
            else:
                self.fail(statement, f"the statement {self.construct(statement)} is not supported")
        self.fail(fn, "scaling_law_func has no return statement")

    def bind(self, target: ast.AST, value, env: dict, statement: ast.AST):
        if isinstance(target, ast.Name):
            if isinstance(value, str) and value.startswith("param:"):
                index = int(value.split(":")[1])
                self.params.setdefault(index, target.id)
                env[target.id] = self.params[index]
            else:
                env[target.id] = value
        elif isinstance(target, (ast.Tuple, ast.List)):
            if isinstance(value, _Params):
                for k, element in enumerate(target.elts):
                    self.bind(element, f"param:{k}", env, statement)
            elif isinstance(value, list) and len(value) == len(target.elts):
                for element, v in zip(target.elts, value):
                    self.bind(element, v, env, statement)
            else:
                self.fail(statement, f"cannot unpack into {ast.unparse(target)}")
        else:
            self.fail(statement, f"the assignment to {ast.unparse(target)} is not supported")

    # --- expressions --------------------------------------------------------------------------
    def text(self, value, node: ast.AST) -> str:
        if isinstance(value, str) and value.startswith("param:"):
            index = int(value.split(":")[1])
            return self.params.setdefault(index, f"p{index}")
        if isinstance(value, (_Data, _Params, list)):
            self.fail(node, "a whole data matrix or parameter vector is used where a number is expected")
        return value

    def value(self, node: ast.AST, env: dict):
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
            return repr(float(node.value))
        if isinstance(node, ast.Name):
            if node.id not in env:
                self.fail(node, f"the name {node.id!r} is not defined in scaling_law_func")
            return env[node.id]
        if isinstance(node, (ast.Tuple, ast.List)):
            return [self.value(e, env) for e in node.elts]
        if isinstance(node, ast.Attribute) and node.attr == "T":
            # np.array([f1, f2, ...]).T and np.vstack([...]).T: the rows become output columns
            inner = self.value(node.value, env)
            if isinstance(inner, _Outputs) and getattr(inner, "rows", False):
                return _Outputs(inner)
            self.fail(node, f"the transpose {self.construct(node)} is not of a list of outputs")
        if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
            lhs, rhs = self.text(self.value(node.left, env), node), self.text(self.value(node.right, env), node)
            return f"({lhs} {_OPERATORS[type(node.op)]} {rhs})"
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            operand = self.text(self.value(node.operand, env), node)
            return f"(-{operand})" if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.Subscript):
            return self.subscript(node, env)
        if isinstance(node, ast.Call):
            return self.call(node, env)
        self.fail(node, f"the expression {self.construct(node)} is not supported")

    def subscript(self, node: ast.Subscript, env: dict):
        base = self.value(node.value, env)
        index = node.slice
        if isinstance(base, _Params) and isinstance(index, ast.Constant) and isinstance(index.value, int):
            return f"param:{index.value}"
        if isinstance(base, _Data) and isinstance(index, ast.Tuple) and len(index.elts) == 2 \
                and isinstance(index.elts[0], ast.Slice) and isinstance(index.elts[1], ast.Constant) \
                and isinstance(index.elts[1].value, int):
            k = index.elts[1].value
            if k not in self.columns:
                if self.inputs is not None:
                    if k >= len(self.inputs):
                        self.fail(node, f"column {k} of the data, but the task has {len(self.inputs)} inputs")
                    self.columns[k] = self.inputs[k]
                else:
                    self.columns[k] = f"x{k}"
            return self.columns[k]
        self.fail(node, f"the subscript {ast.unparse(node)} is not a data column X[:, k] or a parameter params[k]")

    def call(self, node: ast.Call, env: dict):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else None
        if name is None or not (isinstance(func.value, ast.Name) and func.value.id in ("np", "numpy")):
            # x.ravel() and the like on a matrix or vector keep it what it is
            if isinstance(func, ast.Attribute) and func.attr in _PASS_THROUGH and not node.args:
                return self.value(func.value, env)
            self.fail(node, f"the call {ast.unparse(func)}(...) is not a numpy function slfit knows")
        args = [self.value(a, env) for a in node.args]
        if name in ("column_stack", "stack", "array", "vstack") and len(args) == 1 and isinstance(args[0], list):
            axis = next((k.value for k in node.keywords if k.arg == "axis"), None)
            axis = axis.value if isinstance(axis, ast.Constant) else (
                -axis.operand.value if isinstance(axis, ast.UnaryOp) and isinstance(axis.operand, ast.Constant) else axis)
            if name == "column_stack" or (name == "stack" and axis in (1, -1)):
                return _Outputs(args[0])
            if name in ("array", "vstack") or (name == "stack" and axis in (None, 0)):
                rows = _Outputs(args[0])
                rows.rows = True  # outputs as rows, until transposed (.T)
                return rows
        if name in _PASS_THROUGH:
            return args[0]
        texts = [self.text(a, node) for a in args]
        if name in _FUNCTIONS and len(texts) == 1:
            return f"{_FUNCTIONS[name]}({texts[0]})"
        if name == "square" and len(texts) == 1:
            return f"({texts[0]} ^ 2.0)"
        if name == "power" and len(texts) == 2:
            return f"({texts[0]} ^ {texts[1]})"
        if name in ("maximum", "minimum") and len(texts) == 2:
            return f"{name[:3]}({texts[0]}, {texts[1]})"
        if name == "clip" and len(texts) == 3:
            return f"min(max({texts[0]}, {texts[1]}), {texts[2]})"
        self.fail(node, f"np.{name} with {len(texts)} arguments is not supported")


def _literal_bounds(tree: ast.Module, count: int, variables: list[str]) -> list[tuple]:
    """Bounds from `bounds = [(lo, hi), ...]` in fit_scaling_law: numbers, or expressions over
    the target's and inputs' minimum and maximum (y_min, y_max, ...) where the program computes
    them from y, as slfit's bound expressions do; DEFAULT_BOUNDS where it has none."""
    fit = next((n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "fit_scaling_law"), None)
    bounds = [DEFAULT_BOUNDS] * count
    if fit is None:
        return bounds
    statistics: dict[str, str] = {}
    found = None
    for node in ast.walk(fit):
        if not isinstance(node, ast.Assign) or len(node.targets) != 1:
            continue
        target, value = node.targets[0], node.value
        pairs = list(zip(target.elts, value.elts)) if isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple) \
            else [(target, value)]
        for t, v in pairs:
            if isinstance(t, ast.Name) and isinstance(v, ast.Call) and isinstance(v.func, ast.Attribute) \
                    and isinstance(v.func.value, ast.Name) and v.func.value.id == "y" and v.func.attr in ("min", "max"):
                statistics[t.id] = f"y_{v.func.attr}"
        if isinstance(target, ast.Name) and target.id == "bounds" and isinstance(value, ast.List):
            found = value
    if found is None:
        return bounds

    def bound(node):
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
            return float(node.value)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            inner = bound(node.operand)
            return None if inner is None else (-inner if isinstance(inner, float) else f"-({inner})")
        if isinstance(node, ast.Name) and node.id in statistics:
            return statistics[node.id]
        if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
            lhs, rhs = bound(node.left), bound(node.right)
            if lhs is None or rhs is None:
                return None
            return f"({lhs} {_OPERATORS[type(node.op)]} {rhs})"
        return None

    for k, element in enumerate(found.elts[:count]):
        if isinstance(element, (ast.Tuple, ast.List)) and len(element.elts) == 2:
            lo, hi = bound(element.elts[0]), bound(element.elts[1])
            if lo is not None and hi is not None:
                bounds[k] = (lo, hi)
    return bounds


def law_from_program(path: str | os.PathLike, inputs: list[str] | None = None, target: str | list[str] = "loss",
                     name: str | None = None) -> Law:
    """The slfit law of an SLDBench program's scaling_law_func.

    inputs: the task's input columns in data_points' column order; without them, the names the
    program gives its columns (`num_params = X[:, 0]`) where the program names them, else x0, x1, ...
    target: the target column, or a multi-output task's target columns in the order of the
    columns the program returns (np.column_stack([...]), np.stack([...], axis=1),
    np.array([...]).T); each output is named by its target.
    Raises ValueError naming the line of anything it cannot translate.
    """
    path = os.fspath(path)
    with open(path, encoding="utf-8") as f:
        source = f.read()
    try:
        tree = ast.parse(source, filename=path)
    except SyntaxError as e:
        raise ValueError(f"{path}:{e.lineno}: not Python: {e.msg}") from None
    fn = next((n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "scaling_law_func"), None)
    if fn is None:
        raise ValueError(f"{path}: no function scaling_law_func")
    translator = _Translator(path, inputs)
    if inputs is None:
        # The program's own names for its columns: `name = X[:, k]`.
        for statement in fn.body:
            if isinstance(statement, ast.Assign) and len(statement.targets) == 1 \
                    and isinstance(statement.targets[0], ast.Name) and isinstance(statement.value, ast.Subscript):
                index = statement.value.slice
                if isinstance(index, ast.Tuple) and len(index.elts) == 2 and isinstance(index.elts[1], ast.Constant):
                    translator.columns.setdefault(index.elts[1].value, statement.targets[0].id)
    formula = translator.function(fn)
    if not translator.params:
        raise ValueError(f"{path}: scaling_law_func uses no parameters")
    count = max(translator.params) + 1
    names = [translator.params.get(k, f"p{k}") for k in range(count)]
    variables = [translator.columns[k] for k in sorted(translator.columns)]
    bounds = _literal_bounds(tree, count, variables)
    params = {n: b for n, b in zip(names, bounds)}
    law_name = name or os.path.splitext(os.path.basename(path))[0]
    inputs_map = {v: v for v in variables}
    targets = [target] if isinstance(target, str) else list(target)
    if isinstance(formula, list) != (len(targets) > 1) or (isinstance(formula, list) and len(formula) != len(targets)):
        got = f"{len(formula)} outputs" if isinstance(formula, list) else "one output"
        raise ValueError(f"{path}: scaling_law_func returns {got}, but the task has {len(targets)} target "
                         f"column{'s' if len(targets) > 1 else ''} ({', '.join(targets)})")
    if isinstance(formula, list):
        law = Law(params=params, inputs=inputs_map, outputs={t: (f, t) for t, f in zip(targets, formula)}, name=law_name)
        printed = law._core.printed_formula.split("; ")
        return Law(params=params, inputs=inputs_map, outputs={t: (f, t) for t, f in zip(targets, printed)},
                   name=law_name)
    law = Law(formula, params=params, inputs=inputs_map, target=target, name=law_name)
    # The same law with its formula printed back without the translation's extra parentheses.
    return Law(law._core.printed_formula, params=params, inputs=inputs_map, target=target, name=law_name)


# SLDBench's tasks: the columns of data_points in order, the target (a list for a multi-output
# task, in the order of the program's output columns), the group column.
TASKS = {
    "parallel_scaling_law": {"inputs": ["num_params", "parallel_size"], "target": "loss", "group": "group"},
    "moe": {"inputs": ["num_experts", "dense_parameter_count"], "target": "loss_validation", "group": "group"},
    "domain_mixture": {"inputs": [f"proportion_domain_{k}" for k in range(1, 6)],
                       "target": [f"loss_domain_{k}" for k in range(1, 6)], "group": "group"},
}


def rescore_programs(task: str, data_dir: str, programs: list[str], **options):
    """Each program's law on the task (`data_dir`/train.csv, test.csv), rescored in one batch:
    slfit.rescore's table, with a row of status invalid_entry (and the translator's message) for
    a program that does not translate."""
    if task not in TASKS:
        raise ValueError(f"unknown task {task!r}; the tasks: {', '.join(TASKS)}")
    t = TASKS[task]
    entries, untranslated = [], []
    for path in programs:
        entry_id = os.path.splitext(os.path.basename(path))[0]
        try:
            law = law_from_program(path, inputs=t["inputs"], target=t["target"])
            entries.append({"id": entry_id, "task": task, "law": law.to_spec()})
        except (ValueError, OSError) as e:
            untranslated.append({"id": entry_id, "task": task, "law": os.path.basename(path), "r2": -1.0,
                                 "status": "invalid_entry", "error": str(e), "seconds": 0.0})
    table = None
    if entries:
        manifest = {"tasks": {task: {"train": os.path.abspath(os.path.join(data_dir, "train.csv")),
                                     "test": os.path.abspath(os.path.join(data_dir, "test.csv")),
                                     "group": t["group"]}},
                    "entries": entries}
        table = rescore(manifest, **options)
    # Programs that did not translate rank last, in the order given, as rescore ranks its failures.
    rows = pd.DataFrame(untranslated)
    if table is None:
        rows.index = pd.RangeIndex(1, len(rows) + 1, name="rank")
        return rows
    rows.index = pd.RangeIndex(len(table) + 1, len(table) + len(rows) + 1, name="rank")
    return pd.concat([table, rows]) if len(rows) else table

def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m slfit.sldbench")
    commands = parser.add_subparsers(dest="command", required=True)
    r = commands.add_parser("rescore", help="re-score SLDBench programs on a task as one batch")
    r.add_argument("--task", required=True, choices=sorted(TASKS))
    r.add_argument("--data", required=True, help="the task's folder, with train.csv and test.csv")
    r.add_argument("--out", default="-", help="the leaderboard CSV (default: stdout)")
    r.add_argument("--seed", type=int, default=42)
    r.add_argument("--backend", default="auto")
    r.add_argument("programs", nargs="+", help="the programs (PROGRAM.py ...)")
    args = parser.parse_args(argv)
    try:
        table = rescore_programs(args.task, args.data, args.programs, seed=args.seed, backend=args.backend)
    except ValueError as e:
        raise SystemExit(f"python3 -m slfit.sldbench: {e}")
    text = table.drop(columns=["params"], errors="ignore").to_csv()
    if args.out == "-":
        sys.stdout.write(text)
    else:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
