# expect: g′(a) instead of g′(z)
"""Mistake: taking the derivative at the layer's output a = g(z) instead of at z."""

import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def dense_jacobian(W, b, x, g_prime):
    a = sigmoid(x @ W + b)
    return np.diag(g_prime(a)) @ W.T


def backward_step(W, b, x, da, g_prime):
    a = sigmoid(x @ W + b)
    dz = da * g_prime(a)
    return np.outer(x, dz), dz, dz @ W.T
