"""Plain-JSON encoding of call arguments: numbers, lists, tuples, dicts, arrays and Fn."""

from __future__ import annotations

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


def decode(value: Any, make_function: Any, make_array: Any) -> Any:
    """Turn JSON data back into arguments (the answer's side): fresh objects every call."""
    if isinstance(value, list):
        return [decode(item, make_function, make_array) for item in value]
    if isinstance(value, dict):
        if "$fn" in value:
            return make_function(value["$fn"], value["params"])
        if "$array" in value:
            return make_array(value["$array"])
        if "$tuple" in value:
            return tuple(decode(item, make_function, make_array) for item in value["$tuple"])
        return {key: decode(item, make_function, make_array) for key, item in value["$dict"].items()}
    return value
