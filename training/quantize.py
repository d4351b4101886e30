"""8-bit Pocket: the exported ONNX graph with its weight matrices stored as int8.

    /usr/bin/python3 training/quantize.py public/models/pocket-lm   # onnx/model.onnx → onnx/model_quantized.onnx

transformers.js loads `onnx/model_quantized.onnx` for dtype "q8", so the app picks it by dtype and
`onnx/model.onnx` (fp32) stays beside it for the parity tests. The transform is ONNX Runtime's
dynamic quantization, written with the `onnx` package (no Python ONNX Runtime here):

* every linear layer, `MatMul(x, Transpose(W))` with W an initializer [out, in], becomes
  `DynamicQuantizeLinear(x)` → `MatMulInteger(x_q, W_q, x_zero, 0)` → `Cast` → `Mul(x_scale · s)`,
  with W_q = round(Wᵀ / s) in int8 and one scale s per output channel (symmetric: zero point 0);
* the embedding table, shared with the output layer (tied weights), is stored once in int8 with
  one scale per row: the output layer is the same `MatMulInteger` on its transpose (its output
  channels are the table's rows), and the input embedding gathers int8 rows and multiplies each
  by its row's scale.

Attention's own MatMuls (activations by activations) stay fp32, as do norms and the aligner
inputs. The accuracy check (held-out bits per byte within 2 % of fp32, the same greedy tokens
on the parity prompts) is tests/quantized.test.ts.
"""

