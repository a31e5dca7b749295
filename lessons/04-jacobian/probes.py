"""Runs inside the answer's process: evaluate the learner's `jacobian` at the checker's points.

`jacobian` may be SymPy expressions (a Matrix, nested lists or an array of them) or a
function of (x, y, p, q, r, s, t, u). Either way the probe sends back only plain
numbers, so no SymPy object (and no string that SymPy would parse) ever reaches the
grading process. Symbols are matched by name, whatever their assumptions.
"""

from __future__ import annotations

import math
import sys
from typing import Any

NAMES = ("x", "y", "p", "q", "r", "s", "t", "u")
LISTED = ", ".join(NAMES)


class Problem(Exception):
    """Something about the answer's `jacobian` that the judge should report as it is."""


def jacobian(answer: Any, points: list[dict[str, float]]) -> dict[str, Any]:
    """Evaluate ``answer.jacobian`` at each point (a dict of the eight values by name).

    Returns {"kind": "expressions" | "function", "values": [matrix per point]} with each
    matrix as nested lists of floats (None for a value that is not a finite real
    number), or {"problem": message}. The core has already reported a missing `jacobian`
    or one still None; a NotImplementedError raised by the learner's function is left to
    the core, which reports it as "not started".
    """
    value = vars(answer)["jacobian"]
    try:
        if callable(value):  # a function, a lambdify'd one, a sympy.Lambda
            results = [
                value(*(float(point[name]) for name in NAMES))
                for point in points
            ]
            values = [
                _numbers(result, _call_label(point))
                for result, point in zip(results, points)
            ]
            return {"kind": "function", "values": values}
        if _is_expressions(value):
            return {
                "kind": "expressions",
                "values": _evaluate_expressions(value, points),
            }
    except Problem as problem:
        return {"problem": str(problem)}
    return {
        "problem": f"`jacobian` is {_kind(value)}; expected a 3 × 2 SymPy Matrix (or nested lists) of "
        f"expressions in {LISTED}, or a function jacobian({LISTED})."
    }


def _call_label(point: dict[str, float]) -> str:
    return (
        "jacobian("
        + ", ".join(f"{point[name]:.6g}" for name in NAMES)
        + ")"
    )


def _kind(value: Any) -> str:
    text = repr(value)
    return f"a {type(value).__name__} ({text[:60]}{'…' if len(text) > 60 else ''})"


def _is_sympy(value: Any) -> bool:
    """A SymPy expression, matrix or array (SymPy is only imported if the answer did)."""
    sympy = sys.modules.get("sympy")
    return sympy is not None and isinstance(
        value, (sympy.Basic, sympy.MatrixBase, sympy.NDimArray)
    )


def _is_numpy(value: Any) -> bool:
    return (getattr(type(value), "__module__", None) or "").split(".")[
        0
    ] == "numpy"


def _is_expressions(value: Any) -> bool:
    """A SymPy object, an array, or a list/tuple: the expression form (not a function)."""
    return (
        _is_sympy(value)
        or isinstance(value, (list, tuple))
        or _is_numpy(value)
    )


def _nested(value: Any, depth: int = 0) -> Any:
    """Nested Python lists of the elements (SymPy matrices and arrays, NumPy arrays, tuples)."""
    if depth > 4:
        raise Problem(
            "`jacobian` is nested too deeply; expected a 3 × 2 matrix."
        )
    if hasattr(value, "tolist") and (_is_sympy(value) or _is_numpy(value)):
        if (
            getattr(value, "shape", None) == ()
        ):  # a NumPy 0-d array or scalar
            return value.item() if hasattr(value, "item") else value
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        return [_nested(item, depth + 1) for item in value]
    return value


def _leaves(nested: Any) -> list[Any]:
    if isinstance(nested, list):
        return [leaf for item in nested for leaf in _leaves(item)]
    return [nested]


# The answer's `jacobian` checked and simplified once per process: each point is a call
# of its own (so the time limit is per evaluation), and they all read the same value.
_PREPARED: dict[int, tuple[Any, Any, dict[int, Any] | Problem]] = {}


def _evaluate_expressions(
    value: Any, points: list[dict[str, float]]
) -> list[Any]:
    import sympy

    if id(value) not in _PREPARED:
        try:
            _PREPARED[id(value)] = (value, *_prepare(value))
        except Problem as problem:
            _PREPARED[id(value)] = (value, None, problem)
    _, nested, elements = _PREPARED[id(value)]
    if isinstance(elements, Problem):
        raise elements

    def evaluate(node: Any, point: dict[str, float]) -> Any:
        if isinstance(node, list):
            return [evaluate(item, point) for item in node]
        expression = elements[id(node)]
        if isinstance(expression, sympy.Basic):
            quick = _in_floats(expression, point)
            if quick is not None:
                return quick
            values = {
                s: sympy.Float(point[s.name], 30)
                for s in expression.free_symbols
            }
            try:
                number = complex(expression.xreplace(values).evalf(30))
            except (TypeError, ValueError):
                raise Problem(
                    f"`jacobian` holds {str(expression)[:80]}, which SymPy cannot evaluate to a number."
                ) from None
            if abs(number.imag) > 1e-12 * max(1.0, abs(number.real)):
                raise Problem(
                    f"`jacobian` holds {str(expression)[:80]}, which is the complex number "
                    f"{number.real:.6g} {'+-'[number.imag < 0]} {abs(number.imag):.6g}i here; the "
                    "Jacobian of real sigmoids is real (a stray sympy.I, or the square root or "
                    "logarithm of a negative number?)."
                )
            return _finite(number.real)
        return _finite(float(expression))

    return [evaluate(nested, point) for point in points]


