from calccourse.author import Lesson

LESSON = Lesson(
    number=8,
    slug="taylor",
    title="Taylor series",
    summary="A function near a point as a polynomial built from its derivatives there.",
    answer=(
        "taylor_eval(derivatives, a, x)",
        "newton_step(derivatives, a)",
    ),
)
