# expect: sign slip
def antiderivative(x):
    # variant: return {a}*x**3/3 - {b}*x**2/2 + {c}*x
    return x**3 + 2 * x**2


def area(f, a, b, dx):
    steps = round((b - a) / dx)
    return sum(f(a + i * dx) * dx for i in range(steps))
