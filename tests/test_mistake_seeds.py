"""No seed lets a known mistake pass: each lesson's mistakes judged in process over many seeds.

A checker that draws its inputs at random must draw, at every seed, inputs that tell each
known mistake from a right answer (lesson 1's abs() passed at about one seed in fifty).
"""

from __future__ import annotations

import runpy
import types

import numpy as np
import pytest

from calccourse.discovery import discover
from calccourse.grading import plan
from calccourse.testing import judge_in_process

LESSONS = discover(use_entry_points=False).lessons
SEEDS = [*range(0, 4000, 211), 213, 304, 347, 352, 384, 20261126]  # and the seeds abs() once passed


def answer_module(path) -> types.ModuleType:
    module = types.ModuleType("answer")
    module.__dict__.update(runpy.run_path(str(path), run_name="answer"))
    return module


@pytest.mark.parametrize("plugin", LESSONS, ids=lambda p: p.slug)
def test_no_seed_lets_a_known_mistake_pass(plugin):
    mistakes = {m.path.name: answer_module(m.path) for m in plugin.mistakes}
    passed = [
        (name, seed)
        for seed in SEEDS
        for name, module in mistakes.items()
        if judge_in_process(plugin, module, seed=seed).status == "pass"
    ]
    assert not passed, f"known mistakes that pass at some seed: {passed}"


def test_lesson_1_asks_where_f_falls_and_where_it_rises_at_every_seed():
    """abs() around the difference is caught only where f falls: every seed has such points,
    on the exercise's f and on a hidden one, and points where f rises."""
    lesson = next(p for p in LESSONS if p.number == 1)
    for seed in range(300):
        _, exercise, hidden = plan(lesson, seed)
        for test in (exercise, hidden):
            slopes = [
                (call.args[0](call.args[1] + 1e-7) - call.args[0](call.args[1])) / 1e-7 for call in test.calls
            ]
            assert min(slopes) < -0.5 and max(slopes) > 0.5, (seed, test.name, np.round(slopes, 2))
