#!/usr/bin/env python3
"""check.py DIR NAME GOT.f32: the integer outputs of ticketc's C (dequantised to float32 by
--main's driver) against NAME.want.npy, the specification's integers computed by numpy.
The integer path requantises as TFLite does: a 31-bit fixed-point multiplier M and a
shift, rounding twice (the product to 2^-r of a unit, then the shift by r bits, each half
away from zero). The specification rounds the real value once, half to even. So an output
may differ by exactly 1 where its real value lies within NAME.band.npy of a half-integer;
anywhere else it must be equal. Samples of NAME.excl.npy (a hidden layer's value in its
band) may differ further on and are counted apart. Exit 1 on any other difference."""
import sys
import numpy as np

d, name, got_path = sys.argv[1:4]
want = np.load(f"{d}/{name}.want.npy")
real = np.load(f"{d}/{name}.real.npy")
scale, zp = open(f"{d}/{name}.meta").read().split()
scale, zp = np.float64(np.float32(float(scale))), int(zp)
got = np.fromfile(got_path, "<f4").astype(np.float64)
if got.size != want.size:
    print(f"{name}: {got.size} outputs, expected {want.size}")
    sys.exit(1)
gq = np.rint(got / scale) + zp
if not np.all(np.abs(gq - zp - got / scale) < 1e-3):
    print(f"{name}: an output is not on the grid of scale {scale}")
    sys.exit(1)
S = want.shape[0]
w = want.reshape(S, -1)
r = real.reshape(S, -1)
bnd = np.load(f"{d}/{name}.band.npy").reshape(S, -1)
excl = np.load(f"{d}/{name}.excl.npy")
diff = gq.reshape(S, -1) - w
near_tie = np.abs(np.abs(r - np.floor(r)) - 0.5) <= bnd
bad = (diff != 0) & ~((np.abs(diff) == 1) & near_tie)
ex = int(((diff != 0).any(1) & excl).sum())
bad[excl] = False
diff[excl] = 0
print(f"{name}: {w.size} outputs; of the {w.size - int(excl.sum()) * w.shape[1]} in samples without a hidden value in a band, "
      f"{int((diff == 0).sum() - excl.sum() * w.shape[1])} equal to the specification's, "
      f"{int(((diff != 0) & ~bad).sum())} off by 1 in a tie band ({int(near_tie.sum())} in one); "
      f"{int(excl.sum())} of {S} samples with a hidden value in a band ({ex} of them differ further); "
      f"{int(bad.sum())} other differences")
sys.exit(1 if bad.any() else 0)
