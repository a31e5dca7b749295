from calccourse.author import Lesson

LESSON = Lesson(
    number=2,
    slug="integrals",
    title="Integration",
    summary="Area under a curve as a running sum; antiderivatives and + C.",
    answer=("antiderivative(x)", "area(f, a, b, dx)"),
)
