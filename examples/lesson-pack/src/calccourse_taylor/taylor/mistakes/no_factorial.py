# expect: each term must be divided by k!
def taylor_eval(derivatives, a, x):
    total = 0.0
    for k, d in enumerate(derivatives):
        total += d * (x - a) ** k
    return total


def newton_step(derivatives, a):
    return a - derivatives[1] / derivatives[2]
