#!/usr/bin/python3
"""Interop test: a stock python3-grpcio client (Debian's python3-grpcio, python3-grpc-tools,
python3-protobuf) calls every sealdeskd RPC over TLS and checks results and status codes.

usage: interop.py PORT CA_PEM SEALAUDIT WORKDIR  (env SD_USER, SD_PASSWORD, SD_TOTP_URI: a
user with agent, supervisor, compliance and auditor roles)
"""
import hashlib
import os
import subprocess
import sys
import tempfile

import grpc
from grpc_tools import protoc

PORT, CA, SEALAUDIT, WORK = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PROTO = os.path.join(ROOT, "proto")

out = tempfile.mkdtemp(prefix="sdpy.", dir=WORK)
inc = os.path.join(os.path.dirname(protoc.__file__), "_proto")
for p in ("console.proto", "sealdesk.proto", "health.proto"):
    rc = protoc.main(["protoc", "-I" + PROTO, "-I" + inc, "--python_out=" + out,
                      "--grpc_python_out=" + out, os.path.join(PROTO, p)])
    assert rc == 0, "protoc failed for " + p
sys.path.insert(0, out)
import health_pb2, health_pb2_grpc, sealdesk_pb2 as pb, sealdesk_pb2_grpc as rpc  # noqa: E402

passed = failed = 0


def check(name, cond):
    global passed, failed
    if cond:
        passed += 1
        print("ok -", name)
    else:
        failed += 1
        print("not ok -", name)


def code_of(fn, *a):
    try:
        fn(*a, timeout=20)
        return grpc.StatusCode.OK
    except grpc.RpcError as e:
        return e.code()


sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from totp import code as totp_code  # noqa: E402

creds = grpc.ssl_channel_credentials(root_certificates=open(CA, "rb").read())
anon = grpc.secure_channel("127.0.0.1:" + PORT, creds)
health = health_pb2_grpc.HealthStub(anon)
r = health.Check(health_pb2.HealthCheckRequest(), timeout=20)
check("Health.Check SERVING without a session", r.status == health_pb2.HealthCheckResponse.SERVING)
check("no session -> UNAUTHENTICATED", code_of(rpc.TicketsStub(anon).Stats, pb.StatsRequest())
      == grpc.StatusCode.UNAUTHENTICATED)
auth = rpc.AuthStub(anon)
check("bad password -> UNAUTHENTICATED", code_of(auth.Login, pb.LoginRequest(
    name=os.environ["SD_USER"], password="wrong", totp="000000")) == grpc.StatusCode.UNAUTHENTICATED)
login = auth.Login(pb.LoginRequest(name=os.environ["SD_USER"], password=os.environ["SD_PASSWORD"],
                                   totp=totp_code(os.environ["SD_TOTP_URI"])), timeout=20)
check("Login with TOTP returns a 256-bit token", len(login.token) == 64)
ch = grpc.secure_channel("127.0.0.1:" + PORT, grpc.composite_channel_credentials(
    creds, grpc.access_token_call_credentials(login.token)))
bogus = grpc.secure_channel("127.0.0.1:" + PORT, grpc.composite_channel_credentials(
    creds, grpc.access_token_call_credentials("ab" * 32)))
check("forged token -> UNAUTHENTICATED", code_of(rpc.TicketsStub(bogus).Stats, pb.StatsRequest())
      == grpc.StatusCode.UNAUTHENTICATED)
t = rpc.TicketsStub(ch)
audit = rpc.AuditStub(ch)

a = t.Create(pb.CreateTicketRequest(
    channel="email", subject="Withdrawal stuck", body="my USDT withdrawal is pending 20 hours",
    customer_email="Py.User@example.com", customer_uid="UIDPY123", customer_phone="+82 10 1111 2222"),
    timeout=20)
