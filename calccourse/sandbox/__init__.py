"""Run untrusted answer files in separate processes and get plain values back.

``runner`` is the grading side; ``worker`` a long-lived process that forks one
child per answer; ``child`` what runs inside that child; ``protocol`` the plain
JSON values they exchange.
"""
