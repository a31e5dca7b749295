from calccourse.author import Lesson

LESSON = Lesson(
    number=6,
    slug="optimisation",
    title="Optimisation",
    summary="Maxima and minima where the derivative is zero; the second derivative decides.",
    answer=(
        "derivative(x)",
        "critical_points",
        "has_extremum",
        "find_critical_points(f, a, b)",
    ),
)
