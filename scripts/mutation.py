"""Mutation testing of the modules that decide what the public sees (``make mutation``).

A mutant is one small change to a module's syntax tree: a comparison flipped (< to <=,
== to !=, in to not in), ``and`` for ``or``, a ``not`` removed, a constant changed (True to
False, n to n+1, 0 to 1, a string compared or passed by keyword), ``continue`` for ``break``,
a ``return``, ``raise`` or call statement removed. It is *killed* when a test fails.

Everything runs in one pytest process (the suite without its browser tests). The suite runs
once under coverage.py, each test in its own context, to learn which tests run each line.
Then, one mutant at a time, the mutated module is compiled and its functions' code replaces
the originals' in place (``function.__code__``), so every reference to them runs the mutant;
only the tests that run the mutated line run again, quickest first, up to the first failure,
each with a time limit. The original code is put back before the next mutant.

    python scripts/mutation.py                        # statistics, importing, corrections
    python scripts/mutation.py surveys/stats/figures.py -v  # one, listing every mutant's outcome
"""

from __future__ import annotations

import argparse
import ast
import inspect
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from _pytest.runner import runtestprotocol

ROOT = Path(__file__).resolve().parent.parent
MODULES = (
    # the statistics: the figure list, response, system types, agreement, provenance, findings
    "surveys/stats/figures.py",
    "surveys/stats/response.py",
    "surveys/stats/system_types.py",
    "surveys/stats/agreement.py",
    "surveys/stats/provenance.py",
    "surveys/stats/findings.py",
    # the import: its columns, its plan, a row's checks, the verbs
    "surveys/editorial/import_columns.py",
    "surveys/editorial/import_plans.py",
    "surveys/editorial/import_rows.py",
    "surveys/editorial/importing.py",
    # corrections: their values, then drafts, publishing and withdrawals
    "surveys/editorial/correction_values.py",
    "surveys/editorial/corrections.py",
)
COMPARE_SWAPS = {
    ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq, ast.In: ast.NotIn, ast.NotIn: ast.In, ast.Is: ast.IsNot, ast.IsNot: ast.Is,
}  # fmt: skip
SYMBOLS = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!=",
           ast.In: "in", ast.NotIn: "not in", ast.Is: "is", ast.IsNot: "is not"}  # fmt: skip

ORM_CALLS = {"filter", "exclude", "get", "annotate", "update", "Q", "Count"}


@dataclass(frozen=True)
class Mutant:
    path: str
    line: int  # the first line of the statement it is in, as coverage.py counts lines
    index: int  # the mutated node's position in walk()
    kind: str
    arg: int | None
    description: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.description}"


def walk(tree: ast.AST) -> list[tuple[ast.AST, list[ast.AST]]]:
    """Every node with its ancestors, in a fixed order; skips annotations and docstrings."""
    found, stack = [], [(tree, [])]
    while stack:
        node, parents = stack.pop()
        found.append((node, parents))
        for name, value in reversed(list(ast.iter_fields(node))):
            if name in ("annotation", "returns", "decorator_list") or isinstance(
                node, ast.JoinedStr
            ):
                continue
            for child in reversed(value if isinstance(value, list) else [value]):
                docstring = isinstance(child, ast.Expr) and isinstance(child.value, ast.Constant)
                if isinstance(child, ast.AST) and not docstring:
                    stack.append((child, [*parents, node]))
    return found


def mutations(node: ast.AST, parents: list[ast.AST]):
    """(kind, arg, description) of each mutant of one node."""
    parent = parents[-1] if parents else None
    if isinstance(node, ast.Compare):
        for i, op in enumerate(node.ops):
            new = COMPARE_SWAPS[type(op)]
            yield "compare", i, f"{SYMBOLS[type(op)]} -> {SYMBOLS[new]}"
    elif isinstance(node, ast.BoolOp):
        yield "boolop", None, "and -> or" if isinstance(node.op, ast.And) else "or -> and"
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        yield "unwrap", None, f"not {ast.unparse(node.operand)} -> {ast.unparse(node.operand)}"
    elif isinstance(node, ast.Constant) and isinstance(node.value, bool):
        yield "constant", None, f"{node.value} -> {not node.value}{_where(node, parents)}"
    elif isinstance(node, ast.Constant) and isinstance(node.value, int):
        yield (
            "constant",
            None,
            f"{node.value} -> {_new_constant(node.value)}{_where(node, parents)}",
        )
    elif isinstance(node, ast.Constant) and isinstance(node.value, str):
        container = isinstance(parent, ast.Tuple | ast.List | ast.Set) and len(parents) > 1
        if isinstance(parents[-2] if container else parent, ast.Compare) or _in_query(parents):
            new = _new_constant(node.value)
            yield "constant", None, f"{node.value!r} -> {new!r}{_where(node, parents)}"
    elif isinstance(node, ast.Continue | ast.Break):
        yield (
            "loop",
            None,
            "continue -> break" if isinstance(node, ast.Continue) else "break -> continue",
        )
    last = isinstance(parent, ast.FunctionDef) and node is parent.body[-1]
    if (
        (isinstance(node, ast.Return) and not last)
        or isinstance(node, ast.Raise)
        or (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call))
    ):
        yield "remove", None, f"remove `{ast.unparse(node).splitlines()[0]}`"


