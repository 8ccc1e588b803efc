"""Synthetic MNIST-like digits, generated identically here and in the browser (``digits.mjs``).

Each 28x28 image is a seven-segment digit at a random offset and stroke width, with random ink
and background noise. Everything comes from one xorshift32 stream per worker and uses only
IEEE-754 double additions and multiplications, so Python and JavaScript produce the very same
float32 pixels: the server can replay a worker's training steps on PyTorch and compare.

    X, y = batch(seed=1, index=0)   # float32 [64, 784] in [0, 1], one-hot float32 [64, 10]
"""

from __future__ import annotations

from functools import cache

import numpy as np

SIZE = 28
BATCH = 64
# segments a..g of a seven-segment display, lit for each digit
DIGITS = ["abcdef", "bc", "abged", "abgcd", "fgbc", "afgcd", "afgedc", "abc", "abcdefg", "abcdfg"]


class Rng:
    """xorshift32; ``uniform()`` is ``(next >> 8) / 2**24``, exact in float32 and float64."""

    def __init__(self, seed: int):
        self.s = ((seed * 0x9E3779B1) + 0x7F4A7C15) & 0xFFFFFFFF or 1

    def next(self) -> int:
        x = self.s
        x ^= (x << 13) & 0xFFFFFFFF
        x ^= x >> 17
        x ^= (x << 5) & 0xFFFFFFFF
        self.s = x
        return x

    def uniform(self) -> float:
        return (self.next() >> 8) / 16777216


def segments(digit: int, dx: int, dy: int, t: int) -> np.ndarray:
    """Boolean 28x28 mask of a digit's segments (box 12x20 at (8+dx, 4+dy), stroke t)."""
    x0, x1, y0, y1 = 8 + dx, 20 + dx, 4 + dy, 24 + dy
    ym = (y0 + y1) // 2
    boxes = {"a": (y0, y0 + t, x0, x1), "d": (y1 - t, y1, x0, x1), "g": (ym - t // 2,
             ym - t // 2 + t, x0, x1), "f": (y0, ym, x0, x0 + t), "e": (ym, y1, x0, x0 + t),
             "b": (y0, ym, x1 - t, x1), "c": (ym, y1, x1 - t, x1)}
    mask = np.zeros((SIZE, SIZE), bool)
    for s in DIGITS[digit]:
        r0, r1, c0, c1 = boxes[s]
        mask[r0:r1, c0:c1] = True
    return mask


def sample(rng: Rng) -> tuple[np.ndarray, int]:
    label = rng.next() % 10
    dx = rng.next() % 5 - 2
    dy = rng.next() % 5 - 2
    t = 2 + rng.next() % 2
    ink = 0.6 + 0.4 * rng.uniform()
    mask = segments(label, dx, dy, t).reshape(-1)
    pixels = np.empty(SIZE * SIZE, np.float32)
    for i in range(SIZE * SIZE):
        u = rng.uniform()
        pixels[i] = ink * (0.8 + 0.2 * u) if mask[i] else 0.15 * u
    return pixels, label


@cache
def dataset(seed: int, batches: int) -> tuple[np.ndarray, np.ndarray]:
    """``batches`` batches of a worker's local data: X [batches, 64, 784], y one-hot."""
    rng = Rng(seed)
    X = np.empty((batches * BATCH, SIZE * SIZE), np.float32)
    y = np.zeros((batches * BATCH, 10), np.float32)
    for n in range(batches * BATCH):
        X[n], label = sample(rng)
        y[n, label] = 1.0
    return X.reshape(batches, BATCH, -1), y.reshape(batches, BATCH, 10)
