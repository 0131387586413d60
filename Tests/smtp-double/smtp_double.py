#!/usr/bin/env python3
"""A loopback SMTP server for Gateway's email tests, built on aiosmtpd.

Prints "PORT <n>" once it listens on 127.0.0.1, and exits when its stdin closes (so a test that dies
never leaves it behind); a line "release" on stdin lets one held message go (see --hold). Every
accepted message is written to --record DIR as NNN.eml plus NNN.json (envelope, AUTH mechanism and
login used).

  --user NAME --password PW   the one login accepted (AUTH PLAIN and LOGIN are offered)
  --require-auth              refuse MAIL before a successful AUTH
  --reject-auth               refuse every AUTH attempt
  --drop N                    drop the connection at DATA for the first N messages
  --tls starttls|implicit     with --cert and --key (PEM): offer STARTTLS (and require it), or speak TLS from the start
  --port N                    listen on N instead of a free port (a server coming back after an outage)
  --hold MARKER               a message containing MARKER is recorded, then its 250 answer is held back (the
                              first time its Message-ID is seen) until a "release" line; prints "HELD <n>"
"""
import argparse
import asyncio
import json
import os
import re
import socket
import ssl
import sys
import threading
import warnings

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


warnings.filterwarnings("ignore")  # aiosmtpd warns about AUTH without TLS, which is the point here


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Recorder:
    def __init__(self, options):
        self.options = options
        self.drops = options.drop
        self.count = 0
        self.lock = threading.Lock()
        self.auth = {}
        self.held = set()
        self.releases = threading.Semaphore(0)

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        if self.options.reject_auth or not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        login = auth_data.login.decode()
        ok = login == self.options.user and auth_data.password.decode() == self.options.password
        if ok:
            self.auth[id(session)] = (mechanism, login)
        return AuthResult(success=ok, handled=False)

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.drops > 0:
                self.drops -= 1
                server.transport.abort()
                return "421 dropping the connection, as asked"
            self.count += 1
            number = self.count
        mechanism, login = self.auth.get(id(session), (None, None))
        content = envelope.original_content or envelope.content
        base = os.path.join(self.options.record, "%03d" % number)
        with open(base + ".eml", "wb") as message:
            message.write(content)
        with open(base + ".json", "w") as meta:
            json.dump({"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
                       "mechanism": mechanism, "login": login}, meta)
        if self.should_hold(content):
            # Accepted and recorded, but the client has not heard so: the acceptance window.
            print("HELD %d" % number, flush=True)
            await asyncio.get_running_loop().run_in_executor(None, self.releases.acquire, True, 300)
        return "250 OK queued as %d" % number

    def should_hold(self, content):
        marker = self.options.hold
        if not marker or marker.encode() not in content:
            return False
        found = re.search(rb"^Message-ID: *(.+?)\r?$", content, re.M | re.I)
        message_id = found.group(1) if found else content
        with self.lock:
            if message_id in self.held:
                return False
            self.held.add(message_id)
            return True


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--record", required=True)
    parser.add_argument("--user", default="gateway")
    parser.add_argument("--password", default="")
    parser.add_argument("--require-auth", action="store_true")
    parser.add_argument("--reject-auth", action="store_true")
    parser.add_argument("--drop", type=int, default=0)
    parser.add_argument("--tls", choices=["starttls", "implicit"])
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--hold")
    options = parser.parse_args()
    os.makedirs(options.record, exist_ok=True)
    recorder = Recorder(options)
    port = options.port or free_port()
    settings = dict(authenticator=recorder.authenticate, auth_required=options.require_auth, auth_require_tls=False)
    if options.tls:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(options.cert, options.key)
        if options.tls == "starttls":
            settings.update(tls_context=context, require_starttls=True)
        else:
            settings.update(ssl_context=context)
    controller = Controller(recorder, hostname="127.0.0.1", port=port, **settings)
    controller.start()
    print("PORT %d" % port, flush=True)
    for line in sys.stdin:
        if line.strip() == "release":
            recorder.releases.release()
    # Nothing may stay held (and keep its executor thread, and so this process, alive) after stdin closes.
    for _ in recorder.held:
        recorder.releases.release()
    controller.stop()


if __name__ == "__main__":
    main()
