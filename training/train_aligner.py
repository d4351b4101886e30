"""Trains aligner tokens on the frozen chat Pocket model (model.py's `Aligner`: N×d numbers plus
per-layer, per-head gates) and evaluates them as a sentence judge on held-out data.

The corrector sees the sentence in Stream Aligner's format as a user turn and replies either
`OK` (the sentence stands) or `Revise: <corrected sentence>`. The judge's score for a sentence
is p(OK) / (p(OK) + p(Revise)) at the first reply token — one prefill per sentence.

  --mode sft      supervised: examples → OK / Revise: correction
  --mode dpo      DPO (β = 0.1) on preference pairs, reference = the frozen model (gates at zero)
  --mode rdpo     the same with chosen and rejected swapped (AlignDistil's reverse model)
  --mode distil   AlignDistil: teacher logits z* = z_dpo + α_t(z_dpo − z_rev), α_t = β₂·TV_t + 0.001,
                  loss (β/α_t)·KL(π_θ ‖ softmax z*), off-policy on the chosen replies
  --mode full     baseline for scale: the same supervised loss as sft, but every weight of the
                  model trains (no aligner token) at a small learning rate

Held-out evaluation (the same items for every mode): judge recall on failing sentences,
false-positive rate on safe and on safe-but-scary sentences, ROC AUC; and, generating greedily,
the share of corrections of failing sentences that the same judge then passes, and the share of
safe sentences the pipeline leaves unchanged (the judge passes them, or the revision is the same).

  /usr/bin/python3 training/train_aligner.py --chat pocket-sft --mode sft --run aligner-sft
"""
import argparse
import json
import math
import os
import random
import re
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))
from model import Aligner, Pocket, PocketConfig  # noqa: E402
import tokenizer as tok  # noqa: E402

ROOT = Path(__file__).resolve().parent
OUT = Path(os.environ.get("REDRAFT_TRAIN_OUT", ROOT / "out"))


def corrector_prompt(question: str, prefix: str, sentence: str) -> str:
    """Stream Aligner's input format (the app's corrector uses the same string)."""
    return f"##Question: {question} | ##Answer_Prefix: {prefix} | ##Answer_Last_Sentence: {sentence} | ##Your_Revision: "


def reply_for(item) -> str:
    return "OK" if item["verdict"] == "pass" else f"Revise: {item.get('correction', '')}".strip()


def encode_pair(sp, question, prefix, sentence, reply, seq_len):
    """(ids, targets): the loss falls on the reply and its end token only; tokenized as the
    browser tokenizes the whole conversation (tok.encode_chat). An empty reply gives the prompt."""
    user = {"role": "user", "content": corrector_prompt(question, prefix, sentence)}
    if not reply:
        ids = tok.encode_text(sp, tok.render_chat([user], add_generation_prompt=True))[-(seq_len + 1):]
        return ids, [-100] * len(ids)
    ids, learn = tok.encode_chat(sp, [user, {"role": "assistant", "content": reply}])
    cut = max(i for i, keep in enumerate(learn) if keep) + 1  # drop the trailing newline
    ids, learn = ids[:cut][-(seq_len + 1):], learn[:cut][-(seq_len + 1):]
    tgt = [t if keep else -100 for t, keep in zip(ids, learn)]
    return ids[:-1], tgt[1:]


def first_reply_token(sp, reply):
    """The id a reply starts with right after the assistant header, as the browser tokenizes it."""
    ids, learn = tok.encode_chat(sp, [{"role": "user", "content": "x"}, {"role": "assistant", "content": reply}])
    return ids[learn.index(True)]


def batch(rows):
    n = max(len(r[0]) for r in rows)
    x = torch.zeros(len(rows), n, dtype=torch.long)
    y = torch.full((len(rows), n), -100, dtype=torch.long)
    for i, (ids, tgt) in enumerate(rows):
        x[i, : len(ids)] = torch.tensor(ids)
        y[i, : len(tgt)] = torch.tensor(tgt)
    return x, y


def seq_logprob(model, aligner, x, y):
    """Sum of log-probabilities of the target tokens, per row."""
    logits, _ = model(x, aligner=aligner)
    lp = torch.log_softmax(logits, -1)
    mask = y != -100
    picked = lp.gather(-1, y.clamp(min=0)[..., None])[..., 0]
    return (picked * mask).sum(-1), logits, mask


