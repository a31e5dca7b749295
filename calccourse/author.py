"""Everything a lesson's code needs, in one module (as ``import pytest`` is for test authors).

A lesson's ``checker.py`` defines ``tests(rng) -> list[Test]``. A :class:`Test` lists the
calls to make into the answer (:func:`call`, :func:`value`, :func:`probe`, with inputs
drawn from ``rng``) and a judge: a function of the plain values that came back, in the
order of the calls, that returns the pass message or raises :class:`WrongAnswer`. The
core reports missing names, the template's ``NotImplementedError``, exceptions,
time-outs and values that are no numbers before a judge runs, so a judge only ever sees
values the answer returned.

The helpers here convert those values with messages that say what came back
(:func:`as_number`, :func:`as_vector`, :func:`as_array`, :func:`as_bool`), compare them
(:func:`close`), name a known mistake by recomputing what it would give
(:class:`KnownMistake`, :func:`recognise`), and build the common tests
(:func:`each`: one call per case; :func:`function_test`: a function of a number compared
at inputs). A lesson's ``demo.py`` receives a :class:`DemoContext`.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from calccourse.demo import DemoContext, run_standalone
from calccourse.lesson import Lesson, TimeLimits
from calccourse.variants import Variant, VariantRandom, polynomial, signed, term

if TYPE_CHECKING:
    from calccourse.sandbox.protocol import Call, Fn, call, probe, value

__all__ = [
    "Call",
    "DemoContext",
    "Fn",
    "KnownMistake",
    "Lesson",
    "TimeLimits",
    "Test",
    "Variant",
    "VariantRandom",
    "WrongAnswer",
    "agrees",
    "as_array",
    "as_bool",
    "as_number",
    "note_not_numbers",
    "one_term_slip",
    "as_vector",
    "call",
    "close",
    "describe_args",
    "each",
    "fmt",
    "function_test",
    "matrix_plot",
    "numbers",
    "polynomial",
    "probe",
    "recognise",
    "run_standalone",
    "say_in_picture",
    "signed",
    "styled",
    "term",
    "value",
]

# The names that make calls live with the sandbox's protocol, imported on first use: a
# plugin's __init__.py imports this module, and `calccourse list` need not load the protocol.
FROM_PROTOCOL = ("Call", "Fn", "call", "probe", "value")


def __getattr__(name: str) -> Any:
    if name in FROM_PROTOCOL:
        from calccourse.sandbox import protocol

        return getattr(protocol, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


Case = TypeVar("Case")
Judge = Callable[[list[Any]], str]
Plot = Callable[[list[Any], Any], None]


class WrongAnswer(Exception):
    """Raise it to fail a test: ``message`` says what was expected and what came back,
    ``feedback`` (optional) which mistake it probably is and how to fix it.

    ``label`` (optional) is the mistake's short name ("scaled line"), which the class page
    counts; feedback that ``recognise`` gives carries its KnownMistake's name already."""

    def __init__(self, message: str, feedback: str | None = None, label: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.feedback = None if feedback is None else str(feedback)
        self.label = label or getattr(feedback, "label", None) or None


@dataclass
class Test:
    """A named, scored check: the calls it makes and the judge of what came back.

    ``judge(values)`` gets one plain value per call, in order, and returns the pass
    message (a str) or raises WrongAnswer. A ``bonus`` test earns extra points and never
    changes the verdict. ``plot(values, axes)``, when set, draws the answer against the
    reference on a matplotlib Axes for ``check --plot``.
    """

    __test__ = False  # not a pytest test class

    name: str
    calls: list[Call]
    judge: Judge
    points: float = 1.0
    bonus: bool = False
    plot: Plot | None = None
    legacy: bool = False  # a 0.1 judge: gets Outcomes and returns a Verdict


def each(
    name: str,
    cases: Iterable[Case],
    *,
    to_call: Callable[[Case], Call],
    check: Callable[[Any, Case], None],
    passed: str | Callable[[list[Case]], str],
    points: float = 1.0,
    bonus: bool = False,
    plot: Callable[[Any, Case, Any], None] | None = None,
) -> Test:
    """A test of one call per case: ``check(value, case)`` raises WrongAnswer for a wrong
    value; the first wrong case fails the test. ``passed`` is the pass message (or makes it
    from the cases); ``plot(value, case, axes)`` draws the first wrong case, or the first."""
    chosen = list(cases)

    def judge(values: list[Any]) -> str:
        for got, case in zip(values, chosen):
            check(got, case)
        return passed if isinstance(passed, str) else passed(chosen)

    def first_wrong(values: list[Any]) -> int:
        for index, (got, case) in enumerate(zip(values, chosen)):
            try:
                check(got, case)
            except WrongAnswer:
                return index
        return 0

    def draw(values: list[Any], axes: Any) -> None:
        assert plot is not None
        index = first_wrong(values)
        plot(values[index], chosen[index], axes)

    return Test(name, [to_call(case) for case in chosen], judge, points, bonus, draw if plot else None)


# ---------------------------------------------------------------- showing and converting values


def fmt(value: Any, within: float | None = None) -> str:
    """Show a value compactly: numbers to 6 significant digits, lists element by element.

    ``within``, a tolerance, shows numbers down to a tenth of it instead, so that a
    difference of that size shows: ``fmt(2.36, within=1e-4)`` is ``2.36000``.
    """
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, (int, float)):
        return _number(value, within)
    if isinstance(value, str):
        return repr(value)
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(fmt(item, within) for item in value) + "]"
    return repr(value)


