# expect: this is the derivative
def antiderivative(x):
    # variant: return 2*{a}*x + {b}
    return 6 * x - 4


def area(f, a, b, dx):
    steps = round((b - a) / dx)
    return sum(f(a + i * dx) * dx for i in range(steps))
