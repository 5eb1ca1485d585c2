#!/usr/bin/python3
"""Exports torchvision's model with jresnet's weights to ONNX (opset 13, dynamic batch), for the ONNX Runtime peer.

Usage: export_onnx.py --arch resnet18 --weights W.safetensors --out M.onnx [--num-classes K] [--size 224]
Input name "input" (N, 3, H, W), output "logits" (N, K).
"""
import argparse

import torch

import jresnet_io
import torchvision_models


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--arch", required=True)
    p.add_argument("--num-classes", type=int, default=1000)
    p.add_argument("--weights", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--size", type=int, default=224)
    args = p.parse_args()
    model = torchvision_models.build(args.arch, args.num_classes)
    model.load_state_dict({k: v.float() if v.is_floating_point() else v
                           for k, v in jresnet_io.read_safetensors(args.weights).items()})
    torch.onnx.export(model, torch.zeros(1, 3, args.size, args.size), args.out, input_names=["input"],
                      output_names=["logits"], dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}},
                      opset_version=13)


if __name__ == "__main__":
    main()
