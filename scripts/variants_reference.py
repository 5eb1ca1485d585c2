#!/usr/bin/python3
"""PyTorch's side of the variant checks: builds each model in PyTorch itself, with seeded random weights and
randomized BatchNorm, and writes its state_dict (safetensors), a seeded input and the fp32 logits.

Usage: variants_reference.py --cases CASES.json --out DIR

CASES.json: {"cases": [{"name": N, "config": "MODEL.json" (relative to CASES.json), "input": [N, C, H, W],
                        "definition": "description" | "digits", "use_residual": true, "seed": 0}]}
(the digit cases name their bundled description as "bundled": NAME instead of "config"; PyTorch does not read it)
"description" builds the network from jresnet's model description file with PyTorch modules; "digits" uses the
digit-recognition ResNet-18 written out by hand below (one sequential `net`), to check jresnet loads that layout.
"""
import argparse
import json
import os

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F

import jresnet_io
from torchvision_checkpoint import randomize_batchnorm


# ---- The digit-recognition ResNet-18, as a PyTorch user writes it -------------------------------------------------

class Residual(nn.Module):
    """conv3x3(stride) -> BN -> ReLU -> conv3x3 -> BN, plus a 1x1 conv + BN shortcut when the shape changes."""

    def __init__(self, cin, cout, stride, use_residual):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1)
        self.bn2 = nn.BatchNorm2d(cout)
        self.use_residual = use_residual
        if use_residual and (stride != 1 or cin != cout):
            self.shortcut = nn.Conv2d(cin, cout, 1, stride)
            self.bn3 = nn.BatchNorm2d(cout)
        else:
            self.shortcut = None

    def forward(self, x):
        y = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
        if self.use_residual:
            y = y + (self.bn3(self.shortcut(x)) if self.shortcut is not None else x)
        return F.relu(y)


def digits_resnet18(use_residual):
    def stage(cin, cout, stride):
        return nn.Sequential(Residual(cin, cout, stride, use_residual), Residual(cout, cout, 1, use_residual))

    stem = nn.Sequential(nn.Conv2d(1, 64, 7, 2, 3), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(3, 2, 1))
    return Sequential(stem, stage(64, 64, 1), stage(64, 128, 2), stage(128, 256, 2), stage(256, 512, 2),
                      nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(), nn.Linear(512, 10))


# ---- Networks from a jresnet model description, built from PyTorch modules -----------------------------------------

class ChannelPad(nn.Module):
    """Option A shortcut: x[:, :, ::s, ::s] with zero channels added, half in front and half behind."""

    def __init__(self, stride, before, after):
        super().__init__()
        self.stride, self.before, self.after = stride, before, after

    def forward(self, x):
        return F.pad(x[:, :, ::self.stride, ::self.stride], (0, 0, 0, 0, self.before, self.after))


class Block(nn.Module):
    def __init__(self, cin, cout, stride, b, bn, sequential):
        super().__init__()
        k, d = b["kernel_size"], b["dilation"]
        p = d * (k - 1) // 2
        mode, bias = b["padding_mode"], b["bias"]
        self.conv1 = nn.Conv2d(cin, cout, k, stride, p, dilation=d, groups=cin if b["depthwise"] else 1, bias=bias,
                               padding_mode=mode)
        self.bn1 = nn.BatchNorm2d(cout, **bn)
        groups = cout if b["depthwise"] else 1
        if b["separable"]:
            self.conv2 = nn.Sequential(
                nn.Conv2d(cout, cout, (k, 1), 1, (p, 0), dilation=d, groups=groups, bias=bias, padding_mode=mode),
                nn.Conv2d(cout, cout, (1, k), 1, (0, p), dilation=d, groups=groups, bias=bias, padding_mode=mode))
        else:
            self.conv2 = nn.Conv2d(cout, cout, k, 1, p, dilation=d, groups=groups, bias=bias, padding_mode=mode)
        self.bn2 = nn.BatchNorm2d(cout, **bn)
        self.residual, self.final_relu = b["residual"], b["final_relu"]
        self.kind = b["shortcut"] if self.residual and (stride != 1 or cin != cout) else None
        if self.kind == "conv":
            conv, norm = nn.Conv2d(cin, cout, 1, stride, bias=bias), nn.BatchNorm2d(cout, **bn)
            if sequential:
                self.shortcut, self.bn3 = conv, norm
            else:
                self.downsample = nn.Sequential(conv, norm)
        elif self.kind == "identity_pad":
            self.pad = ChannelPad(stride, (cout - cin) // 2, cout - cin - (cout - cin) // 2)
        elif self.kind == "max_pool":
            self.pool = nn.MaxPool2d(stride, stride, ceil_mode=True)
        elif self.kind == "avg_pool":
            self.pool = nn.AvgPool2d(stride, stride, ceil_mode=True)

    def identity(self, x):
        if self.kind == "conv":
            return self.bn3(self.shortcut(x)) if hasattr(self, "bn3") else self.downsample(x)
        if self.kind == "identity_pad":
            return self.pad(x)
        if self.kind in ("max_pool", "avg_pool"):
            return self.pool(x)
        return x

    def forward(self, x):
        y = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
        if self.residual:
            y = y + self.identity(x)
        return F.relu(y) if self.final_relu else y


class Sequential(nn.Module):
    """The layout whose state_dict keys all start with "net.": one nn.Sequential held as `net`."""

    def __init__(self, *layers):
        super().__init__()
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x)


