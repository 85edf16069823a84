"""The two DRHT auto-encoders (Yang et al., CVPR 2018), scaled down for 384 px on CPU WASM.

Both nets share one shape: encoder conv 9x9 (stride 2), 5x5, 3x3, 3x3 (stride 2 each) and 3x3
(stride 1) with widths 16/16/32/64/64 (the paper's 64/64/128/256/256 / 4), a 128-channel latent
that also sees the global mean of its input (for the exposure of the whole frame), then a mirrored
decoder of bilinear x2 upsampling + 3x3 convs with skip connections from the encoder, a full-
resolution 3x3 stage and a 3x3 head. ELU and batch norm throughout (folded into the convs when
exported in eval mode). H and W must be multiples of 16.

Each net is residual over the physics and structurally constrained to stay near it; every head is
zero-initialised, so an untrained pair of nets reproduces the classical correction exactly:
- HDRNet ('ldr' [N,5,H,W] -> 'log_hdr' [N,3,H,W]):
    log_hdr = base + g + m * r
  base = ln(preGain * srgbDecode(ch0..2) + 1e-4), preGain = 2^(4 * ch4) (the physics);
  g = one global log-gain per image, from a pooled head (global mean and max of the latent ->
  1x1 convs 256 -> 64 -> 1), so the exposure can be corrected but unclipped pixels cannot be moved
  one by one; m = a soft, slightly dilated clip mask made in the graph from the clip indicator
  (ch3: 5x5 max pool, then 3x3 mean); r = the decoder's per-pixel fill,
  softplus(raw + FILL_SHIFT) - softplus(FILL_SHIFT) >= -0.127 (a clipped pixel's truth is at or
  above the clip level, so the fill only brightens, up to the small slack for an overshooting g).
  Unclipped pixels move only by g; clipped highlights get a learned fill.
  Its first conv sees channels 0..2 only (onnxruntime-web WebGPU's bug class for a first Conv over
  > 3 channels); the clip indicator and the preGain plane join after it, average-pooled 2x.
- LDRNet ('log_hdr' -> 'ldr' [N,3,H,W], sRGB 0..1): the paper's gamma expansion + log of the HDR
  estimate is the fixed transform t = ln(exp(log_hdr) + 0.01) / 4 inside the graph; output =
  clamp(sRGB(clamp(exp(log_hdr), 0, 1)) + A tanh(residual / A), 0, 1), A = LDR_AMPLITUDE (0.1 in
  sRGB units): the truth is exactly that mapping of the true HDR, so the second net only touches up
  (denoising, small tone errors) and cannot repaint the frame.
"""
from __future__ import annotations

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

WIDTHS = (16, 16, 32, 64, 64, 128)
FILL_SHIFT = -2.0
LDR_AMPLITUDE = 0.1


def srgb_decode(c: torch.Tensor) -> torch.Tensor:
    c = c.clamp(0, 1)
    return torch.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def srgb_encode(v: torch.Tensor) -> torch.Tensor:
    v = v.clamp(0, 1)
    return torch.where(v <= 0.0031308, v * 12.92, 1.055 * v.clamp(min=0.0031308) ** (1 / 2.4) - 0.055)


