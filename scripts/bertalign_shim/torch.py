"""A stand-in for the one torch call Bertalign 2.0.1 makes (an exact top-k of ``src @ tgt.T``),
in numpy, so its venv needs no torch. Only ``runner.py`` puts this folder on ``sys.path``."""

from __future__ import annotations

import numpy as np


class _Tensor:
    def __init__(self, a):
        self.a = np.asarray(a)

    @property
    def T(self):
        return _Tensor(self.a.T)

    @property
    def shape(self):
        return self.a.shape

    def __matmul__(self, other):
        return _Tensor(self.a @ other.a)

    def to(self, device):
        return self

    def cpu(self):
        return self

    def numpy(self):
        return self.a


class cuda:
    @staticmethod
    def is_available() -> bool:
        return False


def from_numpy(a) -> _Tensor:
    return _Tensor(a)


def topk(x: _Tensor, k: int, dim: int = 1):
    """Largest k along ``dim`` (1), in descending order; ties by lower index."""
    if dim != 1:
        raise NotImplementedError("the shim supports dim=1 only")
    idx = np.argsort(-x.a, axis=1, kind="stable")[:, :k]
    return _Tensor(np.take_along_axis(x.a, idx, axis=1)), _Tensor(idx)
