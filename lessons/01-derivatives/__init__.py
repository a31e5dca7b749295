from calccourse.author import Lesson

LESSON = Lesson(
    number=1,
    slug="derivatives",
    title="Differential calculus",
    summary="The derivative as a rate of change, by limits and by rules.",
    answer=("derivative(x)", "rate_of_change(f, x, dx)"),
)
