"""Losses for the unsupervised fusion net, on grayscale (0..1) exposures x (B x K x H x W) and a fused
image f (B x 1 x H x W).

- weighted_ssim_loss: 1 - mean over pixels of sum_k gamma_k SSIM(f, x_k), gamma_k >= 0 normalised over
  k per pixel, from one of four perceptual cues (the paper family, DESIGN.md method 1):
  'variance' (local intensity variance), 'gradient' (Sobel magnitude, smoothed), 'exposure'
  (well-exposedness, closeness to mid-grey) and 'hybrid' (mean of the normalised variance and
  gradient maps).
- mef_ssim_loss: 1 - MEF-SSIM (Ma, Zeng, Wang 2015), the vectorised formulation of
  src-shared/metrics/mef-ssim-scale.ts, differentiable in f (the desired patch depends only on the
  exposures, so it is computed without gradients). Scale weights are combined arithmetically.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F

WIN = 11
SCALE_WEIGHTS = (0.0448, 0.2856, 0.3001)
GAMMAS = ('variance', 'gradient', 'exposure', 'hybrid')


def _gauss1d(n: int = WIN, sigma: float = 1.5, device=None) -> torch.Tensor:
    r = torch.arange(n, dtype=torch.float32, device=device) - (n - 1) / 2
    g = torch.exp(-(r * r) / (2 * sigma * sigma))
    return g / g.sum()


def _filt(x: torch.Tensor, k1: torch.Tensor, pad: bool) -> torch.Tensor:
    """Separable filter of every plane of x (N x C x H x W); 'valid' unless pad (reflect)."""
    n, c, h, w = x.shape
    y = x.reshape(n * c, 1, h, w)
    r = k1.numel() // 2
    if pad:
        y = F.pad(y, (r, r, r, r), mode='reflect')
    y = F.conv2d(y, k1.view(1, 1, 1, -1))
    y = F.conv2d(y, k1.view(1, 1, -1, 1))
    return y.reshape(n, c, y.shape[-2], y.shape[-1])


def gamma_maps(x: torch.Tensor, kind: str) -> torch.Tensor:
    """Per-pixel weights gamma (B x K x H x W), >= 0, summing to 1 over K."""
    eps = 1e-6

    def norm(m: torch.Tensor) -> torch.Tensor:
        m = m + eps
        return m / m.sum(dim=1, keepdim=True)

    def variance() -> torch.Tensor:
        g = _gauss1d(7, 1.5, x.device)
        mu = _filt(x, g, True)
        return norm((_filt(x * x, g, True) - mu * mu).clamp_min(0))

    def gradient() -> torch.Tensor:
        b, k, h, w = x.shape
        p = F.pad(x.reshape(b * k, 1, h, w), (1, 1, 1, 1), mode='replicate')
        sx = torch.tensor([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=x.dtype, device=x.device).view(1, 1, 3, 3) / 8
        gx = F.conv2d(p, sx)
        gy = F.conv2d(p, sx.transpose(2, 3))
        mag = torch.sqrt(gx * gx + gy * gy + 1e-12).reshape(b, k, h, w)
        return norm(_filt(mag, torch.ones(5, device=x.device) / 5, True))

    if kind == 'variance':
        return variance()
    if kind == 'gradient':
        return gradient()
    if kind == 'exposure':
        return norm(torch.exp(-((x - 0.5) ** 2) / (2 * 0.2 ** 2)))
    if kind == 'hybrid':
        return 0.5 * (variance() + gradient())
    raise ValueError(f'unknown gamma {kind!r}; one of {GAMMAS}')


def weighted_ssim_loss(x: torch.Tensor, f: torch.Tensor, kind: str) -> torch.Tensor:
    c1, c2 = 0.01 ** 2, 0.03 ** 2
    g = _gauss1d(device=x.device)
    gam = gamma_maps(x, kind)
    mu_x = _filt(x, g, True)
    mu_f = _filt(f, g, True)
    var_x = _filt(x * x, g, True) - mu_x ** 2
    var_f = _filt(f * f, g, True) - mu_f ** 2
    cov = _filt(x * f, g, True) - mu_x * mu_f
    ssim = ((2 * mu_x * mu_f + c1) * (2 * cov + c2)) / ((mu_x ** 2 + mu_f ** 2 + c1) * (var_x + var_f + c2))
    return 1 - (gam * ssim).sum(dim=1).mean()


def _mef_scale(x: torch.Tensor, f: torch.Tensor) -> torch.Tensor:
    """Mean MEF-SSIM quality map at one scale; x: B x K x H x W and f: B x 1 x H x W in 0..255."""
    n = WIN * WIN
    box = torch.ones(WIN, device=x.device) / WIN
    gauss = _gauss1d(device=x.device)
    b, k, h, w = x.shape
    with torch.no_grad():
        xs = x - 128
        bsum = _filt(xs, box, False) * n
        bsq = _filt(xs * xs, box, False) * n
        nvar = n * bsq - bsum * bsum
        norm = torch.sqrt((nvar / n).clamp_min(0))
        flat = nvar <= 0
        c = norm + 0.001
        s = xs.sum(dim=1, keepdim=True)
        sb = _filt(s, box, False) * n
        ss = _filt(s * s, box, False) * n
        num = torch.sqrt(((n * ss - sb * sb) / n).clamp_min(0))
        R = ((num + 1e-16) / (norm.sum(dim=1, keepdim=True) + 1e-16)).clamp(1e-16, 1 - 1e-7)
        p = torch.tan(math.pi / 2 * R).clamp_max(10)
        wt = (c / WIN) ** p + 1e-16
        a = torch.where(flat, torch.zeros_like(c), wt / wt.sum(dim=1, keepdim=True) / c)
        mean = _filt(xs, gauss, False)
        normr2 = torch.zeros_like(num)
        varraw = torch.zeros_like(num)
        for j in range(k):
            for l in range(j, k):
                prod = (xs[:, j] * xs[:, l]).unsqueeze(1)
                bjl = _filt(prod, box, False) * n
                gjl = _filt(prod, gauss, False)
                m = 1 if j == l else 2
                wjl = m * a[:, j:j + 1] * a[:, l:l + 1]
                normr2 = normr2 + wjl * (n * bjl - bsum[:, j:j + 1] * bsum[:, l:l + 1]) / n
                varraw = varraw + wjl * (gjl - mean[:, j:j + 1] * mean[:, l:l + 1])
        scale = torch.where(normr2 > 0, c.max(dim=1, keepdim=True)[0] / torch.sqrt(normr2.clamp_min(1e-30)), torch.zeros_like(normr2))
        coef = a * scale
        var_d = (scale * scale * varraw).clamp_min(0)
    fs = f - 128
    mf = _filt(fs, gauss, False)
    vf = (_filt(fs * fs, gauss, False) - mf * mf).clamp_min(0)
    cov = (coef * (_filt(fs * xs, gauss, False) - mf * mean)).sum(dim=1, keepdim=True)
    c2 = (0.03 * 255) ** 2
    return ((2 * cov + c2) / (vf + var_d + c2)).mean()


def _down2(x: torch.Tensor) -> torch.Tensor:
    h, w = x.shape[-2:]
    x = F.pad(x, (0, w % 2, 0, h % 2), mode='replicate')
    return F.avg_pool2d(x, 2)


def mef_ssim(x: torch.Tensor, f: torch.Tensor, scales: int = 3) -> torch.Tensor:
    """Arithmetic scale-weighted MEF-SSIM of f against x (both 0..1)."""
    x, f = x * 255, f * 255
    wts = SCALE_WEIGHTS[:scales]
    total = 0.0
    for s, wgt in enumerate(wts):
        total = total + wgt * _mef_scale(x, f)
        if s + 1 < len(wts):
            x, f = _down2(x), _down2(f)
    return total / sum(wts)


def mef_ssim_loss(x: torch.Tensor, f: torch.Tensor) -> torch.Tensor:
    return 1 - mef_ssim(x, f)


def loss_fn(kind: str):
    if kind == 'mefssim':
        return mef_ssim_loss
    return lambda x, f: weighted_ssim_loss(x, f, kind)