def load_frozen(run):
    state = torch.load(OUT / run / "ckpt.pt", map_location="cpu")
    model = Pocket(PocketConfig(**state["record"]["config"]["model"]))
    model.load_state_dict(state["model"])
    for p in model.parameters():
        p.requires_grad_(False)
    return model.eval()


def calibrated(p: float, midpoint: float) -> float:
    """The judge's score: p(OK) / (p(OK) + p(Revise)) moved so that the token's calibration
    midpoint reads 0.5 — σ(logit p − logit midpoint). The app does the same
    (workers/align/aligner-service.ts: calibrated), so its strictness thresholds mean the same
    for every token."""
    p = min(max(p, 1e-9), 1 - 1e-9)
    return 1 / (1 + math.exp(-(math.log(p / (1 - p)) - math.log(midpoint / (1 - midpoint)))))


@torch.no_grad()
def judge_scores(model, aligner, sp, items, seq_len, midpoint=0.5):
    ok = first_reply_token(sp, "OK")
    revise = first_reply_token(sp, "Revise: x")
    scores = []
    for it in items:
        ids, _ = encode_pair(sp, it["question"], it["prefix"], it["sentence"], "", seq_len)
        logits, _ = model(torch.tensor([ids]), aligner=aligner)
        lp = torch.log_softmax(logits[0, -1], -1)
        a, b = lp[ok].exp().item(), lp[revise].exp().item()
        scores.append(calibrated(a / (a + b), midpoint) if a + b > 0 else 0.5)
    return scores


def calibrate(model, aligner, sp, examples, seq_len, n=300, flag_rate=0.1):
    """The raw p(OK) below which `flag_rate` of the passing training sentences fall: at the
    calibrated 0.5 the judge rewrites about one safe sentence in ten and catches what it can.
    A corrector that rewrites safe text is worse than one that misses, and a threshold at the
    best balanced accuracy on training data flagged most safe held-out sentences (hh's labels
    barely separate)."""
    rng = random.Random(1)
    safe = [e for e in examples if e["verdict"] == "pass"]
    raw = sorted(judge_scores(model, aligner, sp, rng.sample(safe, min(n, len(safe))), seq_len))
    midpoint = raw[int(flag_rate * len(raw))]
    return round(min(max(midpoint, 1e-4), 1 - 1e-4), 6)


def auc(pos, neg):
    """ROC AUC: the probability that a random passing sentence scores above a random failing one."""
    if not pos or not neg:
        return float("nan")
    wins = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg)
    return wins / (len(pos) * len(neg))


@torch.no_grad()
def revision(model, aligner, sp, item, seq_len, max_tokens=40):
    """The corrector's revision as the app asks for it (workers/align/aligner-service.ts): the
    reply is started with "Revise:" (no space: training tokenized the space with the next word)
    and the corrector writes the rest, greedily with the KV
    cache; the revision is its first sentence."""
    user = {"role": "user", "content": corrector_prompt(item["question"], item["prefix"], item["sentence"])}
    ids = tok.encode_text(sp, tok.render_chat([user], add_generation_prompt=True) + "Revise:")[-seq_len:]
    end = sp.piece_to_id("<|im_end|>")
    logits, past = model(torch.tensor([ids]), aligner=aligner)
    out = []
    for _ in range(max_tokens):
        t = int(logits[0, -1].argmax())
        if t == end or t == sp.eos_id():
            break
        out.append(t)
        logits, past = model(torch.tensor([[t]]), past, aligner=aligner)
    text = sp.decode(out).strip()
    return re.split(r"(?<=[.!?])\s+", text, maxsplit=1)[0].strip() if text else ""


def word_f1(text: str, reference: str) -> float:
    """Unigram F1 between two texts (ROUGE-1 F), lower-cased words and numbers."""
    a, b = re.findall(r"[a-z0-9']+", text.lower()), re.findall(r"[a-z0-9']+", reference.lower())
    if not a or not b:
        return 0.0
    common = sum(min(a.count(w), b.count(w)) for w in set(a))
    if not common:
        return 0.0
    precision, recall = common / len(a), common / len(b)
    return 2 * precision * recall / (precision + recall)


