# expect: the constant term f(a) is missing
import math


def taylor_eval(derivatives, a, x):
    total = 0.0
    for k in range(1, len(derivatives)):
        total += derivatives[k] / math.factorial(k) * (x - a) ** k
    return total


def newton_step(derivatives, a):
    return a - derivatives[1] / derivatives[2]
