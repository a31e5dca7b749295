# expect: this moves uphill
import math


def taylor_eval(derivatives, a, x):
    total = 0.0
    for k, d in enumerate(derivatives):
        total += d / math.factorial(k) * (x - a) ** k
    return total


def newton_step(derivatives, a):
    return a + derivatives[1] / derivatives[2]
