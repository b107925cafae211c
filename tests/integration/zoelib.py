"""zoelib - helpers shared by the integration tests (standard library only).

The tests run against the stack that `scripts/dev test` starts (nginx + the
pool + PostgreSQL). Environment: ZOE_URL, ZOE_VAR, ZOE_BIN, ZOE_ROOT;
DATABASE_URL comes from $ZOE_VAR/stack.env when it is not set.
"""
import base64
import hashlib
import hmac
import http.client
import json
import struct
import socket
import os
import re
import secrets
import subprocess
import time
import urllib.parse

URL = os.environ.get("ZOE_URL", "http://127.0.0.1:18080")
ROOT = os.environ.get("ZOE_ROOT", os.path.abspath(os.path.join(os.path.dirname(__file__), "../..")))
VAR = os.environ.get("ZOE_VAR", os.path.join(ROOT, "var/test"))
BIN = os.environ.get("ZOE_BIN", os.path.join(ROOT, "build/zoe"))

CHROME_UA = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
             "Chrome/124.0.0.0 Safari/537.36")
IPHONE_UA = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
             "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1")
BOT_UA = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"

_parsed = urllib.parse.urlsplit(URL)
HOST, PORT = _parsed.hostname, _parsed.port or 80

# A tag unique to this run, so a second run against the same stack never sees
# the first one's users, sites or pages.
RUN = secrets.token_hex(4)


def stack_env(name):
    """A value the stack's scripts/dev wrote into $ZOE_VAR/stack.env ('' when absent)."""
    env_file = os.path.join(VAR, "stack.env")
    # the file is written with bash's printf %q: let bash read it back
    out = subprocess.run(["bash", "-c", '. "$1" && printf %s "${!2:-}"', "-", env_file, name],
                         capture_output=True, text=True, check=True)
    return out.stdout


def database_url():
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = stack_env("DATABASE_URL")
    return os.environ["DATABASE_URL"]


class Reply:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers            # http.client.HTTPMessage (case-insensitive)
        self.body = body

    @property
    def json(self):
        return json.loads(self.body.decode("utf-8"))

    @property
    def ctype(self):
        return (self.headers.get("Content-Type") or "").split(";")[0].strip()

    def __repr__(self):
        return "<Reply %d %s %r>" % (self.status, self.ctype, self.body[:300])


def request(method, path, body=None, headers=None, token=None, timeout=10, raw=None,
            ua=CHROME_UA):
    """One request on a fresh connection. `body` is sent as JSON, `raw` as is."""
    h = {"User-Agent": ua} if ua else {}
    if body is not None:
        raw = json.dumps(body).encode("utf-8")
        h["Content-Type"] = "application/json"
    if token:
        h["Authorization"] = "Bearer " + token
    h.update(headers or {})
    conn = http.client.HTTPConnection(HOST, PORT, timeout=timeout)
    try:
        conn.request(method, path, body=raw, headers=h)
        resp = conn.getresponse()
        return Reply(resp.status, resp.headers, resp.read())
    finally:
        conn.close()


def get(path, **kw):
    return request("GET", path, **kw)


def post(path, body=None, **kw):
    return request("POST", path, body=body, **kw)


def psql(sql, *args):
    """Runs one statement (psql variables :'v1', :'v2'... for args); rows as lists."""
    cmd = ["psql", database_url(), "-qAt", "-F", "\t", "-v", "ON_ERROR_STOP=1"]
    for i, a in enumerate(args, 1):
        cmd += ["-v", "v%d=%s" % (i, a)]
    out = subprocess.run(cmd, input=sql, capture_output=True, text=True, timeout=30)
    if out.returncode != 0:
        raise RuntimeError("psql failed: " + out.stderr)
    return [line.split("\t") for line in out.stdout.splitlines() if line]


def psql_one(sql, *args):
    rows = psql(sql, *args)
    return rows[0][0] if rows else None


def insert_events(domain, columns, rows):
    """Inserts events of site `domain`: `rows` are SQL row constructors of `columns`."""
    psql("INSERT INTO events (site_id, %s) SELECT (SELECT id FROM sites WHERE domain = :'v1'),"
         " t.* FROM (VALUES %s) t" % (columns, ",".join(rows)), domain)


