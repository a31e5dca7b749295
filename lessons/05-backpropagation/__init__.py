from calccourse.author import Lesson

LESSON = Lesson(
    number=5,
    slug="backpropagation",
    title="Backpropagation",
    summary="The chain rule through a network: Jacobians of layers, multiplied.",
    answer=(
        "dense_jacobian(W, b, x, g_prime)",
        "backward_step(W, b, x, da, g_prime)",
    ),
    optional=("HIDDEN_LAYERS", "LEARNING_RATE", "EPOCHS"),
)
