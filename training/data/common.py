"""Shared by the per-source scripts: where text goes, and the fixed held-out split."""
import hashlib
import os
import re
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "out" / "text"
CORPUS = Path(os.environ.get("REDRAFT_CORPUS", "/tmp/corpus/node_modules"))


def is_heldout(text: str, share: float = 0.01) -> bool:
    """A fixed split by content hash: the same paragraph is held out on every machine, every run."""
    h = int(hashlib.sha1(text.encode("utf-8")).hexdigest()[:8], 16)
    return h / 0xFFFFFFFF < share


def write_paragraphs(name: str, paragraphs, licence: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    seen = set()
    train, held, words = [], [], 0
    for p in paragraphs:
        p = re.sub(r"\s+", " ", p).strip()
        if len(p) < 20 or p in seen:
            continue
        seen.add(p)
        words += len(p.split())
        (held if is_heldout(p) else train).append(p)
    (OUT / f"{name}.train.txt").write_text("\n".join(train) + "\n", encoding="utf-8")
    (OUT / f"{name}.heldout.txt").write_text("\n".join(held) + "\n", encoding="utf-8")
    print(f"{name}: {words} words, {len(train)} train / {len(held)} held-out paragraphs ({licence})")