def block(cin: int, cout: int, k: int, stride: int = 1, bn: bool = True) -> nn.Sequential:
    layers: list[nn.Module] = [nn.Conv2d(cin, cout, k, stride, k // 2, bias=not bn)]
    if bn:
        layers.append(nn.BatchNorm2d(cout))
    layers.append(nn.ELU())
    return nn.Sequential(*layers)


class AutoEncoder(nn.Module):
    """DRHT-style encoder-decoder; `extra` channels join after the first conv (at half resolution)."""

    def __init__(self, cin: int, cout: int, extra: int = 0, widths: tuple[int, ...] = WIDTHS, global_out: int = 0):
        super().__init__()
        w1, w2, w3, w4, w5, wl = widths
        self.extra = extra
        self.e1 = block(cin, w1, 9, 2, bn=False)                # 1/2
        self.e2 = block(w1 + extra, w2, 5, 2)                   # 1/4
        self.e3 = block(w2, w3, 3, 2)                           # 1/8
        self.e4 = block(w3, w4, 3, 2)                           # 1/16
        self.e5 = block(w4, w5, 3, 1)                           # 1/16
        self.latent = block(2 * w5, wl, 3, 1)                   # local + global mean
        self.d4 = block(wl + w4, w4, 3)                         # 1/16
        self.d3 = block(w4 + w3, w3, 3)                         # 1/8
        self.d2 = block(w3 + w2, w2, 3)                         # 1/4
        self.d1 = block(w2 + w1 + extra, w1, 3)                 # 1/2
        self.d0 = block(w1 + cin + extra, 8, 3, bn=False)       # full resolution
        self.head = nn.Conv2d(8, cout, 3, 1, 1)
        nn.init.zeros_(self.head.weight)
        nn.init.zeros_(self.head.bias)
        self.global_head = None
        if global_out:
            # [mean, max] of the latent over the frame -> 1x1 convs (an MLP on N x C x 1 x 1).
            self.global_head = nn.Sequential(nn.Conv2d(2 * wl, 64, 1), nn.ELU(), nn.Conv2d(64, global_out, 1))
            nn.init.zeros_(self.global_head[2].weight)
            nn.init.zeros_(self.global_head[2].bias)

    @staticmethod
    def up(x: torch.Tensor) -> torch.Tensor:
        return F.interpolate(x, scale_factor=2.0, mode='bilinear', align_corners=False)

    def forward(self, x: torch.Tensor, extra: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor | None]:
        """(per-pixel head output N x cout x H x W, global head output N x global_out x 1 x 1 or None)."""
        f1 = self.e1(x)
        if extra is not None:
            f1 = torch.cat([f1, F.avg_pool2d(extra, 2)], 1)
        f2 = self.e2(f1)
        f3 = self.e3(f2)
        f4 = self.e4(f3)
        f5 = self.e5(f4)
        g = f5.mean(dim=(2, 3), keepdim=True).expand_as(f5)
        z = self.latent(torch.cat([f5, g], 1))
        pooled = None
        if self.global_head is not None:
            pooled = self.global_head(torch.cat([z.mean(dim=(2, 3), keepdim=True), z.amax(dim=(2, 3), keepdim=True)], 1))
        u = self.d4(torch.cat([z, f4], 1))
        u = self.d3(torch.cat([self.up(u), f3], 1))
        u = self.d2(torch.cat([self.up(u), f2], 1))
        u = self.d1(torch.cat([self.up(u), f1], 1))
        full = x if extra is None else torch.cat([x, extra], 1)
        u = self.d0(torch.cat([self.up(u), full], 1))
        return self.head(u), pooled


def softplus(x: torch.Tensor) -> torch.Tensor:
    """ln(1 + e^x) from ops every onnxruntime-web backend has (Relu, Abs, Neg, Exp, Log; WebGPU has no Softplus)."""
    return torch.relu(x) + torch.log(1 + torch.exp(-x.abs()))


def clip_mask(indicator: torch.Tensor) -> torch.Tensor:
    """Soft, slightly dilated clip mask from the clip indicator (N x 1 x H x W, 0..1): 5x5 max, then 3x3 mean."""
    return F.avg_pool2d(F.max_pool2d(indicator, 5, 1, 2), 3, 1, 1, count_include_pad=False)


class HDRNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = AutoEncoder(3, 3, extra=2, global_out=1)
        self.fill_zero = float(softplus(torch.tensor(FILL_SHIFT)))

    def parts(self, ldr: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
        """(base, g, m, r) of log_hdr = base + g + m * r."""
        rgb, side = ldr[:, 0:3], ldr[:, 3:5]
        gain = torch.exp(ldr[:, 4:5] * (4 * math.log(2)))
        base = torch.log(gain * srgb_decode(rgb) + 1e-4)
        raw, g = self.net(rgb, side)
        r = softplus(raw + FILL_SHIFT) - self.fill_zero
        return base, g, clip_mask(ldr[:, 3:4]), r

    def forward(self, ldr: torch.Tensor) -> torch.Tensor:
        base, g, m, r = self.parts(ldr)
        return base + g + m * r


class LDRNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = AutoEncoder(3, 3)

    def forward(self, log_hdr: torch.Tensor) -> torch.Tensor:
        h = torch.exp(log_hdr.clamp(max=20))
        t = torch.log(h + 0.01) * 0.25
        raw, _ = self.net(t)
        return (srgb_encode(h) + LDR_AMPLITUDE * torch.tanh(raw / LDR_AMPLITUDE)).clamp(0, 1)


class DRHT(nn.Module):
    def __init__(self):
        super().__init__()
        self.hdr = HDRNet()
        self.ldr = LDRNet()

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        log_hdr = self.hdr(x)
        return log_hdr, self.ldr(log_hdr)


def count_params(m: nn.Module) -> int:
    return sum(p.numel() for p in m.parameters())
