"""Lesson 8, reference answer: Taylor polynomials and a Newton step."""

import math


def taylor_eval(derivatives, a, x):
    """Σₖ f⁽ᵏ⁾(a)/k!·(x − a)ᵏ over k = 0..n, from the list
    [f(a), f′(a), …, f⁽ⁿ⁾(a)]."""
    total = 0.0
    for k, d in enumerate(derivatives):
        total += d / math.factorial(k) * (x - a) ** k
    return total


def newton_step(derivatives, a):
    """The minimum of f(a) + f′(a)·(x − a) + f″(a)/2·(x − a)²,
    where its derivative f′(a) + f″(a)·(x − a) is zero."""
    f_prime, f_second = derivatives[1], derivatives[2]
    return a - f_prime / f_second


if __name__ == "__main__":
    # ln x around a = 1: ln 1 = 0, then 1, −1, 2, −6
    print(taylor_eval([0, 1, -1, 2, -6], 1, 1.5))  # 0.401042
    print(math.log(1.5))  # 0.405465
    # f(w) = eʷ − 2w at w = 0: f = 1, f′ = −1, f″ = 1
    print(newton_step([1, -1, 1], 0))  # 1.0
