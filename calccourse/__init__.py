"""calccourse: calculus for machine learning in seven lessons, with a grader."""

__version__ = "0.3.0"
