"""Simulate macos in every interpreter started with this folder on PYTHONPATH (see ../platforms.py)."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import platforms  # noqa: E402

sys.path.pop(0)
platforms.macos()
