from calccourse.author import Lesson

LESSON = Lesson(
    number=7,
    slug="svm",
    title="Support vector machine",
    summary="The widest-margin line: constrained optimisation with Lagrange multipliers.",
    answer=("svm_line(points, labels)", "support_vectors(points, labels)"),
)
