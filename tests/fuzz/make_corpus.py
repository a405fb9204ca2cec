#!/usr/bin/python3
"""Writes the seed corpus of the parser fuzzers (tests/fuzz/corpus/<target>/):
valid inputs of every kind the parsers accept and typical malformed ones.
.npy seeds are produced by NumPy itself (numpy.lib.format), not by our writer.
Run from anywhere: /usr/bin/python3 tests/fuzz/make_corpus.py"""
import io
import os
import numpy as np
from numpy.lib import format as npf

here = os.path.dirname(os.path.abspath(__file__))


def put(target, name, data):
    d = os.path.join(here, "corpus", target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def npy(arr, version=None):
    b = io.BytesIO()
    if version is None:
        np.save(b, arr)
    else:
        npf.write_array(b, arr, version=version)
    return b.getvalue()


# .npy
put("npy", "f4_2x3", npy(np.arange(6, dtype="<f4").reshape(2, 3)))
put("npy", "f8_be", npy(np.array([[2.0, 0.5], [0.5, 1.0]], dtype=">f8")))
put("npy", "f8_fortran", npy(np.asfortranarray(np.arange(12.0).reshape(3, 4))))
put("npy", "f2_vec", npy(np.array([1, 2, 3], dtype="<f2")))
put("npy", "i8_scalar", npy(np.array(7, dtype="<i8")))
put("npy", "u1_3d", npy(np.arange(24, dtype="u1").reshape(2, 3, 4)))
put("npy", "bool", npy(np.array([True, False, True])))
put("npy", "i2_be_fortran", npy(np.asfortranarray(np.arange(6, dtype=">i2").reshape(2, 3))))
put("npy", "empty_0x3", npy(np.zeros((0, 3), dtype="<f4")))
put("npy", "v2", npy(np.arange(4, dtype="<f8"), version=(2, 0)))
put("npy", "v3", npy(np.arange(4, dtype="<u4"), version=(3, 0)))
good = npy(np.arange(6, dtype="<f4").reshape(2, 3))
put("npy", "truncated_data", good[:-3])
put("npy", "trailing_data", good + b"xx")
put("npy", "truncated_header", good[:40])
put("npy", "bad_magic", b"\x93NUMPX" + good[6:])
put("npy", "bad_version", good[:6] + b"\x04\x00" + good[8:])
put("npy", "complex", npy(np.array([1 + 2j])))
put("npy", "huge_shape", good.replace(b"(2, 3)", b"(9999999999999, 3)"[:6]))
hdr = b"{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, 4), }"
put("npy", "overflow_shape", b"\x93NUMPY\x01\x00" + len(hdr + b"\n").to_bytes(2, "little") + hdr + b"\n")
hdr = b"{'descr': '<f4', 'shape': (1,), 'fortran_order': False, 'extra': 1}"
put("npy", "extra_key", b"\x93NUMPY\x01\x00" + len(hdr + b"\n").to_bytes(2, "little") + hdr + b"\n" + b"\0" * 4)
# found by fuzz_npy (2026-11-26): a zero extent makes the size 0, but the
# Fortran strides' partial products overflowed before the fix
hdr = b"{'descr': '>f8', 'fortran_order': True, 'shape': (3,6611686018405688506,0), }"
put("npy", "fortran_zero_extent_overflow", b"\x93NUMPY\x01\x00" + len(hdr + b"\n").to_bytes(2, "little") + hdr + b"\n")

# CSV
put("csv", "matrix", "2, 0.5\n0.5, 1\n")
put("csv", "vector", "1,2,3\n")
put("csv", "column", "1\n2\n3\n")
put("csv", "comments_crlf", "# mean\r\n1.5e-3,-2,nan\r\n\r\n")
put("csv", "inf", "inf,-Infinity\n1,2\n")
put("csv", "ragged", "1,2\n3\n")
put("csv", "empty_field", "1,,2\n")
put("csv", "not_a_number", "1,abc\n")
put("csv", "header_line", "a,b\n1,2\n")
put("csv", "empty", "")
put("csv", "overflow", "1e999\n")

# inline literals
put("literal", "matrix", "[[2,0.5],[0.5,1]]")
put("literal", "vector", "[1, 2, 3]")
put("literal", "scalar", "3.5")
put("literal", "tuple", "((1, 2), (3, 4),)")
put("literal", "batch", "[[[1,0],[0,1]],[[2,0],[0,2]]]")
put("literal", "empty", "[]")
put("literal", "empty_rows", "[[], []]")
put("literal", "ragged", "[[1,2],[3]]")
put("literal", "mixed_depth", "[1,[2]]")
put("literal", "unclosed", "[[1,2],[3,4]")
put("literal", "deep", "[" * 40 + "1" + "]" * 40)
put("literal", "garbage", "[1, 2x]")
put("literal", "nan_inf", "[nan, -inf, +1e-5]")

# shapes
for name, s in [("pair", "1000,3"), ("scalar", ""), ("parens", "(2, 3)"),
                ("brackets", "[4]"), ("trailing_comma", "5,"),
                ("negative", "-1"), ("overflow", "99999999999999999999"),
                ("double_comma", "3,,4"), ("product_overflow", "4294967296,4294967296"),
                ("unbalanced", "(2,3"), ("many", ",".join(["1"] * 40))]:
    put("shape", name, s)