def _prepare(value: Any) -> tuple[Any, dict[int, Any]]:
    """The nested elements of `jacobian`, each checked and with ``doit()`` applied."""
    import sympy
    from sympy.core.function import AppliedUndef

    nested = _nested(value)
    elements: dict[int, Any] = {}
    for leaf in _leaves(nested):
        if isinstance(leaf, str):
            raise Problem(
                f"`jacobian` holds the string {leaf!r}; use SymPy expressions built from symbols "
                "(x, y = sympy.symbols('x y')), not text."
            )
        if isinstance(leaf, bool) or not (
            _is_sympy(leaf)
            or isinstance(leaf, (int, float))
            or _is_numpy(leaf)
        ):
            raise Problem(
                f"`jacobian` holds {_kind(leaf)}; expected SymPy expressions or numbers."
            )
        if _is_sympy(leaf) and not isinstance(
            leaf, sympy.Basic
        ):  # a matrix inside a matrix
            raise Problem(
                f"`jacobian` holds {_kind(leaf)}; expected SymPy expressions or numbers."
            )
        if id(leaf) not in elements:
            expression = (
                leaf.doit() if isinstance(leaf, sympy.Basic) else leaf
            )
            if isinstance(expression, sympy.Basic):
                undefined = sorted(
                    {str(f.func) for f in expression.atoms(AppliedUndef)}
                )
                if undefined:
                    raise Problem(
                        f"`jacobian` uses the undefined function {', '.join(undefined)}: SymPy cannot "
                        "evaluate it. Write σ out, e.g. sigma = lambda z: 1 / (1 + sympy.exp(-z))."
                    )
                unknown = sorted(
                    {
                        s.name
                        for s in expression.free_symbols
                        if getattr(s, "name", None) not in NAMES
                    }
                    | {
                        str(s)
                        for s in expression.free_symbols
                        if not hasattr(s, "name")
                    }
                )
                if unknown:
                    extra = (
                        " (for Euler's number e^z use sympy.exp(z))"
                        if "e" in unknown
                        else ""
                    )
                    which = (
                        "symbols {}, which are"
                        if len(unknown) > 1
                        else "symbol {}, which is"
                    )
                    raise Problem(
                        f"`jacobian` uses the {which.format(', '.join(unknown))} none of {LISTED}{extra}."
                    )
            elements[id(leaf)] = expression
    return nested, elements


_FLOAT_FUNCTIONS = {
    "exp": math.exp,
    "log": math.log,
    "sin": math.sin,
    "cos": math.cos,
    "tan": math.tan,
    "sinh": math.sinh,
    "cosh": math.cosh,
    "tanh": math.tanh,
    "atan": math.atan,
}


class _Slow(Exception):
    """An expression to leave to SymPy's own evaluation."""


def _in_floats(expression: Any, point: dict[str, float]) -> float | None:
    """The expression's value in plain floats, for the few kinds of node a Jacobian of
    sigmoids is made of, a hundred times faster than evalf; None (evalf decides) for
    anything else, an overflow, or a value that is not a finite real number."""

    def value(node: Any) -> float:
        if node.is_Symbol:
            return point[node.name]
        if node.is_Number or (node.is_number and not node.free_symbols):
            return float(node)
        if node.is_Add:
            return math.fsum(value(arg) for arg in node.args)
        if node.is_Mul:
            return math.prod(value(arg) for arg in node.args)
        if node.is_Pow:
            base, power = value(node.base), value(node.exp)
            if base <= 0 and not power.is_integer():
                raise _Slow
            return float(base**power)
        function = _FLOAT_FUNCTIONS.get(type(node).__name__)
        if function is None or len(node.args) != 1:
            raise _Slow
        return function(value(node.args[0]))

    try:
        number = value(expression)
    except (_Slow, ArithmeticError, ValueError, TypeError, KeyError):
        return None
    return number if math.isfinite(number) else None


def _finite(number: float) -> float | None:
    return float(number) if math.isfinite(number) else None


def _numbers(result: Any, label: str) -> Any:
    """A function's result as nested lists of floats; a symbolic or odd result is a Problem."""
    nested = _nested(result)

    def convert(node: Any) -> Any:
        if isinstance(node, list):
            return [convert(item) for item in node]
        if isinstance(node, bool) or node is None or isinstance(node, str):
            raise Problem(
                f"{label} returned {_kind(result)}; expected a 3 × 2 array of numbers."
            )
        if getattr(node, "free_symbols", None):
            names = ", ".join(sorted(str(s) for s in node.free_symbols))
            raise Problem(
                f"{label} returned the expression {str(node)[:80]} in {names}, not a number. A "
                "function must return numbers; or set jacobian to the SymPy Matrix itself."
            )
        if (
            isinstance(node, complex)
            or getattr(getattr(node, "dtype", None), "kind", "") == "c"
        ):
            raise Problem(
                f"{label} returned the complex number {node!r:.60}; expected real numbers."
            )
        try:
            number = float(node)
        except (TypeError, ValueError, OverflowError):
            raise Problem(
                f"{label} returned {_kind(result)}; expected a 3 × 2 array of numbers."
            ) from None
        return _finite(number)

    return convert(nested)
