# expect: whatever f is
def derivative(x):
    return 3 * x**2 - 4 * x


def g(x):
    return x**3 - 2 * x**2 + 1


def rate_of_change(f, x, dx):
    return (g(x + dx) - g(x)) / dx