def _number(value: float, within: float | None) -> str:
    if not within or not 0 < within < math.inf or not abs(value) < 1e15:
        return f"{value:.6g}"
    decimals = min(16, max(0, 1 - math.floor(math.log10(within))))
    return f"{value:.{decimals}f}"


def describe_args(names: Sequence[str], args: Sequence[Any]) -> str:
    """``x = 1.5`` or ``x = 1, y = 2``; function arguments by their label."""
    return ", ".join(
        f"{name} = {fmt(arg) if not callable(arg) else str(arg)}" for name, arg in zip(names, args)
    )


def returned_text(value: str, where: str, want: str) -> WrongAnswer:
    """The message for a string where a number was expected: name the slip."""
    return WrongAnswer(
        f"{where} returned the text {value[:60]!r}; expected {want}.",
        "This is a string: return the value itself, not text (remove the quotes or the f-string).",
    )


def as_number(value: Any, where: str) -> float:
    """A finite real number, or WrongAnswer saying what came back instead."""
    if value is None:
        raise WrongAnswer(f"{where} returned None: is a `return` missing?")
    if isinstance(value, str):
        raise returned_text(value, where, "a single number")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        if isinstance(value, list) and len(value) == 1:
            # The contract: a one-element list is not a number (a vector of length 1 is
            # a different thing, and accepting it would hide a stray pair of brackets).
            raise WrongAnswer(
                f"{where} returned {fmt(value)}, a list holding one number; expected a single number.",
                "Return the number itself, without the square brackets.",
            )
        shown = fmt(value) if not isinstance(value, list) or len(value) <= 8 else _preview(value)
        raise WrongAnswer(f"{where} returned {shown}; expected a single number.")
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


def _finite_or_explained(
    values: Sequence[Any], wheres: Sequence[str], keep_non_finite: bool
) -> tuple[list[float], WrongAnswer | None]:
    """Each value as a number (as_number); with ``keep_non_finite``, an inf or nan is kept
    (for ``explain`` to see) and the first one's WrongAnswer returned, not raised."""
    got: list[float] = []
    first: WrongAnswer | None = None
    for value, where in zip(values, wheres):
        try:
            got.append(as_number(value, where))
        except WrongAnswer as wrong:
            if not keep_non_finite or isinstance(value, bool) or not isinstance(value, float):
                raise
            got.append(value)  # a float as_number refused: inf or nan
            first = first or wrong
    return got, first


def _preview(values: list[Any]) -> str:
    """A long list shown by its ends: ``[0.0756, 0.151, 0.227, …, 2.7972] (37 numbers)``."""
    return f"[{', '.join(fmt(v) for v in values[:3])}, …, {fmt(values[-1])}] ({len(values)} values)"


