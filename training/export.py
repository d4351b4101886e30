"""Exports a trained Pocket checkpoint to the transformers.js layout:

  public/models/pocket-lm/{config.json, generation_config.json, tokenizer.json,
                            tokenizer_config.json, onnx/model.onnx, README.md}

and the same graph with its weights in int8 as onnx/model_quantized.onnx (training/quantize.py;
transformers.js's name for dtype "q8", which the app runs on WASM).

The ONNX graph takes `input_ids`, `attention_mask`, `position_ids` and
`past_key_values.{i}.key|value` ([batch, kv_heads, past, head_dim]) and returns `logits` and
`present.{i}.key|value`: the names transformers.js feeds and reads for a `llama` model.
It also writes a reference from PyTorch (prompt ids, greedy continuation, top-5 log-probabilities
at each of the first steps) that tests/export-parity.test.ts compares with what the app's ONNX
engine computes from the exported files. The sentencepiece model goes along as
`tokenizer.model`, so that training can continue from the shipped weights (train.py --init-from).

  /usr/bin/python3 training/export.py --run pocket-sft --reference tests/fixtures/pocket-lm-reference.json
"""
import argparse
import os
import json
import shutil
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from model import Aligner, Pocket, PocketConfig  # noqa: E402
import tokenizer as tok  # noqa: E402

ROOT = Path(__file__).resolve().parent
REPO = ROOT.parent
OUT = Path(os.environ.get("REDRAFT_TRAIN_OUT", ROOT / "out"))
# Teacher-forced prefixes too: a barely trained model's greedy answer can be one token long.
FORCED_ANSWER = "The capital of France is Paris. Ocean means a large body of salt water."
ALIGNER_START_LAYER = 2
REFERENCE_PROMPTS = [
    "Hello",
    "What does ocean mean?",
    "What is 12 + 7?",
    "Tell me a story.",
    'Repeat exactly: <img src=x onerror="window.__pwned=1">',
]


class AlignerInputs:
    """The aligner token as graph inputs: one exported model serves the plain model (gates at
    zero) and every aligner token (model.py's Aligner, fed at run time)."""

    def __init__(self, embedding, gates, start_layer=ALIGNER_START_LAYER):
        self.embedding, self.gates, self.start_layer = embedding, gates, start_layer

    def slot(self, layer):
        return (None, None) if layer < self.start_layer else (self.embedding, self.gates[layer - self.start_layer])