def _where(node: ast.AST, parents: list[ast.AST]) -> str:
    """Where a constant is, to tell apart several on one line."""
    if isinstance(parents[-1], ast.arguments):  # a default
        args = parents[-1]
        if node in args.kw_defaults:
            return f" default of {args.kwonlyargs[args.kw_defaults.index(node)].arg}"
        return f" default of {args.args[args.defaults.index(node) - len(args.defaults)].arg}"
    around = next((p for p in reversed(parents) if isinstance(p, ast.expr | ast.arg)), None)
    return f" in `{ast.unparse(around)[:60]}`" if around is not None else ""


def _in_query(parents: list[ast.AST]) -> bool:
    """A keyword argument of a query: .filter(intent=""), Q(...)."""
    if len(parents) < 2 or not isinstance(parents[-1], ast.keyword):
        return False
    call = parents[-2].func
    return getattr(call, "attr", getattr(call, "id", "")) in ORM_CALLS


def _new_constant(value):
    if isinstance(value, str):
        return "XX" + value
    return {0: 1, 1: 0}.get(value, value + 1)


def _replace(parent: ast.AST, old: ast.AST, new: ast.AST) -> None:
    for name, value in ast.iter_fields(parent):
        if value is old:
            setattr(parent, name, new)
        elif isinstance(value, list) and old in value:
            value[value.index(old)] = new


def mutate(source: str, mutant: Mutant) -> ast.Module:
    tree = ast.parse(source)
    node, parents = walk(tree)[mutant.index]
    if mutant.kind == "compare":
        node.ops[mutant.arg] = COMPARE_SWAPS[type(node.ops[mutant.arg])]()
    elif mutant.kind == "boolop":
        node.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
    elif mutant.kind == "unwrap":
        _replace(parents[-1], node, node.operand)
    elif mutant.kind == "constant":
        node.value = (not node.value) if isinstance(node.value, bool) else _new_constant(node.value)
    elif mutant.kind == "loop":
        _replace(
            parents[-1], node, ast.Break() if isinstance(node, ast.Continue) else ast.Continue()
        )
    elif mutant.kind == "remove":
        _replace(parents[-1], node, ast.Pass())
    return ast.fix_missing_locations(tree)


def mutants_of(path: str) -> list[Mutant]:
    found = []
    for index, (node, parents) in enumerate(walk(ast.parse((ROOT / path).read_text()))):
        statements = [p for p in [*parents, node] if isinstance(p, ast.stmt)]
        for kind, arg, description in mutations(node, parents):
            found.append(Mutant(path, statements[-1].lineno, index, kind, arg, description))
    return found


def function_lines(path: str) -> dict[int, range]:
    """Per line of a function, the lines whose tests test it: the line itself in the body,
    the whole body for the signature (its defaults). Other lines run at import."""
    lines = {}
    for node in ast.walk(ast.parse((ROOT / path).read_text())):
        if isinstance(node, ast.FunctionDef):
            body = range(node.body[0].lineno, node.end_lineno + 1)
            lines.update({line: body for line in range(node.lineno, body.start)})
            lines.update({line: range(line, line + 1) for line in body})
    return lines


def install(module, tree: ast.Module) -> list[tuple[object, str, object]]:
    """Put the mutated module's code into the imported one; returns what undoes it."""
    namespace = {"__name__": module.__name__, "__file__": module.__file__}
    exec(compile(tree, module.__file__, "exec"), namespace)
    undo = []

    def put(obj, attr, value):
        undo.append((obj, attr, getattr(obj, attr)))
        setattr(obj, attr, value)

    def patch(owner, name, new):
        old = getattr(owner, name) if inspect.ismodule(owner) else vars(owner)[name]
        for getter in ("fget", "fset", "__func__"):  # property, classmethod
            old, new = getattr(old, getter, None) or old, getattr(new, getter, None) or new
        if inspect.isfunction(old):
            old, new = inspect.unwrap(old), inspect.unwrap(new)  # e.g. @transaction.atomic
            for attr in ("__code__", "__defaults__", "__kwdefaults__"):
                put(old, attr, getattr(new, attr))
        elif type(old) in (bool, int, str, tuple, dict, frozenset) and old != new:
            put(owner, name, new)

    for name, old in list(vars(module).items()):
        if name.startswith("__") or getattr(old, "__module__", module.__name__) != module.__name__:
            continue  # imported
        if not inspect.isclass(old):
            patch(module, name, namespace[name])
            continue
        for attr, value in list(vars(old).items()):
            if attr in vars(namespace[name]) and (not attr.startswith("__") or callable(value)):
                patch(old, attr, vars(namespace[name])[attr])
    return undo


class Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise Timeout("the mutant ran too long")


class Mutation:
    """The pytest plugin: takes over the test loop."""

    def __init__(self, paths: list[str], verbose: bool):
        self.paths, self.verbose, self.lines = paths, verbose, []

    def run(self, item, seconds: float) -> bool:
        """Run one test (its function-scoped fixtures too); whether it passed."""
        signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            reports = runtestprotocol(item, log=False, nextitem=self.session_only)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        return all(not report.failed for report in reports)

    def say(self, line: str = "") -> None:
        self.lines.append(line)
        print(line, flush=True)

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session):
        import coverage

        session_only = type("SessionOnly", (), {"listchain": lambda self: [session]})
        self.session_only = session_only()
        files = {str(ROOT / path): path for path in self.paths}
        cov = coverage.Coverage(data_file=None, include=list(files))
        durations, broken = {}, []
        self.say(f"Running {len(session.items)} tests once under coverage ...")
        cov.start()
        for item in session.items:
            cov.switch_context(item.nodeid)
            started = time.perf_counter()
            if not self.run(item, 300):
                broken.append(item.nodeid)
            durations[item.nodeid] = time.perf_counter() - started
        cov.stop()
        self.say(f"... in {sum(durations.values()):.0f} s")
        if broken:
            self.say(f"Left out, failing without any mutant: {', '.join(broken)}")
        items = {item.nodeid: item for item in session.items if item.nodeid not in broken}
        data = cov.get_data()
        for filename, path in files.items():
            by_line = {
                line: sorted({c for c in contexts if c in items}, key=durations.get)
                for line, contexts in data.contexts_by_lineno(filename).items()
            }
            self.mutate_module(path, by_line, items, durations)
        return True

    def mutate_module(self, path, by_line, items, durations):
        import importlib

        module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
        source, inside = (ROOT / path).read_text(), function_lines(path)
        everyone = sorted(set().union(*by_line.values()), key=durations.get)
        outcomes = {"killed": [], "timeout": [], "survived": [], "not covered": []}
        mutants = mutants_of(path)
        self.say(f"{path}: {len(mutants)} mutants")
        started = time.perf_counter()
        for mutant in mutants:
            if mutant.line in inside:
                tests = sorted(
                    {t for line in inside[mutant.line] for t in by_line.get(line, [])},
                    key=durations.get,
                )
            else:
                tests = everyone
            outcome = "not covered" if not tests else "survived"
            try:
                undo = install(module, mutate(source, mutant))
            except Exception:  # noqa: BLE001 (the module refuses to load: its own check kills it)
                outcomes["killed"].append(mutant)
                continue
            try:
                for nodeid in tests:
                    try:
                        if not self.run(items[nodeid], max(10.0, 20 * durations[nodeid])):
                            outcome = "killed"
                    except Timeout:
                        outcome = "timeout"
                    if outcome != "survived":
                        break
            finally:
                for obj, attr, value in reversed(undo):
                    setattr(obj, attr, value)
            outcomes[outcome].append(mutant)
            if self.verbose or outcome in ("survived", "not covered"):
                self.say(f"  {outcome:8} {mutant}")
        killed = len(outcomes["killed"]) + len(outcomes["timeout"])
        self.say(
            f"{path}: {killed}/{len(mutants)} killed ({100 * killed / len(mutants):.0f}%): "
            + ", ".join(f"{len(found)} {name}" for name, found in outcomes.items())
            + f" (in {time.perf_counter() - started:.0f} s)"
        )

    def pytest_terminal_summary(self, terminalreporter):
        terminalreporter.write_sep("=", "mutation testing")
        for line in self.lines:
            if not line.startswith("  killed") and not line.startswith("  timeout"):
                terminalreporter.write_line(line)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", default=MODULES, help="default: %(default)s")
    parser.add_argument("-v", "--verbose", action="store_true", help="list killed mutants too")
    parser.add_argument("-k", help="only the tests pytest -k selects")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    selection = ["-k", args.k] if args.k else []
    pytest_args = ["-q", "-p", "no:xdist", "-p", "no:cacheprovider", "-m", "not browser"]
    plugin = Mutation(list(args.modules), args.verbose)
    return pytest.main([*pytest_args, *selection, str(ROOT / "tests")], plugins=[plugin])


if __name__ == "__main__":
    sys.exit(main())