import argparse
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def per_channel_int8(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """w [out, in] → (int8 [out, in], float32 scale [out]), symmetric per output channel."""
    scale = np.abs(w).max(axis=1) / 127.0
    scale[scale == 0] = 1.0
    q = np.clip(np.round(w / scale[:, None]), -127, 127).astype(np.int8)
    return q, scale.astype(np.float32)


def quantize(model: onnx.ModelProto) -> tuple[onnx.ModelProto, dict]:
    graph = model.graph
    inits = {t.name: t for t in graph.initializer}
    producer = {o: n for n in graph.node for o in n.output}
    consumers: dict[str, list] = {}
    for n in graph.node:
        for i in n.input:
            consumers.setdefault(i, []).append(n)

    new_inits: list[onnx.TensorProto] = []
    drop_nodes: set[int] = set()
    # Each replaced node's index → the nodes that stand in its place (topological order kept).
    replace: dict[int, list] = {}
    node_index = {id(n): i for i, n in enumerate(graph.node)}
    quantized: dict[str, tuple[str, str]] = {}  # weight name → (int8 Wᵀ name, scale name)
    stats = {'linear': 0, 'embedding': 0, 'int8_params': 0}

    def weight_int8(name: str) -> tuple[str, str, str]:
        """The int8 [out, in] table of initializer `name`, its scales, and its [in, out] transpose."""
        if name in quantized:
            return quantized[name]
        w = numpy_helper.to_array(inits[name]).astype(np.float32)
        q, s = per_channel_int8(w)
        names = (f'{name}_int8', f'{name}_scale', f'{name}_int8_T')
        new_inits.append(numpy_helper.from_array(q, names[0]))
        new_inits.append(numpy_helper.from_array(s, names[1]))
        stats['int8_params'] += q.size
        quantized[name] = names
        return names

    transposed_int8: set[str] = set()

    for idx, node in enumerate(graph.node):
        if node.op_type != 'MatMul':
            continue
        t = producer.get(node.input[1])
        if t is None or t.op_type != 'Transpose' or t.input[0] not in inits:
            continue
        perm = next((list(a.ints) for a in t.attribute if a.name == 'perm'), None)
        if perm != [1, 0]:
            continue
        w_name = t.input[0]
        q_name, s_name, qt_name = weight_int8(w_name)
        p = node.name or node.output[0]
        lead = []
        if any(c.op_type == 'Gather' for c in consumers.get(w_name, [])):
            # The table is read as rows too (tied embeddings): stored once, transposed in the
            # graph (ONNX Runtime folds a Transpose of a constant when the session starts).
            lead = [helper.make_node('Transpose', [q_name], [f'{p}/wq_T'], perm=[1, 0], name=f'{p}/TransposeInt8')]
            qt_name = f'{p}/wq_T'
        elif qt_name not in transposed_int8:
            # Wᵀ in int8, stored as the MatMul reads it; the [out, in] table is then not stored.
            q = numpy_helper.to_array(next(i for i in new_inits if i.name == q_name))
            new_inits.append(numpy_helper.from_array(np.ascontiguousarray(q.T), qt_name))
            transposed_int8.add(qt_name)
        x = node.input[0]
        out = node.output[0]
        zero = f'{w_name}_zero'
        if not any(i.name == zero for i in new_inits):
            out_ch = numpy_helper.to_array(inits[w_name]).shape[0]
            new_inits.append(numpy_helper.from_array(np.zeros(out_ch, dtype=np.int8), zero))
        replace[idx] = lead + [
            helper.make_node('DynamicQuantizeLinear', [x], [f'{p}/xq', f'{p}/xs', f'{p}/xz'], name=f'{p}/DynamicQuantizeLinear'),
            helper.make_node('MatMulInteger', [f'{p}/xq', qt_name, f'{p}/xz', zero], [f'{p}/int'], name=f'{p}/MatMulInteger'),
            helper.make_node('Cast', [f'{p}/int'], [f'{p}/float'], to=TensorProto.FLOAT, name=f'{p}/Cast'),
            helper.make_node('Mul', [f'{p}/xs', s_name], [f'{p}/scale'], name=f'{p}/Scale'),
            helper.make_node('Mul', [f'{p}/float', f'{p}/scale'], [out], name=f'{p}/Mul'),
        ]
        stats['linear'] += 1
        # The Transpose goes when the MatMul was its only reader.
        if all(c is node for c in consumers.get(t.output[0], [])):
            drop_nodes.add(node_index[id(t)])

    # The embedding: Gather of int8 rows, times each row's scale.
    for idx, node in enumerate(graph.node):
        if node.op_type != 'Gather' or node.input[0] not in inits or node.input[0] not in quantized:
            continue
        w_name = node.input[0]
        q_name, s_name, _ = quantized[w_name]
        ids = node.input[1]
        p = node.name or node.output[0]
        replace[idx] = [
            helper.make_node('Gather', [q_name, ids], [f'{p}/rows_int8'], name=f'{p}/GatherInt8', axis=0),
            helper.make_node('Cast', [f'{p}/rows_int8'], [f'{p}/rows'], to=TensorProto.FLOAT, name=f'{p}/Cast'),
            helper.make_node('Gather', [s_name, ids], [f'{p}/row_scale'], name=f'{p}/GatherScale', axis=0),
            helper.make_node('Unsqueeze', [f'{p}/row_scale', f'{p}/axis'], [f'{p}/row_scale_1'], name=f'{p}/Unsqueeze'),
            helper.make_node('Mul', [f'{p}/rows', f'{p}/row_scale_1'], [node.output[0]], name=f'{p}/Mul'),
        ]
        new_inits.append(numpy_helper.from_array(np.array([-1], dtype=np.int64), f'{p}/axis'))
        stats['embedding'] += 1

    # Tables no node reads any more are not stored: the fp32 weights, and the int8 [out, in] form
    # of a weight only read transposed.
    nodes = []
    for idx, node in enumerate(graph.node):
        if idx in drop_nodes:
            continue
        nodes.extend(replace.get(idx, [node]))
    read = {i for n in nodes for i in n.input}
    kept = [t for t in graph.initializer if t.name in read] + [t for t in new_inits if t.name in read]
    drop_inits = {t.name for t in graph.initializer} - {t.name for t in kept}

    out = onnx.ModelProto()
    out.CopyFrom(model)
    del out.graph.node[:]
    out.graph.node.extend(nodes)
    del out.graph.initializer[:]
    out.graph.initializer.extend(kept)
    stats['dropped_fp32'] = sorted(drop_inits)
    return out, stats


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('model_dir', help='a model folder with onnx/model.onnx (e.g. public/models/pocket-lm)')
    args = ap.parse_args()
    src = os.path.join(args.model_dir, 'onnx', 'model.onnx')
    dst = os.path.join(args.model_dir, 'onnx', 'model_quantized.onnx')
    model = onnx.load(src)
    q, stats = quantize(model)
    onnx.checker.check_model(q)
    onnx.save(q, dst)
    print(f'{dst}: {stats["linear"]} linear layers and {stats["embedding"]} embedding in int8 '
          f'({stats["int8_params"]:,} weights); {os.path.getsize(src):,} → {os.path.getsize(dst):,} bytes; '
          f'{len(stats["dropped_fp32"])} fp32 tables dropped', file=sys.stderr)


if __name__ == '__main__':
    main()
