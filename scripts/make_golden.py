#!/usr/bin/python3
"""Regenerates the torchvision fixtures under src/test/resources/golden/ (Debian's torch, /usr/bin/python3).

For every architecture jresnet supports (and a few option variants), it asks jresnet's own jar for seeded random
weights (`random-weights`), runs torchvision on those weights and a seeded NumPy input, and stores the input, the
logits and torchvision's parameter count. The Java tests regenerate the same weights from the seed, so the fixtures
hold no weights and stay small.

Usage: scripts/make_golden.py [--jar target/jresnet.jar] [--out src/test/resources/golden]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch
import torchvision

import torchvision_models

SEED = 1
# name, arch, options, input shape (N, C, H, W)
CASES = [
    (arch, arch, {}, (2, 3, 64, 64)) for arch in [
        "resnet18", "resnet34", "resnet50", "resnet101", "resnet152", "resnext50_32x4d", "resnext101_32x8d",
        "resnext101_64x4d", "wide_resnet50_2", "wide_resnet101_2"]
] + [
    ("resnet50_dilated", "resnet50", {"dilate": [False, True, True]}, (2, 3, 64, 64)),
    ("resnet18_1ch_10cls_odd", "resnet18", {"num_classes": 10, "in_channels": 1}, (3, 1, 37, 45)),
]


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--jar", default="target/jresnet.jar")
    p.add_argument("--out", default="src/test/resources/golden")
    args = p.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.manual_seed(0)
    manifest = {"torch": torch.__version__, "torchvision": torchvision.__version__, "weights_seed": SEED, "cases": []}
    with tempfile.TemporaryDirectory() as tmp:
        for name, arch, opts, shape in CASES:
            num_classes = opts.get("num_classes", 1000)
            in_channels = opts.get("in_channels", 3)
            weights = os.path.join(tmp, name + ".safetensors")
            subprocess.run(["java", "-jar", args.jar, "random-weights", "--arch", arch, "--seed", str(SEED),
                            "--num-classes", str(num_classes), "--in-channels", str(in_channels), "--out", weights],
                           check=True)
            import jresnet_io
            model = torchvision_models.build(arch, num_classes, in_channels, opts.get("dilate"))
            model.load_state_dict(jresnet_io.read_safetensors(weights), strict=True)
            x = np.random.RandomState(SEED).standard_normal(shape).astype(np.float32)
            with torch.no_grad():
                logits = model(torch.from_numpy(x)).numpy().astype(np.float32)
            input_file = "input_" + "x".join(map(str, shape)) + ".npy"
            np.save(os.path.join(args.out, input_file), x)
            np.save(os.path.join(args.out, name + ".logits.npy"), logits)
            params = sum(p.numel() for p in model.parameters())
            manifest["cases"].append({"name": name, "arch": arch, "num_classes": num_classes, "in_channels": in_channels,
                                      "dilate": opts.get("dilate", [False, False, False]), "input": input_file,
                                      "logits": name + ".logits.npy", "parameters": params})
            print(f"{name}: {params:,} parameters, logits {logits.shape}", file=sys.stderr)
    with open(os.path.join(args.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
