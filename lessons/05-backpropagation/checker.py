"""Lesson 5 checker: one dense layer's Jacobian and backward step, and a training bonus.

Every layer is a = g(x·W + b) with x of length N, W of shape N × M (always N ≠ M, so
a transpose shows), b of length M. The reference values are exact: the activation's
Jacobian diag(g′(z)) times the dense layer's Wᵀ (tests/test_lesson_backpropagation.py
checks that they agree with finite differences of g). Wrong answers are compared with
the common mistakes at the same inputs to say which one it probably is. Each layer is
asked twice in one process: once more with another activation (dense_jacobian) or
another da (backward_step), everything else the same, so that a result kept from an
earlier call shows.

With a learner id (variants.py), each test's first call is the learner's own worked layer,
the exercise's, and the random layers follow as without one. An array worked out for
another layer (another learner's variant, typed in) is named in the first call; the
learner's own layer's results given for a random layer are named there.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from typing import Any

import numpy as np
from calccourse.author import (
    Feedback,
    Fn,
    Test,
    WrongAnswer,
    agrees,
    as_number,
    as_vector,
    call,
    close,
    fmt,
    matrix_plot,
    probe,
    value,
)

from . import variants
from .variants import COURSE

# An activation: the derivative handed to the answer (an Fn of z), and g itself,
# which only the checker uses (to recognise g′(a), and to test the references).
ACTIVATIONS: dict[str, tuple[Fn, Callable[[Any], Any]]] = {
    "sigmoid": (
        Fn("1/(1+np.exp(-z))*(1-1/(1+np.exp(-z)))", ("z",), "sigmoid′"),
        lambda z: 1 / (1 + np.exp(-z)),
    ),
    "tanh": (Fn("1-np.tanh(z)**2", ("z",), "tanh′"), np.tanh),
    "relu": (
        Fn("np.where(z>0,1.0,0.0)", ("z",), "ReLU′"),
        lambda z: np.maximum(z, 0.0),
    ),
    "softplus": (
        Fn("1/(1+np.exp(-z))", ("z",), "softplus′"),
        lambda z: np.log1p(np.exp(z)),
    ),
    "elu": (
        Fn("np.where(z>0,1.0,np.exp(z))", ("z",), "ELU′"),
        lambda z: np.where(z > 0, z, np.exp(np.minimum(z, 0.0)) - 1),
    ),
    "sin": (Fn("np.cos(z)", ("z",), "sin′"), np.sin),
}
RTOL, ATOL = 1e-6, 1e-9

FEEDBACK_W = (
    "N × M is the shape of W: you used W where the Jacobian needs Wᵀ. ∂a/∂x has one row "
    "per output and one column per input, so it is M × N: diag(g′(z))·Wᵀ."
)
FEEDBACK_NO_G = (
    "This is the dense part alone: g′(z) is missing. The activation adds its own, "
    "diagonal Jacobian diag(g′(z)): multiply element-wise, dz = da ⊙ g′(z)."
)
FEEDBACK_G_OF_A = (
    "This takes the derivative at the layer's output a = g(z): g′(a) instead of g′(z). "
    "g_prime is a function of z = x·W + b; call it with z."
)
FEEDBACK_NO_B = "This takes g′ at x·W, leaving out b: z = x·W + b."
FEEDBACK_G_OF_X = (
    "This takes g′ at the layer's input x (the previous layer's a), not at z: g′(a) instead "
    "of g′(z). The activation comes after the dense part, so diag(g′(z)) is on the left: "
    "diag(g′(z))·Wᵀ, and dx = (da ⊙ g′(z))·Wᵀ."
)
FEEDBACK_G_WRONG = (
    "The shape of the chain rule is right (each dz[j] scales row j of Wᵀ), but by the wrong "
    "numbers: they should be g′(z[j]). Is g′ evaluated somewhere else, e.g. g′(a) instead "
    "of g′(z), or at z without b? z = x·W + b."
)
FEEDBACK_NO_DA = (
    "db is g′(z) alone: the upstream gradient da is left out. The chain rule multiplies "
    "what comes from above by the layer's own derivative: dz = da ⊙ g′(z), then db = dz."
)
FEEDBACK_OUTER = (
    "dW came back M × N: the outer product is in the wrong order. ∂L/∂W[i, j] = x[i]·dz[j], "
    "so dW = xᵀ·dz = np.outer(x, dz), N × M like W itself."
)

BONUS_NAMES = ("HIDDEN_LAYERS", "LEARNING_RATE", "EPOCHS")
MAX_EPOCHS, MAX_SIZE, MAX_LAYERS, TIME_BUDGET, BONUS_ACCURACY = (
    5000,
    32,
    4,
    4.0,  # seconds of training, in the answer's process: within a call's default 5 s limit
    0.90,
)
LIMITS = {
    "layers": MAX_LAYERS,
    "size": MAX_SIZE,
    "epochs": MAX_EPOCHS,
    "seconds": TIME_BUDGET,
}


class Layer:
    """A random layer: W, b, an input x, an upstream gradient da, an activation."""

    # The learner's worked layer (variants.py), not a random one?
    own = False

    def __init__(
        self, rng: np.random.Generator, n: int, m: int, activation: str
    ) -> None:
        self.activation = activation
        self.g_prime, self.g = ACTIVATIONS[activation]
        self.earlier: Layer | None = (
            None  # for a twin: the layer it was made from
        )
        while True:
            self.W = rng.normal(0.0, 1.0, (n, m)) / math.sqrt(n)
            self.b = rng.normal(0.0, 0.5, m)
            self.x = rng.normal(0.0, 1.0, n)
            self.da = rng.normal(0.0, 1.0, m)
            z = self.z
            # Keep away from ReLU's kink and make both of its branches show; da ≠ 0
            # everywhere, so that an answer's dz = db can be divided by it.
            kink_free = (
                np.all(np.abs(z) > 0.1) and (z > 0).any() and (z < 0).any()
            )
            if np.all(np.abs(self.da) > 0.1) and (
                activation != "relu" or kink_free
            ):
                break

    @classmethod
    def worked(cls, p: dict) -> Layer:
        """The worked layer of the exercise's variant ``p`` (variants.py)."""
        layer = cls.__new__(cls)
        layer.own, layer.earlier = True, None
        layer.activation = p["activation"]
        layer.g_prime, layer.g = ACTIVATIONS[layer.activation]
        for name in ("W", "b", "x", "da"):
            setattr(
                layer, name, np.array(variants.parse(p[name]), dtype=float)
            )
        return layer

    @property
    def z(self) -> np.ndarray:
        return self.x @ self.W + self.b

    def twin(
        self, rng: np.random.Generator, activation: str | None = None
    ) -> Layer:
        """This layer's W, b and x with another activation (when given) or another da."""
        other = copy.copy(self)
        other.earlier = self
        if activation is not None:
            other.activation = activation
            other.g_prime, other.g = ACTIVATIONS[activation]
        else:
            while np.any(np.abs(other.da - self.da) < 0.1) or np.any(
                np.abs(other.da) < 0.1
            ):
                other.da = rng.normal(0.0, 1.0, len(self.da))
        return other

    def describe(self) -> str:
        n, m = self.W.shape
        if self.own:
            return f"N = {n} inputs, M = {m} outputs, g = {variants.NAMES[self.activation]}"
        return f"layer with N = {n} inputs, M = {m} outputs, g_prime = {self.g_prime}"

    # The reference, and what the common mistakes give, as the row scaling d of Wᵀ:
    # the Jacobian is diag(d)·Wᵀ and dz = da ⊙ d.
    def scaling(self, kind: str = "right") -> np.ndarray:
        z = self.z
        at: dict[str, Callable[[], np.ndarray]] = {
            "right": lambda: self.g_prime(z),
            "no g′": lambda: np.ones_like(z),
            "g′(a)": lambda: self.g_prime(self.g(z)),
            "no b": lambda: self.g_prime(self.x @ self.W),
        }
        return at[kind]() * np.ones_like(z)

    def jacobian(self, kind: str = "right") -> np.ndarray:
        J = self.scaling(kind)[:, None] * self.W.T
        return J + 0.0 if self.own else J  # the worked layer's 0, never −0

    def backward(
        self, kind: str = "right"
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        dz = self.da * self.scaling(kind)
        dW, dx = np.outer(self.x, dz), self.W @ dz
        if self.own:
            return dW + 0.0, dz + 0.0, dx + 0.0
        return dW, dz, dx


SCALING_FEEDBACK = {
    "no g′": FEEDBACK_NO_G,
    "g′(a)": FEEDBACK_G_OF_A,
    "no b": FEEDBACK_NO_B,
}


def random_layers(rng: np.random.Generator) -> list[Layer]:
    """Four layers: sigmoid, tanh, ReLU and one more, with N < M and N > M both present."""
    hidden = ["softplus", "elu", "sin"][int(rng.integers(3))]
    layers = []
    for index, activation in enumerate(["sigmoid", "tanh", "relu", hidden]):
        n, m = sorted(rng.choice(np.arange(2, 6), 2, replace=False))
        if index == 1 or (index == 3 and rng.random() < 0.5):
            n, m = m, n
        layers.append(Layer(rng, int(n), int(m), activation))
    return layers


def with_twins(
    rng: np.random.Generator, layers: list[Layer], what: str
) -> list[Layer]:
    """Each layer followed by its twin: another activation (``what`` = "g_prime", a smooth
    one other than its own) or another da (``what`` = "da")."""
    paired = []
    for layer in layers:
        if what == "g_prime":
            others = [
                a
                for a in ("sigmoid", "tanh", "softplus", "sin")
                if a != layer.activation
            ]
            twin = layer.twin(rng, others[int(rng.integers(len(others)))])
        else:
            twin = layer.twin(rng)
        paired += [layer, twin]
    return paired


def kept_from_earlier(
    layers: list[Layer], values: list, index: int, what: str
) -> str | None:
    """Feedback when the twin at ``index`` got exactly its original's result."""
    earlier = layers[index].earlier
    if earlier is None or index == 0 or layers[index - 1] is not earlier:
        return None
    if values[index] != values[index - 1]:
        return None
    return (
        f"The call just before had the same W, b and x but another {what}, and you returned "
        f"exactly the same result: the result must use the {what} it is given each time "
        f"(a result kept from an earlier call, such as a cache whose key leaves out {what}, "
        "does this)."
    )


def shape_of(value: object) -> tuple[int, ...] | None:
    try:
        return np.array(value, dtype=float).shape
    except (TypeError, ValueError):
        return None


def matrix(value: object, shape: tuple[int, int], where: str) -> np.ndarray:
    """A finite float array of exactly ``shape``."""
    if value is None:
        raise WrongAnswer(f"{where} returned None: is a `return` missing?")
    got = shape_of(value)
    if got is None:
        raise WrongAnswer(
            f"{where} returned {fmt(value)}; expected a {shape[0]} × {shape[1]} array."
        )
    if got != shape:
        raise WrongAnswer(
            f"{where} returned shape {got}; expected {shape[0]} × {shape[1]}."
        )
    array = np.array(value, dtype=float)
    if not np.all(np.isfinite(array)):
        raise WrongAnswer(
            f"{where} returned {fmt(array)}, which is not finite."
        )
    return array


def within(want: np.ndarray) -> float:
    """The tolerance at these expected values: numbers are shown down to it."""
    return ATOL + RTOL * float(np.max(np.abs(want)))


def readable(layer: Layer, values: np.ndarray, want: np.ndarray) -> str:
    """Values down to the tolerance at ``want``; the worked layer's as they read
    (whole numbers, often), without −0."""
    if layer.own:
        return fmt(values + 0.0)
    return fmt(values, within(want))


def first_wrong_row(got: np.ndarray, want: np.ndarray) -> int:
    return next(
        i
        for i in range(len(want))
        if not close(got[i], want[i], RTOL, ATOL)
    )


def row_scaling(J: np.ndarray, W: np.ndarray) -> np.ndarray | None:
    """The d with J = diag(d)·Wᵀ, if J has that form."""
    columns = W.T
    d = np.sum(J * columns, axis=1) / np.sum(columns * columns, axis=1)
    return d if close(J, d[:, None] * columns, RTOL, ATOL) else None


def scaling_feedback(layer: Layer, d: np.ndarray | None) -> str | None:
    if d is None:
        return None
    for kind, feedback in SCALING_FEEDBACK.items():
        if close(d, layer.scaling(kind), RTOL, ATOL):
            return feedback
    return FEEDBACK_G_WRONG


# -- the learner's worked layer (with a learner id) ---------------------------------


def short_name(layers: list[Layer], index: int) -> str:
    """A layer's short name, "your layer" or "layer 3": the random layers are
    numbered from 1 whether or not the worked layer comes first."""
    return (
        "your layer"
        if layers[index].own
        else f"layer {index + 1 - layers[0].own}"
    )


def name_of(layers: list[Layer], index: int) -> str:
    """How the reports name a layer: "your layer, the exercise's (…)" or "layer 3 (…)"."""
    if layers[index].own:
        return f"your layer, the exercise's ({layers[index].describe()})"
    return f"{short_name(layers, index)} ({layers[index].describe()})"


def worked_activation(J: np.ndarray) -> str | None:
    """The activation of a variant's worked layer (variants.py: whole-number W, z away
    from 0) whose Jacobian ``J`` could be, if any: each row is a column of such a W times
    one of that activation's g′(z)."""
    if J.ndim != 2 or (J.shape[1], J.shape[0]) not in variants.SHAPES:
        return None
    largest = max(abs(w) for w in variants.WEIGHTS)

    def fits(row: np.ndarray, slope: float) -> bool:
        if slope == 0:
            return not np.any(row)
        w = row / slope
        whole = np.round(w)
        return (
            bool(np.any(whole))
            and bool(np.all(np.abs(whole) <= largest))
            and close(w, whole, RTOL, ATOL)
        )

    for activation in variants.ACTIVATIONS:
        if activation == "relu":
            slopes = [0.0, 1.0]
        else:
            top = variants.LARGEST_Z[activation]
            slopes = [
                variants.g_prime(activation, k) for k in range(1, top + 1)
            ]
        matched = [[s for s in slopes if fits(row, s)][:1] for row in J]
        if not all(matched):
            continue
        on = [found[0] > 0 for found in matched]
        if activation != "relu" or (any(on) and not all(on)):
            return activation
    return None


def another_layer(
    own: Layer, got_value: object, what: str
) -> Feedback | None:
    """Feedback when the worked layer's ``what`` ("∂a/∂x" or "dW") came back as another
    layer's: an array of another worked layer's shape, or an M × N array that is the
    Jacobian of another worked layer and no mistake on the learner's own."""
    n, m = own.W.shape
    jacobian = what == "∂a/∂x"
    right = (m, n) if jacobian else (n, m)
    got = shape_of(got_value)
    if got is None or len(got) != 2 or got == right[::-1]:
        return None
    if got == right:
        if not jacobian:
            return None
        J = np.array(got_value, dtype=float)
        if not np.all(np.isfinite(J)):
            return None
        want = own.jacobian()
        mistakes = [own.jacobian(kind) for kind in SCALING_FEEDBACK]
        mistakes.append(own.W.T * own.g_prime(own.x))
        # a multiple of the right one (−J: a sign slip) is no other layer's
        mistakes.append(
            want * np.sum(J * want) / max(np.sum(want * want), 1e-300)
        )
        if worked_activation(J) is None or any(
            close(J, mistake, RTOL, ATOL) for mistake in mistakes
        ):
            return None
    elif (got[::-1] if jacobian else got) not in variants.SHAPES:
        return None
    return Feedback(
        f"This looks like {what} of another layer than yours, worked out for its W, b and "
        f"x (another learner's variant?): a {got[0]} × {got[1]} array. Your layer is "
        f"{own.describe()}, and its {what} is {right[0]} × {right[1]}. Compute it from the "
        "W, b, x and g_prime your function is given (your layer: `calccourse exercise 5` "
        "with your learner id).",
        "another variant's layer",
    )


def typed_in(
    own: Layer, layer: Layer, got_value: object, what: str
) -> Feedback | None:
    """Feedback when a random layer got the worked layer's ``what``, "∂a/∂x" or
    "(dW, db, dx)": worked out once and typed in."""
    if what == "∂a/∂x":
        same = agrees(got_value, own.jacobian(), RTOL, ATOL)
    else:
        parts = zip(got_value, own.backward())  # type: ignore[call-overload]
        same = all(agrees(got, want, RTOL, ATOL) for got, want in parts)
    if layer.own or not same:
        return None
    return Feedback(
        f"This is {what} of your own layer, the exercise's ({own.describe()}), given for "
        "another layer: it looks worked out once and typed in. Your function must compute "
        "it from the W, b, x and g_prime it is given, for any layer: the exercise's is only "
        "the first one the checker tries.",
        "worked layer typed in",
    )


# -- dense_jacobian -----------------------------------------------------------------


def judge_jacobian(layers: list[Layer]):
    """The judge of dense_jacobian on ``layers``: the learner's worked layer first, when
    it is there."""
    own = layers[0] if layers[0].own else None

    def judge(values: list) -> str:
        for number, (layer, got_value) in enumerate(zip(layers, values), 1):
            n, m = layer.W.shape
            where = f"dense_jacobian on {name_of(layers, number - 1)}"
            if own is not None and not agrees(
                got_value, layer.jacobian(), RTOL, ATOL
            ):
                found = (
                    another_layer(own, got_value, "∂a/∂x")
                    if layer.own
                    else typed_in(own, layer, got_value, "∂a/∂x")
                )
                if found is not None:
                    shown = fmt(np.array(got_value, dtype=float) + 0.0)
                    raise WrongAnswer(
                        f"{where} returned {shown}"
                        + (
                            ""
                            if layer.own
                            else ", the same as for your layer"
                        )
                        + f"; expected an M × N = {m} × {n} array.",
                        found,
                    )
            if shape_of(got_value) == (n, m):
                raise WrongAnswer(
                    f"{where} returned shape {(n, m)}; expected M × N = {m} × {n}.",
                    FEEDBACK_W,
                )
            got = matrix(got_value, (m, n), where)
            want = layer.jacobian()
            if not close(got, want, RTOL, ATOL):
                row = first_wrong_row(got, want)
                at_input = close(
                    got, layer.W.T * layer.g_prime(layer.x), RTOL, ATOL
                )
                raise WrongAnswer(
                    f"{where}: row {row} (the derivatives of a[{row}]) should be "
                    f"{readable(layer, want[row], want[row])}, "
                    f"got {readable(layer, got[row], want[row])}.",
                    kept_from_earlier(layers, values, number - 1, "g_prime")
                    or (
                        FEEDBACK_G_OF_X
                        if at_input
                        else scaling_feedback(
                            layer, row_scaling(got, layer.W)
                        )
                    ),
                )
        if own is not None:
            return (
                f"diag(g′(z))·Wᵀ, M × N, on your layer and {len(layers) - 1} random layers "
                "and activations"
            )
        return f"diag(g′(z))·Wᵀ, M × N, on {len(layers)} layers and activations"

    return judge


# -- backward_step ------------------------------------------------------------------


def judge_backward(layers: list[Layer]):
    """The judge of backward_step on ``layers``: the learner's worked layer first, when
    it is there."""
    own = layers[0] if layers[0].own else None

    def judge(values: list) -> str:
        for number, (layer, got_value) in enumerate(zip(layers, values), 1):
            n, m = layer.W.shape
            where = f"backward_step on {name_of(layers, number - 1)}"
            if (
                own is not None
                and isinstance(got_value, list)
                and len(got_value) == 3
            ):
                parts = zip(got_value, layer.backward())
                if not all(
                    agrees(got, want, RTOL, ATOL) for got, want in parts
                ):
                    found = (
                        another_layer(own, got_value[0], "dW")
                        if layer.own
                        else typed_in(own, layer, got_value, "(dW, db, dx)")
                    )
                    if found is not None:
                        said = (
                            f"dW has shape {shape_of(got_value[0])}"
                            if layer.own
                            else "the same dW, db and dx as for your layer"
                        )
                        raise WrongAnswer(
                            f"{where}: {said}; expected dW of N × M = {n} × {m} like W, "
                            f"db of {m} numbers and dx of {n}.",
                            found,
                        )
            if not isinstance(got_value, list) or len(got_value) != 3:
                shown = (
                    f"a dict with keys {sorted(got_value)}"
                    if isinstance(got_value, dict)
                    else fmt(got_value)
                )
                raise WrongAnswer(
                    f"{where} returned {shown}; expected a tuple (dW, db, dx)."
                )
            if shape_of(got_value[0]) == (m, n):
                raise WrongAnswer(
                    f"{where}: dW has shape {(m, n)}; expected N × M = {n} × {m}, like W.",
                    FEEDBACK_OUTER,
                )
            got = (
                matrix(got_value[0], (n, m), f"{where}: dW"),
                as_vector(got_value[1], m, f"{where}: db"),
                as_vector(got_value[2], n, f"{where}: dx"),
            )
            want = layer.backward()
            # db = dz is the most telling part when several are wrong: report it first.
            wrong = [
                i
                for i in (1, 0, 2)
                if not close(got[i], want[i], RTOL, ATOL)
            ]
            if not wrong:
                continue
            part: str
            expected: Any
            came: Any
            if wrong[0] == 0:
                row = first_wrong_row(got[0], want[0])
                part, expected, came = (
                    f"row {row} of dW",
                    want[0][row],
                    got[0][row],
                )
            else:
                part, expected, came = (
                    ("dW", "db", "dx")[wrong[0]],
                    want[wrong[0]],
                    got[wrong[0]],
                )
            tolerance: float | None = within(expected)
            if layer.own:  # its numbers as they read (whole ones, often)
                tolerance, expected, came = None, expected + 0.0, came + 0.0
            message = (
                f"{where}, da = {fmt(layer.da)}: {part} should be "
                f"{fmt(expected, tolerance)}, got {fmt(came, tolerance)}."
            )
            raise WrongAnswer(
                message,
                kept_from_earlier(layers, values, number - 1, "da")
                or backward_feedback(layer, got, wrong),
            )
        if own is not None:
            return (
                f"dW, db and dx right on your layer and {len(layers) - 1} random layers "
                "and activations"
            )
        return (
            f"dW, db and dx right on {len(layers)} layers and activations"
        )

    return judge


def backward_feedback(
    layer: Layer, got: tuple[np.ndarray, ...], wrong: list[int]
) -> str | None:
    for kind, feedback in SCALING_FEEDBACK.items():
        mistake = layer.backward(kind)
        if all(close(got[i], mistake[i], RTOL, ATOL) for i in wrong):
            return feedback
    dW, db, dx = got
    if close(db, layer.scaling(), RTOL, ATOL):
        return FEEDBACK_NO_DA
    if wrong == [2] and close(
        dx, (layer.W @ layer.da) * layer.g_prime(layer.x), RTOL, ATOL
    ):
        return FEEDBACK_G_OF_X
    if close(dW, np.outer(layer.x, db), RTOL, ATOL) and close(
        dx, layer.W @ db, RTOL, ATOL
    ):
        # dW and dx follow from the answer's own dz = db: dz = da ⊙ d itself is off.
        return scaling_feedback(layer, db / layer.da)
    return None


# -- check plots ---------------------------------------------------------------------


def plot_jacobian(layers: list[Layer]):
    """The first layer whose Jacobian is off, entry by entry."""

    def plot(values: list, axes) -> None:
        wrong = [
            i
            for i, (layer, got) in enumerate(zip(layers, values))
            if not agrees(got, layer.jacobian(), RTOL, ATOL)
        ]
        i = wrong[0] if wrong else 0
        want = layers[i].jacobian()
        n, m = layers[i].W.shape
        matrix_plot(
            axes,
            want,
            values[i],
            RTOL,
            ATOL,
            f"dense_jacobian on {short_name(layers, i)} (N = {n}, M = {m}): "
            "rows a[i], columns x[j]",
        )

    return plot


def plot_backward(layers: list[Layer]):
    """The first part (db, dW or dx) of the first layer where it is off."""

    def plot(values: list, axes) -> None:
        parts = []
        for i, (layer, got) in enumerate(zip(layers, values)):
            mine = (
                got
                if isinstance(got, list) and len(got) == 3
                else [None] * 3
            )
            for k in (1, 0, 2):  # db first, as in the report
                parts.append((i, k, layer.backward()[k], mine[k]))
        wrong = [p for p in parts if not agrees(p[3], p[2], RTOL, ATOL)]
        i, k, want, got = (wrong or parts)[0]
        n, m = layers[i].W.shape
        matrix_plot(
            axes,
            want,
            got,
            RTOL,
            ATOL,
            f"backward_step on {short_name(layers, i)} (N = {n}, M = {m}): "
            f"{('dW', 'db', 'dx')[k]}",
        )

    return plot


# -- the bonus: train the course network with the learner's settings ----------------


def whole_number(number: object, name: str, low: int, high: int) -> int:
    whole = isinstance(number, int) or (
        isinstance(number, float) and number.is_integer()
    )
    if isinstance(number, bool) or not whole:
        raise WrongAnswer(
            f"{name} is {fmt(number)}; expected a whole number from {low} to {high}."
        )
    if not low <= number <= high:  # type: ignore[operator]
        raise WrongAnswer(
            f"{name} is {fmt(number)}; it must be from {low} to {high}."
        )
    return int(number)  # type: ignore[call-overload]


def judge_bonus(held_out_seed: int):
    def judge(values: list) -> str:
        hidden, rate, epochs, trained = values
        want = f"a list of 1 to {MAX_LAYERS} hidden layer sizes, such as [4, 3]"
        if (
            not isinstance(hidden, list)
            or not 1 <= len(hidden) <= MAX_LAYERS
        ):
            raise WrongAnswer(
                f"HIDDEN_LAYERS is {fmt(hidden)}; expected {want}."
            )
        sizes = [
            whole_number(size, "a size in HIDDEN_LAYERS", 1, MAX_SIZE)
            for size in hidden
        ]
        rate = as_number(rate, "LEARNING_RATE")
        if rate <= 0:
            raise WrongAnswer(
                f"LEARNING_RATE is {fmt(rate)}; expected a positive number."
            )
        epochs = whole_number(epochs, "EPOCHS", 1, MAX_EPOCHS)
        network = [2, *sizes, 1]
        accuracy, ran = held_out_accuracy(trained, network, held_out_seed)
        done = (
            f"{epochs} epochs"
            if ran == epochs
            else f"{ran} of {epochs} epochs (stopped at the {TIME_BUDGET:.0f} s budget)"
        )
        message = (
            f"trained {network} for {done} at learning rate {fmt(rate)} on fresh circles: "
            f"{accuracy:.1%} of held-out points right (the bonus needs {BONUS_ACCURACY:.0%})"
        )
        if accuracy >= BONUS_ACCURACY:
            return message
        raise WrongAnswer(
            message,
            "Try a smaller learning rate if the loss jumps around, more epochs if it is "
            "still falling, or wider hidden layers: with small ones, some starts get stuck.",
        )

    return judge


def held_out_accuracy(
    trained: object, network: list[int], seed: int
) -> tuple[float, int]:
    """The accuracy, on held-out circles drawn from ``seed`` (never sent to the answer), of the
    weights the answer's process trained (probes.py), and the epochs it ran."""
    from .network import accuracy, make_circles

    try:
        found: Any = (
            trained  # what the probe sent back: checked by the except below
        )
        params = [
            (np.array(W, dtype=float), np.array(b, dtype=float))
            for W, b in found["weights"]
        ]
        ran = int(found["ran"])
    except (
        KeyError,
        TypeError,
        ValueError,
    ):  # None (settings refused before training), or not a network
        raise WrongAnswer(
            "The bonus's training sent back no network to measure."
        ) from None
    shapes = [
        ((n_in, n_out), (n_out,))
        for n_in, n_out in zip(network[:-1], network[1:])
    ]
    if [(W.shape, b.shape) for W, b in params] != shapes:
        raise WrongAnswer(
            f"The bonus's training sent back weights that are not those of {network}."
        )
    X_test, y_test = make_circles(1000, np.random.default_rng(seed))
    with np.errstate(
        all="ignore"
    ):  # a diverged network's NaNs just score badly
        return accuracy(params, X_test, y_test), ran


def tests(rng: np.random.Generator, variant=None) -> list[Test]:
    """The tests; with a learner id (``variant.learner``), each of the first two calls the
    answer on the learner's worked layer (``variant.parameters``) first."""
    p = COURSE if variant is None else variant.parameters
    learner = variant is not None and variant.learner is not None
    own = [Layer.worked(p)] if learner and p["n"] else []
    base = random_layers(rng)
    jacobian_layers = own + with_twins(rng, base, "g_prime")
    backward_layers = own + with_twins(rng, base, "da")
    jacobian_calls = [
        call("dense_jacobian", lay.W, lay.b, lay.x, lay.g_prime)
        for lay in jacobian_layers
    ]
    backward_calls = [
        call("backward_step", lay.W, lay.b, lay.x, lay.da, lay.g_prime)
        for lay in backward_layers
    ]
    return [
        Test(
            "dense_jacobian: ∂a/∂x = diag(g′(z))·Wᵀ",
            jacobian_calls,
            judge_jacobian(jacobian_layers),
            plot=plot_jacobian(jacobian_layers),
        ),
        Test(
            "backward_step: dW, db, dx",
            backward_calls,
            judge_backward(backward_layers),
            points=2.0,
            plot=plot_backward(backward_layers),
        ),
        Test(
            "bonus: train the network with HIDDEN_LAYERS, LEARNING_RATE, EPOCHS",
            [
                *(value(name) for name in BONUS_NAMES),
                probe(
                    "train",
                    int(rng.integers(2**31)),
                    LIMITS,
                    reads="HIDDEN_LAYERS",
                ),
            ],
            judge_bonus(int(rng.integers(2**31))),
            bonus=True,
        ),
    ]
