# expect: multiply by the old exponent
def derivative(x):
    # variant: return {a}*x**2 + {b}*x + {c}
    return x**2 - 2 * x


def rate_of_change(f, x, dx):
    return (f(x + dx) - f(x)) / dx
