"""Rebuilds the chat checkpoint training/out/pocket-sft/ckpt.pt (and the tokenizer
training/out/pocket.model) from the shipped model in public/models/pocket-lm, so the aligner
tokens can be trained on exactly the weights the app ships without rerunning pretraining and
chat tuning (~85 minutes on two CPU cores). aligner.sh calls it when the checkpoint is missing.

  /usr/bin/python3 training/from_shipped.py
"""
import argparse
import json
from pathlib import Path

import torch

from train import OUT, shipped_state_dict
from model import Pocket, PocketConfig

ROOT = Path(__file__).resolve().parent


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", default=str(ROOT / "configs" / "pocket-sft.json"))
    ap.add_argument("--model", default=str(ROOT.parent / "public" / "models" / "pocket-lm"))
    args = ap.parse_args()
    cfg = json.loads(Path(args.config).read_text())
    shipped = Path(args.model)
    model = Pocket(PocketConfig(**cfg["model"]))
    # Strict: the shipped graph must match the config. Also installs the shipped tokenizer.
    model.load_state_dict(shipped_state_dict(shipped))
    run = OUT / cfg["run"]
    run.mkdir(parents=True, exist_ok=True)
    record = {"config": cfg, "params": model.num_params(), "from_shipped": str(shipped),
              "shipped_record": json.loads((shipped / "training-record.json").read_text())}
    torch.save({"model": model.state_dict(), "step": 0, "record": record}, run / "ckpt.pt")
    print(f"{run / 'ckpt.pt'} rebuilt from {shipped}")


if __name__ == "__main__":
    main()
