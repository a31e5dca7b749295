# expect: the 2 of 2x² comes down too
def derivative(x):
    return 3 * x**2 - 2 * x


def rate_of_change(f, x, dx):
    return (f(x + dx) - f(x)) / dx
