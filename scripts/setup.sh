#!/usr/bin/env bash
# Create or update the course's virtual environment (called by `make`; safe to re-run).
set -euo pipefail
venv=${1:-.venv}
python=${PYTHON:-python3}
if [ ! -x "$venv/bin/python" ]; then
  echo "[setup] creating $venv with $($python --version)"
  "$python" -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --upgrade pip
echo "[setup] installing the course and its dependencies (torch==2.13.0 CPU, nbgrader, jupyterlab, ...)"
"$venv/bin/python" -m pip install --quiet -e ".[dev]"
# Debian's chromium for the real-browser test: tests/test_browser.py drives it with Playwright
# through its executable path (`playwright install` downloads a browser, which these machines cannot).
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "[setup] installing chromium (apt-get install chromium) for the browser test"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "[setup] note: no /usr/bin/chromium; install Debian's chromium package (as root) to run tests/test_browser.py"
  fi
fi
echo "[setup] done: $("$venv/bin/python" -c 'import torch, nbgrader; print("torch", torch.__version__, "| nbgrader", nbgrader.__version__)')"