def from_description(desc):
    block = {"kernel_size": 3, "dilation": 1, "residual": True, "depthwise": False, "separable": False,
             "shortcut": "conv", "final_relu": True, "bias": False, "padding_mode": "zeros"}
    block.update(desc.get("block", {}))
    bn_desc = desc.get("batch_norm", {})
    bn = {"eps": bn_desc.get("eps", 1e-5), "momentum": bn_desc.get("momentum", 0.1)}
    stem = {"channels": 64, "kernel_size": 7, "stride": 2, "bias": False, "padding_mode": "zeros"}
    stem.update({k: v for k, v in desc.get("stem", {}).items() if k != "max_pool"})
    if "max_pool" in desc.get("stem", {}):
        mp = desc["stem"]["max_pool"]
        pool = None if mp is None else nn.MaxPool2d(mp["kernel_size"], mp.get("stride", mp["kernel_size"]),
                                                     mp.get("padding", 0), mp.get("dilation", 1),
                                                     ceil_mode=mp.get("ceil_mode", False))
    else:
        pool = nn.MaxPool2d(3, 2, 1)
    sequential = desc.get("key_layout", "torchvision") == "sequential"
    in_ch, classes = desc.get("in_channels", 3), desc.get("num_classes", 1000)

    stem_layers = [nn.Conv2d(in_ch, stem["channels"], stem["kernel_size"], stem["stride"], (stem["kernel_size"] - 1) // 2,
                             bias=stem["bias"], padding_mode=stem["padding_mode"]),
                   nn.BatchNorm2d(stem["channels"], **bn), nn.ReLU()] + ([pool] if pool is not None else [])
    stages, cin = [], stem["channels"]
    for s in desc["stages"]:
        blocks = []
        for i in range(s["blocks"]):
            blocks.append(Block(cin, s["channels"], s.get("stride", 1) if i == 0 else 1, block, bn, sequential))
            cin = s["channels"]
        stages.append(nn.Sequential(*blocks))
    if sequential:
        return Sequential(nn.Sequential(*stem_layers), *stages, nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(),
                          nn.Linear(cin, classes))
    model = nn.Module()
    model.conv1, model.bn1 = stem_layers[0], stem_layers[1]
    for i, st in enumerate(stages):
        setattr(model, "layer%d" % (i + 1), st)
    model.fc = nn.Linear(cin, classes)

    def forward(x):
        x = F.relu(model.bn1(model.conv1(x)))
        if pool is not None:
            x = pool(x)
        for st in stages:
            x = st(x)
        return model.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))

    model.forward = forward
    return model


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cases", required=True)
    p.add_argument("--out", required=True)
    args = p.parse_args()
    base = os.path.dirname(os.path.abspath(args.cases))
    with open(args.cases) as f:
        cases = json.load(f)["cases"]
    os.makedirs(args.out, exist_ok=True)
    for case in cases:
        seed = case.get("seed", 0)
        torch.manual_seed(seed)
        if case.get("definition", "description") == "digits":
            model = digits_resnet18(case.get("use_residual", True))
        else:
            with open(os.path.join(base, case["config"])) as f:
                model = from_description(json.load(f))
        randomize_batchnorm(model, torch.Generator().manual_seed(seed))
        model.eval()
        x = np.random.RandomState(seed).standard_normal(case["input"]).astype(np.float32)
        with torch.no_grad():
            logits = model(torch.from_numpy(x)).numpy().astype(np.float32)
        name = case["name"]
        jresnet_io.write_safetensors(os.path.join(args.out, name + ".safetensors"), model.state_dict())
        np.save(os.path.join(args.out, name + ".input.npy"), x)
        np.save(os.path.join(args.out, name + ".logits.npy"), logits)
        params = sum(t.numel() for t in model.parameters())
        with open(os.path.join(args.out, name + ".json"), "w") as f:
            json.dump({"parameters": params}, f)


if __name__ == "__main__":
    main()
