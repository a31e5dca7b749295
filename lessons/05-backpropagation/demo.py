"""Lesson 5 demo: train a small network on two circles.

The network (forward, backward, the loss) is in network.py beside
this file; its backward() is shown in the explanation above. Here we
check its gradients, train it, and plot what it learned.
"""

import matplotlib.pyplot as plt
import numpy as np
from calccourse.author import styled

try:
    from . import network as net
except ImportError:  # run as a script: python demo.py
    import network as net  # type: ignore[no-redef]

SEED = 0
SIZES = [2, 4, 3, 1]  # 2 inputs, ReLU, ReLU, sigmoid output
LEARNING_RATE = 0.5
EPOCHS = 1000


def mean_loss(params, X, y):
    return net.bce_loss(net.forward(params, X)[1][-1], y)


def gradient_check(params, X, y, eps=1e-6):
    """Relative gap |g − n| / (|g| + |n|) between backward()'s
    gradient g and central differences n of the loss."""
    z_s, a_s = net.forward(params, X)
    grads = net.backward(params, z_s, a_s, y)
    by_backprop, numeric = [], []
    for (W, b), (dW, db) in zip(params, grads):
        for array, grad in ((W, dW), (b, db)):
            for index in np.ndindex(array.shape):
                saved = array[index]
                array[index] = saved + eps
                up = mean_loss(params, X, y)
                array[index] = saved - eps
                down = mean_loss(params, X, y)
                array[index] = saved
                numeric.append((up - down) / (2 * eps))
                by_backprop.append(grad[index])
    g, n = np.array(by_backprop), np.array(numeric)
    return np.linalg.norm(g - n) / (np.linalg.norm(g) + np.linalg.norm(n))


def train(ctx, params, X, y, X_test, y_test, lr, epochs):
    """Full-batch gradient descent at learning rate lr.

    Keeps the loss and training accuracy of every epoch, the held-out
    accuracy of every 10th.
    """
    history = {"loss": [], "train": [], "test": []}
    for epoch in ctx.track(range(epochs), "training", total=epochs):
        z_s, a_s = net.forward(params, X)
        history["loss"].append(net.bce_loss(a_s[-1], y))
        history["train"].append(np.mean((a_s[-1] > 0.5) == (y > 0.5)))
        if epoch % 10 == 0:
            test = net.accuracy(params, X_test, y_test)
            history["test"].append((epoch, test))
        grads = net.backward(params, z_s, a_s, y)
        params = [
            (W - lr * dW, b - lr * db)
            for (W, b), (dW, db) in zip(params, grads)
        ]
    return params, history


def plot_history(history):
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
    epochs = np.arange(len(history["loss"]))
    left.plot(epochs, history["loss"], label="training loss")
    left.axhline(np.log(2), color="grey", ls=":", label="ln 2: a coin toss")
    title = "Binary cross-entropy (mean over samples)"
    styled(left, title, x="epoch", y="loss")

    right.plot(epochs, history["train"], label="training points")
    right.plot(*zip(*history["test"]), label="held-out points")
    right.axhline(0.95, color="grey", ls=":", label="95%")
    right.set_ylim(0.4, 1.02)
    where = "lower right"  # the legend, below the curves
    styled(right, "Accuracy", x="epoch", y="fraction correct", legend=where)
    fig.tight_layout()
    return fig


def plot_boundary(params, X_test, y_test, test_accuracy):
    # The network's output p on a fine grid over the points
    grid = np.linspace(-1.7, 1.7, 200)
    gx, gy = np.meshgrid(grid, grid)
    points = np.column_stack([gx.ravel(), gy.ravel()])
    p = net.forward(params, points)[1][-1].reshape(gx.shape)

    fig, ax = plt.subplots(figsize=(6.2, 5.2))
    levels = np.linspace(0, 1, 11)
    shade = ax.contourf(gx, gy, p, levels, cmap="RdBu_r", alpha=0.35)
    ax.contour(gx, gy, p, levels=[0.5], colors="black")
    outer, inner = y_test.ravel() == 0, y_test.ravel() == 1
    label = "outer circle (label 0)"
    ax.scatter(*X_test[outer].T, s=9, color="tab:blue", label=label)
    label = "inner circle (label 1)"
    ax.scatter(*X_test[inner].T, s=9, color="tab:red", label=label)
    ax.plot([], [], color="black", label="boundary: p = 0.5")
    fig.colorbar(shade, ax=ax, label="network output p")
    title = (
        "Decision boundary and held-out points\n"
        f"{test_accuracy:.1%} classified correctly"
    )
    legend = dict(loc="upper left", fontsize=8, framealpha=0.9)
    styled(ax, title, x="x₁", y="x₂", legend=legend, aspect="equal")
    return fig


def run(ctx):
    rng = np.random.default_rng(SEED)
    X, y = net.make_circles(1000, rng)  # training points
    X_test, y_test = net.make_circles(1000, rng)  # held out
    start = net.init_network(SIZES, rng, scale=0.1)
    ctx.say(
        f"Network {SIZES}: ReLU, ReLU, sigmoid; weights from N(0, 0.1²)."
    )

    gap = gradient_check(start, X[:100], y[:100])
    label = "gradient check (backward vs differences)"
    ctx.record("gradient_check", gap, label, f"{gap:.1e}")
    loss = mean_loss(start, X, y)
    before = net.accuracy(start, X_test, y_test)
    label = "loss before training (ln 2 = 0.6931)"
    ctx.record("loss_before", loss, label, f"{loss:.4f}")
    label = "held-out accuracy before"
    ctx.record("accuracy_before", before, label, f"{before:.3f}")

    params, history = train(
        ctx, start, X, y, X_test, y_test, LEARNING_RATE, EPOCHS
    )
    ctx.say(
        f"Gradient descent, {EPOCHS} epochs, learning rate {LEARNING_RATE}:"
    )
    loss = mean_loss(params, X, y)
    after = net.accuracy(params, X_test, y_test)
    fit = net.accuracy(params, X, y)
    ctx.record("loss_after", loss, "loss after training", f"{loss:.4f}")
    label = "training accuracy"
    ctx.record("train_accuracy_after", fit, label, f"{fit:.3f}")
    label = "held-out accuracy after"
    ctx.record("accuracy_after", after, label, f"{after:.3f}")
    test_at = dict(history["test"])
    loss_at, train_at = history["loss"], history["train"]
    rows = [
        (e, f"{loss_at[e]:.4f}", f"{train_at[e]:.3f}", f"{test_at[e]:.3f}")
        for e in (0, 100, 200, 300, 400, 500, 750)
    ]
    columns = ["epoch", "loss", "accuracy: training", "held-out"]
    ctx.table("Progress", columns, rows)

    # The original's faults scaled every gradient by 2 (in σ′) and by
    # 1000 (a sum, not a mean): its rate 0.005 was in effect 10.
    ctx.say(
        "The original's step, 0.005 × 2 × 1000 = 10, "
        "same start, 150 epochs:"
    )
    step = 0.005 * 2 * len(X)
    original, _ = train(ctx, start, X, y, X_test, y_test, step, 150)
    acc = net.accuracy(original, X_test, y_test)
    label = "held-out accuracy"
    ctx.record("original_step_accuracy", acc, label, f"{acc:.3f}")

    ctx.save(plot_history(history), "training")
    ctx.save(plot_boundary(params, X_test, y_test, after), "boundary")


if __name__ == "__main__":
    from calccourse.author import run_standalone

    run_standalone(run, 5)
