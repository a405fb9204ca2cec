#!/usr/bin/env python3
"""Writes log_midpoints.txt: inputs x in (0, 0.586] (the range where the
float64 normal kernels need log) whose exact natural logarithm lies within
0.02 ulp of a midpoint between two doubles, found by sampling and checked with
Python's decimal module at 50 digits. One line per input: x as a C hex float,
then the distance of log(x) from the midpoint in ulps.
Usage: gen_log_midpoints.py > log_midpoints.txt"""
import random
from decimal import Decimal, getcontext
import math

getcontext().prec = 50
rng = random.Random(20261125)
found = []
while len(found) < 2000:
    if rng.random() < 0.75:
        x = rng.uniform(0.0, 0.586)
    else:
        x = math.ldexp(1.0 + rng.random(), -rng.randint(2, 53))
    if not 0.0 < x <= 0.586:
        continue
    y = Decimal(x).ln()
    r = float(y)  # correctly rounded
    ulp = math.ulp(r)
    frac = abs(y - Decimal(r)) / Decimal(ulp)
    dist = abs(Decimal("0.5") - frac)
    if dist < Decimal("0.02"):
        found.append((x, float(dist)))
print("# x, distance of log(x) from a rounding midpoint in ulp "
      "(gen_log_midpoints.py)")
for x, d in found:
    print("%s %.6f" % (x.hex(), d))
