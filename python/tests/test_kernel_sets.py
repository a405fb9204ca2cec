"""The reference cases and the slice/thread tests again on every kernel set
this CPU supports (JAXRANDOM_ISA, read by the library at its first call),
each in its own process."""
import os
import subprocess
import sys

import pytest

import jaxrandom as jr

HERE = os.path.dirname(os.path.abspath(__file__))


@pytest.mark.parametrize("isa", ["ref", "avx2", "avx512"])
def test_on_kernel_set(isa):
    if isa not in jr._core._isas():
        pytest.skip("kernel set %s not supported here" % isa)
    env = dict(os.environ, JAXRANDOM_ISA=isa)
    check = subprocess.run(
        [sys.executable, "-c", "import jaxrandom as j; j.normal(j.key(0));"
         "print(j._core._isa())"], env=env, check=True,
        stdout=subprocess.PIPE, text=True).stdout.strip()
    assert check == isa
    r = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         os.path.join(HERE, "test_reference.py"),
         os.path.join(HERE, "test_slices_threads.py")],
        env=env, cwd=HERE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True)
    assert r.returncode == 0, r.stdout[-3000:]
