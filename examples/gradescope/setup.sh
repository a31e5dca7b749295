#!/usr/bin/env bash
# Gradescope autograder setup for calccourse: Gradescope runs this once, as root, when
# it builds the autograder image (Ubuntu 22.04 base image). Zip it with run_autograder
# (the two files at the top of the zip). See docs/ci-recipes.md.
set -euo pipefail

# What pip installs: calccourse from PyPI, or the course repository pinned to a tag,
# e.g. "git+https://github.com/OWNER/calccourse@v0.1.0", or a wheel shipped in the
# zip, e.g. "/autograder/source/calccourse-0.1.0-py3-none-any.whl".
CALCCOURSE_SPEC="${CALCCOURSE_SPEC:-calccourse}"

apt-get update
apt-get install -y --no-install-recommends python3 python3-venv git
python3 -m venv /opt/calccourse
/opt/calccourse/bin/python -m pip install --upgrade pip
/opt/calccourse/bin/python -m pip install "$CALCCOURSE_SPEC"
ln -sf /opt/calccourse/bin/calccourse /usr/local/bin/calccourse
calccourse --version
