#!/usr/bin/python3
"""What torchvision itself says about every pretrained weights entry of the architectures jresnet has, for the
test that holds jresnet's table (src/main/resources/dev/jresnet/weights/pretrained/torchvision.json) to it.

Usage: pretrained_weights.py OUT.json
Writes {"ARCH": {"default": TAG, "entries": {TAG: {url, num_params, acc@1, acc@5, categories, resize, crop,
interpolation, mean, std}}}}, read from torchvision's weights enums and from the transform each entry builds.
"""
import json
import sys

from torchvision.models import get_model_weights

ARCHS = ["resnet18", "resnet34", "resnet50", "resnet101", "resnet152", "resnext50_32x4d", "resnext101_32x8d",
         "resnext101_64x4d", "wide_resnet50_2", "wide_resnet101_2"]


def main():
    out = {}
    for arch in ARCHS:
        enum = get_model_weights(arch)
        entries = {}
        for weights in enum:
            transform = weights.transforms()
            metrics = weights.meta["_metrics"]["ImageNet-1K"]
            entries[weights.name] = {
                "url": weights.url,
                "num_params": weights.meta["num_params"],
                "acc@1": metrics["acc@1"],
                "acc@5": metrics["acc@5"],
                "categories": list(weights.meta["categories"]),
                "resize": transform.resize_size,
                "crop": transform.crop_size,
                "interpolation": transform.interpolation.value,
                "mean": list(transform.mean),
                "std": list(transform.std),
            }
        out[arch] = {"default": enum.DEFAULT.name, "entries": entries}
    with open(sys.argv[1], "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
