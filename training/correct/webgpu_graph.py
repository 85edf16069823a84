"""Graph rewrites that keep an exported ONNX net away from onnxruntime-web WebGPU bugs; each leaves the maths unchanged.

pad_conv_channels: onnxruntime-web's WebGPU Conv (1.30, checked with SwiftShader) gave wrong outputs for some Convs
whose input channel count is neither 3 nor a multiple of 4. correct-hdr.onnx's second Conv (18 input channels: 16
from the first, 2 average-pooled) was off by up to 7.4 on a range of 5.8 while its input agreed to 1.4e-6, and with
that one mended its last decoder Conv (21 channels) was still wrong (a scratch bisection that made every
intermediate a graph output and ran WASM and WebGPU side by side). Convs over 19, 34, 11, 9 and 1 channels in our
nets came out right, so the count is not the whole condition; the rewrite pads every such input (but 3) with zero
channels up to the next multiple of 4 (a Pad on the channel axis) and the weight with zero columns for them: the
same sums, one more read of zeros.

  /usr/bin/python3 training/correct/webgpu_graph.py resources/models/correct-hdr.onnx [...]
rewrites files in place and prints what it changed.
"""
from __future__ import annotations

import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper


def _needs_padding(channels: int) -> bool:
    return channels != 3 and channels % 4 != 0


def pad_conv_channels(model: onnx.ModelProto) -> list[str]:
    """Pads every Conv input whose channel count WebGPU mishandles; returns a line per Conv changed."""
    graph = model.graph
    inits = {t.name: t for t in graph.initializer}
    users: dict[str, int] = {}
    for n in graph.node:
        for i in n.input:
            users[i] = users.get(i, 0) + 1
    changed: list[str] = []
    nodes: list[onnx.NodeProto] = []
    for n in graph.node:
        if n.op_type == 'Conv' and n.input[1] in inits:
            group = next((a.i for a in n.attribute if a.name == 'group'), 1)
            w = numpy_helper.to_array(inits[n.input[1]])
            c = w.shape[1]
            if group == 1 and _needs_padding(c):
                if users[n.input[1]] != 1:
                    raise ValueError(f'{n.name}: its weight {n.input[1]} is shared; not padded')
                extra = (-c) % 4
                padded = np.concatenate([w, np.zeros((w.shape[0], extra) + w.shape[2:], w.dtype)], axis=1)
                inits[n.input[1]].CopyFrom(numpy_helper.from_array(padded, n.input[1]))
                pads_name = f'{n.name}/channel_pads'
                # NCHW: begins of N, C, H, W, then their ends; zeros after the last channel only.
                graph.initializer.append(numpy_helper.from_array(np.array([0, 0, 0, 0, 0, extra, 0, 0], np.int64), pads_name))
                out = f'{n.input[0]}/padded_to_{c + extra}'
                nodes.append(helper.make_node('Pad', [n.input[0], pads_name], [out], name=f'{n.name}/ChannelPad', mode='constant'))
                n.input[0] = out
                changed.append(f'{n.name}: {c} input channels padded to {c + extra}')
        nodes.append(n)
    del graph.node[:]
    graph.node.extend(nodes)
    return changed


def main() -> None:
    for path in sys.argv[1:]:
        m = onnx.load(path)
        changed = pad_conv_channels(m)
        onnx.checker.check_model(m)
        onnx.save(m, path)
        print(f'{path}: ' + ('; '.join(changed) if changed else 'nothing to pad'))


if __name__ == '__main__':
    main()
