#!/usr/bin/python3
"""PyTorch as a benchmark peer on the CPU: times torchvision's model (eager, fp32, inference mode) on jresnet's
weights and input files, with the given thread count, the way jresnet's bench times its own backends.

Usage: bench_pytorch.py --arch resnet18 --weights W.safetensors --input 8=x8.npy [--input 1=x1.npy ...]
       --threads 2 --warmup 2 --reps 10 --max-seconds 60 --out results.json --logits-dir DIR [--num-classes K]
"""
import argparse
import json
import math
import os
import time

import numpy as np
import torch

import peer_args
import torchvision_models


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    peer_args.add_model_arguments(p)
    p.add_argument("--threads", type=int, required=True)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--reps", type=int, default=10)
    p.add_argument("--max-seconds", type=float, default=60)
    p.add_argument("--out", required=True)
    p.add_argument("--logits-dir", required=True)
    args = p.parse_args()

    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    model = torchvision_models.build(args.arch, args.num_classes)
    model.load_state_dict(peer_args.float32_state(args))
    results = []
    with torch.inference_mode():
        for batch, array in peer_args.inputs(args):
            x = torch.from_numpy(array)
            start = time.perf_counter()
            for _ in range(max(1, args.warmup)):
                logits = model(x)
            per_run = (time.perf_counter() - start) / max(1, args.warmup)
            reps = int(max(3, min(args.reps, math.floor(args.max_seconds / max(per_run, 1e-9)))))
            millis = []
            for _ in range(reps):
                t = time.perf_counter()
                model(x)
                millis.append((time.perf_counter() - t) * 1000)
            out = os.path.join(args.logits_dir, "pytorch_logits_%s.npy" % batch)
            np.save(out, logits.numpy().astype(np.float32))
            results.append({"batch": int(batch), "millis": millis, "logits": out})
    details = "torch %s eager fp32, %d threads (%s)" % (torch.__version__, torch.get_num_threads(),
                                                      torch.backends.mkldnn.is_available() and "oneDNN on" or "oneDNN off")
    with open(args.out, "w") as f:
        json.dump({"details": details, "results": results}, f)


if __name__ == "__main__":
    main()
