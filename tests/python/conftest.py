"""With CAPKIT_TEST_NO_NUMPY=1 numpy cannot be imported (a finder first on
sys.meta_path refuses it), so that the suite also runs the package's path
without numpy on a machine that has it. sys.modules gets no None entry:
hypothesis looks numpy up there."""
import os
import sys

if os.environ.get("CAPKIT_TEST_NO_NUMPY") == "1":
    class _NoNumpy:
        @staticmethod
        def find_spec(name, path=None, target=None):
            if name == "numpy" or name.startswith("numpy."):
                raise ImportError("numpy is hidden (CAPKIT_TEST_NO_NUMPY)")
            return None

    for _m in [m for m in sys.modules if m == "numpy" or
               m.startswith("numpy.")]:
        del sys.modules[_m]
    sys.meta_path.insert(0, _NoNumpy)
