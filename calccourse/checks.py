"""0.1's helpers for judges, kept importable for one release: use :mod:`calccourse.author`."""

from calccourse.author import (
    KnownMistake,
    WrongAnswer,
    as_array,
    as_bool,
    as_number,
    as_vector,
    close,
    describe_args,
    fmt,
    function_test,
    numbers,
    recognise,
)

__all__ = [
    "KnownMistake",
    "WrongAnswer",
    "as_array",
    "as_bool",
    "as_number",
    "as_vector",
    "close",
    "describe_args",
    "fmt",
    "function_test",
    "numbers",
    "recognise",
]
