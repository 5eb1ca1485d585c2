#!/usr/bin/python3
"""Converts a torchvision state_dict saved with torch.save (.pth) to safetensors, keys unchanged.

Usage: convert_pth.py IN.pth OUT.safetensors [--dtype float32|float16|bfloat16]

Loads with weights_only=True, so a malicious pickle cannot run code. Accepts a bare state_dict or a checkpoint
dict holding one under 'state_dict' or 'model', and strips a DataParallel 'module.' prefix.
"""
import argparse
import collections

import torch

import jresnet_io


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("input")
    p.add_argument("output")
    p.add_argument("--dtype", choices=["float32", "float16", "bfloat16"], default=None,
                   help="store floating tensors in this type (default: as saved)")
    args = p.parse_args()

    obj = torch.load(args.input, map_location="cpu", weights_only=True)
    for key in ("state_dict", "model"):
        if isinstance(obj, dict) and key in obj and isinstance(obj[key], dict):
            obj = obj[key]
    if not isinstance(obj, dict):
        raise SystemExit(f"{args.input}: not a state_dict (got {type(obj).__name__})")
    state = collections.OrderedDict()
    for name, tensor in obj.items():
        if not torch.is_tensor(tensor):
            raise SystemExit(f"{args.input}: entry {name!r} is {type(tensor).__name__}, not a tensor")
        if name.startswith("module."):
            name = name[len("module."):]
        if args.dtype and tensor.is_floating_point():
            tensor = tensor.to(getattr(torch, args.dtype))
        state[name] = tensor
    jresnet_io.write_safetensors(args.output, state, {"format": "pt", "source": args.input})
    print(f"wrote {len(state)} tensors to {args.output}")


if __name__ == "__main__":
    main()
