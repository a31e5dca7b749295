#!/usr/bin/env bash
# Gradescope autograder setup for calccourse: Gradescope runs this once, as root, when
# it builds the autograder image (Ubuntu base image). Zip it with run_autograder and
# calccourse's wheel (the files at the top of the zip). See docs/ci-recipes.md.
set -euo pipefail

# What pip installs, and nothing else: a calccourse wheel shipped in the zip (found
# here by itself when there is exactly one), or the course repository pinned to a tag
# or commit, e.g. "git+https://github.com/OWNER/calccourse@v0.2.0" (or a wheel's https
# URL ending in #sha256=<its hash>). There is no
# calccourse on PyPI: a bare name would install whatever someone published under it.
CALCCOURSE_SPEC="${CALCCOURSE_SPEC:-}"

here="$(cd "$(dirname "$0")" && pwd)"
if [ -z "$CALCCOURSE_SPEC" ]; then
    wheels=("$here"/calccourse-*.whl)
    if [ "${#wheels[@]}" -eq 1 ] && [ -f "${wheels[0]}" ]; then
        CALCCOURSE_SPEC="${wheels[0]}"
    else
        echo "setup.sh: put calccourse's wheel in the zip (python -m pip wheel --no-deps ." >&2
        echo "in the calccourse repository), or set CALCCOURSE_SPEC to a pinned Git URL." >&2
        exit 1
    fi
fi
pinned_git='^git\+https://[^@/]+(/[^@/]+)+@[^@/]+$'  # no ssh, no token in the URL
hashed_wheel='^https://[^@#]+\.whl#sha256=[0-9a-f]{64}$'
if [[ "$CALCCOURSE_SPEC" == /*.whl ]]; then
    [ -f "$CALCCOURSE_SPEC" ] || { echo "setup.sh: no wheel $CALCCOURSE_SPEC" >&2; exit 1; }
elif ! [[ "$CALCCOURSE_SPEC" =~ $pinned_git || "$CALCCOURSE_SPEC" =~ $hashed_wheel ]]; then
    echo "setup.sh: CALCCOURSE_SPEC=$CALCCOURSE_SPEC is neither a wheel nor a Git URL pinned" \
        "with @tag or @commit (nor an https wheel with #sha256=); refusing to install it." >&2
    exit 1
fi

apt-get update
apt-get install -y --no-install-recommends python3 python3-venv git
python3 -m venv /opt/calccourse
/opt/calccourse/bin/python -m pip install --upgrade pip
/opt/calccourse/bin/python -m pip install "$CALCCOURSE_SPEC"
ln -sf /opt/calccourse/bin/calccourse /usr/local/bin/calccourse
calccourse --version