def correction_metrics(model, aligner, sp, items, seq_len, n=40, threshold=0.5, midpoint=0.5):
    """As the sentence loop runs: a sentence the judge passes stays; one it fails is replaced by
    the corrector's revision, which is judged again. Failing sentences: share whose revision the
    judge passes. Safe sentences: share left unchanged (passed, or revised to the same text)."""
    fail = [it for it in items if it["verdict"] == "fail"][:n]
    safe = [it for it in items if it["verdict"] == "pass"][:n]
    revised = [{**it, "sentence": revision(model, aligner, sp, it, seq_len)} for it in fail]
    # The judge grading its own corrector's text says little about the text: how much of the
    # written correction the revision shares (unigram F1, as ROUGE-1) does, and the samples show it.
    overlap = [word_f1(r["sentence"], it.get("correction", "")) for r, it in zip(revised, fail)]
    samples = [{"sentence": it["sentence"], "revision": r["sentence"]} for r, it in zip(revised, fail)][:3]
    revised = [it for it in revised if it["sentence"]]
    passed = sum(s >= threshold for s in judge_scores(model, aligner, sp, revised, seq_len, midpoint)) if revised else 0
    unchanged = 0
    for it, score in zip(safe, judge_scores(model, aligner, sp, safe, seq_len, midpoint)):
        unchanged += score >= threshold or revision(model, aligner, sp, it, seq_len) == it["sentence"].strip()
    return {"n_corrections": len(fail), "corrections_passing_judge": round(passed / max(1, len(fail)), 3),
            "n_safe_generated": len(safe), "safe_left_unchanged": round(unchanged / max(1, len(safe)), 3),
            "revision_overlap": round(sum(overlap) / max(1, len(overlap)), 3), "revision_samples": samples}


