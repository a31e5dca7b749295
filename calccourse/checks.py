"""Helpers lessons share to write judges: convert what came back, compare, name mistakes.

Every conversion raises :class:`~calccourse.grading.WrongAnswer` with a message that
says what was expected and what came back, so a judge stays a few lines long.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from calccourse.grading import Call, Outcome, Test, Verdict, WrongAnswer


def fmt(value: Any) -> str:
    """Show a value compactly: numbers to 6 significant digits, lists element by element."""
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, (int, float)):
        return f"{value:.6g}"
    if isinstance(value, str):
        return repr(value)
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(fmt(item) for item in value) + "]"
    return repr(value)


def describe_args(names: Sequence[str], args: Sequence[Any]) -> str:
    """``x = 1.5`` or ``x = 1, y = 2``; function arguments by their label."""
    return ", ".join(
        f"{name} = {fmt(arg) if not callable(arg) else str(arg)}" for name, arg in zip(names, args)
    )


def as_number(value: Any, where: str) -> float:
    """A finite real number, or WrongAnswer saying what came back instead."""
    if value is None:
        raise WrongAnswer(f"{where} returned None: is a `return` missing?")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        if isinstance(value, list) and len(value) == 1:
            return as_number(value[0], where)
        raise WrongAnswer(f"{where} returned {fmt(value)}; expected a single number.")
    try:
        number = float(value)
    except OverflowError:  # an int beyond any float
        assert isinstance(value, int)
        raise WrongAnswer(
            f"{where} returned a whole number of {value.bit_length()} bits; expected a float."
        ) from None
    if not math.isfinite(number):
        raise WrongAnswer(f"{where} returned {value}; expected a finite number.")
    return number


def as_array(value: Any, shapes: Sequence[tuple[int, ...]], where: str, want: str) -> Any:
    """A finite float array of one of the accepted ``shapes``, reshaped to the first one."""
    import numpy as np

    if value is None:
        raise WrongAnswer(f"{where} returned None: is a `return` missing?")
    try:
        array = np.array(value, dtype=float)
    except (TypeError, ValueError, OverflowError):
        raise WrongAnswer(f"{where} returned {fmt(value)[:200]}; expected {want}.") from None
    if array.shape not in shapes:
        raise WrongAnswer(f"{where} returned shape {array.shape}; expected {want}.")
    if not np.all(np.isfinite(array)):
        raise WrongAnswer(f"{where} returned {fmt(array)}, which is not finite; expected {want}.")
    return array.reshape(shapes[0])


def as_vector(value: Any, length: int, where: str) -> Any:
    """A vector of ``length`` numbers; (n,), (n, 1) and (1, n) shapes are all accepted."""
    return as_array(value, [(length,), (length, 1), (1, length)], where, f"{length} numbers")


def as_bool(value: Any, where: str) -> bool:
    if value is None:
        raise WrongAnswer(f"{where} is None: set it to True or False.")
    if not isinstance(value, bool):
        raise WrongAnswer(f"{where} is {fmt(value)}; expected True or False.")
    return value


def close(got: Any, expected: Any, rtol: float, atol: float) -> bool:
    """Element-wise |got − expected| ≤ atol + rtol·|expected|, never true for NaN."""
    import numpy as np

    return bool(np.allclose(np.asarray(got, float), np.asarray(expected, float), rtol=rtol, atol=atol))


@dataclass(frozen=True)
class KnownMistake:
    """A common mistake: what it gives for the same inputs, and what to tell the learner."""

    feedback: str
    value: Callable[..., Any]


def recognise(
    got: Sequence[Any],
    args: Sequence[tuple[Any, ...]],
    mistakes: Sequence[KnownMistake],
    rtol: float = 1e-6,
    atol: float = 1e-6,
    transform: Callable[[list[Any]], Any] = lambda values: values,
) -> str | None:
    """The feedback of the first mistake whose values match ``got`` at every input."""
    for mistake in mistakes:
        try:
            values = transform([mistake.value(*arg) for arg in args])
        except (ArithmeticError, ValueError, TypeError):
            continue
        if close(transform(list(got)), values, rtol, atol):
            return mistake.feedback
    return None


def function_test(
    name: str,
    target: str,
    inputs: Sequence[tuple[Any, ...]],
    expected: Callable[..., float],
    *,
    arg_names: Sequence[str] = ("x",),
    rtol: float = 1e-6,
    atol: float = 1e-6,
    mistakes: Sequence[KnownMistake] = (),
    points: float = 1.0,
    up_to_constant: bool = False,
    what: str = "",
    explain: Callable[[Any], str | None] | None = None,
) -> Test:
    """A test that calls ``target`` at each input and compares with ``expected``.

    With ``up_to_constant`` the answer may differ from ``expected`` by one constant
    (an antiderivative). ``what`` names the expected quantity in messages. When the
    answer fails and matches no known mistake, ``explain`` gets its values (a NumPy
    array, in the order of ``inputs``) and may return feedback for a looser pattern.
    """

    def shift(values: list[Any]) -> Any:
        import numpy as np

        array = np.asarray(values, float)
        return array - array[0] if up_to_constant else array

    def where(arg: tuple[Any, ...]) -> str:
        return f"{target}({', '.join(fmt(a) if not callable(a) else str(a) for a in arg)})"

    def judge(outcomes: list[Outcome]) -> Verdict:
        got = [as_number(outcome.value, where(arg)) for outcome, arg in zip(outcomes, inputs)]
        want = [float(expected(*arg)) for arg in inputs]
        if close(shift(got), shift(want), rtol, atol):
            extra = " (up to a constant)" if up_to_constant else ""
            return Verdict.passed(f"matches {what or 'the expected value'}{extra} at {len(inputs)} inputs")
        import numpy as np

        feedback = recognise(got, inputs, mistakes, rtol, atol, shift)
        if feedback is None and explain is not None:
            feedback = explain(np.asarray(got, float))

        errors = np.abs(shift(got) - shift(want)) - atol - rtol * np.abs(shift(want))
        worst = int(np.argmax(errors))
        arg = inputs[worst]
        if up_to_constant:
            first = inputs[0]
            message = (
                f"{where(arg)} − {where(first)} should be {fmt(want[worst] - want[0])}"
                f" ({what or 'expected'}), but came back as {fmt(got[worst] - got[0])}"
            )
        else:
            message = (
                f"at {describe_args(arg_names, arg)}: expected {fmt(want[worst])}"
                f" ({what or 'expected'}), got {fmt(got[worst])}"
            )
        return Verdict.failed(message, feedback)

    def plot(outcomes: list[Outcome], axes: Any) -> None:
        import numpy as np

        xs = np.array([arg[0] for arg in inputs], float)
        got = np.array([o.value if isinstance(o.value, (int, float)) else np.nan for o in outcomes], float)
        grid = np.linspace(xs.min(), xs.max(), 300)
        reference = np.array([float(expected(x)) for x in grid])
        if up_to_constant and np.isfinite(got[0]):
            got = got - got[0] + float(expected(*inputs[0]))
        axes.plot(grid, reference, label=f"expected: {what}" if what else "expected", color="tab:blue")
        axes.scatter(xs, got, label="your answer", color="tab:orange", zorder=3, s=18)
        axes.set_title(name)
        axes.set_xlabel(arg_names[0])
        axes.legend()

    calls = [Call(target, tuple(arg)) for arg in inputs]
    plottable = all(len(arg) == 1 and isinstance(arg[0], (int, float)) for arg in inputs)
    return Test(name, calls, judge, points, plot=plot if plottable else None)
