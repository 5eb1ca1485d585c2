#!/usr/bin/python3
"""PyTorch's results for the simulated cuDNN's math (dev.jresnet.gpu.sim.math), case by case.

Usage: sim_math_cases.py OUT_DIR SPEC...
Each SPEC is KIND:NAME:ARGS, integers separated by commas inside a field; inputs are standard normal from
torch.manual_seed(index of the spec), written with the result as OUT_DIR/NAME.<part>.npy (float32):
  conv:NAME:N,C,H,W:K,R,S:padH,padW:strideH,strideW:dilationH,dilationW:groups:cross|conv
      -> x, w, y. conv flips w in both spatial dims first (cuDNN's CUDNN_CONVOLUTION); F.conv2d itself
         cross-correlates.
  pool:NAME:N,C,H,W:windowH,windowW:padH,padW:strideH,strideW:max|avg_include|avg_exclude
      -> x, y (max_pool2d / avg_pool2d with count_include_pad, floor mode).
  bn:NAME:N,C,H,W:EPSILON
      -> x, scale, bias, mean, var (positive), y = F.batch_norm in inference mode.
"""
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F


def ints(field):
    return [int(v) for v in field.split(",")]


def save(out, name, **tensors):
    for part, tensor in tensors.items():
        np.save(os.path.join(out, "%s.%s.npy" % (name, part)), tensor.detach().numpy().astype(np.float32))


def conv(out, name, fields):
    n, c, h, w = ints(fields[0])
    k, r, s = ints(fields[1])
    pad, stride, dilation = ints(fields[2]), ints(fields[3]), ints(fields[4])
    groups = int(fields[5])
    x = torch.randn(n, c, h, w)
    weight = torch.randn(k, c // groups, r, s)
    applied = weight if fields[6] == "cross" else torch.flip(weight, [2, 3])
    y = F.conv2d(x, applied, None, stride, pad, dilation, groups)
    save(out, name, x=x, w=weight, y=y)


def pool(out, name, fields):
    x = torch.randn(*ints(fields[0]))
    window, pad, stride = ints(fields[1]), ints(fields[2]), ints(fields[3])
    mode = fields[4]
    if mode == "max":
        y = F.max_pool2d(x, window, stride, pad)
    else:
        y = F.avg_pool2d(x, window, stride, pad, count_include_pad=(mode == "avg_include"))
    save(out, name, x=x, y=y)


def batch_norm(out, name, fields):
    n, c, h, w = ints(fields[0])
    eps = float(fields[1])
    x = torch.randn(n, c, h, w)
    scale, bias, mean = torch.randn(c), torch.randn(c), torch.randn(c)
    var = torch.rand(c) + 0.1
    y = F.batch_norm(x, mean, var, scale, bias, training=False, eps=eps)
    save(out, name, x=x, scale=scale, bias=bias, mean=mean, var=var, y=y)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    kinds = {"conv": conv, "pool": pool, "bn": batch_norm}
    for index, spec in enumerate(sys.argv[2:]):
        kind, name, *fields = spec.split(":")
        torch.manual_seed(index)
        kinds[kind](out, name, fields)


if __name__ == "__main__":
    main()
