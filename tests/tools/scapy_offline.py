# scapy_offline.py - imported by the scapy capture generators before they
# build frames: scapy finds the Ethernet destination of an IP packet by
# sending ARP requests and neighbour solicitations on the host's network
# and waiting up to 2 s for each answer, which made the generators slow
# and their captures depend on who answered. Here nothing is sent: a
# unicast destination gets broadcast (what no answer gives); multicast
# ones still map.
import scapy.layers.inet6
import scapy.layers.l2

scapy.layers.l2.srp1 = scapy.layers.inet6.srp1 = lambda *a, **k: None
