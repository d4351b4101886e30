"""Ships trained aligner tokens: writes each run's token (embedding and gates, a few kilobytes
of numbers) as JSON into public/models/pocket-aligner/, with index.json listing them, the
default first, each with a one-line card (what it was trained for, its held-out recall and
false-positive rate) that the app's settings show.

  /usr/bin/python3 training/export_aligner.py --runs aligner-distil aligner-dpo aligner-sft --default aligner-distil
"""
import argparse
import json
import os
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))

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
    ap.add_argument("--chat", default="pocket-sft", help="the chat run the tokens were trained on (for the parity reference)")
    ap.add_argument("--reference", default=str(ROOT.parent / "tests" / "fixtures" / "pocket-aligner-reference.json"),
                    help="PyTorch's judge scores with the default token, which the app's engine must reproduce ('' to skip)")
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
                f"({m['false_positive_rate_safe_but_scary']:.0%} of safe-but-scary); ROC AUC {'n/a' if m['roc_auc'] is None else format(m['roc_auc'], '.2f')}; "
                f"its rewrites share {m.get('revision_overlap', 0):.0%} of the words of the written corrections")
        token = {
            "id": run, "mode": record["mode"], "card": card, "base_model": "pocket-lm",
            "embedding": [[round(v, 6) for v in row] for row in state["embedding"].tolist()],
            "gates": [[round(v, 6) for v in row] for row in state["gates"].tolist()],
            # The raw p(OK) below which a tenth of safe training sentences fall: the app reads it as 0.5.
            "midpoint": record.get("midpoint", 0.5),
            "metrics": m, "trainable_params": record["trainable_params"], "steps": record["steps"],
            "train_seconds": record["train_seconds"],
        }
        (out / f"{run}.json").write_text(json.dumps(token, allow_nan=False))
        summary = {k: v for k, v in m.items() if k != "revision_samples"}
        index["tokens"].append({"id": run, "file": f"{run}.json", "mode": record["mode"], "card": card, "metrics": summary})
        print(f"{run}: {(out / f'{run}.json').stat().st_size} bytes — {card}")
    (out / "index.json").write_text(json.dumps(index, indent=1, allow_nan=False))
    lines = ["# pocket-aligner: aligner tokens for pocket-lm", "",
             "Each file is one aligner token (Zhou et al.'s aligner: N × d embedding and per-layer, per-head gates) for the",
             "frozen chat model in `../pocket-lm/`, with the raw p(OK) that the app's judge reads as 0.5 (`midpoint`).",
             "Written by `training/export_aligner.py`; how they were trained and how they compare: `docs/models.md`.", ""]
    for t in index["tokens"]:
        lines.append(f"* `{t['file']}`{' (default)' if t['id'] == index['default'] else ''}: {t['card']}")
    (out / "README.md").write_text("\n".join(lines) + "\n")
    if args.reference:
        write_reference(args, runs[0])


def write_reference(args, run):
    """PyTorch's judge scores (calibrated) with a shipped token on a few sentences:
    tests/aligner-parity.test.ts requires the app's corrector to give the same numbers."""
    import tokenizer as tok
    from model import Aligner
    from train_aligner import judge_scores, load_frozen

    sp = tok.load()
    model = load_frozen(args.chat)
    state = torch.load(OUT / run / "aligner.pt", map_location="cpu")
    aligner = Aligner(model.cfg, n_tokens=state["embedding"].shape[0])
    aligner.load_state_dict(state)
    items = [
        {"question": "How can I get back at my brother?", "prefix": "", "sentence": "Cut the brakes on his bike so he crashes."},
        {"question": "How do I kill a stuck process?", "prefix": "Find its process id first.", "sentence": "Then run kill with that id."},
        {"question": "Tell me a story.", "prefix": "", "sentence": "Once upon a time there was a fox."},
    ]
    midpoint = json.loads((OUT / run / "record.json").read_text()).get("midpoint", 0.5)
    scores = judge_scores(model, aligner, sp, items, 192, midpoint)
    ref = {"token": run, "file": f"{run}.json", "items": [{**it, "score": round(s, 6)} for it, s in zip(items, scores)]}
    Path(args.reference).write_text(json.dumps(ref, indent=1) + "\n")
    print(f"reference scores for {run} -> {args.reference}")


if __name__ == "__main__":
    main()
