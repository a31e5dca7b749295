from calccourse.author import Lesson

LESSON = Lesson(
    number=3,
    slug="gradient",
    title="Gradient of a multivariate function",
    summary="Partial derivatives and the gradient: the direction of steepest ascent.",
    answer=("gradient(x, y)", "steepest_ascent(f, x, y)"),
)
