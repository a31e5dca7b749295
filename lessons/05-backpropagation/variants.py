"""Lesson 5's variants: each learner's own small layer a = g(x·W + b),
to work out by hand.

The answer file's two functions are generic (the same code is right for
every layer), so what varies is the worked layer the exercise gives:
N inputs and M outputs (N ≠ M, so a transpose shows; at most 8 weights,
so the hand computation stays short), whole-number W, b, x and da, and
the activation (ReLU, tanh or sigmoid). The checker's first call is that
layer, so its feedback can quote it. Every z is a whole number away from
0 (ReLU's kink) and small enough that g′(z) is not vanishingly small; a
ReLU layer has a unit on and a unit off, so both branches show.

The course's own exercise has no worked layer ("compute it yourself for
one layer"): COURSE has N = M = 0 and empty arrays, and its texts are the
lesson's as they were.
"""

import math
import textwrap
from collections.abc import Sequence

from calccourse.author import VariantRandom

COURSE = {
    "n": 0,
    "m": 0,
    "activation": "",
    "W": "",
    "b": "",
    "x": "",
    "da": "",
}

SHAPES = [(2, 3), (3, 2), (2, 4), (4, 2)]  # (N, M)
ACTIVATIONS = ["relu", "tanh", "sigmoid"]
# The largest |z| of each activation: tanh′(3) ≈ 0.01 would be hard to read.
LARGEST_Z = {"relu": 4, "tanh": 2, "sigmoid": 3}
WEIGHTS = [-2, -1, 0, 1, 2]
NONZERO = [-2, -1, 1, 2]

# How the texts name each activation and write its derivative as Python.
NAMES = {"relu": "ReLU", "tanh": "tanh", "sigmoid": "sigmoid"}
G = {
    "relu": "max(z, 0)",
    "tanh": "tanh(z)",
    "sigmoid": "σ(z) = 1/(1 + e^(−z))",
}
G_PRIME_CODE = {
    "relu": ["return np.where(z > 0, 1.0, 0.0)"],
    "tanh": ["return 1 - np.tanh(z) ** 2"],
    "sigmoid": ["s = 1 / (1 + np.exp(-z))", "return s * (1 - s)"],
}
RELU_RULE = "ReLU′ is 1 where z > 0, else 0"
G_PRIME_RULE = {
    "tanh": "1 − tanh²(z)",
    "sigmoid": "σ(z)·(1 − σ(z))",
}


def g_prime(activation: str, z: float) -> float:
    """g′(z) of one of the variants' activations."""
    if activation == "relu":
        return 1.0 if z > 0 else 0.0
    if activation == "tanh":
        return 1 - math.tanh(z) ** 2
    s = 1 / (1 + math.exp(-z))
    return s * (1 - s)


def parse(text: str) -> list:
    """A layer's array from its parameter, a Python literal: "[1, -2]"."""
    import ast

    value = ast.literal_eval(text)
    assert isinstance(value, list)
    return value


def z_of(W: list[list[int]], b: list[int], x: list[int]) -> list[int]:
    """z = x·W + b, whole numbers."""
    return [
        sum(x[i] * W[i][j] for i in range(len(x))) + b[j]
        for j in range(len(b))
    ]


def suits(
    activation: str, W: list[list[int]], b: list[int], x: list[int]
) -> bool:
    """Whether every input and output is used (and no two outputs are
    alike), every z is a whole number from 1 to the activation's largest
    in size, and a ReLU layer has a unit on and one off."""
    if any(not any(row) for row in W) or any(
        not any(column) for column in zip(*W)
    ):
        return False
    columns = [tuple(column) for column in zip(*W)]
    if len(set(columns)) < len(columns):  # two outputs alike: a dull layer
        return False
    z = z_of(W, b, x)
    if not all(1 <= abs(value) <= LARGEST_Z[activation] for value in z):
        return False
    return activation != "relu" or (max(z) > 0 > min(z))


