# expect: brackets: f(x + dx) - f(x) / dx divides only f(x)
def derivative(x):
    return 3 * x**2 - 4 * x


def rate_of_change(f, x, dx):
    return f(x + dx) - f(x) / dx
