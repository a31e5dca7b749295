# expect: this is half of Newton's step
import math


def taylor_eval(derivatives, a, x):
    total = 0.0
    for k, d in enumerate(derivatives):
        total += d / math.factorial(k) * (x - a) ** k
    return total


def newton_step(derivatives, a):
    # forgot the 1/2! in front of f″(a)·(x − a)²: q′ = f′ + 2·f″·(x − a)
    return a - derivatives[1] / (2 * derivatives[2])
