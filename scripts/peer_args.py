"""Command-line arguments the PyTorch benchmark peers share: the model, weights and input batches jresnet's bench
hands them, and how those are read."""
import numpy as np

import jresnet_io


def add_model_arguments(parser):
    """--arch, --num-classes, --weights and one --input BATCH=FILE.npy per batch size."""
    parser.add_argument("--arch", required=True)
    parser.add_argument("--num-classes", type=int, default=1000)
    parser.add_argument("--weights", required=True)
    parser.add_argument("--input", action="append", required=True, help="BATCH=FILE.npy")


def float32_state(args):
    """The weights as a state_dict, floating tensors widened to float32 (the precision modes narrow them later)."""
    return {k: v.float() if v.is_floating_point() else v for k, v in jresnet_io.read_safetensors(args.weights).items()}


def inputs(args):
    """[(batch size, float32 array)] in the order given."""
    return [(int(b), np.load(f).astype(np.float32)) for b, f in (s.split("=", 1) for s in args.input)]
