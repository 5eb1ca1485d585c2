#!/usr/bin/python3
"""Runs a torchvision ResNet on given weights and inputs and writes its fp32 logits: the oracle jresnet is held to.

Usage: torchvision_oracle.py --arch resnet18 --weights W.safetensors --input X.npy --output Y.npy
       [--num-classes K] [--in-channels C] [--dilate L2 L3 L4] [--half-storage]

--half-storage emulates fp16 storage with fp32 arithmetic: convolution and linear weights and biases, the input,
and every layer's output are rounded to float16 (BatchNorm parameters stay float32), the numerics jresnet's fp16
mode promises, computed here independently of jresnet's code.
"""
import argparse
import sys

import numpy as np
import torch

import jresnet_io
import torchvision_models


def to_half_and_back(t):
    return t.half().float()


def round_to_half(model, x):
    """Rounds conv/linear parameters now and every leaf module's output as it is made; returns the rounded input."""
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear)):
                for param in m.parameters():
                    param.copy_(to_half_and_back(param))
    for m in model.modules():
        if not list(m.children()):
            m.register_forward_hook(lambda module, inputs, output: to_half_and_back(output))
    return to_half_and_back(x)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--arch", required=True)
    p.add_argument("--weights", required=True)
    p.add_argument("--input", required=True)
    p.add_argument("--output", required=True)
    p.add_argument("--num-classes", type=int, default=1000)
    p.add_argument("--in-channels", type=int, default=3)
    p.add_argument("--dilate", type=int, nargs=3, metavar=("L2", "L3", "L4"),
                   help="replace_stride_with_dilation as three 0/1 flags")
    p.add_argument("--half-storage", action="store_true", help="round weights and every layer's output to float16")
    args = p.parse_args()

    dilate = [bool(x) for x in args.dilate] if args.dilate else None
    model = torchvision_models.build(args.arch, args.num_classes, args.in_channels, dilate)
    state = {k: v.float() if v.is_floating_point() else v for k, v in jresnet_io.read_safetensors(args.weights).items()}
    model.load_state_dict(state, strict=True)
    x = torch.from_numpy(np.load(args.input).astype(np.float32))
    if args.half_storage:
        x = round_to_half(model, x)
    with torch.no_grad():
        logits = model(x)
    np.save(args.output, logits.numpy().astype(np.float32))
    print(f"torch {torch.__version__}: {args.arch} {tuple(x.shape)} -> {tuple(logits.shape)}", file=sys.stderr)


if __name__ == "__main__":
    main()
