#!/usr/bin/env python3
"""Fifty simulated workers for the load benchmark (bench/load/run): one worker account per team
in turn (with its second factor), each logged in through the login form like a person, and a
line per session for the wrk scripts: cookie|csrf|household ids of the team|surnames in its area.

Usage: setup.py EROPAF_BIN DATABASE_URL ADDR WORKERS OUT
"""
import re
import sqlite3
import subprocess
import sys
import urllib.parse
import http.client

eropaf, url, addr, workers, out = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
host, port = addr.split(":")


def query(sql):
    if url.startswith("sqlite://"):
        con = sqlite3.connect(f"file:{url[len('sqlite://'):]}?mode=ro", uri=True)
        try:
            return [tuple(str(v) for v in row) for row in con.execute(sql)]
        finally:
            con.close()
    res = subprocess.run(["psql", url, "-At", "-F", "|", "-c", sql], check=True, capture_output=True, text=True)
    return [tuple(line.split("|")) for line in res.stdout.splitlines() if line]


AREA = ("FROM teams t JOIN neighbourhoods b ON b.parent_code = t.wijk_code JOIN addresses a ON a.buurt_code = b.code "
        "JOIN households h ON h.address_id = a.id")
households, names = {}, {}
for team, hid in query(f"SELECT t.name, h.id {AREA} ORDER BY t.id, h.id"):
    households.setdefault(team, []).append(hid)
for team, surname in query(f"SELECT t.name, p.surname {AREA} JOIN persons p ON p.household_id = h.id ORDER BY p.id"):
    if surname.isalpha() and len(names.setdefault(team, [])) < 30 and surname not in names[team]:
        names[team].append(surname)
teams = sorted(t for t in households if names.get(t))
if not teams:
    sys.exit("no team with households")


def request(method, path, headers=None, body=None):
    con = http.client.HTTPConnection(host, int(port), timeout=30)
    con.request(method, path, body=body, headers=headers or {})
    res = con.getresponse()
    data = res.read().decode()
    cookies = {}
    for k, v in res.getheaders():
        if k.lower() == "set-cookie":
            name, _, rest = v.partition("=")
            cookies[name] = rest.split(";")[0]
    con.close()
    return res.status, data, cookies


def hidden(page, name):
    m = re.search(rf'name="{name}" value="([^"]*)"', page)
    if not m:
        sys.exit(f"no hidden {name} on the page")
    return m.group(1)


FORM = {"Content-Type": "application/x-www-form-urlencoded"}
lines = []
for i in range(workers):
    team = teams[i % len(teams)]
    user, password = f"laadproef{i}", f"laadproef-wachtwoord-{i}-veilig"
    added = subprocess.run([eropaf, "user", "add", user, "--role", "worker", "--team", team, "--totp", "--password-stdin", "--database-url", url],
                           input=password + "\n", capture_output=True, text=True, check=True)
    secret = re.search(r"totp-secret=(\S+)", added.stdout).group(1)
    _, page, cookies = request("GET", "/inloggen")
    login = "__Host-eropaf-login=" + cookies["__Host-eropaf-login"]
    form = urllib.parse.urlencode({"gebruikersnaam": user, "wachtwoord": password, "csrf": hidden(page, "csrf")})
    status, _, cookies = request("POST", "/inloggen", {**FORM, "Cookie": login}, form)
    assert status == 303, f"password step for {user}: {status}"
    session = "__Host-eropaf-session=" + cookies["__Host-eropaf-session"]
    _, page, _ = request("GET", "/inloggen/code", {"Cookie": session})
    code = subprocess.run([eropaf, "totp-code", secret], capture_output=True, text=True, check=True).stdout.strip()
    status, _, cookies = request("POST", "/inloggen/code", {**FORM, "Cookie": session}, urllib.parse.urlencode({"code": code, "csrf": hidden(page, "csrf")}))
    assert status == 303, f"second factor for {user}: {status}"
    session = "__Host-eropaf-session=" + cookies["__Host-eropaf-session"]
    status, page, _ = request("GET", "/huishoudens", {"Cookie": session})
    assert status == 200, f"{user} sees the search page: {status}"
    lines.append("|".join([session, hidden(page, "csrf"), ",".join(households[team][:500]), ",".join(names[team])]))
with open(out, "w") as f:
    f.write("\n".join(lines) + "\n")
print(f"{workers} workers logged in over {len(set(teams[i % len(teams)] for i in range(workers)))} teams")
