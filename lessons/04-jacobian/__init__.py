from calccourse.author import Lesson

LESSON = Lesson(
    number=4,
    slug="jacobian",
    title="Jacobian",
    summary="The derivative of a vector function: the matrix of partial derivatives.",
    answer=("jacobian",),
)