check("Create returns an id", a.id > 0)
check("Create triages withdrawal", a.category == "withdrawal")
check("Create sets SLA due", a.sla_first_response_due.endswith("Z"))
b = t.Create(pb.CreateTicketRequest(channel="chat", subject="hacked",
                                    body="my account was hacked, unauthorized withdrawal",
                                    vip=True), timeout=20)
check("fund safety is security P1", (b.category, b.priority) == ("security", "P1"))
check("bad priority -> INVALID_ARGUMENT", code_of(t.Create, pb.CreateTicketRequest(
    channel="chat", subject="s", body="b", priority="P9")) == grpc.StatusCode.INVALID_ARGUMENT)
check("bad channel -> INVALID_ARGUMENT", code_of(t.Create, pb.CreateTicketRequest(
    channel="fax", subject="s", body="b")) == grpc.StatusCode.INVALID_ARGUMENT)

g = t.Get(pb.GetTicketRequest(id=a.id), timeout=20)
check("Get masks email", g.pii["customer_email"] == "P***@example.com")
check("Get has timeline", len(g.timeline) >= 2 and g.timeline[0].kind == "created")
g = t.Get(pb.GetTicketRequest(id=a.id, unmask=True, reason="customer on the phone"), timeout=20)
check("Get unmask", g.pii["customer_email"] == "Py.User@example.com")
check("unmask without reason -> INVALID_ARGUMENT", code_of(
    t.Get, pb.GetTicketRequest(id=a.id, unmask=True)) == grpc.StatusCode.INVALID_ARGUMENT)
check("Get missing -> NOT_FOUND",
      code_of(t.Get, pb.GetTicketRequest(id=999999)) == grpc.StatusCode.NOT_FOUND)

lst = t.List(pb.ListTicketsRequest(status="received"), timeout=20)
check("List received", {a.id, b.id} <= {x.id for x in lst.tickets})
check("List bad status -> INVALID_ARGUMENT",
      code_of(t.List, pb.ListTicketsRequest(status="nope")) == grpc.StatusCode.INVALID_ARGUMENT)
f = t.Find(pb.FindTicketsRequest(customer_email="py.user@EXAMPLE.com"), timeout=20)
check("Find by email", [x.id for x in f.tickets] == [a.id])
check("Find needs one key -> INVALID_ARGUMENT",
      code_of(t.Find, pb.FindTicketsRequest()) == grpc.StatusCode.INVALID_ARGUMENT)

# claims and assignments name enabled agent users (issue 13): desk and rita
c = t.ClaimNext(pb.ClaimNextRequest(agent="desk"), timeout=20)
check("ClaimNext takes the P1 first", c.id == b.id and c.status == "in_progress")
c2 = t.ClaimNext(pb.ClaimNextRequest(agent="rita"), timeout=20)
check("ClaimNext second", c2.id == a.id and c2.assignee == "rita")
check("ClaimNext empty -> NOT_FOUND",
      code_of(t.ClaimNext, pb.ClaimNextRequest(agent="rita")) == grpc.StatusCode.NOT_FOUND)
x = t.Comment(pb.CommentRequest(id=a.id, body="checking the chain"), timeout=20)
check("Comment sets first response", x.first_response_at != "")
x = t.Assign(pb.AssignRequest(id=a.id, agent="desk"), timeout=20)
check("Assign", x.assignee == "desk")
x = t.Transition(pb.TransitionRequest(id=a.id, to="resolved"), timeout=20)
check("Transition resolved", x.status == "resolved")
check("illegal transition -> FAILED_PRECONDITION", code_of(
    t.Transition, pb.TransitionRequest(id=a.id, to="waiting_customer"))
    == grpc.StatusCode.FAILED_PRECONDITION)
x = t.Rate(pb.RateRequest(id=a.id, csat=5), timeout=20)
check("Rate", x.csat == 5)
check("Rate twice -> ALREADY_EXISTS",
      code_of(t.Rate, pb.RateRequest(id=a.id, csat=4)) == grpc.StatusCode.ALREADY_EXISTS)