def add_site_events(domain, columns, rows):
    """A site of the test's own (origin https://domain) with the events of insert_events."""
    zoe("site", "add", "--domain", domain, "--origin", "https://" + domain)
    insert_events(domain, columns, rows)


def rollup():
    """Brings the hour rollups up to date, as the job runner does every minute
    (its first run stores the vital limits rollup_run() reads)."""
    wait_until(lambda: psql_one("SELECT count(*) FROM rollup_vital_limits") != "0", timeout=30)
    while psql_one("SELECT rollup_run()") == "1":
        pass


def zoe(*args):
    env = dict(os.environ, DATABASE_URL=database_url(), ZOE_VAR=VAR)
    out = subprocess.run([BIN] + list(args), capture_output=True, text=True, env=env,
                         timeout=30, cwd=ROOT)
    if out.returncode != 0:
        raise RuntimeError("zoe %s failed: %s" % (" ".join(args), out.stderr))
    return out.stdout.strip()


def make_user(role, password=None):
    """A fresh user of `role`; returns (email, password)."""
    email = "it-%s-%s-%s@example.org" % (role, RUN, secrets.token_hex(3))
    password = password or "pw-" + secrets.token_hex(8)
    zoe("user", "add", "--email", email, "--role", role, "--password", password, "--update")
    return email, password


def login(email, password, **extra):
    r = post("/api/auth/login", dict(email=email, password=password, **extra))
    if r.status != 200:
        raise AssertionError("login of %s failed: %r" % (email, r))
    return r.json


def token_for(role):
    email, pw = make_user(role)
    return login(email, pw)["access_token"]


def clear_login_failures():
    """Forgets the failed logins of this machine's addresses: every test run logs
    in wrongly on purpose, and 20 failures per address in 15 minutes lock it."""
    hashes = ",".join("'%s'" % hashlib.sha256(a.encode()).hexdigest()
                      for a in ("127.0.0.1", "::1"))
    psql("DELETE FROM login_failures WHERE ip_hash IN (%s) OR email LIKE 'it-%%'" % hashes)


def admin_password():
    with open(os.path.join(VAR, "admin.password")) as f:
        return f.read().strip()


# ---- JWT forging (HS256 with the stack's secret) ------------------------------
def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def jwt_secret():
    with open(os.path.join(VAR, "jwt.secret"), "rb") as f:
        return f.read()


def forge(claims, alg="HS256", key=None, header=None):
    h = header or {"alg": alg, "typ": "JWT"}
    signing = b64url(json.dumps(h).encode()) + "." + b64url(json.dumps(claims).encode())
    if alg == "none":
        return signing + "."
    digest = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}[alg]
    sig = hmac.new(key if key is not None else jwt_secret(), signing.encode(), digest).digest()
    return signing + "." + b64url(sig)


def claims(**over):
    now = int(time.time())
    c = {"iss": "zoe", "aud": "zoe-api", "sub": "1", "email": "admin@zoe-solar.de",
         "role": "admin", "jti": secrets.token_hex(8), "fam": 0, "iat": now, "nbf": now,
         "exp": now + 600}
    c.update(over)
    return c


# ---- /metrics -----------------------------------------------------------------
_METRIC = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)$')


def metrics():
    """{(name, frozenset(labels)): value} of /metrics."""
    r = get("/metrics")
    if r.status != 200:
        raise AssertionError("/metrics answered %r" % r)
    out = {}
    for line in r.body.decode().splitlines():
        m = _METRIC.match(line)
        if not m:
            continue
        labels = frozenset(re.findall(r'(\w+)="([^"]*)"', m.group(2) or ""))
        out[(m.group(1), labels)] = float(m.group(3))
    return out


def metric(snapshot, name, **labels):
    return snapshot.get((name, frozenset(labels.items())), 0.0)


# ---- the pool's processes ---------------------------------------------------------
def master_pid():
    with open(os.path.join(VAR, "run/zoe.pid")) as f:
        return int(f.read().strip())


