"""Measures training throughput (tokens/s: forward, backward and AdamW step) of a few model
sizes on this machine, to choose the largest model that the time budget can train.

  /usr/bin/python3 training/sizes.py            # prints a table, writes out/sizes.json
"""
import json
import os
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from model import Pocket, PocketConfig  # noqa: E402

SIZES = {
    "S": dict(d_model=192, n_layers=4, n_heads=4, n_kv_heads=2, ffn_dim=512),
    "M": dict(d_model=256, n_layers=4, n_heads=4, n_kv_heads=2, ffn_dim=688),
    "L": dict(d_model=384, n_layers=6, n_heads=6, n_kv_heads=2, ffn_dim=1024),
}


def measure(arch, batch=16, seq=256, steps=6, device="cpu"):
    model = Pocket(PocketConfig(vocab_size=8000, max_seq_len=1024, **arch)).to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    x = torch.randint(0, 8000, (batch, seq), device=device)
    for i in range(steps + 2):
        if i == 2:  # the first steps allocate; time the rest
            t0 = time.time()
        loss = model.loss(x, x)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return model.num_params(), batch * seq * steps / (time.time() - t0)


if __name__ == "__main__":
    torch.set_num_threads(os.cpu_count() or 2)
    rows = {}
    for name, arch in SIZES.items():
        params, tps = measure(arch)
        rows[name] = {"arch": arch, "params": params, "tokens_per_s": round(tps), "tokens_per_hour": round(tps * 3600)}
        print(f"{name}: {params/1e6:5.2f}M params  {tps:7.0f} tokens/s  {tps*3.6e-3:5.2f}M tokens/hour", flush=True)
    out = Path(__file__).resolve().parent / "out" / "sizes.json"
    out.write_text(json.dumps({"threads": torch.get_num_threads(), "sizes": rows}, indent=2))
