#!/usr/bin/python3
"""Test data for the .pth reader, written by Debian's torch: legitimate files with unusual layouts, their expected
tensors as .npy, and files that must be refused.

Usage: pth_cases.py OUT_DIR
Writes OUT_DIR/NAME.pth and, for the legitimate ones, OUT_DIR/NAME/KEY.npy (the tensor as torch holds it, as
float32 or int64).
"""
import collections
import os
import sys

import numpy as np
import torch


class RunsCode:
    """What torch.load without weights_only would execute: os.system, through __reduce__."""

    def __reduce__(self):
        return os.system, ("echo jresnet-must-never-run-this",)


def save_expected(out, name, state):
    folder = os.path.join(out, name)
    os.makedirs(folder, exist_ok=True)
    for key, t in state.items():
        if not torch.is_tensor(t):
            continue
        array = t.detach().contiguous()
        array = array.numpy().astype(np.int64) if array.dtype == torch.int64 else array.float().numpy()
        np.save(os.path.join(folder, key + ".npy"), array)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    g = torch.Generator().manual_seed(0)
    base = torch.randn(4, 6, generator=g)
    views = collections.OrderedDict()
    views["transposed"] = base.t()                          # strides (1, 6)
    views["sliced"] = base[1:3, ::2]                        # offset 6, strides (6, 2)
    views["shares_storage"] = base                          # the same storage as the two above
    views["half"] = torch.randn(3, 2, generator=g).half()
    views["bfloat"] = torch.randn(5, generator=g).bfloat16()
    views["counter"] = torch.tensor(7)                      # int64 scalar, like num_batches_tracked
    views["parameter"] = torch.nn.Parameter(torch.randn(2, 2, generator=g))
    views["empty"] = torch.zeros(0, 3)
    for name, legacy in (("views", False), ("views_legacy", True)):
        torch.save(views, os.path.join(out, name + ".pth"), _use_new_zipfile_serialization=not legacy)
        save_expected(out, name, views)

    wrapped = {"epoch": 3, "optimizer": None,
               "state_dict": collections.OrderedDict(("module." + k, v) for k, v in views.items() if k != "empty")}
    torch.save(wrapped, os.path.join(out, "checkpoint.pth"))

    torch.save({"weights": torch.ones(2), "trap": RunsCode()}, os.path.join(out, "runs_code.pth"))
    torch.save(collections.OrderedDict(w=torch.ones(3, dtype=torch.int32)), os.path.join(out, "int32.pth"))
    torch.save(collections.OrderedDict(w=torch.ones(3, dtype=torch.float64)), os.path.join(out, "float64.pth"))
    torch.save([torch.ones(1)], os.path.join(out, "a_list.pth"))


if __name__ == "__main__":
    main()
