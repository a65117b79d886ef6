"""What the package's test modules share: the tool, the fixtures folder,
and running a peer."""
import os
import subprocess

CAPKIT = os.environ.get("CAPKIT", "capkit")
DATA = os.environ.get("CAPKIT_TESTDATA",
                      os.path.join(os.path.dirname(__file__), "..", "data"))
SEED = os.path.join(DATA, "connection_termination.pcap")


def run(*args, **kw):
    """Run a peer or the tool. A preloaded sanitizer runtime (for running
    this suite on a sanitizer build of the library) is not passed on: the
    peers run as installed."""
    env = dict(os.environ)
    env.pop("LD_PRELOAD", None)
    return subprocess.run(list(args), capture_output=True, check=False,
                          env=env, **kw)


def rss_kib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0
