"""Trains the harm judge: logistic regression over hashed words and word pairs of an answer (and
the words of the request it answers), on labelled answers from ../shared/data, and exports it for
the app (public/models/harm-judge/harm-judge.json; workers/align/checks/harm-judge.ts reads it).

Why a bag of words: on labelled answers written by real chat models, the aligner tokens on the
5M-parameter Pocket model judge at chance (ROC AUC 0.45-0.56, docs/models.md), while this
reaches 0.8 and runs in well under a millisecond. A language-model judge has to beat it to be
the default.

Data (../shared/data, split by a hash of the request, training/data/common.py part_of):
  safety-answers    JailbreakBench answers (harmful: the benchmark's judge says the answer
                    complies with the harmful request) and CoCoNot answers (helpful, and
                    over-refusals: not harmful)
Train on `train`, choose the variant and the threshold on `dev`, report `test` once.

Features (the app computes the same, and tests/harm-judge-parity.test.ts checks it on the
reference this script writes): words `[a-z0-9]+('[a-z]+)?` after lower-casing A-Z; the answer's words
and adjacent word pairs, the request's words (prefixed `q:`), each present or not, hashed with
32-bit FNV-1a of its UTF-8 text into BUCKETS buckets; the vector divided by the square root of
the number of features, so long and short texts weigh alike. The judge reads an answer as the
sentence loop does, after each sentence (the answer so far): it trains on each answer's
prefixes (an answer weighing 1 in all), and an answer's score is its worst prefix.

  /usr/bin/python3 training/harm_judge.py            # train, evaluate, export
"""
import argparse
import os
import base64
import json
import math
import random
import re
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent / "data"))
from common import part_of, shared_rows  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "public" / "models" / "harm-judge"
REFERENCE = ROOT / "tests" / "fixtures" / "harm-judge-reference.json"
CHAT_SET = Path(os.environ.get("REDRAFT_TRAIN_OUT", ROOT / "training" / "out")) / "text"
WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
# At the app's balanced strictness (score 0.5) the judge flags at most this share of the helpful
# dev answers, and at most FLAG_ORDINARY of the ordinary ones.
FLAG_HELPFUL, FLAG_ORDINARY = 0.1, 0.02


def fnv1a(text: str) -> int:
    h = 0x811C9DC5
    for b in text.encode("utf-8"):
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return h


def ascii_lower(text: str) -> str:
    """A-Z to a-z only (str.lower() also changes letters the app's JavaScript would not)."""
    return text.translate(ASCII_LOWER)


def features(question: str, answer: str, buckets: int, with_question: bool = True) -> list[int]:
    words = WORD.findall(ascii_lower(answer))
    feats = set(words) | {f"{a} {b}" for a, b in zip(words, words[1:])}
    if with_question:
        feats |= {f"q:{w}" for w in WORD.findall(ascii_lower(question))}
    return sorted({fnv1a(f) % buckets for f in feats})


def examples(part: str):
    """(request, answer, harmful, kind) of one part. Harmful vs not: JailbreakBench's verdict;
    CoCoNot answers are not harmful (helpful answers and over-refusals alike); so are ordinary
    answers: the human-written chats, and (train and dev only) the project's own chat set, whose
    plain definitions, stories and sums are what the bundled model writes."""
    out = []
    for r in shared_rows("safety-answers"):
        if part_of(r["prompt"]) != part:
            continue
        kind = "harmful" if r["harmful"] else r.get("kind") or ("refusal-or-other" if "jailbreakbench" in r["source"] else "other")
        out.append({"question": r["prompt"], "answer": r["answer"], "harmful": bool(r["harmful"]), "kind": kind})
    for r in shared_rows("chat-human"):
        msgs = r["messages"]
        # (Dolly's rows are CC-BY-SA, which would bind the weights: left out.)
        if part_of(msgs[0]["content"]) == part and not r["source"].startswith("databricks-dolly"):
            out += [{"question": u["content"], "answer": a["content"], "harmful": False, "kind": "ordinary"} for u, a in zip(msgs[::2], msgs[1::2])]
    chat = CHAT_SET / ("chat.train.jsonl" if part == "train" else "chat.heldout.jsonl")
    if part != "test" and chat.exists():
        rows = [json.loads(line) for line in chat.open(encoding="utf-8")]
        rows = [r for r in rows if r["kind"] not in ("refusal", "refusal-shared", "safe-scary-shared")]
        for r in random.Random(5).sample(rows, min(len(rows), 3000 if part == "train" else 300)):
            m = r["messages"]
            out.append({"question": m[-2]["content"], "answer": m[-1]["content"], "harmful": False, "kind": "ordinary"})
    elif part != "test":
        print(f"  ({chat} not found: run training/data/chat.py for the chat set's answers)")
    return out


SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+")
MAX_SENTENCES = 8


def prefixes(answer: str) -> list[str]:
    """The answer as the sentence loop judges it: after each of its first MAX_SENTENCES sentences, the answer so far."""
    parts = [p for p in SENTENCE_END.split(answer.strip()) if p.strip()][:MAX_SENTENCES]
    return [" ".join(parts[: i + 1]) for i in range(len(parts))] or [answer]


def batch(rows, buckets, with_question):
    """Every prefix of every answer (weighing 1/k each, so an answer weighs 1), with the answer's label."""
    idx, offsets, weights, ys, ws = [], [], [], [], []
    for r in rows:
        ps = prefixes(r["answer"])
        for p in ps:
            f = features(r["question"], p, buckets, with_question)
            offsets.append(len(idx))
            idx += f
            weights += [1 / math.sqrt(max(1, len(f)))] * len(f)
            ys.append(float(r["harmful"]))
            ws.append(1 / len(ps))
    return torch.tensor(idx), torch.tensor(offsets), torch.tensor(weights), torch.tensor(ys), torch.tensor(ws)


def train(rows, buckets, l2, with_question, epochs=300, seed=0):
    torch.manual_seed(seed)
    bag = torch.nn.EmbeddingBag(buckets, 1, mode="sum")
    torch.nn.init.zeros_(bag.weight)
    bias = torch.zeros(1, requires_grad=True)
    idx, off, w, y, aw = batch(rows, buckets, with_question)
    # Balanced classes: the harmful answers weigh as much as the rest together.
    pos = (aw * y).sum().item() / aw.sum().item()
    cw = torch.where(y > 0, 0.5 / pos, 0.5 / (1 - pos)) * aw
    opt = torch.optim.Adam([bag.weight, bias], lr=0.05)
    for _ in range(epochs):
        logits = bag(idx, off, per_sample_weights=w)[:, 0] + bias
        loss = (torch.nn.functional.binary_cross_entropy_with_logits(logits, y, reduction="none") * cw).mean() + l2 * bag.weight.pow(2).sum()
        opt.zero_grad()
        loss.backward()
        opt.step()
    return bag.weight.detach()[:, 0], bias.item()


def logits(model, rows, whole=False):
    """Each answer's logit as the sentence loop meets it: the highest over its prefixes (or of the whole answer)."""
    weights, bias, buckets, with_question = model
    weights = weights.tolist()
    out = []
    for r in rows:
        zs = []
        for p in [r["answer"]] if whole else prefixes(r["answer"]):
            f = features(r["question"], p, buckets, with_question)
            zs.append(bias + sum(weights[i] for i in f) / math.sqrt(max(1, len(f))))
        out.append(max(zs))
    return out


def auc(pos, neg):
    if not pos or not neg:
        return float("nan")
    return sum((p > n) + 0.5 * (p == n) for p in pos for n in neg) / (len(pos) * len(neg))


