"""Pocket: a small Llama-style decoder (RMSNorm, RoPE, SwiGLU, grouped-query attention), and
the aligner token (Zhou et al., arXiv 2312.05503) that rides on it.

The module and tensor names mirror what export.py writes and what transformers.js expects of a
`llama` model, so one file is the whole truth about the graph. Written for torch 1.13: no
scaled_dot_product_attention, and grouped KV heads use expand+reshape (the ONNX export of
repeat_interleave is wrong in that version).
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class PocketConfig:
    vocab_size: int = 8000
    d_model: int = 256
    n_layers: int = 4
    n_heads: int = 4
    n_kv_heads: int = 2
    ffn_dim: int = 688
    max_seq_len: int = 1024
    rope_theta: float = 10000.0
    norm_eps: float = 1e-5

    @property
    def head_dim(self) -> int:
        return self.d_model // self.n_heads

    def to_dict(self) -> dict:
        return asdict(self)


class RMSNorm(nn.Module):
    def __init__(self, dim: int, eps: float):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        return self.weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps))


def rope_tables(cfg: PocketConfig, positions: torch.Tensor):
    """cos/sin of shape [batch, 1, seq, head_dim] for positions [batch, seq] (HF's rotate_half layout)."""
    inv_freq = 1.0 / (cfg.rope_theta ** (torch.arange(0, cfg.head_dim, 2, dtype=torch.float32) / cfg.head_dim))
    freqs = positions.float()[..., None] * inv_freq
    emb = torch.cat([freqs, freqs], dim=-1)[:, None]
    return emb.cos(), emb.sin()


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat([-x[..., half:], x[..., :half]], dim=-1)


class Attention(nn.Module):
    def __init__(self, cfg: PocketConfig):
        super().__init__()
        self.cfg = cfg
        hd = cfg.head_dim
        self.q_proj = nn.Linear(cfg.d_model, cfg.n_heads * hd, bias=False)
        self.k_proj = nn.Linear(cfg.d_model, cfg.n_kv_heads * hd, bias=False)
        self.v_proj = nn.Linear(cfg.d_model, cfg.n_kv_heads * hd, bias=False)
        self.o_proj = nn.Linear(cfg.n_heads * hd, cfg.d_model, bias=False)

    def forward(self, x, cos, sin, past_k=None, past_v=None, key_mask=None, prefix=None, gate=None):
        b, t, _ = x.shape
        cfg, hd = self.cfg, self.cfg.head_dim
        q = self.q_proj(x).view(b, t, cfg.n_heads, hd).transpose(1, 2)
        k = self.k_proj(x).view(b, t, cfg.n_kv_heads, hd).transpose(1, 2)
        v = self.v_proj(x).view(b, t, cfg.n_kv_heads, hd).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        if past_k is not None:
            k = torch.cat([past_k, k], dim=2)
            v = torch.cat([past_v, v], dim=2)
        present_k, present_v = k, v
        # Grouped-query attention: each KV head serves n_heads / n_kv_heads query heads.
        rep = cfg.n_heads // cfg.n_kv_heads
        total = k.shape[2]
        k = k[:, :, None].expand(b, cfg.n_kv_heads, rep, total, hd).reshape(b, cfg.n_heads, total, hd)
        v = v[:, :, None].expand(b, cfg.n_kv_heads, rep, total, hd).reshape(b, cfg.n_heads, total, hd)
        att = (q @ k.transpose(-2, -1)) / math.sqrt(hd)
        # Causal mask that also works with a cache: query i sits at absolute position past + i.
        past = total - t
        i = torch.arange(t, device=x.device)[:, None] + past
        j = torch.arange(total, device=x.device)[None, :]
        att = att.masked_fill(j > i, float("-inf"))
        if key_mask is not None:  # [b, total], 0 where a key is padding
            att = att.masked_fill(key_mask[:, None, None, :] == 0, float("-inf"))
        y = F.softmax(att, dim=-1) @ v
        if prefix is not None:
            y = y + gate.view(1, cfg.n_heads, 1, 1) * self.prefix_attention(q, prefix)
        y = y.transpose(1, 2).reshape(b, t, cfg.n_heads * hd)
        return self.o_proj(y), present_k, present_v


    def prefix_attention(self, q, prefix):
        """The aligner's slots: `prefix` [N, d] through this layer's frozen key/value projections
        (no norm, no RoPE), attended by every query with its own softmax and no causal mask."""
        cfg, hd, n = self.cfg, self.cfg.head_dim, prefix.shape[0]
        rep = cfg.n_heads // cfg.n_kv_heads
        k = self.k_proj(prefix).view(n, cfg.n_kv_heads, hd).transpose(0, 1)
        v = self.v_proj(prefix).view(n, cfg.n_kv_heads, hd).transpose(0, 1)
        k = k[:, None].expand(cfg.n_kv_heads, rep, n, hd).reshape(cfg.n_heads, n, hd)
        v = v[:, None].expand(cfg.n_kv_heads, rep, n, hd).reshape(cfg.n_heads, n, hd)
        return F.softmax((q @ k.transpose(-2, -1)) / math.sqrt(hd), dim=-1) @ v


class MLP(nn.Module):
    def __init__(self, cfg: PocketConfig):
        super().__init__()
        self.gate_proj = nn.Linear(cfg.d_model, cfg.ffn_dim, bias=False)
        self.up_proj = nn.Linear(cfg.d_model, cfg.ffn_dim, bias=False)
        self.down_proj = nn.Linear(cfg.ffn_dim, cfg.d_model, bias=False)

    def forward(self, x):
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class Block(nn.Module):
    def __init__(self, cfg: PocketConfig):
        super().__init__()
        self.input_layernorm = RMSNorm(cfg.d_model, cfg.norm_eps)
        self.self_attn = Attention(cfg)
        self.post_attention_layernorm = RMSNorm(cfg.d_model, cfg.norm_eps)
        self.mlp = MLP(cfg)

    def forward(self, x, cos, sin, past_k=None, past_v=None, key_mask=None, prefix=None, gate=None):
        a, pk, pv = self.self_attn(self.input_layernorm(x), cos, sin, past_k, past_v, key_mask, prefix, gate)
        x = x + a
        x = x + self.mlp(self.post_attention_layernorm(x))
        return x, pk, pv


class Pocket(nn.Module):
    def __init__(self, cfg: PocketConfig):
        super().__init__()
        self.cfg = cfg
        self.embed_tokens = nn.Embedding(cfg.vocab_size, cfg.d_model)
        self.layers = nn.ModuleList([Block(cfg) for _ in range(cfg.n_layers)])
        self.norm = RMSNorm(cfg.d_model, cfg.norm_eps)
        self.apply(self._init)

    @staticmethod
    def _init(m):
        if isinstance(m, (nn.Linear, nn.Embedding)):
            nn.init.normal_(m.weight, std=0.02)

    def num_params(self) -> int:
        return sum(p.numel() for p in self.parameters())

    def forward(self, ids, past=None, position_ids=None, attention_mask=None, aligner=None, last_only=False):
        """ids [b, t]; past: list of (k, v) per layer or None; attention_mask [b, past + t] with 0
        on padding (the browser passes it; training needs none); `aligner`: an Aligner, or None
        for the plain model; `last_only`: logits of the last position only (the exported graph).
        Returns logits and the new cache.

        Output embeddings are tied to the input embeddings (half the parameters of a model
        this small would otherwise be the output layer).
        """
        if position_ids is None:
            past_len = 0 if past is None else past[0][0].shape[2]
            position_ids = torch.arange(past_len, past_len + ids.shape[1], device=ids.device)[None]
        cos, sin = rope_tables(self.cfg, position_ids)
        x = self.embed_tokens(ids)
        presents = []
        for n, layer in enumerate(self.layers):
            pk, pv = (None, None) if past is None else past[n]
            slot = aligner.slot(n) if aligner is not None else (None, None)
            x, k, v = layer(x, cos, sin, pk, pv, attention_mask, *slot)
            presents.append((k, v))
        if last_only:
            x = x[:, -1:]  # inference reads only the next token's logits: skip the output layer elsewhere
        logits = F.linear(self.norm(x), self.embed_tokens.weight)
        return logits, presents

    def loss(self, ids, targets, aligner=None):
        logits, _ = self(ids, aligner=aligner)
        return F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1), ignore_index=-100)


class Aligner(nn.Module):
    """One learned global aligner token (N = 1 by default): an N×d embedding shared by every
    layer from `start_layer` up, plus one gate per layer and head, initialised at zero so that
    training starts from the unchanged model. Only these N·d + (L − start)·H numbers train."""

    def __init__(self, cfg: PocketConfig, n_tokens: int = 1, start_layer: int = 2):
        super().__init__()
        self.start_layer = start_layer
        self.embedding = nn.Parameter(torch.randn(n_tokens, cfg.d_model) * 0.02)
        self.gates = nn.Parameter(torch.zeros(cfg.n_layers - start_layer, cfg.n_heads))

    def slot(self, layer: int):
        """(prefix, gate) for a layer, or (None, None) below start_layer."""
        if layer < self.start_layer:
            return None, None
        return self.embedding, self.gates[layer - self.start_layer]
