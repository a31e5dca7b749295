# expect: divide each term by its new power
def antiderivative(x):
    return 3 * x**3 - 4 * x**2


def area(f, a, b, dx):
    steps = round((b - a) / dx)
    return sum(f(a + i * dx) * dx for i in range(steps))
