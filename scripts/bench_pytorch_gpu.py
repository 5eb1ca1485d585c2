#!/usr/bin/env python3
"""PyTorch on the GPU as benchmark peers: torchvision's model on jresnet's weights and input files, timed the way
jresnet's bench times its GPU backends (wall time of one batch end to end: the float32 batch from host memory to
the GPU, the forward pass, the logits back as float32), after warm-up, in one process, each mode in turn.

Modes (the bench backends of the same names):
  torch-fp32       eager, float32, TF32 off in cuDNN and cuBLAS (like jresnet's fp32)
  torch-tf32       eager, float32 storage, TF32 allowed in cuDNN and cuBLAS (PyTorch's default for convolutions)
  torch-fp16-cl    eager, float16 weights and activations, channels_last
  torch-compile-fp16-cl   torch.compile(mode="max-autotune-no-cudagraphs") of the fp16 channels_last model
and each with "-graphs": the eager modes captured as a CUDA graph (torch.cuda.CUDAGraph) and replayed; the compiled
one as torch.compile(mode="max-autotune"), which replays CUDA graphs itself. Compiled modes run only the batches
given with --compile-batches (autotuning takes minutes per shape), largest first. Work that would start past
--deadline (epoch seconds) is skipped, and said so; results are saved after every cell.

Usage: bench_pytorch_gpu.py --arch resnet50 --weights W.safetensors --input 8=x8.npy [--input 1=x1.npy ...]
       --modes torch-fp32,torch-fp16-cl-graphs,... --warmup 3 --reps 20 --max-seconds 3 --out results.json
       --logits-dir DIR [--num-classes K] [--compile-batches 1,256] [--deadline EPOCH]
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch

import peer_args
import torchvision_models


def configure(mode):
    tf32 = mode.startswith("torch-tf32")
    torch.backends.cudnn.allow_tf32 = tf32
    torch.backends.cuda.matmul.allow_tf32 = tf32
    torch.backends.cudnn.benchmark = True


def build(args, mode, state):
    model = torchvision_models.build(args.arch, args.num_classes)
    model.load_state_dict(state)
    model = model.cuda().eval()
    half = "fp16" in mode
    if half:
        model = model.half().to(memory_format=torch.channels_last)
    if mode.startswith("torch-compile"):
        compile_mode = "max-autotune" if mode.endswith("-graphs") else "max-autotune-no-cudagraphs"
        model = torch.compile(model, mode=compile_mode)
    return model, half


class Runner:
    """One batch end to end: host float32 in, host float32 logits out."""

    def __init__(self, model, half, x_host, eager_graphs):
        self.model = model
        self.half = half
        self.x_host = torch.from_numpy(x_host).pin_memory()
        self.graph = None
        if eager_graphs:
            with torch.inference_mode():
                self.static_in = self._device_input()
                stream = torch.cuda.Stream()
                stream.wait_stream(torch.cuda.current_stream())
                with torch.cuda.stream(stream):
                    for _ in range(3):
                        model(self.static_in)
                torch.cuda.current_stream().wait_stream(stream)
                self.graph = torch.cuda.CUDAGraph()
                with torch.cuda.graph(self.graph):
                    self.static_out = model(self.static_in)

    def _device_input(self):
        x = self.x_host.to("cuda", non_blocking=True)
        if self.half:
            x = x.half().contiguous(memory_format=torch.channels_last)
        return x

    def __call__(self):
        with torch.inference_mode():
            if self.graph is not None:
                self.static_in.copy_(self._device_input())
                self.graph.replay()
                out = self.static_out
            else:
                out = self.model(self._device_input())
            return out.float().cpu()


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    peer_args.add_model_arguments(p)
    p.add_argument("--modes", required=True)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--reps", type=int, default=20)
    p.add_argument("--max-seconds", type=float, default=3)
    p.add_argument("--compile-batches", default="1,256")
    p.add_argument("--deadline", type=float, default=float("inf"))
    p.add_argument("--out", required=True)
    p.add_argument("--logits-dir", required=True)
    args = p.parse_args()

    state = peer_args.float32_state(args)
    inputs = peer_args.inputs(args)
    compile_batches = {int(b) for b in args.compile_batches.split(",") if b}
    results, skipped = [], []
    if not torch.cuda.is_available():
        skipped.append("every mode: this PyTorch (%s) has no CUDA device" % torch.__version__)
        with open(args.out, "w") as f:
            json.dump({"results": results, "skipped": skipped}, f)
        print("skipped " + skipped[0], file=sys.stderr)
        return
    device = torch.cuda.get_device_name(0)

    def save():
        # After every cell: a run stopped by its time limit still leaves what it measured.
        with open(args.out, "w") as f:
            json.dump({"results": results, "skipped": skipped}, f)

    for mode in args.modes.split(","):
        compiled = mode.startswith("torch-compile")
        if compiled and not hasattr(torch, "compile"):
            skipped.append(f"{mode}: this PyTorch has no torch.compile")
            continue
        configure(mode)
        try:
            model, half = build(args, mode, state)
        except Exception as e:  # a mode this machine cannot run is reported, the others still run
            skipped.append(f"{mode}: {type(e).__name__}: {e}")
            continue
        # Compiled modes start with the largest batch: the headline cell, should the budget end before the rest.
        for batch, x in sorted(inputs, key=lambda i: -i[0]) if compiled else inputs:
            if compiled and batch not in compile_batches:
                continue
            if time.time() > args.deadline:
                skipped.append(f"{mode} batch {batch}: past the time budget")
                continue
            try:
                torch.cuda.empty_cache()
                torch.cuda.reset_peak_memory_stats()
                eager_graphs = mode.endswith("-graphs") and not compiled
                runner = Runner(model, half, x, eager_graphs)
                start = time.perf_counter()
                for _ in range(max(1, args.warmup)):
                    logits = runner()
                per_run = (time.perf_counter() - start) / max(1, args.warmup)
                reps = int(max(3, min(args.reps, math.floor(args.max_seconds / max(per_run, 1e-9)))))
                millis = []
                for _ in range(reps):
                    t = time.perf_counter()
                    runner()
                    millis.append((time.perf_counter() - t) * 1000)
                out = os.path.join(args.logits_dir, "%s_logits_%d.npy" % (mode, batch))
                np.save(out, logits.numpy().astype(np.float32))
                results.append({"backend": mode, "batch": batch, "millis": millis, "logits": out,
                                "gpu_mib": torch.cuda.max_memory_reserved() / 2 ** 20,
                                "details": details(mode, device)})
                print(f"  {mode} batch {batch}: median {sorted(millis)[len(millis) // 2]:.2f} ms", file=sys.stderr)
            except Exception as e:
                skipped.append(f"{mode} batch {batch}: {type(e).__name__}: {e}")
            save()
        del model
    save()
    for s in skipped:
        print("skipped " + s, file=sys.stderr)


def details(mode, device):
    return "torch %s, cuDNN %s, %s: %s" % (torch.__version__, torch.backends.cudnn.version(), device, mode)


if __name__ == "__main__":
    main()
