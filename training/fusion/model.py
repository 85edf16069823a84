"""The fusion weight-map CNN: grayscale exposures in, one weight map per exposure out (softmax over exposures).

Input  `exposures`: 1 x K x H x W, luma of the sRGB-encoded frames in 0..1, K = 2..9 (dynamic), H and W
multiples of 4 (dynamic). Output `weights`: 1 x K x H x W, >= 0, summing to 1 over K at every pixel.
Every exposure goes through the same convolutions as its own 1-channel image (exposures batched along N,
so the first Conv sees 1 channel: onnxruntime-web's WebGPU Conv has had bugs over > 3 input channels);
exposures exchange information only through mean and max pooling over the exposure axis.
"""
from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F


def act(x: torch.Tensor) -> torch.Tensor:
    return F.leaky_relu(x, 0.1)


def pool_exposures(f: torch.Tensor, k: int) -> torch.Tensor:
    """(B*K) x C x H x W -> (B*K) x 3C x H x W: each exposure's features beside their mean and max over K."""
    n, c, h, w = f.shape
    g = f.reshape(-1, k, c, h, w)
    mean = g.mean(dim=1, keepdim=True).expand_as(g)
    mx = g.max(dim=1, keepdim=True)[0].expand_as(g)
    return torch.cat([g, mean, mx], dim=2).reshape(n, 3 * c, h, w)


class CrossBlock(nn.Module):
    """Residual block: 1x1 mixing of [feature, mean_K, max_K], then a dilated 3x3."""

    def __init__(self, c: int, dilation: int):
        super().__init__()
        self.mix = nn.Conv2d(3 * c, c, 1)
        self.conv = nn.Conv2d(c, c, 3, padding=dilation, dilation=dilation)

    def forward(self, f: torch.Tensor, k: int) -> torch.Tensor:
        return f + self.conv(act(self.mix(pool_exposures(f, k))))


class FusionNet(nn.Module):
    """Encoder to quarter resolution, dilated cross-exposure blocks there, a half-resolution decoder
    step with pooling, and a full-resolution 3x3 head over the upsampled features and the input luma."""

    def __init__(self, c1: int = 8, c2: int = 16, dilations: tuple[int, ...] = (1, 2, 4, 8)):
        super().__init__()
        self.enc1 = nn.Conv2d(1, c1, 3, stride=2, padding=1)
        self.enc2 = nn.Conv2d(c1, c2, 3, stride=2, padding=1)
        self.blocks = nn.ModuleList([CrossBlock(c2, d) for d in dilations])
        self.dec1_mix = nn.Conv2d(3 * (c2 + c1), c1, 1)
        self.dec1 = nn.Conv2d(c1, c1, 3, padding=1)
        self.head = nn.Conv2d(c1 + 1, 1, 3, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, k, h, w = x.shape
        f = x.reshape(b * k, 1, h, w) - 0.5
        e1 = act(self.enc1(f))
        e2 = act(self.enc2(e1))
        for blk in self.blocks:
            e2 = act(blk(e2, k))
        u1 = torch.cat([F.interpolate(e2, scale_factor=2.0, mode='bilinear', align_corners=False), e1], dim=1)
        d1 = act(self.dec1(act(self.dec1_mix(pool_exposures(u1, k)))))
        u0 = torch.cat([F.interpolate(d1, scale_factor=2.0, mode='bilinear', align_corners=False), f], dim=1)
        logits = self.head(u0).reshape(b, k, h, w)
        return torch.softmax(logits, dim=1)


def fuse(x: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
    """Per-pixel weighted sum of the exposures: B x K x H x W -> B x 1 x H x W."""
    return (x * weights).sum(dim=1, keepdim=True)


_K5 = torch.tensor([1.0, 4.0, 6.0, 4.0, 1.0]) / 16


def _blur(t: torch.Tensor) -> torch.Tensor:
    """5-tap binomial blur of every plane, reflect-101 borders (OpenCV's pyrDown/pyrUp kernel)."""
    b, k, h, w = t.shape
    y = F.pad(t.reshape(b * k, 1, h, w), (2, 2, 2, 2), mode='reflect')
    k5 = _K5.to(device=t.device, dtype=t.dtype)
    y = F.conv2d(F.conv2d(y, k5.view(1, 1, 1, 5)), k5.view(1, 1, 5, 1))
    return y.reshape(b, k, h, w)


def _down(t: torch.Tensor) -> torch.Tensor:
    return _blur(t)[..., ::2, ::2]


def _up(t: torch.Tensor, h: int, w: int) -> torch.Tensor:
    z = torch.zeros(t.shape[0], t.shape[1], h, w, dtype=t.dtype, device=t.device)
    z[..., ::2, ::2] = t
    return _blur(z) * 4


def fuse_pyramid(x: torch.Tensor, weights: torch.Tensor, levels: int = 5) -> torch.Tensor:
    """Laplacian-pyramid blend (Burt-Adelson, as Mertens and src-shared/fusion/blend.ts 'pyramid')."""
    gx, gw = [x], [weights]
    for _ in range(levels - 1):
        gx.append(_down(gx[-1]))
        gw.append(_down(gw[-1]))
    out = (gx[-1] * gw[-1]).sum(dim=1, keepdim=True)
    for lv in range(levels - 2, -1, -1):
        h, w = gx[lv].shape[-2:]
        lap = gx[lv] - _up(gx[lv + 1], h, w)
        out = _up(out, h, w) + (lap * gw[lv]).sum(dim=1, keepdim=True)
    return out


def count_params(m: nn.Module) -> int:
    return sum(p.numel() for p in m.parameters())
