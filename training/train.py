"""Trains Pocket: `--stage pretrain` on the extracted text, `--stage sft` on the chat set
(loss on the assistant's tokens only). One loop for both; a JSON config holds the settings and
command-line flags override it. Resumable: `--resume` continues from the run's last checkpoint,
the config's `init` starts from another run's weights (SFT from pretraining), and
`--init-from public/models/pocket-lm` starts from the shipped model's weights (read from its
ONNX file, with the tokenizer.model shipped beside it). `--device cuda` trains on a GPU. The same
script runs under torchrun, one process per GPU (or CPU processes on gloo), with PyTorch's DDP:

  torchrun --nproc_per_node 8 training/train.py --config training/configs/pocket-pretrain.json --device cuda

  /usr/bin/python3 training/train.py --config training/configs/pocket-pretrain.json
  /usr/bin/python3 training/train.py --config training/configs/pocket-sft.json
"""
import argparse
import json
import math
import os
import random
import sys
import time
from pathlib import Path

import filecmp
import shutil

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))
from model import Pocket, PocketConfig  # noqa: E402
import tokenizer as tok  # noqa: E402

ROOT = Path(__file__).resolve().parent
OUT = Path(os.environ.get("REDRAFT_TRAIN_OUT", ROOT / "out"))


def pretrain_tokens(sp, split):
    cache = OUT / f"pretrain.{split}.npy"
    if cache.exists():
        return np.load(cache)
    ids, seen = [], set()
    for f in sorted((OUT / "text").glob(f"*.{split}.txt")):
        for line in f.read_text(encoding="utf-8").splitlines():
            if line in seen:  # the same paragraph in two sources (quotations, glosses)
                continue
            seen.add(line)
            ids.extend(sp.encode(line))
            ids.append(sp.eos_id())
    arr = np.array(ids, dtype=np.uint16)
    np.save(cache, arr)
    return arr


def sft_examples(sp, split, seq_len):
    """(ids, targets) per conversation; targets are -100 except on assistant replies."""
    out = []
    for line in open(OUT / "text" / f"chat.{split}.jsonl", encoding="utf-8"):
        ids, learn = tok.encode_chat(sp, json.loads(line)["messages"])
        tgt = [t if keep else -100 for t, keep in zip(ids, learn)]
        # Targets are the next token: shift left by one.
        ids, tgt = ids[: seq_len + 1], tgt[: seq_len + 1]
        out.append((ids[:-1], tgt[1:]))
    return out


def batches_pretrain(data, batch, seq_len, rng):
    while True:
        starts = rng.integers(0, len(data) - seq_len - 1, batch)
        x = np.stack([data[s : s + seq_len] for s in starts]).astype(np.int64)
        y = np.stack([data[s + 1 : s + seq_len + 1] for s in starts]).astype(np.int64)
        yield torch.from_numpy(x), torch.from_numpy(y)


def batches_sft(examples, batch, rng):
    order = list(range(len(examples)))
    while True:
        random.Random(int(rng.integers(1 << 30))).shuffle(order)
        for i in range(0, len(order) - batch + 1, batch):
            group = [examples[j] for j in order[i : i + batch]]
            n = max(len(g[0]) for g in group)
            x = torch.zeros(batch, n, dtype=torch.long)
            y = torch.full((batch, n), -100, dtype=torch.long)
            for r, (ids, tgt) in enumerate(group):
                x[r, : len(ids)] = torch.tensor(ids)
                y[r, : len(tgt)] = torch.tensor(tgt)
            yield x, y


def shipped_state_dict(model_dir: Path):
    """The weights of an exported model, from its ONNX initializers (named as in HF's Llama:
    `model.` + our parameter names). Its tokenizer must be the one training uses."""
    import onnx
    from onnx import numpy_helper

    spm_model = OUT / "pocket.model"
    if not spm_model.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        shutil.copy(model_dir / "tokenizer.model", spm_model)
    elif not filecmp.cmp(spm_model, model_dir / "tokenizer.model", shallow=False):
        raise SystemExit(f"{spm_model} is not the tokenizer of {model_dir}: the shipped weights only fit their own "
                         f"tokenizer. Copy {model_dir / 'tokenizer.model'} to {spm_model} and delete {OUT}/pretrain.*.npy.")
    graph = onnx.load(str(model_dir / "onnx" / "model.onnx")).graph
    return {i.name.removeprefix("model."): torch.from_numpy(numpy_helper.to_array(i).copy()) for i in graph.initializer}


