# rewrite_cmp.py INPUT PEER OURS [--tagged-only] [--whole-only] - compare
# two rewritten captures record by record (bytes, captured and original
# lengths).
# For a record cut by the snaplen tcprewrite cannot recompute the
# transport checksum and leaves it as it was; capkit updates it
# incrementally (RFC 1624): there the two may differ only in one 2-byte
# field where the peer kept the input's bytes.
# A record cut inside its transport header is left alone by tcprewrite
# (capkit rewrites the ports it captured): such records are not compared.
# tcprewrite 4.4 does not update ICMPv6 checksums after changing the
# addresses (tshark then reports them bad); capkit does: ICMPv6 records may
# differ in their checksum field only (tshark checks capkit's separately).
# --whole-only: skip records cut by the snaplen (with --mtu-trunc,
# tcprewrite fills cut records up to the MTU with bytes never captured).
# tcprewrite 4.4 gives IPv6 frames multicast-looking MACs (33:33:...) of
# its own whatever the options: the MACs of such frames are not compared.
# --tagged-only: compare only frames that were VLAN-tagged in the peer's
# output and in ours at the same place (tcprewrite's tag insertion cuts
# the last 4 bytes of untagged frames).
import sys

from scapy.utils import RawPcapReader

inp = list(RawPcapReader(sys.argv[1]))
peer = list(RawPcapReader(sys.argv[2]))
ours = list(RawPcapReader(sys.argv[3]))
tagged_only = "--tagged-only" in sys.argv
whole_only = "--whole-only" in sys.argv


def kept_checksum(a, b, orig):
    """a and b differ in one 2-byte field where a kept orig's bytes."""
    diff = [j for j in range(len(a)) if a[j] != b[j]]
    return (len(a) == len(b) and diff and diff[-1] - diff[0] <= 1 and
            len(orig) == len(a) and
            all(a[j] == orig[j] for j in range(diff[0], diff[-1] + 1)))


snapped_ok = 0
skipped = 0


def l4_info(d):
    """(offset of the transport header, its length, protocol) or None."""
    off = 12
    while d[off:off + 2] in (b"\x81\x00", b"\x88\xa8"):
        off += 4
    et, off = d[off:off + 2], off + 2
    if et == b"\x08\x00" and len(d) > off:
        proto, l4 = d[off + 9] if len(d) > off + 9 else None, off + (d[off] & 15) * 4
    elif et == b"\x86\xdd":
        proto, l4 = d[off + 6] if len(d) > off + 6 else None, off + 40
    else:
        return None
    if proto == 6:
        hl = (d[l4 + 12] >> 4) * 4 if len(d) > l4 + 12 else 20
    else:
        hl = 8
    return l4, hl, proto
if len(peer) != len(ours):
    print("record count %d (peer) vs %d" % (len(peer), len(ours)))
    sys.exit(1)
bad = compared = 0
for i, ((a, ma), (b, mb), (o, mo)) in enumerate(zip(peer, ours, inp), 1):
    snapped = mo.caplen < mo.wirelen
    info = l4_info(o)
    if whole_only and snapped:
        continue
    if tagged_only and not (a[12:14] in (b"\x81\x00", b"\x88\xa8") and
                            len(a) == len(b)):
        continue
    base = 0
    if a[:2] == b"\x33\x33" and len(a) == len(b):
        a, b, o, base = a[12:], b[12:], o[12:], 12
    compared += 1
    if snapped and info and info[0] + info[1] > mo.caplen:
        skipped += 1
        continue
    if info and info[2] == 58 and a != b and len(a) == len(b):
        diff = [j + base for j in range(len(a)) if a[j] != b[j]]
        if all(info[0] + 2 <= j <= info[0] + 3 for j in diff):
            continue
    if snapped and a != b and ma.wirelen == mb.wirelen and \
            kept_checksum(a, b, o):
        snapped_ok += 1
        continue
    if a != b or ma.wirelen != mb.wirelen:
        bad += 1
        if bad <= 5:
            k = next((j for j in range(min(len(a), len(b))) if a[j] != b[j]),
                     min(len(a), len(b)))
            print("record %d: differs at byte %d (lengths %d/%d, wire %d/%d)"
                  % (i, k, len(a), len(b), ma.wirelen, mb.wirelen))
print("%d compared, %d differ, %d snapped with an updated checksum, "
      "%d cut inside the transport header" % (compared, bad, snapped_ok,
                                               skipped))
sys.exit(1 if bad or compared == 0 else 0)
