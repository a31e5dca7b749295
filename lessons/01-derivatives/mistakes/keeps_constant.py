# expect: the derivative of the constant
def derivative(x):
    # variant: return 3*{a}*x**2 + 2*{b}*x + {c} + {d}
    return 3 * x**2 - 4 * x + 1


def rate_of_change(f, x, dx):
    return (f(x + dx) - f(x)) / dx
