"""Builds slfit._core, the engine module of the Python package, with the project's CMake build
(CMakeLists.txt, target slfit_python) for the interpreter that runs pip. The package's metadata
is in pyproject.toml."""

import os
import shutil
import subprocess
import sys
import sysconfig

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext


class CMakeBuild(build_ext):
    def build_extension(self, ext):
        source = os.path.dirname(os.path.abspath(__file__))
        tag = sysconfig.get_config_var("EXT_SUFFIX").strip(".").replace(".", "-")
        build = os.path.join(source, "build-python", tag)
        configure = ["cmake", "-S", source, "-B", build, "-DCMAKE_BUILD_TYPE=Release", "-DSLFIT_TESTS=OFF",
                     "-DSLFIT_PYTHON=ON", f"-DPython_EXECUTABLE={sys.executable}"]
        if shutil.which("ninja"):
            configure += ["-G", "Ninja"]
        if not os.path.exists(os.path.join(build, "CMakeCache.txt")):
            subprocess.run(configure, check=True)
        subprocess.run(["cmake", "--build", build, "--target", "slfit_python", "--parallel", str(os.cpu_count() or 1)],
                       check=True)
        built = os.path.join(build, "python", "slfit", "_core" + sysconfig.get_config_var("EXT_SUFFIX"))
        target = self.get_ext_fullpath(ext.name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copyfile(built, target)


# setuptools' own build files go beside CMake's, out of the CLI's build/.
setup(ext_modules=[Extension("slfit._core", sources=[])], cmdclass={"build_ext": CMakeBuild},
      options={"build": {"build_base": "build-python/setuptools"}})
