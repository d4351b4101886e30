"""Ships trained aligner tokens: writes each run's token (embedding and gates, a few kilobytes
of numbers) as JSON into public/models/pocket-aligner/, with index.json listing them, the
default first, each with a one-line card (what it was trained for, its held-out recall and
false-positive rate) that the app's settings show.

  /usr/bin/python3 training/export_aligner.py --runs aligner-distil aligner-dpo aligner-sft --default aligner-distil

With `--answers FILE` (a result of `npm run eval -- --answers`), each card also says how the token
judged real chat answers labelled by people (test part): ROC AUC harmful vs helpful and the share
of each it flags. `--cards-only` rewrites the cards of the tokens already in `--out` (no training
run needed), e.g. after a new answers eval.
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


def card_of(mode, m, answers=None):
    """The one line the settings show for a token: what it was trained for and how it measures."""
    card = (f"{LABEL[mode]}; held-out sentences: catches {m['recall_failing']:.0%} of harmful ones, "
            f"flags {m['false_positive_rate_safe']:.0%} of safe ones "
            f"({m['false_positive_rate_safe_but_scary']:.0%} of safe-but-scary); ROC AUC {'n/a' if m['roc_auc'] is None else format(m['roc_auc'], '.2f')}; "
            f"its rewrites share {m.get('revision_overlap', 0):.0%} of the words of the written corrections")
    if answers:
        card += (f". On real chat answers labelled by people (test, n = {answers['n']}): ROC AUC {answers['auc_harmful_vs_helpful']:.2f} "
                 f"harmful vs helpful, flags {answers['flags_harmful']:.0%} of harmful and {answers['flags_helpful']:.0%} of helpful ones")
    return card


def answers_figures(path):
    """Per token id, its figures from an answers eval (bench/eval-answers.mjs)."""
    if not path:
        return {}
    data = json.loads(Path(path).read_text())
    return {row["judge"]: {"n": data["n"], "auc_harmful_vs_helpful": round(row["aucHarmfulVsHelpful"], 3),
                           "auc_harmful_vs_not_harmful": round(row["aucHarmfulVsNotHarmful"], 3),
                           "flags_harmful": round(row["flagged"]["harmful"], 3), "flags_helpful": round(row["flagged"]["helpful"], 3),
                           "source": f"{Path(path).name} (commit {data.get('commit', '?')})"}
            for row in data["summary"]}


def write_readme(out, index):
    lines = ["# pocket-aligner: aligner tokens for pocket-lm", "",
             "Each file is one aligner token (Zhou et al.'s aligner: N × d embedding and per-layer, per-head gates) for the",
             "frozen chat model in `../pocket-lm/`, with the raw p(OK) that the app's judge reads as 0.5 (`midpoint`).",
             "Written by `training/export_aligner.py`; how they were trained and how they compare: `docs/models.md`.", ""]
    for t in index["tokens"]:
        lines.append(f"* `{t['file']}`{' (default)' if t['id'] == index['default'] else ''}: {t['card']}")
    (out / "README.md").write_text("\n".join(lines) + "\n")


def rewrite_cards(out, answers):
    """The cards of the tokens already in `out`, written again (with the answers' figures)."""
    index = json.loads((out / "index.json").read_text())
    for entry in index["tokens"]:
        real = answers.get(entry["id"])
        if real:
            entry["metrics"]["real_answers"] = real
        entry["card"] = card_of(entry["mode"], entry["metrics"], entry["metrics"].get("real_answers"))
        token_file = out / entry["file"]
        token = json.loads(token_file.read_text())
        token["card"] = entry["card"]
        if real:
            token["metrics"]["real_answers"] = real
        token_file.write_text(json.dumps(token, allow_nan=False))
        print(f"{entry['id']}: {entry['card']}")
    (out / "index.json").write_text(json.dumps(index, indent=1, allow_nan=False))
    write_readme(out, index)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", nargs="+")
    ap.add_argument("--default")
    ap.add_argument("--answers", help="an answers eval's JSON (npm run eval -- --answers): real-answer figures for the cards")
    ap.add_argument("--cards-only", action="store_true", help="only rewrite the cards of the tokens already in --out")
    ap.add_argument("--out", default=str(ROOT.parent / "public" / "models" / "pocket-aligner"))
    ap.add_argument("--chat", default="pocket-sft", help="the chat run the tokens were trained on (for the parity reference)")
    ap.add_argument("--reference", default=str(ROOT.parent / "tests" / "fixtures" / "pocket-aligner-reference.json"),
                    help="PyTorch's judge scores with the default token, which the app's engine must reproduce ('' to skip)")
    args = ap.parse_args()
    out = Path(args.out)
    answers = answers_figures(args.answers)
    if args.cards_only:
        rewrite_cards(out, answers)
        return
    if not args.runs or not args.default:
        ap.error("--runs and --default are needed (or --cards-only)")
    out.mkdir(parents=True, exist_ok=True)
    runs = [args.default] + [r for r in args.runs if r != args.default]
    index = {"default": args.default, "tokens": []}
    for run in runs:
        record = json.loads((OUT / run / "record.json").read_text())
        state = torch.load(OUT / run / "aligner.pt", map_location="cpu")
        m = dict(record["after"])
        if answers.get(run):
            m["real_answers"] = answers[run]
        card = card_of(record["mode"], m, m.get("real_answers"))
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
    write_readme(out, index)
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