def evaluate(model, aligner, sp, items, seq_len, midpoint=0.5, n_generate=40, threshold=0.5):
    """Held-out figures at the default strictness (0.5 after calibration to `midpoint`)."""
    scores = judge_scores(model, aligner, sp, items, seq_len, midpoint)
    fail = [s for s, it in zip(scores, items) if it["verdict"] == "fail"]
    safe = [s for s, it in zip(scores, items) if it["verdict"] == "pass"]
    scary = [s for s, it in zip(scores, items) if it["source"] in ("templated-safe-scary", "labelled-helpful")]

    def auc_of(prefix):
        mine = [(s, it) for s, it in zip(scores, items) if it["source"].startswith(prefix)]
        value = auc([s for s, it in mine if it["verdict"] == "pass"], [s for s, it in mine if it["verdict"] == "fail"])
        return None if math.isnan(value) else round(value, 3)  # None: no sentences of one kind (JSON has no NaN)

    return {
        "n_fail": len(fail), "n_pass": len(safe),
        "recall_failing": round(sum(s < threshold for s in fail) / max(1, len(fail)), 3),
        "false_positive_rate_safe": round(sum(s < threshold for s in safe) / max(1, len(safe)), 3),
        "false_positive_rate_safe_but_scary": round(sum(s < threshold for s in scary) / max(1, len(scary)), 3),
        "roc_auc": auc_of(""),
        # hh's labels are weak (a whole turn judged more harmful, not each sentence); the templated
        # sentences are clear-cut and come from requests and templates that training never saw.
        "roc_auc_hh": auc_of("hh-"), "roc_auc_templated": auc_of("templated-"), "roc_auc_labelled": auc_of("labelled-"),
        **correction_metrics(model, aligner, sp, items, seq_len, n_generate, threshold, midpoint),
        "midpoint": midpoint,
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--chat", default="pocket-sft")
    ap.add_argument("--mode", choices=["sft", "dpo", "rdpo", "distil", "full"], required=True)
    ap.add_argument("--run", required=True)
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=9e-3)
    ap.add_argument("--beta", type=float, default=0.1)
    ap.add_argument("--beta2", type=float, default=10.0)
    ap.add_argument("--teachers", nargs=2, default=["aligner-dpo", "aligner-rdpo"], help="DPO and reverse-DPO runs (distil)")
    ap.add_argument("--tokens", type=int, default=1, help="aligner slots N; one slot adds the same vector at every position")
    ap.add_argument("--verdict-weight", type=float, default=1.0, help="sft/full: loss weight of the reply's first token (the verdict)")
    ap.add_argument("--seq-len", type=int, default=192)
    ap.add_argument("--eval-n", type=int, default=400)
    ap.add_argument("--gen-n", type=int, default=40, help="held-out sentences per side for the generated-correction figures")
    ap.add_argument("--minutes", type=float, default=None)
    ap.add_argument("--before", default=None, help="a run whose `before` figures to reuse: every mode starts from the same plain model")
    ap.add_argument("--eval-only", action="store_true", help="evaluate the run's saved token (or model) again without training")
    args = ap.parse_args()
    torch.set_num_threads(os.cpu_count() or 2)
    torch.manual_seed(0)
    rng = random.Random(0)
    sp = tok.load()
    model = load_frozen(args.chat)
    if args.mode == "full":
        # The baseline trains the model itself: no aligner token, every weight, a small step size.
        aligner = None
        for p in model.parameters():
            p.requires_grad_(True)
        trainable = list(model.parameters())
        opt = torch.optim.AdamW(trainable, lr=args.lr if args.lr != 9e-3 else 3e-4, weight_decay=0.0)
    else:
        aligner = Aligner(model.cfg, n_tokens=args.tokens)
        trainable = list(aligner.parameters())
        opt = torch.optim.AdamW(trainable, lr=args.lr, weight_decay=0.02)

    text = OUT / "text"
    examples = [json.loads(l) for l in open(text / "aligner.examples.train.jsonl", encoding="utf-8")]
    pairs = [json.loads(l) for l in open(text / "aligner.pairs.train.jsonl", encoding="utf-8")]
    heldout = [json.loads(l) for l in open(text / "aligner.examples.heldout.jsonl", encoding="utf-8")]
    rng.shuffle(heldout)
    # Every templated held-out sentence; then hh sentences (and labelled answers' sentences, dev
    # part, where the data has them) in equal shares of what is left, half failing, half passing.
    templated = [it for it in heldout if it["source"].startswith("templated-")]
    groups = [[it for it in heldout if it["source"] in names] for names in
              (("hh-rejected",), ("hh-chosen",), ("labelled-harmful",), ("labelled-helpful", "labelled-other"))]
    groups = [g for g in groups if g]  # labelled answers only with `aligner.py --labelled`
    per_side = max(0, args.eval_n - len(templated)) // max(1, len(groups))
    heldout = templated + [it for g in groups for it in g[:per_side]]
    rng.shuffle(heldout)

    def pref(p, swap=False):
        # A pair's replies: keeping the sentence is "OK"; replacing it is "Revise: …".
        chosen, rejected = p["chosen"], p["rejected"]
        # The sentence judged is the harmful one; for a safe request, the helpful one (not to be
        # revised into a needless refusal).
        sentence = chosen if p["source"] in ("templated-safe-scary", "labelled-helpful") else rejected
        r_chosen = "OK" if chosen == sentence else f"Revise: {chosen}"
        r_rejected = "OK" if rejected == sentence else f"Revise: {rejected}"
        if swap:
            r_chosen, r_rejected = r_rejected, r_chosen
        return (encode_pair(sp, p["question"], p["prefix"], sentence, r_chosen, args.seq_len),
                encode_pair(sp, p["question"], p["prefix"], sentence, r_rejected, args.seq_len))

    teachers = None
    if args.mode == "distil":
        teachers = []
        for run in args.teachers:
            t = Aligner(model.cfg, n_tokens=args.tokens)
            t.load_state_dict(torch.load(OUT / run / "aligner.pt"))
            teachers.append(t.eval())

    record = {"mode": args.mode, "chat": args.chat, "args": vars(args), "trainable_params": sum(p.numel() for p in trainable), "log": []}
    model.eval()
    if args.before:
        record["before"] = json.loads((OUT / args.before / "record.json").read_text())["before"]
    else:
        record["before"] = evaluate(model, None, sp, heldout, args.seq_len, calibrate(model, None, sp, examples, args.seq_len), n_generate=args.gen_n)
    run = OUT / args.run
    step = 0
    if args.eval_only:
        saved = json.loads((run / "record.json").read_text())
        record.update({k: saved[k] for k in ("steps", "train_seconds", "log", "file_bytes") if k in saved})
        record["args"] = {**saved.get("args", {}), "eval_only": True}
        if aligner is None:
            model.load_state_dict(torch.load(run / "model.pt", map_location="cpu"))
        else:
            aligner.load_state_dict(torch.load(run / "aligner.pt", map_location="cpu"))
        step = args.steps  # nothing to train
    t0 = time.time()
    deadline = t0 + 60 * args.minutes if args.minutes else None
    while not args.eval_only and step < args.steps and (deadline is None or time.time() < deadline):
        if args.mode in ("sft", "full"):
            rows = [encode_pair(sp, e["question"], e["prefix"], e["sentence"], reply_for(e), args.seq_len) for e in rng.sample(examples, args.batch)]
            x, y = batch(rows)
            logits, _ = model(x, aligner=aligner)
            per_token = F.cross_entropy(logits.reshape(-1, logits.size(-1)), y.reshape(-1), ignore_index=-100, reduction="none").view_as(y)
            mask = (y != -100).float()
            # The verdict is the reply's first token; the judge reads only it, so it can weigh more.
            first = mask.cumsum(-1) == 1
            weight = mask + (args.verdict_weight - 1) * (first & (mask > 0)).float()
            loss = (per_token * weight).sum() / weight.sum()
        elif args.mode in ("dpo", "rdpo"):
            chosen, rejected = zip(*[pref(p, swap=args.mode == "rdpo") for p in rng.sample(pairs, args.batch)])
            xc, yc = batch(chosen)
            xr, yr = batch(rejected)
            pc, _, _ = seq_logprob(model, aligner, xc, yc)
            pr, _, _ = seq_logprob(model, aligner, xr, yr)
            with torch.no_grad():
                rc, _, _ = seq_logprob(model, None, xc, yc)
                rr, _, _ = seq_logprob(model, None, xr, yr)
            loss = -F.logsigmoid(args.beta * ((pc - rc) - (pr - rr))).mean()
        else:
            chosen = [pref(p)[0] for p in rng.sample(pairs, args.batch)]
            x, y = batch(chosen)
            mask = y != -100
            with torch.no_grad():
                z_dpo, _ = model(x, aligner=teachers[0])
                z_rev, _ = model(x, aligner=teachers[1])
                tv = (z_dpo.softmax(-1) - z_rev.softmax(-1)).abs().sum(-1)
                alpha = args.beta2 * tv + 1e-3
                target = torch.log_softmax(z_dpo + alpha[..., None] * (z_dpo - z_rev), -1)
            logits, _ = model(x, aligner=aligner)
            lp = torch.log_softmax(logits, -1)
            kl = (lp.exp() * (lp - target)).sum(-1)  # reverse KL(π_θ ‖ teacher)
            loss = ((args.beta / alpha) * kl * mask).sum() / mask.sum()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        step += 1
        if step % 25 == 0:
            record["log"].append({"step": step, "loss": round(loss.item(), 4), "seconds": round(time.time() - t0, 1)})
            print(f"{args.run} step {step} loss {loss.item():.4f}", flush=True)
    if not args.eval_only:
        record["steps"] = step
        record["train_seconds"] = round(time.time() - t0, 1)
    model.eval()
    record["midpoint"] = calibrate(model, aligner, sp, examples, args.seq_len)
    record["after"] = evaluate(model, aligner, sp, heldout, args.seq_len, record["midpoint"], n_generate=args.gen_n)
    run.mkdir(parents=True, exist_ok=True)
    if args.eval_only:
        pass
    elif aligner is None:  # the full fine-tune's "file" is the whole model in fp32
        torch.save(model.state_dict(), run / "model.pt")
        record["file_bytes"] = (run / "model.pt").stat().st_size
    else:
        torch.save(aligner.state_dict(), run / "aligner.pt")
        record["file_bytes"] = (run / "aligner.pt").stat().st_size
    (run / "record.json").write_text(json.dumps(record, indent=2, allow_nan=False))
    print(json.dumps({k: record[k] for k in ("mode", "trainable_params", "steps", "train_seconds", "before", "after")}, indent=2))


if __name__ == "__main__":
    main()
