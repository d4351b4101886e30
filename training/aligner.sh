#!/usr/bin/env bash
# Trains and compares the aligner tokens on the frozen chat model (training/out/pocket-sft), then
# ships the chosen ones into public/models/pocket-aligner/. About half an hour on two CPU cores.
# Every variant sees the same data and is evaluated on the same held-out sentences; the plain
# model's figures ("before") are measured once and reused.
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-/usr/bin/python3}
CHAT=${CHAT:-pocket-sft}
DEFAULT=${DEFAULT_ALIGNER:-aligner-distil}
EVAL="--eval-n 300 --gen-n 30"
(cd data && "$PY" aligner.py)
"$PY" train_aligner.py --chat "$CHAT" --mode sft --run aligner-sft --steps 150 $EVAL
"$PY" train_aligner.py --chat "$CHAT" --mode dpo --run aligner-dpo --steps 100 --before aligner-sft $EVAL
"$PY" train_aligner.py --chat "$CHAT" --mode rdpo --run aligner-rdpo --steps 100 --before aligner-sft $EVAL
"$PY" train_aligner.py --chat "$CHAT" --mode distil --run aligner-distil --steps 150 --before aligner-sft $EVAL
"$PY" train_aligner.py --chat "$CHAT" --mode full --run aligner-full --steps 100 --before aligner-sft $EVAL
"$PY" export_aligner.py --runs aligner-sft aligner-dpo aligner-distil --default "$DEFAULT"