o = t.Overdue(pb.OverdueRequest(now="2099-01-01T00:00:00Z"), timeout=20)
check("Overdue lists the open one", [x.id for x in o.tickets] == [b.id])
check("Overdue bad time -> INVALID_ARGUMENT",
      code_of(t.Overdue, pb.OverdueRequest(now="yesterday")) == grpc.StatusCode.INVALID_ARGUMENT)
s = t.Stats(pb.StatsRequest(), timeout=20)
check("Stats total", s.total == 2 and s.by_status["resolved"] == 1 and s.csat_count == 1)
tr = t.Triage(pb.TriageRequest(text="충전했는데 입금이 안 돼요"), timeout=20)
check("Triage ko deposit", tr.category == "deposit")

# Invalid UTF-8 in a string field, sent as raw bytes past the python type checks.
raw = ch.unary_unary("/sealdesk.v1.Tickets/Create")
unknown = ch.unary_unary("/sealdesk.v1.Tickets/Nope")
bad = b"\x0a\x04chat" + b"\x12\x01s" + b"\x1a\x02\xff\xfe"
check("invalid UTF-8 -> INVALID_ARGUMENT", code_of(raw, bad) == grpc.StatusCode.INVALID_ARGUMENT)
check("malformed protobuf -> INVALID_ARGUMENT",
      code_of(raw, b"\x0a\xff\xff\xff\xff\x0f") == grpc.StatusCode.INVALID_ARGUMENT)
check("unknown method -> UNIMPLEMENTED",
      code_of(unknown, b"") == grpc.StatusCode.UNIMPLEMENTED)


def H(b):
    return hashlib.sha256(b).digest()


def verify_inclusion(leaf, index, size, proof, root):
    # RFC 9162 2.1.3.2
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = H(b"\x01" + p + r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = H(b"\x01" + r + p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(m, n, rm, rn, proof):
    # RFC 9162 2.1.4.2
    if m == n:
        return rm == rn and not proof
    if m & (m - 1) == 0:
        proof = [rm] + list(proof)
    fn, sn = m - 1, n - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = H(b"\x01" + c + fr)
            sr = H(b"\x01" + c + sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = H(b"\x01" + sr + c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == rm and sr == rn


cp = audit.GetCheckpoint(pb.GetCheckpointRequest(fresh=True), timeout=20)
check("GetCheckpoint signed note", cp.tree_size > 5 and cp.note.startswith("sealdesk checkpoint v1"))
ip = audit.GetInclusionProof(pb.InclusionProofRequest(index=3, tree_size=cp.tree_size), timeout=20)
check("inclusion proof verifies", verify_inclusion(ip.leaf_hash, 3, cp.tree_size, list(ip.proof),
                                                   cp.root))
cons = audit.GetConsistencyProof(pb.ConsistencyProofRequest(from_size=3, to_size=cp.tree_size),
                                 timeout=20)
check("consistency proof verifies", verify_consistency(3, cp.tree_size, cons.from_root, cp.root,
                                                       list(cons.proof)))
check("inclusion beyond size -> INVALID_ARGUMENT", code_of(
    audit.GetInclusionProof, pb.InclusionProofRequest(index=10**9))
    == grpc.StatusCode.INVALID_ARGUMENT)
data = b"".join(chunk.data for chunk in audit.Export(pb.ExportRequest(), timeout=60))
path = os.path.join(WORK, "interop-export.log")
open(path, "wb").write(data)
v = subprocess.run([SEALAUDIT, "verify", "--log", path], capture_output=True, text=True)
last = v.stdout.strip().splitlines()[-1] if v.stdout.strip() else ""
check("Export stream verifies with sealaudit", v.returncode == 0 and last.startswith("OK entries="))

rpc.AuthStub(ch).Logout(pb.LogoutRequest(), timeout=20)
check("token refused after Logout", code_of(t.Stats, pb.StatsRequest())
      == grpc.StatusCode.UNAUTHENTICATED)

print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
