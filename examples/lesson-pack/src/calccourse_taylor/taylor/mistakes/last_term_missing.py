# expect: the last term is missing
import math


def taylor_eval(derivatives, a, x):
    n = len(derivatives) - 1  # the order
    total = 0.0
    for k in range(n):
        total += derivatives[k] / math.factorial(k) * (x - a) ** k
    return total


def newton_step(derivatives, a):
    return a - derivatives[1] / derivatives[2]
