"""calccourse-taylor: an example lesson pack for calccourse (lesson 8, Taylor series).

The lesson itself is the package ``calccourse_taylor.taylor``, which the pack declares
as an entry point in the group ``calccourse.lessons``.
"""
