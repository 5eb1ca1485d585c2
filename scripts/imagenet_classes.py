#!/usr/bin/python3
"""Writes torchvision's 1000 ImageNet class names, one per line in index order, to the jar's resource
src/main/resources/dev/jresnet/image/imagenet_classes.txt (read by dev.jresnet.image.Labels).

Usage: imagenet_classes.py [OUT]
"""
import sys

import torchvision


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "src/main/resources/dev/jresnet/image/imagenet_classes.txt"
    names = torchvision.models.ResNet18_Weights.IMAGENET1K_V1.meta["categories"]
    assert len(names) == 1000
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(names) + "\n")


if __name__ == "__main__":
    main()