def figures(model, rows, threshold):
    """ROC AUC harmful vs helpful (and vs everything not harmful), flag rates at `threshold` (a logit)."""
    z = logits(model, rows)
    by = lambda k: [s for s, r in zip(z, rows) if r["kind"] == k]  # noqa: E731
    harmful, helpful = by("harmful"), by("helpful")
    rest = [s for s, r in zip(z, rows) if not r["harmful"]]
    # The same requests, the same models, judged harmful or not: no telling them apart by where they come from.
    jbb = [s for s, r in zip(z, rows) if r["kind"] == "refusal-or-other"]
    flag = lambda xs: round(sum(s >= threshold for s in xs) / max(1, len(xs)), 3)  # noqa: E731
    return {"n_harmful": len(harmful), "n_helpful": len(helpful), "n_over_refusal": len(by("over-refusal")), "n_other_not_harmful": len(by("refusal-or-other")),
            "roc_auc_harmful_vs_helpful": round(auc(harmful, helpful), 3), "roc_auc_harmful_vs_not": round(auc(harmful, rest), 3),
            "roc_auc_same_requests": round(auc(harmful, jbb), 3),
            "flagged_harmful": flag(harmful), "flagged_helpful": flag(helpful), "flagged_over_refusal": flag(by("over-refusal")),
            "flagged_other_not_harmful": flag(by("refusal-or-other")),
            "n_ordinary": len(by("ordinary")), "flagged_ordinary": flag(by("ordinary"))}


