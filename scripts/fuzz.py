#!/usr/bin/env python3
"""Sends generated requests to a running system and counts the answers.

Random methods on every route of the authorization matrix (tests/Shared/AuthorizationMatrix.cs) and
of the Directory's OpenAPI document, with junk ids, malformed bodies (junk, empty, wrong types, deep
nesting, invalid UTF-8, lone surrogates, NUL characters), huge headers and bad tokens, through the
gateway and at each service's own port. A 5xx, or an error that is not a problem details response,
is printed with the request that caused it. Loopback only; stops after --requests requests.

    scripts/fuzz.py [--state-dir .pocdir] [--requests 10000] [--seed 1] [--token TOKEN ...]

Exits 1 if any 5xx was seen.
"""
import argparse
import http.client
import json
import os
import random
import re
import sys
import urllib.parse
from collections import Counter

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def routes():
    text = open(os.path.join(ROOT, "tests/Shared/AuthorizationMatrix.cs"), encoding="utf-8").read()
    found = set()
    for service, method, route in re.findall(r'\("(\w+)", "(\w+)", "([^"]+)", "[^"]+", "[\d ]+"\)', text):
        found.add((service, method, route))
    return sorted(found)


def junk_segment(rng):
    return rng.choice([
        "0198a5c2-0000-7000-8000-000000000001", "not-a-guid", "%00", "..%2f..%2fetc%2fpasswd", "FRA", "fra", "ZZZ",
        "x" * 300, "%ff%fe", "'; DROP TABLE x; --", "%C0%AF", "-1", "99999999999999999999", "", "{id}",
    ])


def fill(route, rng):
    path = re.sub(r"\{[^}]+\}", lambda _: urllib.parse.quote(junk_segment(rng), safe="%"), route)
    if rng.random() < 0.4:
        pairs = [(rng.choice(["q", "state", "type", "page", "pageSize", "format", "after", "limit", "token", "regionalGroup"]),
                  rng.choice(["", "-5", "abc", "1e99", "FRA", "x" * 2000, "%00", "\u202e", "vcard", "csv", "0"])) for _ in range(rng.randint(1, 4))]
        path += "?" + urllib.parse.urlencode(pairs)
    return path


def body(rng):
    kind = rng.randrange(14)
    if kind == 0:
        return b"", "application/json"
    if kind == 1:
        return bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 400))), "application/json"
    if kind == 2:
        return b"null", "application/json"
    if kind == 3:
        return b"[1,2,3]", "application/json"
    if kind == 4:
        return b"[" * 5000 + b"]" * 5000, "application/json"
    if kind == 5:
        return b'{"token":"\xff\xfe\xfd"}', "application/json"
    if kind == 6:
        return b'{"token":"\\ud800","email":"\\udfff@x","state":"\\ud83d"}', "application/json"
    if kind == 7:
        return b'{"token":"abc\\u0000def","email":"a\\u0000@example.org","state":"F\\u0000A","details":{"fullName":"\\u0000"}}', "application/json"
    if kind == 8:
        return json.dumps({"token": 5, "email": [], "state": {}, "details": "x", "decision": 1, "revision": "one", "submit": "yes"}).encode(), "application/json"
    if kind == 9:
        return json.dumps({"revision": 10 ** 40, "hours": 1e308, "page": -1}).encode(), "application/json"
    if kind == 10:
        return b'{"token":"' + b"a" * 200_000 + b'"}', "application/json"
    if kind == 11:
        return b"token=abc&email=x", "application/x-www-form-urlencoded"
    if kind == 12:
        return b'{"a":1', "application/json"
    return json.dumps({"email": "not an address", "state": "FRA", "details": {"type": "technical"}}).encode(), rng.choice(["application/json", "text/plain", "application/xml"])


def token(rng, valid):
    if valid and rng.random() < 0.5:
        return "Bearer " + rng.choice(valid)
    return rng.choice([
        None, "Bearer", "Bearer ", "Bearer garbage", "Bearer a.b.c",
        "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4IiwiYXVkIjoiZGlyZWN0b3J5In0.",
        "Basic Z3Vlc3Q6Z3Vlc3Q=", "Bearer " + "A" * 9000,
    ])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--state-dir", default=os.path.join(ROOT, ".pocdir"))
    parser.add_argument("--requests", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--token", action="append", default=[],
                        help="a valid access token to send with half the requests (repeatable), e.g. $(scripts/demo.py machine-token demo-cert-fra)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    resources = {r["name"]: r for r in json.load(open(os.path.join(args.state_dir, "resources.json")))["resources"]}
    targets = {name: urllib.parse.urlsplit(resources[name]["url"]) for name in
               ["gateway", "directory", "nominations", "notifications", "meetings", "identity"] if resources.get(name, {}).get("url")}
    for url in targets.values():
        if url.hostname not in ("127.0.0.1", "localhost", "::1"):
            sys.exit(f"{url.geturl()} is not loopback")
    table = routes()
    statuses, not_problem, failures = Counter(), Counter(), []
    for i in range(args.requests):
        service, method, route = rng.choice(table)
        method = rng.choice([method, method, "GET", "POST", "PUT", "DELETE", "PATCH"])
        where = rng.choice(["gateway", service if service in targets else "gateway"])
        url = targets[where]
        path = fill(route, rng)
        headers = {}
        if (auth := token(rng, args.token)) is not None:
            headers["Authorization"] = auth
        if rng.random() < 0.05:
            headers["X-Junk"] = "x" * rng.choice([8000, 40000])
        content = None
        if method in ("POST", "PUT", "PATCH") or rng.random() < 0.1:
            content, kind = body(rng)
            headers["Content-Type"] = kind
        # Spread over loopback addresses, as many clients would come: the per-address limits are not what is tested.
        connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30, source_address=(f"127.0.{rng.randint(1, 250)}.{rng.randint(1, 250)}", 0))
        try:
            connection.request(method, path, body=content, headers=headers)
            response = connection.getresponse()
            payload = response.read()
            status = response.status
            kind = response.getheader("Content-Type") or ""
        except (ConnectionError, http.client.HTTPException, OSError) as error:
            status, kind, payload = f"connection: {type(error).__name__}", "", b""
        finally:
            connection.close()
        statuses[status] += 1
        described = f"{method} {where} {path[:120]} body={content[:80] if content else None!r}"
        if isinstance(status, int) and status >= 500 or not isinstance(status, int):
            failures.append(f"{status} {described} -> {payload[:200]!r}")
        elif isinstance(status, int) and status >= 400 and "problem+json" not in kind and status not in (404, 405, 431) \
                and not (status == 400 and "%00" in path.split("?")[0]):  # Kestrel refuses a NUL in the path before any middleware
            not_problem[status] += 1
            if not_problem[status] <= 3:
                print(f"not problem details: {status} {kind!r} {described}")
    print("statuses:", dict(sorted(statuses.items(), key=str)))
    print("errors without problem details (beyond 404/405/431 and NUL paths, answered by Kestrel itself):", dict(not_problem))
    for failure in failures[:40]:
        print("5xx:", failure)
    print(f"{args.requests} requests, {sum(1 for f in failures)} 5xx or broken connections")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
