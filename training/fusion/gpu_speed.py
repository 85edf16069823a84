"""Times the learned-fusion pipeline of src-shared/fusion/learned-fuse.ts on a CUDA GPU, at 3 x 24 MP.

  python3 training/fusion/gpu_speed.py [--ckpt tmp/fusion/x.pt] [--width 6000 --height 4000 --frames 3]

The same stages and parameters as the runtime: sRGB-encoded luma -> area downsample to a long side
of 512 (padded to multiples of 4) -> FusionNet -> bilinear upsample -> guided filter (guide: mean
luma, radius 2 x the lift factor, eps 1e-3) -> clamp and renormalise -> Laplacian-pyramid blend of
the encoded RGB frames (floor(log2(min side)) + 1 levels) -> linear. Written in PyTorch, float32:
it measures what this pipeline costs on the GPU, not the app's WGSL kernels or onnxruntime-web.
Frames start on the GPU (decoded and uploaded); the upload of 3 x 24 MP float32 RGB from pinned host
memory is timed separately. Prints one JSON line.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
from model import FusionNet, fuse_pyramid  # noqa: E402


def encode(lin: torch.Tensor) -> torch.Tensor:
    lin = lin.clamp(0, 1)
    return torch.where(lin <= 0.0031308, 12.92 * lin, 1.055 * lin.clamp_min(1e-12).pow(1 / 2.4) - 0.055)


def decode(v: torch.Tensor) -> torch.Tensor:
    return torch.where(v <= 0.04045, v / 12.92, ((v.clamp_min(0) + 0.055) / 1.055).pow(2.4))


def box(x: torch.Tensor, r: int) -> torch.Tensor:
    """Mean over the (2r+1)^2 window clipped to the image, by cumulative sums (N x C x H x W)."""
    def axis(t: torch.Tensor, dim: int) -> torch.Tensor:
        n = t.shape[dim]
        c = torch.cumsum(t, dim=dim, dtype=torch.float64 if False else t.dtype)
        c = torch.cat([torch.zeros_like(c.narrow(dim, 0, 1)), c], dim=dim)
        idx = torch.arange(n, device=t.device)
        hi = (idx + r + 1).clamp(max=n)
        lo = (idx - r).clamp(min=0)
        s = c.index_select(dim, hi) - c.index_select(dim, lo)
        shape = [1] * t.dim()
        shape[dim] = n
        return s / (hi - lo).to(t.dtype).view(shape)
    return axis(axis(x, 2), 3)


def guided(guide: torch.Tensor, p: torch.Tensor, r: int, eps: float) -> torch.Tensor:
    mi = box(guide, r)
    mp = box(p, r)
    cov = box(guide * p, r) - mi * mp
    var = box(guide * guide, r) - mi * mi
    a = cov / (var + eps)
    b = mp - a * mi
    return box(a, r) * guide + box(b, r)


def pipeline(frames: torch.Tensor, net: FusionNet, times: dict[str, float]) -> torch.Tensor:
    """frames: K x 3 x H x W linear RGB on the GPU -> 3 x H x W linear fused image."""
    sync = torch.cuda.synchronize if frames.is_cuda else (lambda: None)
    t0 = time.perf_counter()
    k, _, h, w = frames.shape
    enc = encode(frames)
    luma = (0.2989 * enc[:, 0] + 0.5870 * enc[:, 1] + 0.1140 * enc[:, 2]).unsqueeze(0)  # 1 x K x H x W
    s = 512 / max(h, w)
    wh, ww = max(1, round(h * s)), max(1, round(w * s))
    small = F.interpolate(luma, size=(wh, ww), mode='area')
    ph, pw = math.ceil(wh / 4) * 4, math.ceil(ww / 4) * 4
    small = F.pad(small, (0, pw - ww, 0, ph - wh), mode='replicate')
    sync(); t1 = time.perf_counter()
    with torch.no_grad():
        wts = net(small)[..., :wh, :ww]
    sync(); t2 = time.perf_counter()
    up = F.interpolate(wts, size=(h, w), mode='bilinear', align_corners=False)  # 1 x K x H x W
    guide = luma.mean(dim=1, keepdim=True)
    r = max(2, round(2 * w / ww))
    lifted = guided(guide.expand(1, k, h, w).reshape(k, 1, h, w), up.reshape(k, 1, h, w), r, 1e-3).reshape(1, k, h, w)
    lifted = lifted.clamp_min(0)
    tot = lifted.sum(dim=1, keepdim=True)
    lifted = torch.where(tot > 0, lifted / tot.clamp_min(1e-30), torch.full_like(lifted, 1 / k))
    sync(); t3 = time.perf_counter()
    levels = int(math.floor(math.log2(min(h, w)))) + 1
    # Channels as the batch, exposures as the planes; the one weight pyramid broadcasts over the channels.
    out = fuse_pyramid(enc.permute(1, 0, 2, 3), lifted, levels)
    fused = decode(out[:, 0])
    sync(); t4 = time.perf_counter()
    for name, v in (('prepare', t1 - t0), ('network', t2 - t1), ('lift', t3 - t2), ('blend', t4 - t3), ('total', t4 - t0)):
        times.setdefault(name, []).append(v)
    return fused


def load_checkpoint(path: str) -> dict:
    try:
        return torch.load(path, map_location='cpu', weights_only=False)  # our own file; its log holds plain types
    except TypeError:  # torch < 1.13 has no weights_only
        return torch.load(path, map_location='cpu')


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument('--ckpt')
    ap.add_argument('--width', type=int, default=6000)
    ap.add_argument('--height', type=int, default=4000)
    ap.add_argument('--frames', type=int, default=3)
    ap.add_argument('--runs', type=int, default=10)
    ap.add_argument('--device', default='cuda', help='cpu only to check the script')
    a = ap.parse_args()
    dev = torch.device(a.device)
    cuda = dev.type == 'cuda'
    sync = torch.cuda.synchronize if cuda else (lambda: None)
    net = FusionNet().to(dev).eval()
    if a.ckpt:
        net.load_state_dict(load_checkpoint(a.ckpt)['state_dict'])
    yy = torch.linspace(0, 1, a.height).view(-1, 1)
    xx = torch.linspace(0, 1, a.width).view(1, -1)
    rad = torch.exp(4 * torch.sin(xx * 37) * torch.cos(yy * 23)) * 0.18
    host = torch.stack([(rad * 2.0 ** (2 * (i - (a.frames - 1) / 2))).unsqueeze(0).expand(3, -1, -1) * torch.tensor([1.0, 0.9, 0.8]).view(3, 1, 1)
                        for i in range(a.frames)]).clamp(0, 1).contiguous()
    if cuda:
        host = host.pin_memory()
    uploads = []
    for _ in range(5):
        sync(); t = time.perf_counter()
        frames = host.to(dev, non_blocking=True)
        sync(); uploads.append(time.perf_counter() - t)
    times: dict[str, list[float]] = {}
    for _ in range(3):
        pipeline(frames, net, {})
    for _ in range(a.runs):
        out = pipeline(frames, net, times)
    assert torch.isfinite(out).all()
    res = {'gpu': torch.cuda.get_device_name(0) if cuda else 'cpu', 'torch': torch.__version__, 'frames': a.frames,
           'width': a.width, 'height': a.height, 'runs': a.runs,
           'upload_s': statistics.median(uploads), 'peak_gpu_gb': torch.cuda.max_memory_allocated() / 1e9 if cuda else None}
    res.update({f'{k}_s': statistics.median(v) for k, v in times.items()})
    print(json.dumps(res), flush=True)


if __name__ == '__main__':
    main()
