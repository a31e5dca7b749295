"""Lesson 8 answer file: Taylor polynomials and a Newton step.

Fill in both functions, then check your answer with:

    calccourse check 8 lesson08.py

derivatives is a list of floats [f(a), f′(a), f″(a), …]: the value
of f at a first, then its derivatives there, in order.
"""

# BEGIN SOLUTION
# The reference answer. template.py is written from this file by
# `calccourse dev template 8`: each region between BEGIN SOLUTION and
# END SOLUTION is taken out (a function's body becomes
# `raise NotImplementedError`), and `dev check` proves the two agree.
import math

# END SOLUTION


def taylor_eval(derivatives, a, x):
    """Return the Taylor polynomial of f around a, evaluated at x:
    Σₖ f⁽ᵏ⁾(a)/k!·(x − a)ᵏ for k = 0, 1, …, len(derivatives) − 1.
    """
    # BEGIN SOLUTION
    total = 0.0
    for k, d in enumerate(derivatives):
        total += d / math.factorial(k) * (x - a) ** k
    return total
    # END SOLUTION


def newton_step(derivatives, a):
    """Return the x where f(a) + f′(a)·(x − a) + f″(a)/2·(x − a)² is
    smallest (derivatives is [f(a), f′(a), f″(a)], with f″(a) > 0).
    """
    # BEGIN SOLUTION
    # the minimum is where the derivative f′(a) + f″(a)·(x − a) is zero
    f_prime, f_second = derivatives[1], derivatives[2]
    return a - f_prime / f_second
    # END SOLUTION


# BEGIN SOLUTION
if __name__ == "__main__":
    # ln x around a = 1: ln 1 = 0, then 1, −1, 2, −6
    print(taylor_eval([0, 1, -1, 2, -6], 1, 1.5))  # 0.401042
    print(math.log(1.5))  # 0.405465
    # f(w) = eʷ − 2w at w = 0: f = 1, f′ = −1, f″ = 1
    print(newton_step([1, -1, 1], 0))  # 1.0
# END SOLUTION
