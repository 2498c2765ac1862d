import json, os, subprocess, sys, time, urllib.request, concurrent.futures, re
b, n = sys.argv[1], int(sys.argv[2])
port = 5700 + (1 if b == "new" else 0)
env = dict(os.environ, ASPNETCORE_ENVIRONMENT="Development", ASPNETCORE_URLS=f"http://127.0.0.1:{port}",
           Relay__Orleans__SiloPort=str(41100 + port % 100), Relay__Orleans__GatewayPort=str(42100 + port % 100),
           Relay__Orleans__PrimarySiloPort=str(41100 + port % 100), Relay__Emulator__Port="0", Relay__Demo__Enabled="false", Logging__LogLevel__Default="Error")
log = open(f"/tmp/p19/idle/{b}.log", "w")
p = subprocess.Popen(["dotnet", f"/tmp/p19/{b}-bin/Relay.Web.dll"], cwd=f"/tmp/p19/{b}-bin", env=env, stdout=log, stderr=log)
base = f"http://127.0.0.1:{port}"
def req(path, body=None, key=None, bearer=None, method=None):
    r = urllib.request.Request(base + path, data=body, method=method or ("POST" if body else "GET"))
    if body: r.add_header("Content-Type", "application/json")
    if key: r.add_header("X-Api-Key", key)
    if bearer: r.add_header("Authorization", "Bearer " + bearer)
    with urllib.request.urlopen(r, timeout=120) as resp: return resp.status, resp.read().decode()
for _ in range(300):
    try:
        req("/health/ready"); break
    except Exception: time.sleep(1)
req("/api/admin/tenants/idle", json.dumps({"displayName":"Idle","crm":{"baseUrl":"memory://idle","servicesVersion":"75","userName":"u","password":"p"},"defaultOwnerAssociateId":7}).encode(), key="dev-operator-key", method="PUT")
tok = json.loads(req("/api/operator/tenants/idle/credentials", json.dumps({"name":"idle","scopes":["ingest","read"]}).encode(), key="dev-operator-key")[1])["token"]
def batch(i):
    items = [{"id": f"idle-{b}-{j}", "type": "email.opened", "occurredAt": "2026-12-07T10:00:00Z",
              "contact": {"id": f"idle-{j}", "email": f"idle-{j}@idle.example"}, "content": {"id": "mail-idle", "name": "Idle"}} for j in range(i, min(i + 500, n))]
    for _ in range(50):
        try:
            return req("/api/tenants/idle/triggers", json.dumps(items).encode(), bearer=tok)[0]
        except Exception as e:
            print("batch", i, e, flush=True); time.sleep(0.5)
t0 = time.time()
with concurrent.futures.ThreadPoolExecutor(4) as ex: codes = list(ex.map(batch, range(0, n, 500)))
def metric(name):
    s = req("/metrics", key="dev-metrics-key")[1]
    return sum(float(m) for m in re.findall(rf"^{name}(?:{{[^}}]*}})? ([0-9.e+]+)", s, re.M))
while metric("relay_triggers_processed_total") < n and time.time() - t0 < 900: time.sleep(2)
print(b, "sent", n, "in", round(time.time() - t0), "s; processed", metric("relay_triggers_processed_total"), flush=True)
s = req("/metrics", key="dev-metrics-key")[1]
print([l for l in s.splitlines() if "activation" in l and not l.startswith("#")][:6], flush=True)
time.sleep(20)
def cpu():
    f = open(f"/proc/{p.pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")
c0, w0 = cpu(), time.time(); time.sleep(30); c1, w1 = cpu(), time.time()
print(b, "idle cores:", round((c1 - c0) / (w1 - w0), 3), flush=True)
s = req("/metrics", key="dev-metrics-key")[1]; print([l for l in s.splitlines() if "dashboard" in l][:4], flush=True)
p.terminate(); p.wait(60)
