# expect: adding dx in a loop drifts by rounding
def antiderivative(x):
    # variant: return {a}*x**3/3 + {b}*x**2/2 + {c}*x
    return x**3 - 2 * x**2


def area(f, a, b, dx):
    total, x = 0.0, a
    while x < b:  # x drifts: the last step may fall just short of b
        total += f(x) * dx
        x += dx
    return total
