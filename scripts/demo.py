#!/usr/bin/env python3
"""The demo data set's accounts, from the file ./run.sh --demo writes (.pocdir/demo-accounts.json).

  scripts/demo.py accounts                          every demo account: e-mail, roles, State
  scripts/demo.py account EMAIL                     its password and the authenticator code valid now
  scripts/demo.py machine-token CLIENT_ID           a token of that machine client (directory.read)
Options: --state-dir PATH (default .pocdir)
"""
import base64
import hashlib
import hmac
import json
import os
import struct
import sys
import time
import urllib.parse
import urllib.request


def totp(secret: str, at: float) -> str:
    """RFC 6238: HMAC-SHA1 over the 30-second step, six digits."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", int(at // 30)), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


def url_of(state: str, name: str, fallback: str | None) -> str | None:
    """The resource's address now (an --isolated system moves at each start), else the one written with the accounts."""
    try:
        with open(os.path.join(state, "resources.json"), encoding="utf-8") as f:
            return next(r["url"] for r in json.load(f)["resources"] if name in (r["name"], r.get("service")) and r["url"])
    except (OSError, ValueError, KeyError, StopIteration):
        return fallback


def main(argv: list[str]) -> int:
    state = ".pocdir"
    if argv[:1] == ["--state-dir"] and len(argv) >= 2:
        state, argv = argv[1], argv[2:]
    path = os.path.join(state, "demo-accounts.json")
    if not os.path.exists(path):
        print(f"No {path}: start the system with ./run.sh --demo first.", file=sys.stderr)
        return 1
    with open(path, encoding="utf-8") as f:
        demo = json.load(f)
    match argv:
        case ["accounts"]:
            for a in demo["accounts"]:
                print(f"{a['email']:<36} {' '.join(a['roles']):<20} {a['state'] or ''}")
            return 0
        case ["account", email]:
            account = next((a for a in demo["accounts"] if a["email"].lower() == email.lower()), None)
            if account is None:
                print(f"No demo account {email}; scripts/demo.py accounts lists them.", file=sys.stderr)
                return 1
            remaining = 30 - int(time.time()) % 30
            print(f"e-mail:   {account['email']}\npassword: {account['password']}")
            print(f"code:     {totp(account['totpSecret'], time.time())} (for {remaining} s more; authenticator secret {account['totpSecret']})")
            web = url_of(state, "web", demo.get("web"))
            print(f"sign in:  {web.replace('127.0.0.1', 'localhost') if web else 'the Web'}")
            return 0
        case ["machine-token", client_id]:
            client = next((c for c in demo["machineClients"] if c["clientId"] == client_id), None)
            if client is None:
                print(f"No demo machine client {client_id}; there are: {', '.join(c['clientId'] for c in demo['machineClients'])}", file=sys.stderr)
                return 1
            body = urllib.parse.urlencode({"grant_type": "client_credentials", "client_id": client_id,
                                           "client_secret": client["clientSecret"], "scope": " ".join(client["scopes"])}).encode()
            with urllib.request.urlopen(url_of(state, "gateway", demo.get("gateway")) + "/connect/token", body, timeout=10) as response:
                print(json.load(response)["access_token"])
            return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
