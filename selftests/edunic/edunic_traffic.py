#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Traffic for the edunic selftests, run inside a network namespace.

  tcp-recv PORT [TIMEOUT]        accept one connection, read to EOF,
                                 print "bytes N sha256 HEX"
  tcp-send HOST PORT BYTES       send BYTES pseudo-random bytes, print
                                 "bytes N sha256 HEX seconds S mbit R"
  udp-recv PORT IDLE             count numbered datagrams until IDLE seconds
                                 pass without one, or SIGTERM, print
                                 "received N unique U reordered R duplicates D"
  udp-send HOST PORT COUNT [GAP_US]
                                 send COUNT datagrams numbered 0..COUNT-1
"""
import errno
import hashlib
import os
import signal
import socket
import struct
import sys
import time

CHUNK = 65536


def tcp_recv(port, timeout=60.0):
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("0.0.0.0", port))
    srv.listen(1)
    srv.settimeout(timeout)
    conn, _ = srv.accept()
    conn.settimeout(timeout)
    digest, total = hashlib.sha256(), 0
    while True:
        data = conn.recv(CHUNK)
        if not data:
            break
        digest.update(data)
        total += len(data)
    conn.close()
    print(f"bytes {total} sha256 {digest.hexdigest()}", flush=True)


def tcp_send(host, port, nbytes):
    sock = None
    for _ in range(50):		# the receiver may still be starting
        try:
            sock = socket.create_connection((host, port), timeout=60)
            break
        except OSError:
            time.sleep(0.2)
    if sock is None:
        sys.exit("tcp-send: cannot connect")
    digest, left = hashlib.sha256(), nbytes
    start = time.monotonic()
    while left:
        data = os.urandom(min(CHUNK, left))
        sock.sendall(data)
        digest.update(data)
        left -= len(data)
    sock.shutdown(socket.SHUT_WR)
    sock.recv(1)			# EOF: the receiver has read everything
    secs = time.monotonic() - start
    sock.close()
    print(f"bytes {nbytes} sha256 {digest.hexdigest()} seconds {secs:.3f} "
          f"mbit {nbytes * 8 / secs / 1e6:.2f}", flush=True)


class Stop(Exception):
    pass


def stop(signum, frame):
    raise Stop()


def udp_recv(port, idle):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    sock.bind(("0.0.0.0", port))
    # SIGTERM (the sender is done): read what is queued, then report.
    signal.signal(signal.SIGTERM, stop)
    print("ready", flush=True)
    seen, count = set(), {"received": 0, "reordered": 0, "highest": -1}

    def note(data):
        seq = struct.unpack("!I", data[:4])[0]
        count["received"] += 1
        if seq < count["highest"]:
            count["reordered"] += 1
        count["highest"] = max(count["highest"], seq)
        seen.add(seq)

    sock.settimeout(120)		# the first datagram: the sender may be slow
    try:
        while True:
            try:
                data = sock.recv(2048)
            except socket.timeout:
                break
            sock.settimeout(idle)
            note(data)
    except Stop:
        sock.setblocking(False)
        while True:
            try:
                note(sock.recv(2048))
            except BlockingIOError:
                break
    received = count["received"]
    print(f"received {received} unique {len(seen)} "
          f"reordered {count['reordered']} "
          f"duplicates {received - len(seen)}", flush=True)


def udp_send(host, port, count, gap_us=0):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    pad = bytes(100)
    for seq in range(count):
        while True:
            try:
                sock.sendto(struct.pack("!I", seq) + pad, (host, port))
                break
            except OSError as e:
                if e.errno != errno.ENOBUFS:	# the qdisc is full: retry
                    raise
                time.sleep(0.001)
        if gap_us:
            time.sleep(gap_us / 1e6)


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "tcp-recv":
        tcp_recv(int(args[0]), float(args[1]) if len(args) > 1 else 60.0)
    elif cmd == "tcp-send":
        tcp_send(args[0], int(args[1]), int(args[2]))
    elif cmd == "udp-recv":
        udp_recv(int(args[0]), float(args[1]))
    elif cmd == "udp-send":
        udp_send(args[0], int(args[1]), int(args[2]),
                 int(args[3]) if len(args) > 3 else 0)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
