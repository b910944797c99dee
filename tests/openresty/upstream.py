#!/usr/bin/env python3
"""The upstream that tests/openresty's cosocket handler talks to.

A line protocol on 127.0.0.1, one thread per connection (nginx keeps them
alive in its cosocket pool):

    REV <text>   answers <text> reversed
    ADD <a> <b>  answers a + b
    anything else answers ERR

Binds an ephemeral port, writes it to --port-file once listening, and
exits by itself after --lifetime seconds (the runner also kills it).
"""
import argparse
import os
import socketserver
import threading


class LineHandler(socketserver.StreamRequestHandler):
    def handle(self):
        for raw in self.rfile:
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            cmd, _, rest = line.partition(" ")
            if cmd == "REV":
                answer = rest[::-1]
            elif cmd == "ADD":
                try:
                    a, b = rest.split()
                    answer = str(int(a) + int(b))
                except ValueError:
                    answer = "ERR"
            else:
                answer = "ERR"
            self.wfile.write((answer + "\n").encode())
            self.wfile.flush()


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--lifetime", type=float, default=600.0)
    args = ap.parse_args()
    server = Server(("127.0.0.1", 0), LineHandler)
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(server.server_address[1]))
    os.replace(tmp, args.port_file)
    threading.Timer(args.lifetime, server.shutdown).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