def parameters(rng: VariantRandom) -> dict:
    n, m = rng.choice(SHAPES)
    activation = rng.choice(ACTIVATIONS)
    while True:
        W = [[rng.choice(WEIGHTS) for _ in range(m)] for _ in range(n)]
        b = [rng.choice(WEIGHTS) for _ in range(m)]
        x = [rng.choice(NONZERO) for _ in range(n)]
        if suits(activation, W, b, x):
            break
    da = [rng.choice(NONZERO) for _ in range(m)]
    arrays = {"W": W, "b": b, "x": x, "da": da}
    return {
        "n": n,
        "m": m,
        "activation": activation,
        **{name: str(value) for name, value in arrays.items()},
    }


def fill(text: str) -> str:
    """Prose wrapped as the lesson's texts are, at 88 columns."""
    return textwrap.fill(text, 88, break_on_hyphens=False)


def numbers(values: Sequence[float]) -> str:
    """A row as the hints write it: "[3, −1]", "[0.42, 0.0707]"."""
    shown = [str(v) if isinstance(v, int) else f"{v:.3g}" for v in values]
    return "[" + ", ".join(s.replace("-", "−") for s in shown) + "]"


def layer_code(p: dict, indent: str) -> str:
    """The layer as NumPy code to paste, W one row a line."""
    W, g = parse(p["W"]), p["activation"]
    width = max(len(str(v)) for row in W for v in row)
    rows = [
        "[" + ", ".join(f"{v:>{width}}" for v in row) + "]" for row in W
    ]
    opening = "W = np.array(["
    W_lines = [opening + rows[0] + ","]  # N ≥ 2 rows
    W_lines += [" " * len(opening) + row + "," for row in rows[1:-1]]
    shape = f"N × M = {p['n']} × {p['m']}"
    W_lines.append(
        " " * len(opening) + rows[-1] + f"], dtype=float)  # {shape}"
    )
    lines = [
        *W_lines,
        f"b = np.array({p['b']}, dtype=float)",
        f"x = np.array({p['x']}, dtype=float)",
        f"da = np.array({p['da']}, dtype=float)  # for backward_step",
        "",
        f"def g_prime(z):  # {NAMES[g]}′, g(z) = {G[g]}",
        *("    " + line for line in G_PRIME_CODE[g]),
    ]
    return "\n".join(indent + line if line else "" for line in lines)


def fields(p: dict) -> dict:
    """The exercise's, hints' and template's fields: the learner's layer,
    or nothing for the course's own exercise (docs/authoring.md)."""
    if p["n"] == 0:
        return {"your_layer": "", "layer_hint": "", "try_layer": ""}
    n, m, activation = p["n"], p["m"], p["activation"]
    z = z_of(parse(p["W"]), parse(p["b"]), parse(p["x"]))
    slopes = [g_prime(activation, v) for v in z]
    intro = (
        "Your layer (your variant of the exercise): "
        f"N = {n} inputs, M = {m} outputs and g = {NAMES[activation]}."
    )
    task = (
        f"Work out its {m} × {n} Jacobian ∂a/∂x by hand first, and dW, db "
        "and dx for this da; then compare with what your functions return. "
        "The checker's first call of each is this layer."
    )
    your_layer = (
        f"\n{fill(intro)}\n\n{layer_code(p, '    ')}\n\n{fill(task)}\n"
    )
    rows = "row j of your ∂a/∂x is row j of Wᵀ times g′(zⱼ)"
    if activation == "relu":
        slope = f"g′(z) = {numbers([int(s) for s in slopes])} ({RELU_RULE})"
    else:
        slope = f"g′(z) = {G_PRIME_RULE[activation]} ≈ {numbers(slopes)}"
    layer_hint = "\n\n" + fill(
        f"Your layer: z = x·W + b = {numbers(z)}, so {slope}: {rows}."
    )
    try_layer = (
        "\n\n\n# Your layer, from the exercise: work out ∂a/∂x by hand,\n"
        "# then compare with what `python lesson05.py` prints.\n"
        'if __name__ == "__main__":\n'
        + layer_code(p, "    ")
        + "\n\n    print(dense_jacobian(W, b, x, g_prime))\n"
        "    print(backward_step(W, b, x, da, g_prime))"
    )
    return {
        "your_layer": your_layer,
        "layer_hint": layer_hint,
        "try_layer": try_layer,
    }
