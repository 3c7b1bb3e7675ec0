"""Times the sign-in form's refusals through the gateway: see sign-in-timing.sh."""
import http.cookiejar
import re
import statistics
import sys
import time
import urllib.parse
import urllib.request

PASSWORD = "a long and quiet harbour at dusk"
TOKEN = re.compile(r'name="__RequestVerificationToken" type="hidden" value="([^"]+)"')


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def session():
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect())


def post(opener, url, page_url, fields):
    """GETs the form (antiforgery token), then times the POST alone; returns (seconds, status)."""
    page = opener.open(page_url).read().decode()
    fields["__RequestVerificationToken"] = TOKEN.search(page).group(1).replace("&#x2B;", "+").replace("&#x2F;", "/").replace("&#x3D;", "=")
    body = urllib.parse.urlencode(fields).encode()
    start = time.perf_counter()
    try:
        response = opener.open(url, body)
        status = response.status
        response.read()
    except urllib.error.HTTPError as error:
        status = error.code
    return time.perf_counter() - start, status


def accept(gateway, link):
    path = urllib.parse.urlsplit(link)
    url = gateway + path.path + "?" + path.query
    post(session(), url, url, {"Password": PASSWORD, "Confirm": PASSWORD})


def main(gateway, rounds, open_link, locked_link):
    gateway = gateway.rstrip("/")
    accept(gateway, open_link)
    accept(gateway, locked_link)
    sign_in = gateway + "/account/sign-in"
    for _ in range(6):  # lock the second account (5 failures); it stays locked for the whole run
        post(session(), sign_in, sign_in, {"Email": "timing-locked@example.org", "Password": "wrong wrong wrong"})
    samples = {"unknown address": [], "known, wrong password": [], "known, locked": []}
    for i in range(rounds):
        cases = [
            ("unknown address", f"nobody-{i}@example.org", "wrong wrong wrong"),
            ("known, wrong password", "timing-open@example.org", "wrong wrong wrong"),
            ("known, locked", "timing-locked@example.org", "wrong wrong wrong"),
        ]
        for name, email, password in cases[i % 3:] + cases[:i % 3]:
            seconds, status = post(session(), sign_in, sign_in, {"Email": email, "Password": password})
            assert status == 200, (name, status)
            samples[name].append(seconds * 1000)
        if i % 3 == 2:  # a right password resets the open account's failures before it locks
            post(session(), sign_in, sign_in, {"Email": "timing-open@example.org", "Password": PASSWORD})
    print(f"POST /account/sign-in through the gateway, {rounds} refusals each, one at a time, interleaved")
    print(f"{'case':24} {'median ms':>10} {'p10 ms':>8} {'p90 ms':>8}")
    for name, values in samples.items():
        deciles = statistics.quantiles(values, n=10)
        print(f"{name:24} {statistics.median(values):10.1f} {deciles[0]:8.1f} {deciles[-1]:8.1f}")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4])
