"""Builds jaxrandom._core against a static libjaxrandom made by CMake.

The C library is configured and built from the repository this directory
lives in (or JAXRANDOM_SOURCE_DIR) into the build tree (target
jaxrandom_static, no tests, no CLI), so the wheel needs no installed
libjaxrandom. It links pthreads, libm and libdl; LAPACKE (for eigh and svd)
is loaded by the library at first use, as for the C library itself.
"""
import os
import subprocess
import sys

import numpy
from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.abspath(os.environ.get("JAXRANDOM_SOURCE_DIR",
                                        os.path.join(HERE, "..")))


class CMakeStaticBuild(build_ext):
    def build_extensions(self):
        if not os.path.exists(os.path.join(SOURCE, "include", "jaxrandom.h")):
            sys.exit("jaxrandom: the C library's sources are not at %s "
                     "(set JAXRANDOM_SOURCE_DIR)" % SOURCE)
        build = os.path.abspath(os.path.join(self.build_temp, "libjaxrandom"))
        jobs = str(os.cpu_count() or 1)
        subprocess.run(["cmake", "-S", SOURCE, "-B", build,
                        "-DCMAKE_BUILD_TYPE=Release", "-DJR_BUILD_TESTS=OFF",
                        "-DJR_BUILD_CLI=OFF"], check=True)
        subprocess.run(["cmake", "--build", build, "--target",
                        "jaxrandom_static", "-j", jobs], check=True)
        lib = None
        incs = {os.path.join(SOURCE, "include")}
        for root, _, files in os.walk(build):
            if "libjaxrandom.a" in files:
                lib = os.path.join(root, "libjaxrandom.a")
            if any(f.startswith("jaxrandom") and f.endswith(".h")
                   for f in files):
                incs.add(root)  # generated headers, if any
        if lib is None:
            sys.exit("jaxrandom: CMake built no libjaxrandom.a in " + build)
        deps = ["-ldl"]  # LAPACKE is loaded at first use (dlopen)
        for ext in self.extensions:
            ext.include_dirs[:0] = sorted(incs)
            ext.extra_objects.append(lib)
            # the library's symbols stay inside the module
            ext.extra_link_args += ["-Wl,--exclude-libs,ALL"] + deps + [
                "-lpthread", "-lm"]
        super().build_extensions()


setup(
    ext_modules=[Extension(
        "jaxrandom._core", ["src/_core.c"],
        include_dirs=[numpy.get_include()],
        extra_compile_args=["-std=c11", "-O2", "-ffp-contract=off",
                            "-Wall", "-Wextra"],
    )],
    cmdclass={"build_ext": CMakeStaticBuild},
    package_dir={"": "src"},
    packages=["jaxrandom", "jaxrandom.scipy", "jaxrandom.scipy.stats"],
)
