#!/usr/bin/env python3
"""A TLS server on loopback for the DNS/connect/TLS tables (C and PHP tests).

    tls_server.py DIR

Makes a throwaway CA and a server certificate for 127.0.0.1 in DIR with Debian's `openssl`, then
serves HTTPS on 127.0.0.1:0, answering every request with HTTP 200 and `{"status":1}`. Its first
line on stdout is `https://127.0.0.1:PORT/callapi/v2.0/ DIR/ca.pem`; it runs until killed.
A client trusting its usual roots refuses the certificate (a TLS failure); one given DIR/ca.pem as
its CA bundle is answered.
"""
import http.server
import os
import ssl
import subprocess
import sys


def openssl(*args):
    subprocess.run(["openssl", *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def make_certs(d):
    ca_key, ca, key, csr, cert = (os.path.join(d, n) for n in ("ca.key", "ca.pem", "server.key", "server.csr", "server.pem"))
    ext = os.path.join(d, "server.ext")
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", ca_key, "-out", ca, "-days", "2",
            "-subj", "/CN=loginbycall test CA")
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr, "-subj", "/CN=127.0.0.1")
    with open(ext, "w") as f:
        f.write("basicConstraints=critical,CA:FALSE\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n"
                "extendedKeyUsage=serverAuth\n")
    openssl("x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial", "-out", cert,
            "-days", "2", "-extfile", ext)
    return ca, cert, key


class Answer(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        body = b'{"status":1}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = answer

    def log_message(self, *args):
        pass


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def get_request(self):
        sock, addr = self.socket.accept()
        # The handshake happens in the handler's thread, on its first read: a client that refuses
        # the certificate only ends its own connection.
        return self.context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False), addr

    def handle_error(self, request, client_address):
        pass


def main():
    d = sys.argv[1]
    os.makedirs(d, exist_ok=True)
    ca, cert, key = make_certs(d)
    server = Server(("127.0.0.1", 0), Answer)
    server.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.context.load_cert_chain(cert, key)
    print("https://127.0.0.1:%d/callapi/v2.0/ %s" % (server.server_address[1], ca), flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