def as_array(value: Any, shapes: Sequence[tuple[int, ...]], where: str, want: str) -> Any:
    """A finite float array of one of the accepted ``shapes``, reshaped to the first one."""
    import numpy as np

    if value is None:
        raise WrongAnswer(f"{where} returned None: is a `return` missing?")
    if isinstance(value, str):
        raise returned_text(value, where, want)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and (1,) not in shapes:
        raise WrongAnswer(f"{where} returned the single number {fmt(value)}; expected {want}.")
    try:
        array = np.array(value, dtype=float)
    except (TypeError, ValueError, OverflowError):
        raise WrongAnswer(f"{where} returned {fmt(value)[:200]}; expected {want}.") from None
    if array.shape not in shapes:
        shown = fmt(value) if array.size <= 12 else f"an array of shape {array.shape}"
        raise WrongAnswer(f"{where} returned {shown}; expected {want}.")
    if not np.all(np.isfinite(array)):
        raise WrongAnswer(f"{where} returned {fmt(array)}, which is not finite; expected {want}.")
    return array.reshape(shapes[0])


def as_vector(value: Any, length: int, where: str) -> Any:
    """A vector of ``length`` numbers; (n,), (n, 1) and (1, n) shapes are all accepted."""
    return as_array(value, [(length,), (length, 1), (1, length)], where, f"{length} numbers")


def as_bool(value: Any, where: str) -> bool:
    """True or False, or WrongAnswer (a string "False" is named as the slip it is)."""
    if value is None:
        raise WrongAnswer(f"{where} is None: set it to True or False.")
    if isinstance(value, str):
        raise WrongAnswer(
            f"{where} is the text {value[:40]!r}; expected True or False.",
            "This is a string: write True or False without quotes.",
        )
    if not isinstance(value, bool):
        raise WrongAnswer(f"{where} is {fmt(value)}; expected True or False.")
    return value


def close(got: Any, expected: Any, rtol: float, atol: float) -> bool:
    """Element-wise |got − expected| ≤ atol + rtol·|expected|, never true for NaN."""
    import numpy as np

    return bool(np.allclose(np.asarray(got, float), np.asarray(expected, float), rtol=rtol, atol=atol))


def agrees(value: Any, expected: Any, rtol: float, atol: float) -> bool:
    """Whether a value that came back is numbers of the expected shape (a vector's as a
    row or a column too), each close to the expected one; False for anything else."""
    import numpy as np

    want = np.squeeze(np.asarray(expected, float))
    try:
        got = np.squeeze(np.asarray(value, float))
    except (TypeError, ValueError):
        return False
    return got.shape == want.shape and close(got, want, rtol, atol)


def numbers(values: Sequence[Any]) -> Any:
    """The values as a float array for a plot: anything that is no number becomes NaN."""
    import numpy as np

    return np.array(
        [v if isinstance(v, (int, float)) and not isinstance(v, bool) else np.nan for v in values], float
    )


def note_not_numbers(axes: Any, values: Sequence[Any], expected: str = "a single number") -> None:
    """Say in the picture why some of the answer's points are missing: lists returned where
    one number is asked (a running sum, say) cannot be drawn. (Values that are no number at
    all, such as text, are said by the core's check plot, plotting.say_what_is_not_a_number.)"""
    bad = [v for v in values if isinstance(v, list)]
    if not bad:
        return
    what = f"a list of {len(bad[0])} values"
    say_in_picture(
        axes,
        f"{len(bad)} of your {len(values)} results are not drawn:\n"
        f"each should be {expected}, and the first is {what}",
        fontsize=9,
    )


def styled(
    axes: Any,
    title: str = "",
    x: str = "",
    y: str = "",
    *,
    grid: bool | str = False,
    legend: bool | str | dict[str, Any] = True,
    **settings: Any,
) -> Any:
    """A demo's plot styled in one call, so that its code shows what is drawn: the title,
    the axes' labels ``x`` and ``y``, any other setting ``axes.set`` takes (``aspect="equal"``,
    ``xlim=(-1, 3)``, ``xticks=...``, ``zlabel=...``), light grid lines with ``grid``
    (``"both"``: the minor ticks' too, on a log scale), and a legend when something drawn
    has a label: ``legend`` is where (``"upper left"``), or the legend's keyword arguments
    (``dict(loc="upper left", fontsize=9)``), or False for none. Returns ``axes``."""
    if title:
        axes.set_title(title)
    if x:
        axes.set_xlabel(x)
    if y:
        axes.set_ylabel(y)
    if settings:
        axes.set(**settings)
    if grid:
        axes.grid(alpha=0.3, which="both" if grid == "both" else "major")
    if legend is not False and axes.get_legend_handles_labels()[0]:
        options = {"loc": legend} if isinstance(legend, str) else legend if isinstance(legend, dict) else {}
        axes.legend(**options)
    return axes


