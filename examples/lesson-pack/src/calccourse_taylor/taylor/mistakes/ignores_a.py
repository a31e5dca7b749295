# expect: as if a were 0
import math


def taylor_eval(derivatives, a, x):
    # the Maclaurin series, whatever a is
    return sum(
        d / math.factorial(k) * x**k for k, d in enumerate(derivatives)
    )


def newton_step(derivatives, a):
    return a - derivatives[1] / derivatives[2]
