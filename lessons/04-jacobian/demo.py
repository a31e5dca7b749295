"""Lesson 4 demo: the Jacobian of f(x, y) = (2xy, x²y), by SymPy, by
finite differences, and in a picture."""

import matplotlib.pyplot as plt
import numpy as np
import sympy
from calccourse.author import styled


def symbolic_jacobian():
    """f as a SymPy column of two outputs, and its Jacobian with respect
    to (x, y)."""
    x, y = sympy.symbols("x y")
    f = sympy.Matrix([2 * x * y, x**2 * y])
    return f, f.jacobian([x, y]), (x, y)


def f(x, y):
    """The same function in NumPy: works on numbers and on arrays alike."""
    return np.array([2 * x * y, x**2 * y])


def jacobian(x, y):
    """SymPy's answer typed in: row i is output i, column j is the
    derivative by input j."""
    return np.array([[2 * y, 2 * x], [2 * x * y, x**2]])


def finite_difference_jacobian(f, x, y, h=1e-6):
    """Column j = (f(p + h·eⱼ) − f(p − h·eⱼ)) / 2h: how the outputs move
    when input j moves."""
    by_x = (f(x + h, y) - f(x - h, y)) / (2 * h)
    by_y = (f(x, y + h) - f(x, y - h)) / (2 * h)
    return np.column_stack([by_x, by_y])


def grid_lines(x0, y0, half, lines=5, samples=60):
    """A square grid of side 2·half around (x0, y0): (xs, ys, colour)
    for each line.

    Lines of constant y are blue, lines of constant x red, so their
    images can be told apart.
    """
    steps, fine = (
        np.linspace(-half, half, lines),
        np.linspace(-half, half, samples),
    )
    for offset in steps:
        yield x0 + fine, y0 + np.full_like(fine, offset), "tab:blue"
        yield x0 + np.full_like(fine, offset), y0 + fine, "tab:red"


def draw_images(ax, x0, y0, half):
    """f of the grid (solid, curved) and f(p) + J·(grid − p) (dashed,
    straight) on one Axes."""
    J, centre = jacobian(x0, y0), f(x0, y0)
    for xs, ys, colour in grid_lines(x0, y0, half):
        ax.plot(*f(xs, ys), color=colour, lw=1.4)
        linear = centre[:, None] + J @ np.vstack([xs - x0, ys - y0])
        ax.plot(*linear, color=colour, lw=1.0, ls="--")
    ax.plot(*centre, "ko")
    # Black lines with no points: the legend's two entries, for both colours
    ax.plot([], [], color="black", lw=1.4, label="f(grid)")
    ax.plot(
        [], [], color="black", lw=1.0, ls="--", label="f(p) + J·(grid − p)"
    )
    title = f"Their images, grid of side {2 * half:g}"
    legend = dict(loc="upper left", fontsize=9)
    across, up = "first output 2xy", "second output x²y"
    styled(ax, title, x=across, y=up, grid=True, legend=legend)


def plot_linear_map(x0, y0, half=0.3, zoom=0.1):
    """A grid around p = (x0, y0), its image under f, and the Jacobian's
    linear approximation.

    Near p: f(x0 + dx, y0 + dy) ≈ f(p) + J·(dx, dy). Shrink the grid and
    the curved image and the straight one become hard to tell apart.
    """
    fig, (left, middle, right) = plt.subplots(1, 3, figsize=(15, 4.8))
    for half_side, width in ((half, 1.2), (zoom, 0.6)):
        for xs, ys, colour in grid_lines(x0, y0, half_side):
            left.plot(xs, ys, color=colour, lw=width)
    left.plot([x0], [y0], "ko")
    where = dict(textcoords="offset points", xytext=(6, 6))
    left.annotate(f"p = ({x0:g}, {y0:g})", (x0, y0), **where)
    title = (
        f"Inputs: grids of side {2 * half:g} and {2 * zoom:g} around p\n"
        "(blue: y constant, red: x constant)"
    )
    styled(left, title, x="x", y="y", grid=True, aspect="equal")
    draw_images(middle, x0, y0, half)
    draw_images(right, x0, y0, zoom)
    J = jacobian(x0, y0)
    fig.suptitle(
        f"f(x, y) = (2xy, x²y) near p = ({x0:g}, {y0:g}), where "
        f"J = [[{J[0, 0]:g}, {J[0, 1]:g}], [{J[1, 0]:g}, {J[1, 1]:g}]]: "
        "the closer to p, the more f looks like its linear map"
    )
    fig.tight_layout()
    return fig


def run(ctx):
    f_sym, J_sym, _ = symbolic_jacobian()
    # SymPy's pretty printer draws matrices with Unicode brackets where
    # the terminal can show them; printed as they are, not as markup
    plain = dict(markup=False, highlight=False)
    ctx.say("f(x, y) = (2xy, x²y) as a SymPy column:")
    ctx.console.print(sympy.pretty(f_sym, use_unicode=ctx.unicode), **plain)
    ctx.say("\nf.jacobian([x, y]):")
    ctx.console.print(sympy.pretty(J_sym, use_unicode=ctx.unicode), **plain)
    entries = [[str(entry) for entry in row] for row in J_sym.tolist()]
    label = "Jacobian (row = output, column = input)"
    ctx.record("jacobian", entries, label, str(J_sym.tolist()))

    x0, y0 = 1.5, -0.5
    exact = jacobian(x0, y0)
    numeric = finite_difference_jacobian(f, x0, y0)
    ctx.say(
        f"\nCheck at (x, y) = ({x0}, {y0}) with central differences, "
        "h = 1e-6:"
    )
    names = [["∂(2xy)/∂x", "∂(2xy)/∂y"], ["∂(x²y)/∂x", "∂(x²y)/∂y"]]
    rows = [
        (names[i][j], f"{exact[i, j]:.6f}", f"{numeric[i, j]:.6f}")
        for i in range(2)
        for j in range(2)
    ]
    ctx.table("", ["entry", "formula", "finite difference"], rows)
    gap = float(np.max(np.abs(exact - numeric)))
    ctx.record("check_point", [x0, y0], "point")
    label = "J from the formula"
    ctx.record("exact_at_point", exact.tolist(), label, str(exact.tolist()))
    label = "largest gap, formula − finite differences"
    ctx.record("max_gap", gap, label, f"{gap:.1e}")

    ctx.save(plot_linear_map(1.0, 0.5), "linear-map")


if __name__ == "__main__":
    from calccourse.author import run_standalone

    run_standalone(run, 4)