def say_in_picture(axes: Any, text: str, fontsize: float = 10) -> None:
    """A sentence in red in the middle of the panel: why part of the picture is missing."""
    axes.text(
        0.5,
        0.5,
        text,
        transform=axes.transAxes,
        ha="center",
        va="center",
        color="tab:red",
        fontsize=fontsize,
        bbox={"facecolor": "white", "edgecolor": "tab:red", "alpha": 0.9},
        zorder=10,
    )


def matrix_plot(
    axes: Any, expected: Any, got: Any, rtol: float, atol: float, what: str = "", why: str = ""
) -> None:
    """Draw the expected matrix beside the answer's, each entry with its number: the
    answer's entries in green when :func:`close` to the expected ones, in red when not,
    all red when the shapes differ (a transposed matrix shows as one). A vector is one row.
    ``got`` None is no matrix at all; ``why`` then says why (in the picture)."""
    import numpy as np
    from matplotlib.patches import Rectangle

    want = np.atleast_2d(np.asarray(expected, float))
    mine: Any = None
    try:
        if got is None:
            raise TypeError("no matrix")
        mine = np.asarray(got, float)
        while mine.ndim > 2 and 1 in mine.shape:
            mine = mine.squeeze(axis=mine.shape.index(1))
        mine = np.atleast_2d(mine) if mine.ndim <= 2 else None
    except (TypeError, ValueError):
        mine = None
    grids: list[tuple[str, Any, Any]] = [("expected", want, None)]
    if mine is not None:
        grids.append(("yours", mine, want if mine.shape == want.shape else None))
    wide = 1.7  # a cell's width, for a number such as -0.05977
    left = 0.0
    for label, grid, against in grids:
        rows, columns = grid.shape
        for (i, j), number in np.ndenumerate(grid):
            if label == "expected":
                colour = "whitesmoke"
            elif against is None or not close(number, against[i, j], rtol, atol):
                colour = "#f6c4c4"
            else:
                colour = "#c8ecc8"
            corner = (left + j * wide, -i - 1)
            axes.add_patch(Rectangle(corner, wide, 1, facecolor=colour, edgecolor="grey"))
            axes.text(corner[0] + wide / 2, -i - 0.5, f"{number:.4g}", ha="center", va="center", fontsize=7)
        title = f"{label}: {rows} × {columns}"
        axes.text(left + columns * wide / 2, 0.15, title, ha="center", va="bottom", fontsize=9)
        left += (columns + 1) * wide
    deepest = max(grid.shape[0] for _, grid, _ in grids)
    if mine is None:
        verdict = "yours: " + (textwrap.fill(why, 60) if why else "not a matrix of numbers")
    elif mine.shape != want.shape:
        verdict = f"yours is {mine.shape[0]} × {mine.shape[1]}, expected {want.shape[0]} × {want.shape[1]}"
    elif close(mine, want, rtol, atol):
        verdict = "every entry as expected"
    else:
        worst = np.unravel_index(int(np.argmax(np.abs(mine - want))), want.shape)
        off = float(np.abs(mine - want)[worst])
        verdict = f"in red: off; the most, by {off:.2g}, at row {worst[0]}, column {worst[1]} (from 0)"
    axes.text((left - wide) / 2, -deepest - 0.35, verdict, ha="center", va="top", fontsize=8)
    axes.set_xlim(-0.3, left - wide + 0.3)
    axes.set_ylim(-deepest - 1.3, 1.0)
    axes.set_aspect("equal")
    axes.axis("off")
    if what:
        axes.set_title(what, fontsize=9)


# ---------------------------------------------------------------- known mistakes


@dataclass(frozen=True)
class KnownMistake:
    """A common mistake: what it gives for the same inputs, what to tell the learner, and a
    short ``name`` ("scaled line") for an instructor's class summary, the same for every
    learner (the feedback may hold one learner's numbers)."""

    feedback: str
    value: Callable[..., Any]
    name: str = ""


class Feedback(str):
    """Feedback as the learner reads it, carrying the ``label`` (short name) of its mistake."""

    label: str

    def __new__(cls, text: str, label: str) -> Feedback:
        made = super().__new__(cls, text)
        made.label = label
        return made


