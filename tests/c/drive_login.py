#!/usr/bin/env python3
"""Drives a terminal login example (examples/c/login.c, examples/cpp/login.cpp) against the sandbox:
runs COMMAND PHONE, waits for its prompt, reads the code of the call from the sandbox
(GET /_sandbox/phones/{msisdn}), types a wrong code and then the right one, and checks the example
logged in and reported the call's final status.

Usage: drive_login.py BASE_URL PHONE MSISDN COMMAND...
"""
import json
import os
import select
import subprocess
import sys
import time
import urllib.request

TIMEOUT = 120  # seconds, generous for valgrind


def read_until(proc, marker, seen):
    deadline = time.monotonic() + TIMEOUT
    fd = proc.stdout.fileno()
    while marker not in seen[0]:
        left = deadline - time.monotonic()
        if left <= 0:
            raise SystemExit("timed out waiting for %r; output so far:\n%s" % (marker, seen[0]))
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            chunk = os.read(fd, 4096)
            if not chunk:
                raise SystemExit("the example ended before %r; output:\n%s" % (marker, seen[0]))
            seen[0] += chunk.decode("utf-8", "replace")


def main():
    base_url, phone, msisdn, command = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    root = base_url.split("/callapi/")[0]
    proc = subprocess.Popen(command + [phone], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    seen = [""]
    try:
        read_until(proc, "]: ", seen)
        with urllib.request.urlopen("%s/_sandbox/phones/%s" % (root, msisdn), timeout=10) as answer:
            code = json.load(answer)["code"]
        wrong = "".join(str((int(d) + 1) % 10) for d in code)
        proc.stdin.write((wrong + "\n").encode())
        proc.stdin.flush()
        read_until(proc, "REJECTED", seen)
        proc.stdin.write((code + "\n").encode())
        proc.stdin.flush()
        read_until(proc, "Call ", seen)
        proc.stdin.close()
        seen[0] += proc.stdout.read().decode("utf-8", "replace")
        proc.wait(timeout=TIMEOUT)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    sys.stdout.write(seen[0])
    ok = proc.returncode == 0 and "ACCEPTED" in seen[0] and "Call ended" in seen[0]
    print("drive_login: %s (exit status %d)" % ("ok" if ok else "FAILED", proc.returncode))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
