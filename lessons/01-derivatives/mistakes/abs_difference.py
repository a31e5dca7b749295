# expect: it looks like abs() around the difference
def derivative(x):
    # variant: return 3*{a}*x**2 + 2*{b}*x + {c}
    return 3 * x**2 - 4 * x


def rate_of_change(f, x, dx):
    return abs(f(x + dx) - f(x)) / dx