def one_term_slip(
    yours: Sequence[float],
    theirs: Sequence[float],
    powers: Sequence[str],
    answer: str,
    own: str,
    shown: Callable[[float, str], str] = signed,
) -> Feedback | None:
    """Feedback when an answer fits a function whose coefficients (``theirs``, of the terms
    ``powers``) differ from the learner's own (``yours``) in one term only: a slip on that
    term, not another learner's variant (which differs in more). ``answer`` says what the
    answer is ("f′ of 3x³ + x² + 6x"), ``own`` the learner's function ("f(x) = …"); ``shown``
    writes a term with its sign (``signed`` by default)."""
    differ = [i for i, (mine, got) in enumerate(zip(yours, theirs)) if mine != got]
    if len(differ) != 1:
        return None
    i = differ[0]
    mine, got = (shown(c, powers[i]) if c else "" for c in (yours[i], theirs[i]))
    if mine and got:
        which = f"{got} where yours has {mine}"
    else:
        which = f"yours has {mine}, this has none" if mine else f"this has {got}, yours has none"
    return Feedback(
        f"one term is off: this is {answer}, and your exercise is {own}; they differ in one "
        f"term: {which}. Check that term's rule and its sign.",
        "one term off",
    )


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
            return Feedback(mistake.feedback, mistake.name) if mistake.name else mistake.feedback
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
    array, in the order of ``inputs``, inf and nan included) and may return feedback for
    a looser pattern.
    """

    def shift(values: list[Any]) -> Any:
        import numpy as np

        array = np.asarray(values, float)
        return array - array[0] if up_to_constant else array

    def where(arg: tuple[Any, ...]) -> str:
        return f"{target}({', '.join(fmt(a) if not callable(a) else str(a) for a in arg)})"

    def judge(values: list[Any]) -> str:
        import numpy as np

        got, not_finite = _finite_or_explained(values, [where(arg) for arg in inputs], explain is not None)
        if not_finite is not None and explain is not None:  # inf or nan: explain may name the slip
            with np.errstate(all="ignore"):  # arithmetic on inf and nan is expected here
                feedback = explain(np.asarray(got, float))
            raise WrongAnswer(not_finite.message, feedback or not_finite.feedback)
        want = [float(expected(*arg)) for arg in inputs]
        if close(shift(got), shift(want), rtol, atol):
            extra = " (up to a constant)" if up_to_constant else ""
            return f"matches {what or 'the expected value'}{extra} at {len(inputs)} inputs"
        feedback = recognise(got, inputs, mistakes, rtol, atol, shift)
        if feedback is None and explain is not None:
            feedback = explain(np.asarray(got, float))
        errors = np.abs(shift(got) - shift(want)) - atol - rtol * np.abs(shift(want))
        worst = int(np.argmax(errors))
        arg = inputs[worst]
        within = atol + rtol * abs(float(shift(want)[worst]))
        if up_to_constant:
            first = inputs[0]
            message = (
                f"{where(arg)} − {where(first)} should be {fmt(want[worst] - want[0], within)}"
                f" ({what or 'expected'}), but came back as {fmt(got[worst] - got[0], within)}"
            )
        else:
            message = (
                f"at {describe_args(arg_names, arg)}: expected {fmt(want[worst], within)}"
                f" ({what or 'expected'}), got {fmt(got[worst], within)}"
            )
        raise WrongAnswer(message, feedback)

    def plot(values: list[Any], axes: Any) -> None:
        import numpy as np

        xs = np.array([arg[0] for arg in inputs], float)
        got = numbers(values)
        grid = np.linspace(xs.min(), xs.max(), 300)
        reference = np.array([float(expected(x)) for x in grid])
        if up_to_constant and np.isfinite(got[0]):
            got = got - got[0] + float(expected(*inputs[0]))
        axes.plot(grid, reference, label=f"expected: {what}" if what else "expected", color="tab:blue")
        axes.scatter(xs, got, label="your answer", color="tab:orange", zorder=3, s=18)
        axes.set_title(name)
        axes.set_xlabel(arg_names[0])
        axes.legend()

    from calccourse.sandbox.protocol import Call

    calls = [Call(target, tuple(arg)) for arg in inputs]
    plottable = all(len(arg) == 1 and isinstance(arg[0], (int, float)) for arg in inputs)
    return Test(name, calls, judge, points, plot=plot if plottable else None)
