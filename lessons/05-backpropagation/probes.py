"""Runs inside the answer's process: the bonus, training the course network with the
learner's HIDDEN_LAYERS, LEARNING_RATE and EPOCHS, under the answer's own limits (its
time limit, memory and the check's cap), never in the grading process.

It sends back the trained weights, not a score: the grading process measures them on
held-out points it never sends, so nothing the answer does in its own process can make a
network score better than it does.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import numpy as np


def _network() -> Any:
    """network.py beside this file (a probe is loaded by path, not as a package's module)."""
    spec = importlib.util.spec_from_file_location(
        "calccourse_lesson5_network", Path(__file__).with_name("network.py")
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def train(
    answer: Any, seed: int, limits: dict[str, float]
) -> dict[str, Any] | None:
    """Train on circles drawn from ``seed``; None when the settings are not within
    ``limits`` (the judge says what is wrong with them)."""
    settings = vars(answer)
    try:
        hidden, rate, epochs = (
            settings["HIDDEN_LAYERS"],
            float(settings["LEARNING_RATE"]),
            settings["EPOCHS"],
        )
        sizes = [int(size) for size in hidden]
        epochs = int(epochs)
    except (KeyError, TypeError, ValueError, OverflowError):
        return None
    if not (
        1 <= len(sizes) <= limits["layers"]
        and all(1 <= size <= limits["size"] for size in sizes)
        and 1 <= epochs <= limits["epochs"]
        and np.isfinite(rate)
        and rate > 0
    ):
        return None
    network = _network()
    rng = np.random.default_rng(seed)
    X, y = network.make_circles(1000, rng)
    params = network.init_network([2, *sizes, 1], rng, scale=0.1)
    with np.errstate(
        all="ignore"
    ):  # a diverging rate overflows; it just scores badly
        params, ran = network.train(
            params, X, y, rate, epochs, time_budget=limits["seconds"]
        )
    return {
        "weights": [[W.tolist(), b.tolist()] for W, b in params],
        "ran": ran,
    }
