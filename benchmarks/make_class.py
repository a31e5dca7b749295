"""Write a class of lesson-1 answers: correct ones in several styles, wrong ones, crashing ones.

python benchmarks/make_class.py DIR [COUNT]
"""

from __future__ import annotations

import sys
from pathlib import Path

STYLES = {
    "rules": "def derivative(x):\n    return 3 * x**2 - 4 * x\n\n"
    "def rate_of_change(f, x, dx):\n    return (f(x + dx) - f(x)) / dx\n",
    "numpy": "import numpy as np\n\ndef derivative(x):\n    return np.polyval(np.polyder([1, -2, 0, 1]), x)\n\n"
    "def rate_of_change(f, x, dx):\n    return (f(x + dx) - f(x - dx)) / (2 * dx)\n",
    "sympy": "import sympy as sp\n\nx_ = sp.symbols('x')\n_d = sp.lambdify(x_, sp.diff(x_**3 - 2*x_**2 + 1, x_))\n\n"
    "def derivative(x):\n    return _d(x)\n\ndef rate_of_change(f, x, dx):\n    return (f(x) - f(x - dx)) / dx\n",
    "constant": "def derivative(x):\n    return 3 * x**2 - 4 * x + 1\n\n"
    "def rate_of_change(f, x, dx):\n    return (f(x + dx) - f(x)) / dx\n",
    "twice": "def derivative(x):\n    return 3 * x**2 - 4 * x\n\n"
    "def rate_of_change(f, x, dx):\n    return (f(x + dx) - f(x)) / dx / dx\n",
    "crash": "import numpy as np\nraise RuntimeError('oops')\n",
    "syntax": "def derivative(x)\n    return 3 * x**2\n",
    "template": "def derivative(x):\n    raise NotImplementedError\n\n"
    "def rate_of_change(f, x, dx):\n    raise NotImplementedError\n",
}


def main() -> None:
    folder = Path(sys.argv[1])
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    folder.mkdir(parents=True, exist_ok=True)
    names = list(STYLES)
    for i in range(count):
        style = names[i % len(names)]
        (folder / f"student{i:03d}_{style}.py").write_text(STYLES[style])


if __name__ == "__main__":
    main()
