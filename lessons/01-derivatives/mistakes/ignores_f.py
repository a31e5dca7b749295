# expect: whatever f is
def derivative(x):
    # variant: return 3*{a}*x**2 + 2*{b}*x + {c}
    return 3 * x**2 - 4 * x


def g(x):
    # variant: return {a}*x**3 + {b}*x**2 + {c}*x + {d}
    return x**3 - 2 * x**2 + 1


def rate_of_change(f, x, dx):
    return (g(x + dx) - g(x)) / dx
