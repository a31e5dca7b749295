"""The course network: a small fully connected net trained by plain
gradient descent.

Shared by the demo (which shows it training) and the checker (which
trains it with a learner's bonus settings). Row-vector convention: a
batch X has one sample per row, a dense layer computes z = a·W + b with
W of shape inputs × outputs.
"""

from __future__ import annotations

import time

import numpy as np


def make_circles(n, rng, factor=0.5, noise=0.1):
    """Two noisy concentric circles: n points, (X of shape n × 2, y of
    shape n × 1).

    Half the points lie on the unit circle (label 0), half on a circle of
    radius ``factor`` (label 1); Gaussian noise of standard deviation
    ``noise`` is added to both coordinates, as scikit-learn's
    make_circles does.
    """
    n_outer = n // 2
    n_inner = n - n_outer
    angle = rng.uniform(0.0, 2 * np.pi, n)
    radius = np.concatenate([np.ones(n_outer), np.full(n_inner, factor)])
    X = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    X += rng.normal(0.0, noise, X.shape)
    y = np.concatenate([np.zeros(n_outer), np.ones(n_inner)]).reshape(-1, 1)
    order = rng.permutation(n)
    return X[order], y[order]


# Activations and their derivatives, as functions of z.
def relu(z):
    return np.maximum(z, 0.0)


def relu_prime(z):
    return np.where(z > 0, 1.0, 0.0)


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def sigmoid_prime(z):
    s = sigmoid(z)
    return s * (1.0 - s)  # the original had 2·σ(1 − σ): a spurious factor 2


def init_network(sizes, rng, scale=0.1):
    """One (W, b) per layer: W of shape n_in × n_out drawn from
    N(0, scale²), b = 0."""
    return [
        (rng.normal(0.0, scale, (n_in, n_out)), np.zeros(n_out))
        for n_in, n_out in zip(sizes[:-1], sizes[1:])
    ]


def activations_for(n_layers):
    """ReLU on every hidden layer, sigmoid on the output: a list of
    (g, g′) pairs."""
    return [(relu, relu_prime)] * (n_layers - 1) + [
        (sigmoid, sigmoid_prime)
    ]


def forward(params, X):
    """Run the batch X through the network; keep every z and a for the
    backward pass."""
    a_s, z_s = [X], []
    for (W, b), (g, _) in zip(params, activations_for(len(params))):
        z = a_s[-1] @ W + b
        z_s.append(z)
        a_s.append(g(z))
    return z_s, a_s


def bce_loss(p, y):
    """Binary cross-entropy, averaged over the samples."""
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def backward(params, z_s, a_s, y):
    """Gradients of the mean loss with respect to every W and b, by the
    chain rule.

    Going back one layer applies two Jacobians:
      dz[l]   = da[l] ⊙ g′(z[l])   the activation's Jacobian is diagonal:
                                   diag(g′(z))
      da[l−1] = dz[l] · W[l]ᵀ      the dense layer's Jacobian ∂z/∂a is Wᵀ
    and the layer's own parameters get dW[l] = a[l−1]ᵀ · dz[l],
    db[l] = Σ dz[l].
    """
    n = len(y)
    p = np.clip(a_s[-1], 1e-12, 1 - 1e-12)
    da = (-(y / p) + (1 - y) / (1 - p)) / n  # ∂(mean loss)/∂p: note the 1/n
    grads = [None] * len(params)
    # l as in the formulas
    for l in reversed(range(len(params))):  # noqa: E741
        W, _ = params[l]
        _, g_prime = activations_for(len(params))[l]
        dz = da * g_prime(z_s[l])  # activation: diag(g′(z))
        grads[l] = (a_s[l].T @ dz, dz.sum(axis=0))
        da = dz @ W.T  # dense layer: Wᵀ
    return grads


def accuracy(params, X, y):
    _, a_s = forward(params, X)
    return float(np.mean((a_s[-1] > 0.5) == (y > 0.5)))


def train_step(params, X, y, learning_rate):
    """One step of full-batch gradient descent.

    Returns the new parameters.
    """
    z_s, a_s = forward(params, X)
    grads = backward(params, z_s, a_s, y)
    return [
        (W - learning_rate * dW, b - learning_rate * db)
        for (W, b), (dW, db) in zip(params, grads)
    ]


def train(params, X, y, learning_rate, epochs, time_budget=None):
    """Gradient descent for ``epochs`` steps (or until ``time_budget``
    seconds pass).

    Returns the trained parameters and the number of epochs run.
    """
    started = time.perf_counter()
    for epoch in range(epochs):
        if (
            time_budget is not None
            and time.perf_counter() - started > time_budget
        ):
            return params, epoch
        params = train_step(params, X, y, learning_rate)
    return params, epochs