class OnnxWrapper(torch.nn.Module):
    def __init__(self, model: Pocket):
        super().__init__()
        self.model = model

    def forward(self, input_ids, attention_mask, position_ids, aligner_embedding, aligner_gates, *past_flat):
        past = [(past_flat[2 * i], past_flat[2 * i + 1]) for i in range(len(past_flat) // 2)]
        aligner = AlignerInputs(aligner_embedding, aligner_gates)
        # Logits of the last position only: the app reads no other, and the 256 × vocab output
        # layer over every prompt position was ~40 % of a prefill's work.
        logits, presents = self.model(input_ids, past, position_ids, attention_mask, aligner, last_only=True)
        flat = [t for kv in presents for t in kv]
        return (logits, *flat)


@torch.no_grad()
def reference(model, ids, eos, n=24, steps_with_logprobs=6, aligner=None):
    """Greedy continuation with the top-5 log-probabilities of the first steps."""
    out, top, past, x = [], [], None, torch.tensor([ids])
    for i in range(n):
        logits, past = model(x, past, aligner=aligner)
        lp = torch.log_softmax(logits[0, -1].double(), -1)
        t = int(lp.argmax())
        if i < steps_with_logprobs:
            v, k = lp.topk(5)
            top.append([{"token": int(a), "logprob": round(float(b), 6)} for a, b in zip(k, v)])
        if t == eos:
            break
        out.append(t)
        x = torch.tensor([[t]])
    return out, top


@torch.no_grad()
def greedy(model, ids, eos, n=48):
    out, past, x = [], None, torch.tensor([ids])
    for _ in range(n):
        logits, past = model(x, past)
        t = int(logits[0, -1].argmax())
        if t == eos:
            break
        out.append(t)
        x = torch.tensor([[t]])
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--run", default="smoke-sft")
    ap.add_argument("--out", default=str(REPO / "public" / "models" / "pocket-lm"))
    ap.add_argument("--reference", default=str(OUT / "reference.json"))
    args = ap.parse_args()
    run = OUT / args.run
    state = torch.load(run / "ckpt.pt", map_location="cpu")
    record = state["record"]
    cfg = PocketConfig(**record["config"]["model"])
    model = Pocket(cfg)
    model.load_state_dict(state["model"])
    model.eval()
    out = Path(args.out)
    (out / "onnx").mkdir(parents=True, exist_ok=True)

    sp = tok.load()
    tok.to_hf(sp, out)
    im_end = sp.piece_to_id("<|im_end|>")
    config = {
        "architectures": ["LlamaForCausalLM"], "model_type": "llama",
        "vocab_size": cfg.vocab_size, "hidden_size": cfg.d_model, "intermediate_size": cfg.ffn_dim,
        "num_hidden_layers": cfg.n_layers, "num_attention_heads": cfg.n_heads,
        "num_key_value_heads": cfg.n_kv_heads, "head_dim": cfg.head_dim,
        "max_position_embeddings": cfg.max_seq_len, "rms_norm_eps": cfg.norm_eps,
        "rope_theta": cfg.rope_theta, "tie_word_embeddings": True, "hidden_act": "silu",
        "bos_token_id": sp.bos_id(), "eos_token_id": im_end, "pad_token_id": 0, "torch_dtype": "float32",
        # Graph inputs aligner_embedding [N, hidden] and aligner_gates [layers - start, heads]:
        # zeros give the plain model.
        "redraft_aligner": {"start_layer": ALIGNER_START_LAYER, "gates_shape": [cfg.n_layers - ALIGNER_START_LAYER, cfg.n_heads]},
    }
    (out / "config.json").write_text(json.dumps(config, indent=2))
    (out / "generation_config.json").write_text(json.dumps(
        {"bos_token_id": sp.bos_id(), "eos_token_id": im_end, "pad_token_id": 0, "max_length": cfg.max_seq_len}, indent=2))

    hd, kv = cfg.head_dim, cfg.n_kv_heads
    past = []
    for _ in range(cfg.n_layers):
        past += [torch.zeros(1, kv, 3, hd), torch.zeros(1, kv, 3, hd)]
    ids = torch.tensor([[5, 6]])
    mask = torch.ones(1, 5, dtype=torch.long)
    pos = torch.tensor([[3, 4]])
    names_past = [f"past_key_values.{i}.{k}" for i in range(cfg.n_layers) for k in ("key", "value")]
    names_present = [f"present.{i}.{k}" for i in range(cfg.n_layers) for k in ("key", "value")]
    dyn = {"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "total"},
           "position_ids": {0: "batch", 1: "seq"}, "logits": {0: "batch"}}
    for n in names_past:
        dyn[n] = {0: "batch", 2: "past"}
    for n in names_present:
        dyn[n] = {0: "batch", 2: "total"}
    dyn["aligner_embedding"] = {0: "aligner_tokens"}
    emb, gates = torch.zeros(1, cfg.d_model), torch.zeros(cfg.n_layers - ALIGNER_START_LAYER, cfg.n_heads)
    torch.onnx.export(
        OnnxWrapper(model), (ids, mask, pos, emb, gates, *past), str(out / "onnx" / "model.onnx"),
        input_names=["input_ids", "attention_mask", "position_ids", "aligner_embedding", "aligner_gates", *names_past],
        output_names=["logits", *names_present], dynamic_axes=dyn, opset_version=17,
        # No constant folding: it would store the tied embedding a second time, transposed (+8 MB).
        do_constant_folding=False,
    )

    shutil.copy(OUT / "pocket.model", out / "tokenizer.model")

    # A fixed test token with open gates: the export must agree with PyTorch with an aligner too.
    torch.manual_seed(1234)
    test_token = Aligner(cfg)
    with torch.no_grad():
        test_token.embedding.normal_(0, 1)
        test_token.gates.uniform_(0.5, 1.5)
    refs = []
    for p in REFERENCE_PROMPTS:
        prompt = tok.encode_text(sp, tok.render_chat([{"role": "user", "content": p}], add_generation_prompt=True))
        gen, top = reference(model, prompt, im_end)
        forced = []
        for k in (2, 7, 15):
            ids = prompt + tok.encode_text(sp, FORCED_ANSWER)[:k]
            forced.append({"ids": ids, "top": reference(model, ids, im_end, n=1, steps_with_logprobs=1)[1][0],
                           "aligned_top": reference(model, ids, im_end, n=1, steps_with_logprobs=1, aligner=test_token)[1][0]})
        refs.append({"prompt": p, "prompt_ids": prompt, "greedy_ids": gen, "top": top, "forced": forced, "text": sp.decode(gen)})
        print(f"{p!r} -> {sp.decode(gen)!r}")
    Path(args.reference).parent.mkdir(parents=True, exist_ok=True)
    aligner = {"embedding": test_token.embedding.tolist(), "gates": test_token.gates.tolist()}
    Path(args.reference).write_text(json.dumps({"model": out.name, "eos": im_end, "aligner": aligner, "prompts": refs}, indent=1))

    # The 8-bit graph beside it (what the app runs on WASM): training/quantize.py.
    import quantize  # noqa: E402  (beside this file)
    import onnx  # noqa: E402
    q, _ = quantize.quantize(onnx.load(str(out / "onnx" / "model.onnx")))
    onnx.save(q, str(out / "onnx" / "model_quantized.onnx"))

    size_mb = (out / "onnx" / "model.onnx").stat().st_size / 1e6
    card = (ROOT / "MODEL_CARD.md").read_text().format(
        params=f"{model.num_params()/1e6:.2f}M", run=args.run, heldout=record.get("heldout_loss"),
        steps=record.get("steps"), size=f"{size_mb:.1f}", layers=cfg.n_layers, d=cfg.d_model,
        heads=cfg.n_heads, kv=cfg.n_kv_heads, ctx=cfg.max_seq_len)
    (out / "README.md").write_text(card)
    shutil.copy(run / "record.json", out / "training-record.json")
    print(f"exported {out} ({size_mb:.1f} MB onnx fp32, {(out / 'onnx' / 'model_quantized.onnx').stat().st_size / 1e6:.1f} MB int8)")


if __name__ == "__main__":
    main()
