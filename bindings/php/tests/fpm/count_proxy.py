#!/usr/bin/env python3
"""A TCP proxy that counts the connections it accepts: scripts/test-php.sh puts it between the site's
PHP-FPM workers and `lbc sandbox`, to show that the workers reuse their kept-alive connections.

Usage: count_proxy.py TARGET_PORT COUNT_FILE
Prints the port it listens on (127.0.0.1), then serves until killed; after each accepted connection it
writes the number accepted so far to COUNT_FILE.
"""
import socket
import sys
import threading


def pipe(source, sink):
    try:
        while True:
            data = source.recv(65536)
            if not data:
                break
            sink.sendall(data)
    except OSError:
        pass
    finally:
        for s in (source, sink):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def main():
    target_port, count_file = int(sys.argv[1]), sys.argv[2]
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    print(listener.getsockname()[1], flush=True)
    accepted = 0
    while True:
        client, _ = listener.accept()
        accepted += 1
        with open(count_file, "w") as f:
            f.write("%d\n" % accepted)
        upstream = socket.create_connection(("127.0.0.1", target_port))
        for a, b in ((client, upstream), (upstream, client)):
            threading.Thread(target=pipe, args=(a, b), daemon=True).start()


if __name__ == "__main__":
    main()
