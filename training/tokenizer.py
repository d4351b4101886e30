"""Trains Pocket's BPE tokenizer with sentencepiece and writes it in Hugging Face's
`tokenizer.json` form (as HF's Llama converter does), plus `tokenizer_config.json` with the
ChatML chat template. Also provides `encode_chat`, the one place training renders chats, so
that training and the browser tokenize a conversation identically."""
import json
import os
import re
import sys
from pathlib import Path

import sentencepiece as spm

OUT = Path(os.environ.get("REDRAFT_TRAIN_OUT", Path(__file__).resolve().parent / "out"))
SPECIALS = ["<|im_start|>", "<|im_end|>"]
CHAT_TEMPLATE = (
    "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n' }}"
    "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)


def train(vocab_size=8000):
    """Trains on the pretraining text only (every source's training split), so the tokenizer can
    be built before, and independently of, the chat set."""
    files = sorted(str(p) for p in (OUT / "text").glob("*.train.txt"))
    sample = OUT / "tokenizer_input.txt"
    with open(sample, "w", encoding="utf-8") as fh:
        for f in files:
            fh.write(Path(f).read_text(encoding="utf-8"))
    spm.SentencePieceTrainer.train(
        input=str(sample), model_prefix=str(OUT / "pocket"), model_type="bpe", vocab_size=vocab_size,
        byte_fallback=True, character_coverage=1.0, user_defined_symbols=SPECIALS,
        # Keep newlines and runs of spaces: code and lists need them.
        normalization_rule_name="identity", remove_extra_whitespaces=False, split_digits=True,
        input_sentence_size=2_000_000, shuffle_input_sentence=True, num_threads=2,
        unk_id=0, bos_id=1, eos_id=2, pad_id=-1, allow_whitespace_only_pieces=True,
    )


def load():
    return spm.SentencePieceProcessor(model_file=str(OUT / "pocket.model"))


def to_hf(sp, out_dir: Path):
    vocab = {sp.id_to_piece(i): i for i in range(sp.get_piece_size())}
    # Merges recovered from the vocabulary, ordered by the rank of the merged piece (BPE ids
    # follow merge order), exactly as HF's SentencePieceExtractor does.
    merges = []
    for piece, pid in vocab.items():
        if sp.is_control(pid) or sp.is_unknown(pid) or sp.is_byte(pid) or piece in SPECIALS:
            continue
        for k in range(1, len(piece)):
            left, right = piece[:k], piece[k:]
            if left in vocab and right in vocab:
                merges.append((pid, vocab[left], vocab[right], left, right))
    merges.sort()
    specials = [sp.id_to_piece(i) for i in (0, 1, 2)] + SPECIALS
    tok = {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [
            {"id": vocab[s], "content": s, "single_word": False, "lstrip": False, "rstrip": False,
             "normalized": False, "special": True}
            for s in specials
        ],
        "normalizer": {"type": "Sequence", "normalizers": [
            {"type": "Prepend", "prepend": "▁"},
            {"type": "Replace", "pattern": {"String": " "}, "content": "▁"},
        ]},
        "pre_tokenizer": None,
        "post_processor": None,
        "decoder": {"type": "Sequence", "decoders": [
            {"type": "Replace", "pattern": {"String": "▁"}, "content": " "},
            {"type": "ByteFallback"},
            {"type": "Fuse"},
            {"type": "Strip", "content": " ", "start": 1, "stop": 0},
        ]},
        "model": {
            "type": "BPE", "dropout": None, "unk_token": "<unk>", "continuing_subword_prefix": None,
            "end_of_word_suffix": None, "fuse_unk": True, "byte_fallback": True, "ignore_merges": False,
            "vocab": vocab, "merges": [[m[3], m[4]] for m in merges],
        },
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "tokenizer.json").write_text(json.dumps(tok, ensure_ascii=False), encoding="utf-8")
    config = {
        "tokenizer_class": "LlamaTokenizer",
        "bos_token": "<s>", "eos_token": "<|im_end|>", "unk_token": "<unk>", "pad_token": "<unk>",
        "add_bos_token": False, "add_eos_token": False, "legacy": True,
        "model_max_length": 1024, "chat_template": CHAT_TEMPLATE,
        "clean_up_tokenization_spaces": False,
    }
    (out_dir / "tokenizer_config.json").write_text(json.dumps(config, indent=2), encoding="utf-8")


_SPLIT = re.compile("(" + "|".join(re.escape(s) for s in SPECIALS) + ")")


def render_chat(messages, add_generation_prompt=False) -> str:
    text = "".join(f"<|im_start|>{m['role']}\n{m['content']}<|im_end|>\n" for m in messages)
    return text + ("<|im_start|>assistant\n" if add_generation_prompt else "")


def encode_chat(sp, messages, add_generation_prompt=False):
    """The conversation's ids exactly as the browser tokenizes it (the whole rendered string at
    once), and for each id whether it belongs to an assistant reply (its text and <|im_end|>):
    the tokens chat tuning learns. Tokenizing each message apart would be wrong: a message's
    first word would get the ▁ prefix that the browser never gives it."""
    ids = encode_text(sp, render_chat(messages, add_generation_prompt))
    start, end = sp.piece_to_id("<|im_start|>"), sp.piece_to_id("<|im_end|>")
    newline = sp.piece_to_id("<0x0A>")
    learn, role, state = [], [], "outside"
    for t in ids:
        if t == start:
            state, role = "role", []
            learn.append(False)
        elif state == "role":
            if t == newline:
                state = "assistant" if sp.decode(role).strip() == "assistant" else "other"
            else:
                role.append(t)
            learn.append(False)
        elif t == end:
            learn.append(state == "assistant")
            state = "outside"
        else:
            learn.append(state == "assistant")
    return ids, learn


def encode_text(sp, text: str):
    """Tokenizes text the way tokenizer.json does: special tokens as ids, every other segment
    on its own with the ▁ prefix (HF's Prepend normalizer runs per segment)."""
    ids = []
    for part in _SPLIT.split(text):
        if not part:
            continue
        if part in SPECIALS:
            ids.append(sp.piece_to_id(part))
        else:
            ids.extend(sp.encode(part))
    return ids


if __name__ == "__main__":
    train(int(sys.argv[1]) if len(sys.argv) > 1 else 8000)
    for cache in OUT.glob("pretrain.*.npy"):  # token ids of the previous tokenizer
        cache.unlink()
    sp = load()
    to_hf(sp, OUT / "hf")
    print("vocab", sp.get_piece_size(), "->", OUT / "hf")