def quantize(weights):
    scale = max(1e-9, weights.abs().max().item()) / 127
    q = torch.clamp(torch.round(weights / scale), -127, 127).to(torch.int8)
    return q, scale


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--no-export", action="store_true")
    ap.add_argument("--smoke", action="store_true", help="a few hundred answers, one variant, few epochs (training/smoke.sh)")
    ap.add_argument("--out", default=str(OUT), help="where harm-judge.json goes")
    ap.add_argument("--reference", default=str(REFERENCE), help="where the parity reference goes")
    args = ap.parse_args()
    out_dir, reference = Path(args.out), Path(args.reference)
    train_rows, dev_rows, test_rows = examples("train"), examples("dev"), examples("test")
    if args.smoke:
        rng = random.Random(0)
        train_rows, dev_rows, test_rows = (rng.sample(r, min(len(r), n)) for r, n in ((train_rows, 400), (dev_rows, 200), (test_rows, 200)))
    if not train_rows:
        sys.exit("../shared/data/safety-answers.jsonl.gz not found")
    print(f"answers: {len(train_rows)} train, {len(dev_rows)} dev, {len(test_rows)} test")
    # Choose L2 and the request's words on dev: harmful vs helpful (the target's measure) and
    # harmful vs not among answers to the same requests (which a judge cannot pass by telling
    # one data set's style from another's); test is read once, at the end.
    buckets, best = 2 ** 16, None
    epochs = 20 if args.smoke else 300
    for with_question in (True,) if args.smoke else (True, False):
        for l2 in (1e-5,) if args.smoke else (1e-5, 1e-4):
            w, b = train(train_rows, buckets, l2, with_question, epochs)
            f = figures((w, b, buckets, with_question), dev_rows, 0.0)
            a = (f["roc_auc_harmful_vs_helpful"] + f["roc_auc_same_requests"]) / 2
            print(f"  request words {with_question}, l2 {l2}: dev AUC harmful vs helpful {f['roc_auc_harmful_vs_helpful']}, same requests {f['roc_auc_same_requests']}")
            if best is None or a > best[0]:
                best = (a, with_question, l2)
    _, with_question, l2 = best
    w, b = train(train_rows, buckets, l2, with_question, epochs)
    q, scale = quantize(w)
    model = (q.float() * scale, b, buckets, with_question)
    # The threshold: the logit above which FLAG_HELPFUL of the helpful dev answers lie.
    def above(kind, share):
        z = sorted(logits(model, [r for r in dev_rows if r["kind"] == kind]))
        return z[min(len(z) - 1, int(math.ceil((1 - share) * len(z))))] if z else -math.inf
    threshold = max(above("helpful", FLAG_HELPFUL), above("ordinary", FLAG_ORDINARY))
    dev, test = figures(model, dev_rows, threshold), figures(model, test_rows, threshold)
    print(f"chosen: request words {with_question}, l2 {l2}, threshold logit {threshold:.3f}")
    print("dev ", json.dumps(dev))
    print("test", json.dumps(test))
    if args.no_export:
        return
    out_dir.mkdir(parents=True, exist_ok=True)
    card = (f"Bag of words (hashed words and word pairs, logistic regression) on labelled answers; test answers: "
            f"ROC AUC {test['roc_auc_harmful_vs_helpful']:.2f} harmful vs helpful, flags {round(100 * test['flagged_harmful'])}% of harmful "
            f"and {round(100 * test['flagged_helpful'])}% of helpful ones ({round(100 * test['flagged_ordinary'])}% of ordinary chat answers)")
    (out_dir / "harm-judge.json").write_text(json.dumps({
        "format": "redraft-harm-judge", "version": 1, "buckets": buckets, "requestWords": with_question, "scale": scale, "bias": round(b, 6),
        "threshold": round(threshold, 6), "weights": base64.b64encode(q.numpy().tobytes()).decode(),
        "card": card, "trained": {"l2": l2, "request_words": with_question, "train_answers": len(train_rows), "data": "safety-answers, chat-human (train parts) and the chat set's answers"},
        "metrics": {"dev": dev, "test": test},
    }))
    pct = lambda x: f"{round(100 * x)} %"  # noqa: E731
    (out_dir / "README.md").write_text(f"""# harm-judge: the default sentence check

`harm-judge.json` is a logistic regression over hashed words and word pairs of an answer so far
(and the words of the request), {buckets:,} buckets of int8 weights, written by
`training/harm_judge.py`; `workers/align/checks/harm-judge.ts` reads it. Trained on the train
part of `../shared/data` safety-answers (JailbreakBench answers judged harmful or not, CoCoNot
helpful answers and over-refusals) and chat-human (ordinary answers, as not harmful), and the
project's chat set; the threshold flags at most {pct(FLAG_HELPFUL)} of the helpful and {pct(FLAG_ORDINARY)} of the ordinary dev
answers. Licences: JailbreakBench artifacts MIT, CoCoNot MIT, Open Assistant and Self-Instruct
Apache-2.0; no text of theirs ships, only hashed weights.

Test part (answers read as the sentence loop reads them, worst prefix): ROC AUC harmful vs helpful
{test['roc_auc_harmful_vs_helpful']:.3f}, harmful vs answers to the same requests judged not harmful {test['roc_auc_same_requests']:.3f};
flags {pct(test['flagged_harmful'])} of harmful answers, {pct(test['flagged_helpful'])} of helpful ones, {pct(test['flagged_over_refusal'])} of over-refusals and
{pct(test['flagged_ordinary'])} of ordinary chat answers. How it compares with the aligner tokens: `docs/models.md`.
""")
    # The parity reference: a few texts and the logit this model gives them.
    rng = random.Random(3)
    sample = rng.sample(test_rows, min(6, len(test_rows))) + [{"question": "How do I kill a stuck process?", "answer": "Run KILL -9 with the process id. Ünïcode ‘quotes’, İstanbul and café don't matter."}]
    reference.write_text(json.dumps([{"question": r["question"], "answer": r["answer"][:400], "logit": round(z, 5), "features": features(r["question"], r["answer"][:400], buckets, with_question)[:20]}
                                     for r, z in zip(sample, logits(model, [{**r, "answer": r["answer"][:400]} for r in sample], whole=True))], indent=1) + "\n")
    print(f"wrote {out_dir / 'harm-judge.json'} ({(out_dir / 'harm-judge.json').stat().st_size // 1024} KB) and {reference}")


if __name__ == "__main__":
    main()
