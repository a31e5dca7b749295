"""Plain-JSON encoding of call arguments: numbers, lists, tuples, dicts, arrays and Fn."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def encode(value: Any) -> Any:
    """Turn a checker's argument into JSON data (the grading side)."""
    from calccourse.grading import Fn

    if isinstance(value, Fn):
        return {"$fn": value.expr, "params": list(value.params)}
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if hasattr(value, "dtype") and hasattr(value, "tolist"):  # NumPy arrays and scalars
        return encode(value.item()) if value.ndim == 0 else {"$array": value.tolist()}
    if isinstance(value, tuple):
        return {"$tuple": [encode(item) for item in value]}
    if isinstance(value, list):
        return [encode(item) for item in value]
    if isinstance(value, dict):
        return {"$dict": {str(key): encode(item) for key, item in value.items()}}
    raise TypeError(f"cannot pass a {type(value).__name__} to an answer")


def function_of(expr: str, params: Sequence[str]) -> Any:
    """The function an ``Fn`` stands for: the same code on both sides of the sandbox."""
    import numpy

    return eval(f"lambda {', '.join(params)}: {expr}", {"np": numpy})  # noqa: S307 - the checker's text


def decode(value: Any) -> Any:
    """Turn JSON data back into arguments (the answer's side): fresh objects every call."""
    if isinstance(value, list):
        return [decode(item) for item in value]
    if isinstance(value, dict):
        if "$fn" in value:
            return function_of(value["$fn"], value["params"])
        if "$array" in value:
            import numpy

            return numpy.array(value["$array"], dtype=float)
        if "$tuple" in value:
            return tuple(decode(item) for item in value["$tuple"])
        return {key: decode(item) for key, item in value["$dict"].items()}
    return value
