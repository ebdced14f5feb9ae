"""MNIST from the repository's IDX files (gzipped), scaled to [0, 1] float32, as Nabla's Mnist.Load reads them."""
import gzip
import os

import numpy as np


def _idx(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    dims = data[3]
    shape = tuple(int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims))
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load(folder):
    def images(name):
        x = _idx(os.path.join(folder, name)).astype(np.float32) / np.float32(255)
        return x.reshape(x.shape[0], -1)

    def labels(name):
        return _idx(os.path.join(folder, name)).astype(np.int64)

    return (images("train-images-idx3-ubyte.gz"), labels("train-labels-idx1-ubyte.gz"),
            images("t10k-images-idx3-ubyte.gz"), labels("t10k-labels-idx1-ubyte.gz"))
