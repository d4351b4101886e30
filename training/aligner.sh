#!/usr/bin/env bash
# Trains and compares the aligner tokens on the frozen chat model (training/out/pocket-sft), then
# ships the chosen ones into public/models/pocket-aligner/. About three quarters of an hour on two
# CPU cores. Every variant sees the same data and is evaluated on the same held-out sentences; the
# plain model's figures ("before") are measured once and reused. Without a chat checkpoint (a
# fresh clone that has not run the model's training), the shipped model's weights are used.
# Ten aligner slots, not one: with one slot its softmax is always 1, so the token adds the same
# vector at every position and cannot tell one sentence from another.
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-/usr/bin/python3}
CHAT=${CHAT:-pocket-sft}
DEFAULT=${DEFAULT_ALIGNER:-aligner-sft}
COMMON="--tokens ${TOKENS:-10} --eval-n 300 --gen-n 30"
[ -f "out/$CHAT/ckpt.pt" ] || "$PY" from_shipped.py
(cd data && "$PY" aligner.py ${LABELLED:+--labelled})
"$PY" train_aligner.py --chat "$CHAT" --mode sft --run aligner-sft --steps 400 --verdict-weight 5 $COMMON
"$PY" train_aligner.py --chat "$CHAT" --mode dpo --run aligner-dpo --steps 200 --before aligner-sft $COMMON
"$PY" train_aligner.py --chat "$CHAT" --mode rdpo --run aligner-rdpo --steps 200 --before aligner-sft $COMMON
"$PY" train_aligner.py --chat "$CHAT" --mode distil --run aligner-distil --steps 300 --before aligner-sft $COMMON
"$PY" train_aligner.py --chat "$CHAT" --mode full --run aligner-full --steps 200 --verdict-weight 5 --before aligner-sft $COMMON
"$PY" export_aligner.py --runs aligner-sft aligner-dpo aligner-distil --default "$DEFAULT"
