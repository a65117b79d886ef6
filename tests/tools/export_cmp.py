# export_cmp.py TSHARK.tsv CAPKIT.tsv NAMES - compare tshark -T fields with
# capkit export row by row and column by column. Rows whose packet is an
# ICMP/ICMPv6 error are skipped: tshark decodes the packet quoted inside
# such errors (a second ip.src, a udp.srcport), capkit's decoder stops at
# the ICMP header. NAMES: the fields, comma-separated, in column order.
import sys

a = open(sys.argv[1], encoding="utf-8").read().splitlines()
b = open(sys.argv[2], encoding="utf-8").read().splitlines()
names = sys.argv[3].split(",")
if len(a) != len(b):
    print("rows: tshark %d, capkit %d" % (len(a), len(b)))
    sys.exit(1)
it = names.index("icmp.type") if "icmp.type" in names else None
i6 = names.index("icmpv6.type") if "icmpv6.type" in names else None
bad = skipped = compared = 0
for n, (ra, rb) in enumerate(zip(a, b), 1):
    fa, fb = ra.split("\t"), rb.split("\t")
    err = (it is not None and fa[it] in ("3", "4", "5", "11", "12")) or \
          (i6 is not None and fa[i6] in ("1", "2", "3", "4"))
    if err:
        skipped += 1
        continue
    compared += 1
    for k, name in enumerate(names):
        if fa[k] != fb[k]:
            bad += 1
            if bad <= 10:
                print("row %d %s: tshark [%s] capkit [%s]" % (n, name, fa[k], fb[k]))
print("%d rows compared, %d ICMP errors skipped, %d differences" % (compared, skipped, bad))
sys.exit(1 if bad or compared == 0 else 0)
