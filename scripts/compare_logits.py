#!/usr/bin/python3
"""Compares two logits files (N, classes) as the project's numeric bars are stated: relative L2 error of ACTUAL
against EXPECTED, and top-1 agreement on the samples whose expected top-2 margin exceeds 1% of their logit range.

Usage: compare_logits.py ACTUAL.npy EXPECTED.npy [--label TEXT] [--tolerance 1e-5]   (exit 1 when over the bar)
"""
import argparse
import sys

import numpy as np


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("actual")
    p.add_argument("expected")
    p.add_argument("--label", default="")
    p.add_argument("--tolerance", type=float, default=1e-5)
    args = p.parse_args()
    a = np.load(args.actual).astype(np.float64)
    e = np.load(args.expected).astype(np.float64)
    if a.shape != e.shape:
        raise SystemExit(f"shapes differ: {a.shape} vs {e.shape}")
    error = np.linalg.norm(a - e) / np.linalg.norm(e)
    top2 = np.sort(e, axis=1)[:, -2:]
    clear = (top2[:, 1] - top2[:, 0]) > 0.01 * (e.max(axis=1) - e.min(axis=1))
    agree = (a.argmax(axis=1) == e.argmax(axis=1))[clear]
    ok = error <= args.tolerance and agree.all()
    print(f"{args.label} relative L2 {error:.3e} (bar {args.tolerance:g}); top-1 agrees on {agree.sum()}/{clear.sum()} "
          f"clear samples: {'PASS' if ok else 'FAIL'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
