"""The package's two column paths (numpy arrays when numpy is importable,
array.array and memoryviews when it is not) give the same values: each
runs in its own interpreter, one with numpy blocked, on the same files;
the values are checked against scapy and dpkt in test_batch_jobs (which
test_python.sh runs in both modes)."""
import json
import os
import subprocess
import sys

import pytest

from _common import CAPKIT, DATA, SEED, run

HERE = os.path.dirname(os.path.abspath(__file__))

# Prints, as JSON, every column of every batch of a file read in batches of
# 7, its 5-tuples, and the types the package chose.
PROBE = r"""
import json, sys
if sys.argv[2] == "block":
    sys.modules["numpy"] = None
import capkit
out = {"numpy": capkit._np is not None, "rows": [], "flows": [],
       "types": set()}
with capkit.open(sys.argv[1]) as r:
    for b in r.batches(7):
        for name in ("ts_ns", "caplen", "origlen", "offset", "iface",
                     "linktype", "number", "pos"):
            out["types"].add(type(getattr(b, name)).__module__)
        for i in range(len(b)):
            out["rows"].append([int(b.ts_ns[i]), int(b.caplen[i]),
                                int(b.origlen[i]), int(b.offset[i]),
                                int(b.iface[i]), int(b.linktype[i]),
                                int(b.number[i]), int(b.pos[i]),
                                bytes(b[i]).hex()])
        fl = b.flows()
        out["types"].add(type(fl["src"]).__module__)
        assert len(fl["src"]) == len(b) and len(fl["dst"]) == len(b)
        for i in range(len(b)):
            out["flows"].append([int(fl["version"][i]), int(fl["proto"][i]),
                                 bytes(fl["src"][i]).hex(),
                                 bytes(fl["dst"][i]).hex(),
                                 int(fl["sport"][i]), int(fl["dport"][i])])
with capkit.open(sys.argv[1]) as r:
    b = r.read_batch(1000, exact=True)
    out["exact"] = [[int(b.ts_sec[i]), int(b.ts_nsec[i])]
                    for i in range(len(b))]
    e = r.read_batch(10)
    out["empty"] = [len(e), len(e.flows()["src"])]
out["types"] = sorted(out["types"])
print(json.dumps(out))
"""


def probe(path, mode):
    env = dict(os.environ)
    env.pop("LD_PRELOAD", None)
    env.pop("CAPKIT_TEST_NO_NUMPY", None)
    r = subprocess.run([sys.executable, "-c", PROBE, str(path), mode],
                       capture_output=True, check=False, env=env)
    assert r.returncode == 0, r.stderr.decode()
    return json.loads(r.stdout)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("capkit_numpy")
    out = [SEED]
    for i, spec in enumerate(["eth/ipv4/tcp", "eth/ipv6/udp", "eth/arp"]):
        f = tmp / ("g%d.pcapng" % i)
        r = run(CAPKIT, "gen", "-c", "40", "-F", "pcapng", "-o", str(f),
                spec)
        assert r.returncode == 0, r.stderr
        out.append(f)
    return out


def test_both_paths_give_the_same_values(files):
    for f in files:
        with_np = probe(f, "numpy")
        without = probe(f, "block")
        if not with_np["numpy"]:
            pytest.skip("numpy is not installed")
        assert not without["numpy"]
        # the columns are numpy arrays in one, not in the other
        assert "numpy" in with_np["types"]
        assert "numpy" not in without["types"]
        assert with_np["rows"], f
        for k in ("rows", "flows", "exact", "empty"):
            assert with_np[k] == without[k], (f, k)


def test_mode_of_this_run():
    """The suite runs with the mode test_python.sh asked for: numpy used
    when present and not blocked, never when blocked."""
    import capkit
    blocked = os.environ.get("CAPKIT_TEST_NO_NUMPY") == "1"
    try:
        import numpy  # noqa: F401
        have = True
    except ImportError:
        have = False
    assert not (blocked and have)
    assert (capkit._np is not None) == have
    with capkit.open(SEED) as r:
        b = r.read_batch(4)
    if have:
        assert type(b.caplen).__module__ == "numpy"
    else:
        assert isinstance(b.caplen, memoryview)