def distributed(device):
    """Under torchrun (WORLD_SIZE > 1): joins the process group — NCCL on GPUs, gloo on CPUs —
    and returns (rank, world size, this process's device). Alone: (0, 1, device)."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world <= 1:
        return 0, 1, device
    import torch.distributed as dist
    dist.init_process_group("nccl" if device.startswith("cuda") else "gloo")
    if device.startswith("cuda"):
        local = int(os.environ.get("LOCAL_RANK", "0"))
        torch.cuda.set_device(local)
        device = f"cuda:{local}"
    return dist.get_rank(), world, device


@torch.no_grad()
def evaluate(model, batches, n=20):
    model.eval()
    losses = [model.loss(*next(batches)).item() for _ in range(n)]
    model.train()
    return sum(losses) / len(losses)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", required=True)
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--device", default=None, help="cpu (default) or cuda")
    ap.add_argument("--init-from", default=None, help="start from an exported model's weights, e.g. public/models/pocket-lm")
    ap.add_argument("--minutes", type=float, default=None, help="stop after this much wall-clock time")
    ap.add_argument("--set", nargs="*", default=[], help="override config keys, key=value (JSON values)")
    args = ap.parse_args()
    cfg = json.loads(Path(args.config).read_text())
    for kv in args.set:
        k, v = kv.split("=", 1)
        cfg[k] = json.loads(v)
    if args.minutes is not None:
        cfg["minutes"] = args.minutes
    device = args.device or cfg.get("device", "cpu")
    rank, world, device = distributed(device)
    # One process per GPU, or the CPU's threads shared among the processes.
    torch.set_num_threads(max(1, cfg.get("threads", os.cpu_count() or 2) // world))
    torch.manual_seed(cfg.get("seed", 0))

    run = OUT / cfg["run"]
    run.mkdir(parents=True, exist_ok=True)
    shipped = shipped_state_dict(Path(args.init_from)) if args.init_from and not (args.resume and (run / "ckpt.pt").exists()) else None
    sp = tok.load()
    mcfg = PocketConfig(**cfg["model"])
    model = Pocket(mcfg).to(device)
    step, record = 0, {"config": cfg, "params": model.num_params(), "log": []}
    ckpt = run / "ckpt.pt"
    if args.resume and ckpt.exists():
        state = torch.load(ckpt, map_location=device)
        model.load_state_dict(state["model"])
        step, record = state["step"], state["record"]
        print(f"resumed {run} at step {step}")
    elif shipped is not None:
        model.load_state_dict(shipped)
        print(f"initialised from {args.init_from}")
    elif cfg.get("init"):
        model.load_state_dict(torch.load(OUT / cfg["init"] / "ckpt.pt", map_location=device)["model"])
        print(f"initialised from {cfg['init']}")
    # Seeded by the step too, so a resumed run draws new batches rather than repeating the first
    # ones, and by the rank, so each process of a distributed run draws its own.
    rng = np.random.default_rng([cfg.get("seed", 0), step, rank])
    record.update(device=device, threads=torch.get_num_threads(), torch=torch.__version__)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg["lr"], weight_decay=cfg.get("weight_decay", 0.1), betas=(0.9, 0.95))
    if args.resume and ckpt.exists() and "opt" in state:
        opt.load_state_dict(state["opt"])

    seq, batch = cfg["seq_len"], cfg["batch"]
    if cfg["stage"] == "pretrain":
        train_it = batches_pretrain(pretrain_tokens(sp, "train"), batch, seq, rng)
        held_it = batches_pretrain(pretrain_tokens(sp, "heldout"), batch, seq, np.random.default_rng(7))
    else:
        train_it = batches_sft(sft_examples(sp, "train", seq), batch, rng)
        held_it = batches_sft(sft_examples(sp, "heldout", seq), batch, np.random.default_rng(7))

    # Under torchrun every process trains on its own batches and DDP averages the gradients (the
    # effective batch is batch × world size); only rank 0 logs and writes checkpoints.
    net = model
    if world > 1:
        from torch.nn.parallel import DistributedDataParallel
        net = DistributedDataParallel(model, device_ids=[torch.cuda.current_device()] if device.startswith("cuda") else None)
    record.update(world_size=world)
    if rank == 0:
        print(f"{cfg['run']}: {model.num_params()/1e6:.2f}M params, stage {cfg['stage']}, device {device}, {world} process{'es' if world > 1 else ''}")
    total_steps, warmup = cfg["steps"], cfg.get("warmup", 100)
    deadline = time.time() + 60 * cfg["minutes"] if cfg.get("minutes") else None
    t0, tokens = time.time(), 0
    model.train()
    while step < total_steps and (deadline is None or time.time() < deadline):
        lr = cfg["lr"] * min(1.0, (step + 1) / warmup) * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(1.0, step / total_steps))))
        for g in opt.param_groups:
            g["lr"] = lr
        x, y = next(train_it)
        logits, _ = net(x.to(device))
        loss = F.cross_entropy(logits.view(-1, logits.size(-1)), y.to(device).view(-1), ignore_index=-100)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        tokens += x.numel() * world
        if rank == 0 and step % cfg.get("log_every", 25) == 0:
            tps = tokens / (time.time() - t0)
            record["log"].append({"step": step, "loss": round(loss.item(), 4), "lr": lr, "tokens_per_s": round(tps)})
            print(f"step {step} loss {loss.item():.3f} lr {lr:.2e} {tps:.0f} tok/s", flush=True)
        if rank == 0 and step % cfg.get("ckpt_every", 200) == 0:
            torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "step": step, "record": record}, ckpt)

    if world > 1:
        import torch.distributed as dist
        dist.destroy_process_group()
        if rank != 0:
            return
    record["heldout_loss"] = round(evaluate(model, held_it), 4)
    record["steps"] = step
    record["train_seconds"] = round(time.time() - t0 + record.get("train_seconds", 0), 1)
    record["model_config"] = mcfg.to_dict()
    torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "step": step, "record": record}, ckpt)
    (run / "record.json").write_text(json.dumps(record, indent=2))
    print(f"done: step {step}, held-out loss {record['heldout_loss']}")


if __name__ == "__main__":
    main()
