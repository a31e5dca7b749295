# expect: the derivative of the constant 1 is 0
def derivative(x):
    return 3 * x**2 - 4 * x + 1


def rate_of_change(f, x, dx):
    return (f(x + dx) - f(x)) / dx
