# expect: divide 4x² by its new power 2 as well
def antiderivative(x):
    return x**3 - 4 * x**2


def area(f, a, b, dx):
    steps = round((b - a) / dx)
    return sum(f(a + i * dx) * dx for i in range(steps))
