"""Tensor file I/O shared by the scripts: safetensors read/write with NumPy only (Debian has no safetensors package).

The format: an 8-byte little-endian header length, a JSON header mapping names to dtype, shape and
[begin, end) byte offsets into the data that follows.
"""
import json
import struct

import numpy as np

_NUMPY_DTYPES = {"F32": np.float32, "F16": np.float16, "I64": np.int64}


def read_safetensors(path):
    """Returns {name: torch.Tensor}; BF16 tensors stay bfloat16."""
    import torch

    with open(path, "rb") as f:
        data = f.read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    base = 8 + length
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        raw = data[base + begin:base + end]
        shape = entry["shape"]
        if entry["dtype"] == "BF16":
            bits = np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16
            tensors[name] = torch.from_numpy(bits.view(np.float32).reshape(shape).copy()).to(torch.bfloat16)
        else:
            array = np.frombuffer(raw, dtype=np.dtype(_NUMPY_DTYPES[entry["dtype"]]).newbyteorder("<"))
            tensors[name] = torch.from_numpy(array.reshape(shape).copy())
    return tensors


def write_safetensors(path, tensors, metadata=None):
    """Writes {name: torch.Tensor} (float32, float16, bfloat16 or int64) in the given order."""
    import torch

    names = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.int64: "I64"}
    header = {}
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    blobs = []
    offset = 0
    for name, tensor in tensors.items():
        tensor = tensor.detach().contiguous().cpu()
        if tensor.dtype not in names:
            raise ValueError(f"{name}: dtype {tensor.dtype} has no safetensors mapping here")
        if tensor.dtype == torch.bfloat16:
            blob = tensor.view(torch.int16).numpy().astype("<i2").tobytes()
        else:
            blob = tensor.numpy().astype(tensor.numpy().dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": names[tensor.dtype], "shape": list(tensor.shape),
                        "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    encoded = json.dumps(header, separators=(",", ":")).encode("utf-8")
    encoded += b" " * ((8 - len(encoded) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(encoded)))
        f.write(encoded)
        for blob in blobs:
            f.write(blob)