def worker_pids():
    out = subprocess.run(["pgrep", "-P", str(master_pid())], capture_output=True, text=True)
    return sorted(int(p) for p in out.stdout.split())


def wait_until(check, timeout=10.0, step=0.05):
    """Polls check() until it returns a true value or the deadline passes."""
    deadline = time.monotonic() + timeout
    while True:
        v = check()
        if v or time.monotonic() > deadline:
            return v
        time.sleep(step)


def unbuilt_routes():
    """(method, path, min role, spec number, takes a site key) of the routes that still answer 501,
    read from the OpenAPI document (its description says so)."""
    doc = get("/api/openapi.json").json
    out = []
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if "Not built yet" in op.get("description", "") and "x-spec-number" in op:
                role = re.search(r"Minimum role: (\w+)", op["description"]).group(1)
                site = any("siteKey" in sec for sec in op.get("security", []))
                out.append((method.upper(), path, role, op["x-spec-number"], site))
    return sorted(out, key=lambda x: x[3])


def is_problem(testcase, r, status):
    """Asserts an RFC 9457 problem reply with the given status."""
    testcase.assertEqual(r.status, status, r)
    testcase.assertEqual(r.ctype, "application/problem+json", r)
    p = r.json
    for k in ("type", "title", "status", "detail"):
        testcase.assertIn(k, p, r)
    testcase.assertEqual(p["status"], status)
    testcase.assertTrue(r.headers.get("X-Request-Id"), "no X-Request-Id on %r" % r)
    return p


# ---- FastCGI spoken directly to a pool of a test's own (ZOE_LISTEN) ----------------------
BEGIN, END, PARAMS, STDIN, STDOUT = 1, 3, 4, 5, 6   # FastCGI record types


def record(kind, content=b"", req=1):
    return struct.pack(">BBHHBx", 1, kind, req, len(content), 0) + content


def nv(name, value):
    n, v = name.encode(), value.encode()
    return bytes([len(n)]) + (bytes([len(v)]) if len(v) < 128 else struct.pack(">I", len(v) | 1 << 31)) + n + v


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def read_reply(sock):
    """STDOUT bytes until END_REQUEST."""
    out, buf = b"", b""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return out
        buf += chunk
        while len(buf) >= 8:
            _, kind, _, length, pad = struct.unpack(">BBHHB", buf[:7])
            if len(buf) < 8 + length + pad:
                break
            if kind == STDOUT:
                out += buf[8:8 + length]
            if kind == END:
                return out
            buf = buf[8 + length + pad:]



def fcgi_get(port, path, query="", headers=None, method="GET", body=b"", timeout=10):
    """One request over FastCGI (GET unless told; body: bytes, sent as JSON); returns the raw
    reply (status line, headers, body) as text."""
    params = {"REQUEST_METHOD": method, "DOCUMENT_URI": path, "QUERY_STRING": query,
              "REMOTE_ADDR": "192.0.2.9"}
    if body:
        params.update(CONTENT_TYPE="application/json", CONTENT_LENGTH=str(len(body)))
    params.update(headers or {})
    chunks = [body[i:i + 32768] for i in range(0, len(body), 32768)]
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(record(BEGIN, struct.pack(">HB5x", 1, 0)) +
                     record(PARAMS, b"".join(nv(k, v) for k, v in params.items())) +
                     record(PARAMS) + b"".join(record(STDIN, c) for c in chunks) + record(STDIN))
        return read_reply(sock).decode()


def start_pool(port, **env):
    """A pool of its own on 127.0.0.1:port (one worker unless told); returns the process
    once it accepts connections."""
    e = dict(os.environ, DATABASE_URL=database_url(), ZOE_VAR=VAR, ZOE_WORKERS="1",
             ZOE_LISTEN="127.0.0.1:%d" % port)
    e.update(env)
    pool = subprocess.Popen([BIN, "serve"], env=e, cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return pool
        except OSError:
            time.sleep(0.05)
    pool.kill()
    raise AssertionError("the pool on port %d did not listen" % port)
