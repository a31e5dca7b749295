# expect: brackets: f(x + dx) - f(x) / dx divides only f(x)
def derivative(x):
    # variant: return 3*{a}*x**2 + 2*{b}*x + {c}
    return 3 * x**2 - 4 * x


def rate_of_change(f, x, dx):
    return f(x + dx) - f(x) / dx
