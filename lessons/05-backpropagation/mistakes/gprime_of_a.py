# expect: g′(a) instead of g′(z)
"""Mistake: taking the derivative at the layer's output a = g(z) instead of at z."""

import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


# The activation g the learner wrote in: the sigmoid; in a variant, their own
# layer's (on a ReLU layer g′(a) is g′(z), and the hidden layers show it).
G = {
    "relu": lambda z: np.maximum(z, 0.0),
    "tanh": np.tanh,
    "sigmoid": sigmoid,
}
# variant: g = G["{activation}"]
g = sigmoid


def dense_jacobian(W, b, x, g_prime):
    a = g(x @ W + b)
    return np.diag(g_prime(a)) @ W.T


def backward_step(W, b, x, da, g_prime):
    a = g(x @ W + b)
    dz = da * g_prime(a)
    return np.outer(x, dz), dz, dz @ W.T
