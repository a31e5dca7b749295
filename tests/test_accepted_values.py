"""Every value the answer contract accepts is accepted: the reference solution of each lesson,
its every result re-typed as a learner might return it, still passes through the sandbox.

docs/answer-contract.md ("Accepted return types"): any real number (Python int, float,
Fraction, Decimal, every NumPy integer and float type including longdouble, a 0-d array, a
SymPy number); for a vector or list, any
sequence or array of the right length (tuple and list subclasses such as namedtuples
included; ... a SymPy matrix for a 2-vector); ... booleans including NumPy's; NumPy
integers as indices.
"""

from __future__ import annotations

import textwrap

import pytest

from calccourse.discovery import discover
from calccourse.sandbox import open_sandbox
from tests.conftest import grade_file

LESSONS = discover(use_entry_points=False).lessons

# How to re-type a result: numbers, sequences and arrays each as the contract allows.
RETYPE = {
    "tuple subclass": "seq=lambda v: Pair(v)",
    "namedtuple": "seq=lambda v: Named(*v) if len(v) == len(Named._fields) else Pair(v)",
    "typing.NamedTuple": "seq=lambda v: Typed(*v) if len(v) == 3 else tuple(v)",
    "list subclass": "seq=lambda v: Items(v)",
    "deque": "seq=lambda v: collections.deque(v)",
    "Decimal": "number=lambda x: decimal.Decimal(repr(float(x)))",
    "Fraction": "number=lambda x: fractions.Fraction(float(x))",
    "longdouble": "number=np.longdouble, array=lambda a: a.astype(np.longdouble)",
    "0-d array": "number=lambda x: np.array(float(x))",
    "float32": (
        "number=lambda x: x if float(x).is_integer() else np.float32(x), array=lambda a: a.astype(np.float32)"
    ),
    "NumPy scalars": (
        "number=lambda x: np.int64(x) if float(x).is_integer() else np.float64(x), boolean=np.bool_"
    ),
    "SymPy numbers": (
        "number=lambda x: sympy.Integer(int(x)) if float(x).is_integer() else sympy.Float(float(x), 30)"
    ),
    "IntEnum indices": "number=lambda x: Index(int(x)) if float(x).is_integer() and 0 <= x < 50 else x",
    "object array": (
        "seq=lambda v: np.array(v, dtype=object) if numbers(v) else v, array=lambda a: a.astype(object)"
    ),
    "SymPy Tuple": "seq=lambda v: sympy.Tuple(*v) if numbers(v) else v",
}

WRAPPER = """
import collections, decimal, enum, fractions, importlib.util, typing
import numpy as np
import sympy

class Pair(tuple):
    pass

class Items(list):
    pass

Named = collections.namedtuple("Named", "a b c")

class Typed(typing.NamedTuple):
    first: object
    second: object
    third: object

Index = enum.IntEnum("Index", [(f"i{{k}}", k) for k in range(50)])

def keep(v):
    return v

def numbers(v):
    return bool(v) and all(type(x) in (int, float) for x in v)

def retype(value, number=keep, seq=keep, array=keep, boolean=keep):
    if isinstance(value, (bool, np.bool_)):
        return boolean(bool(value))
    if isinstance(value, (int, float, np.integer, np.floating)):
        return number(value)
    if isinstance(value, np.ndarray):
        return array(value) if array is not keep or value.ndim == 0 else value
    if isinstance(value, (list, tuple)):
        return seq([retype(v, number, seq, array, boolean) for v in value])
    return value

spec = importlib.util.spec_from_file_location("reference", {solution!r})
reference = importlib.util.module_from_spec(spec)
spec.loader.exec_module(reference)
options = dict({options})

def wrapped(function):
    return lambda *args: retype(function(*args), **options)

for name in {names!r}:
    value = getattr(reference, name)
    globals()[name] = wrapped(value) if callable(value) else retype(value, **options)
"""


@pytest.fixture(scope="module")
def sandbox():
    with open_sandbox() as pool:
        yield pool


@pytest.mark.parametrize("plugin", LESSONS, ids=lambda p: p.slug)
@pytest.mark.parametrize("kind", RETYPE)
def test_a_correct_answer_passes_in_every_type_the_contract_accepts(plugin, kind, sandbox, tmp_path):
    names = list(plugin.lesson.names) + [n.split("(")[0] for n in plugin.lesson.optional]
    answer = tmp_path / "answer.py"
    answer.write_text(
        textwrap.dedent(WRAPPER).format(
            solution=str(plugin.folder / "solution.py"), options=RETYPE[kind], names=names
        )
    )
    report = grade_file(plugin, answer, sandbox, seed=2).report
    failing = [f"{t.name}: {t.message} {t.feedback or ''}" for t in report.tests if t.status != "pass"]
    assert report.load_error is None, report.load_error
    assert not failing, "\n".join(failing)
