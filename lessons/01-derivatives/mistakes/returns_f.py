# expect: this is f(x) itself
def derivative(x):
    return x**3 - 2 * x**2 + 1


def rate_of_change(f, x, dx):
    return (f(x + dx) - f(x)) / dx
