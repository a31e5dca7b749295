# expect: this is f(x) itself
def derivative(x):
    # variant: return {a}*x**3 + {b}*x**2 + {c}*x + {d}
    return x**3 - 2 * x**2 + 1


def rate_of_change(f, x, dx):
    return (f(x + dx) - f(x)) / dx
