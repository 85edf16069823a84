"""The judge network and the student merge network: small U-Nets over one (reference, frame k) pair.

Input `pairs`: P x 11 x H x W, the planes src-shared/ghost/judge-input.ts makes (frame k encoded,
the reference mapped to frame k's exposure, k's capped distance from it in noise units, the classical
uncertainty, the reference's brightest channel), H and W multiples of 4. One pair per batch item with
shared weights, so a bracket of any size is its P = frames - 1 pairs.

Judge: log sigma^2 of frame k's reading as a view of the reference's scene (Gaussian NLL, encoded
units), clipped to [LOGVAR_MIN, LOGVAR_MAX]; the ghost probability is a learnt increasing logistic of
it, sigmoid(exp(a) (log sigma^2 - b)), which is what the ONNX graph returns (`uncertainty`).
Student: frame k with the reference's scene restored (the deghosted frame, encoded): a per-pixel
blend of frame k and the mapped reference plus a small correction.
"""
from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

CHANNELS = 11
LOGVAR_MIN = -11.0  # sigma = 1/255 of full scale: an 8-bit code
LOGVAR_MAX = 2.0


class PairUNet(nn.Module):
    """Full, half and quarter resolution; dilated 3x3s at quarter resolution for context (about 120 px)."""

    def __init__(self, out: int, c1: int = 8, c2: int = 16, c3: int = 24, dilations: tuple[int, ...] = (2, 4, 8)):
        super().__init__()
        self.inc = nn.Conv2d(CHANNELS, c1, 3, padding=1)
        self.down1 = nn.Conv2d(c1, c2, 3, stride=2, padding=1)
        self.mid = nn.Conv2d(c2, c2, 3, padding=1)
        self.down2 = nn.Conv2d(c2, c3, 3, stride=2, padding=1)
        self.ctx = nn.ModuleList([nn.Conv2d(c3, c3, 3, padding=d, dilation=d) for d in dilations])
        self.up1 = nn.Conv2d(c3, c2, 1)
        self.dec1 = nn.Conv2d(c2, c2, 3, padding=1)
        self.up2 = nn.Conv2d(c2, c1, 1)
        self.dec2 = nn.Conv2d(c1, c1, 3, padding=1)
        self.head = nn.Conv2d(c1, out, 3, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        f1 = F.relu(self.inc(x))
        f2 = F.relu(self.mid(F.relu(self.down1(f1))))
        f3 = F.relu(self.down2(f2))
        for c in self.ctx:
            f3 = f3 + F.relu(c(f3))
        g2 = F.relu(self.dec1(F.relu(self.up1(F.interpolate(f3, scale_factor=2.0, mode='bilinear', align_corners=False)) + f2)))
        g1 = F.relu(self.dec2(F.relu(self.up2(F.interpolate(g2, scale_factor=2.0, mode='bilinear', align_corners=False)) + f1)))
        return self.head(g1)


class Judge(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.net = PairUNet(1)
        # Calibration of the ghost probability from log sigma^2: slope exp(a), centre b.
        self.a = nn.Parameter(torch.tensor(0.0))
        self.b = nn.Parameter(torch.tensor(-6.0))

    def log_var(self, x: torch.Tensor) -> torch.Tensor:
        return torch.clamp(self.net(x), LOGVAR_MIN, LOGVAR_MAX)

    def probability_logit(self, log_var: torch.Tensor) -> torch.Tensor:
        return torch.exp(self.a) * (log_var - self.b)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """The exported graph: the ghost probability (0.5 at the threshold), P x 1 x H x W."""
        return torch.sigmoid(self.probability_logit(self.log_var(x)))


class Student(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.net = PairUNet(4, c1=4, c2=8, c3=12)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        o = self.net(x)
        w = torch.sigmoid(o[:, :1])
        return w * x[:, 0:3] + (1 - w) * x[:, 3:6] + 0.1 * torch.tanh(o[:, 1:4])


def count_params(m: nn.Module) -> int:
    return sum(p.numel() for p in m.parameters())


def macs_per_pixel(m: nn.Module) -> float:
    """Multiply-accumulates per input pixel of the convolutions (strided ones at their output resolution)."""
    total = 0.0
    scale = {'inc': 1, 'down1': 4, 'mid': 4, 'down2': 16, 'ctx': 16, 'up1': 4, 'dec1': 4, 'up2': 1, 'dec2': 1, 'head': 1}
    for name, mod in m.named_modules():
        if isinstance(mod, nn.Conv2d):
            key = name.split('.')[-2] if name.split('.')[-1].isdigit() else name.split('.')[-1]
            k = mod.weight.numel()
            total += k / scale[key]
    return total


if __name__ == '__main__':
    for m in (Judge(), Student()):
        print(type(m).__name__, count_params(m), 'params', round(macs_per_pixel(m)), 'MACs per pixel')
