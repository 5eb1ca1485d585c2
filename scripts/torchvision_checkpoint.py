#!/usr/bin/python3
"""Saves a torchvision model with seeded random weights and randomized BatchNorm as a .pth state_dict (torch.save),
and optionally its fp32 logits on a given input: independent test data for converters and loaders.

Usage: torchvision_checkpoint.py --arch resnet18 --seed 0 --out W.pth [--input X.npy --logits Y.npy]
       [--num-classes K] [--dtype float32|float16|bfloat16] [--legacy]
"""
import argparse

import numpy as np
import torch

import torchvision_models


def randomize_batchnorm(model, generator):
    """torchvision initialises BN as the identity; random statistics make BN mistakes visible."""
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            with torch.no_grad():
                m.weight.uniform_(0.5, 1.5, generator=generator)
                m.bias.normal_(0, 0.1, generator=generator)
                m.running_mean.normal_(0, 0.1, generator=generator)
                m.running_var.uniform_(0.5, 1.5, generator=generator)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--arch", required=True)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", required=True)
    p.add_argument("--num-classes", type=int, default=1000)
    p.add_argument("--dtype", choices=["float32", "float16", "bfloat16"], default="float32")
    p.add_argument("--legacy", action="store_true", help="the pre-1.6 (non-zip) torch.save format")
    p.add_argument("--input")
    p.add_argument("--logits")
    args = p.parse_args()

    torch.manual_seed(args.seed)
    model = torchvision_models.build(args.arch, args.num_classes)
    randomize_batchnorm(model, torch.Generator().manual_seed(args.seed))
    dtype = getattr(torch, args.dtype)
    # Logits come from the weights as stored, so a reduced-precision file is compared with what it really holds.
    state = {k: v.to(dtype) if v.is_floating_point() else v for k, v in model.state_dict().items()}
    torch.save(state, args.out, _use_new_zipfile_serialization=not args.legacy)
    if args.input and args.logits:
        model.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in state.items()})
        with torch.no_grad():
            logits = model(torch.from_numpy(np.load(args.input).astype(np.float32)))
        np.save(args.logits, logits.numpy().astype(np.float32))


if __name__ == "__main__":
    main()
