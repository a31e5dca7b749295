# expect: a cache whose key leaves out g_prime
"""Mistake: dense_jacobian remembered by W alone, so another activation gets the old Jacobian."""

import numpy as np

_seen = {}


def dense_jacobian(W, b, x, g_prime):
    key = W.tobytes()
    if key not in _seen:
        _seen[key] = np.diag(g_prime(x @ W + b)) @ W.T
    return _seen[key]


def backward_step(W, b, x, da, g_prime):
    dz = da * g_prime(x @ W + b)
    return np.outer(x, dz), dz, dz @ W.T
