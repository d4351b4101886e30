"""Ships trained aligner tokens: writes each run's token (embedding and gates, a few kilobytes
of numbers) as JSON into public/models/pocket-aligner/, with index.json listing them, the
default first, each with a one-line card (what it was trained for, its held-out recall and
false-positive rate) that the app's settings show.

  /usr/bin/python3 training/export_aligner.py --runs aligner-distil aligner-dpo aligner-sft --default aligner-distil
"""
import argparse
import json
import os
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parent
OUT = Path(os.environ.get("REDRAFT_TRAIN_OUT", ROOT / "out"))
LABEL = {
    "sft": "SFT (supervised on OK / Revise replies)",
    "dpo": "DPO (β = 0.1, preference pairs)",
    "rdpo": "reverse DPO (pairs swapped; AlignDistil's second teacher)",
    "distil": "AlignDistil (token-level distillation from DPO and reverse DPO)",
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", nargs="+", required=True)
    ap.add_argument("--default", required=True)
    ap.add_argument("--out", default=str(ROOT.parent / "public" / "models" / "pocket-aligner"))
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    runs = [args.default] + [r for r in args.runs if r != args.default]
    index = {"default": args.default, "tokens": []}
    for run in runs:
        record = json.loads((OUT / run / "record.json").read_text())
        state = torch.load(OUT / run / "aligner.pt", map_location="cpu")
        m = record["after"]
        card = (f"{LABEL[record['mode']]}; held-out sentences: catches {m['recall_failing']:.0%} of harmful ones, "
                f"flags {m['false_positive_rate_safe']:.0%} of safe ones "
                f"({m['false_positive_rate_safe_but_scary']:.0%} of safe-but-scary); ROC AUC {m['roc_auc']:.2f}")
        token = {
            "id": run, "mode": record["mode"], "card": card, "base_model": "pocket-lm",
            "embedding": [[round(v, 6) for v in row] for row in state["embedding"].tolist()],
            "gates": [[round(v, 6) for v in row] for row in state["gates"].tolist()],
            "metrics": m, "trainable_params": record["trainable_params"], "steps": record["steps"],
            "train_seconds": record["train_seconds"],
        }
        (out / f"{run}.json").write_text(json.dumps(token))
        index["tokens"].append({"id": run, "file": f"{run}.json", "mode": record["mode"], "card": card, "metrics": m})
        print(f"{run}: {(out / f'{run}.json').stat().st_size} bytes — {card}")
    (out / "index.json").write_text(json.dumps(index, indent=1))


if __name__ == "__main__":
    main()
