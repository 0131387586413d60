#!/usr/bin/env python3
"""A loopback SMTP server for Gateway's email tests, built on aiosmtpd.

Prints "PORT <n>" once it listens on 127.0.0.1, and exits when its stdin closes (so a test that dies
never leaves it behind). Every accepted message is written to --record DIR as NNN.eml plus NNN.json
(envelope, AUTH mechanism and login used).

  --user NAME --password PW   the one login accepted (AUTH PLAIN and LOGIN are offered)
  --require-auth              refuse MAIL before a successful AUTH
  --reject-auth               refuse every AUTH attempt
  --drop N                    drop the connection at DATA for the first N messages
  --tls starttls|implicit     with --cert and --key (PEM): offer STARTTLS (and require it), or speak TLS from the start
"""
import argparse
import json
import os
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
        base = os.path.join(self.options.record, "%03d" % number)
        with open(base + ".eml", "wb") as message:
            message.write(envelope.original_content or envelope.content)
        with open(base + ".json", "w") as meta:
            json.dump({"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
                       "mechanism": mechanism, "login": login}, meta)
        return "250 OK queued as %d" % number


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
    options = parser.parse_args()
    os.makedirs(options.record, exist_ok=True)
    recorder = Recorder(options)
    port = free_port()
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
    sys.stdin.read()
    controller.stop()


if __name__ == "__main__":
    main()
