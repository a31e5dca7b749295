# expect: the powers start at 1 instead of 0
import math


def taylor_eval(derivatives, a, x):
    total = 0.0
    for k, d in enumerate(derivatives, 1):
        total += d / math.factorial(k) * (x - a) ** k
    return total


def newton_step(derivatives, a):
    return a - derivatives[1] / derivatives[2]
