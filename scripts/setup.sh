#!/usr/bin/env bash
# Create or update the course's virtual environment (called by `make`; safe to re-run).
set -euo pipefail
venv=${1:-.venv}
python=${PYTHON:-python3}

# apt_install PACKAGE WHAT_NEEDS_IT: install a Debian package when root, otherwise say what to do.
apt_install() {
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "[setup] installing $1 (apt-get install $1) for $2"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >/dev/null
  else
    echo "[setup] note: $1 is missing; install Debian's $1 package (as root) to run $2"
  fi
}
if [ ! -x "$venv/bin/python" ]; then
  echo "[setup] creating $venv with $($python --version)"
  "$python" -m venv "$venv"
fi
# pip's own chatter (warnings about the machine's package index configuration, setuptools' build
# notices) goes to a log that is shown only when pip fails.
pip_log="$venv/setup-pip.log"
: >"$pip_log"
pip_install() {
  if ! "$venv/bin/python" -m pip install --quiet "$@" >>"$pip_log" 2>&1; then
    echo "[setup] pip install $* failed; the end of its log ($pip_log):" >&2
    tail -n 40 "$pip_log" >&2
    exit 1
  fi
}
pip_install --upgrade pip
echo "[setup] installing the course and its dependencies (torch==2.13.0 CPU, nbgrader, jupyterlab, ...)"
# (the distributed extra: Dask, for `course autograde --scheduler` and its test, tests/test_distributed.py)
pip_install -e ".[dev,distributed]"
# PostgreSQL server (Debian's package) for the gradebook test of `course autograde --db-url`;
# the Python driver (psycopg) comes with the course's dependencies above.
if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  apt_install postgresql "its test (tests/test_autograde.py)"
fi
# The unprivileged user that runs students' code when `course autograde` grades (autograder/sandbox.py).
# Without it (or when not grading as root) kernels run as the grader's own user, with a warning.
# One user per submission graded at the same time (course-sandbox, course-sandbox-2 .. -8): two
# kernels never share a user's process limit, files or processes.
for sandbox_user in course-sandbox course-sandbox-{2..8}; do
  if ! id "$sandbox_user" >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v useradd >/dev/null 2>&1; then
      echo "[setup] creating the system user $sandbox_user (runs students' code during grading)"
      useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$sandbox_user"
    else
      echo "[setup] note: no user $sandbox_user; run this script as root so grading runs students' code as it"
    fi
  fi
done
# That user must be able to run the interpreter behind the venv (e.g. pyenv's under /root, mode 700):
# give "others" search permission (x, not r: nothing can be listed) on the folders above it.
if id course-sandbox >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  base=$("$venv/bin/python" -c 'import os, sys; print(os.path.realpath(sys.executable))')
  dir=$(dirname "$base")
  while [ "$dir" != / ]; do
    if [ "$(( $(stat -c '%#a' "$dir") & 1 ))" = 0 ]; then
      echo "[setup] chmod o+x $dir (course-sandbox must reach $base)"
      chmod o+x "$dir"
    fi
    dir=$(dirname "$dir")
  done
fi
# Debian's chromium for the real-browser test: tests/test_browser.py drives it with Playwright
# through its executable path (`playwright install` downloads a browser, which these machines cannot).
if [ ! -x /usr/bin/chromium ]; then
  apt_install chromium "the browser test (tests/test_browser.py)"
fi
echo "[setup] done: $("$venv/bin/python" -c 'import torch, nbgrader; print("torch", torch.__version__, "| nbgrader", nbgrader.__version__)')"
