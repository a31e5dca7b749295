# expect: a cache whose key leaves out f


def derivative(x):
    # variant: return 3*{a}*x**2 + 2*{b}*x + {c}
    return 3 * x**2 - 4 * x


_rates = {}


def rate_of_change(f, x, dx):
    # Remembered by (x, dx) only: another f at the same x and dx gets the first f's rate.
    if (x, dx) not in _rates:
        _rates[(x, dx)] = (f(x + dx) - f(x)) / dx
    return _rates[(x, dx)]
