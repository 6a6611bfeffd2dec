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
echo "[setup] done: $("$venv/bin/python" -c 'import torch, nbgrader; print("torch", torch.__version__, "| nbgrader", nbgrader.__version__)')"
