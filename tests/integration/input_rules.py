#!/usr/bin/python3
"""Input rules over TLS gRPC (issue 13 item 15), with a stock python3-grpcio client:
a NUL inside any protobuf string field is refused (never silently cut short), bidi controls
and zero-width characters are refused in identifiers, unmask reasons that look blank are
refused, and every validation failure of Create (and of the other requests touched) names the
field after the status name. Refused requests change nothing.

usage: input_rules.py PORT CA_PEM WORKDIR   (env SD_USER, SD_PASSWORD, SD_TOTP_URI: an
agent+supervisor+compliance user)
"""
import os
import sys
import tempfile

import grpc
from grpc_tools import protoc

PORT, CA, WORK = sys.argv[1], sys.argv[2], sys.argv[3]
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PROTO = os.path.join(ROOT, "proto")
out = tempfile.mkdtemp(prefix="sdpy.", dir=WORK)
inc = os.path.join(os.path.dirname(protoc.__file__), "_proto")
for p in ("console.proto", "sealdesk.proto"):
    rc = protoc.main(["protoc", "-I" + PROTO, "-I" + inc, "--python_out=" + out,
                      "--grpc_python_out=" + out, os.path.join(PROTO, p)])
    assert rc == 0, "protoc failed for " + p
sys.path.insert(0, out)
import sealdesk_pb2 as pb, sealdesk_pb2_grpc as rpc  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from totp import code as totp_code  # noqa: E402

passed = failed = 0


def check(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
        print("ok -", name)
    else:
        failed += 1
        print("not ok -", name, detail)


def call(fn, req):
    try:
        return grpc.StatusCode.OK, "", fn(req, timeout=20)
    except grpc.RpcError as e:
        return e.code(), e.details() or "", None


def refused(name, fn, req, field, want=grpc.StatusCode.INVALID_ARGUMENT):
    code, det, _ = call(fn, req)
    check(name + " -> %s naming %s" % (want.name, field),
          code == want and det.startswith(field + ":"),
          "(got %s %r)" % (code, det))
    return det


creds = grpc.ssl_channel_credentials(root_certificates=open(CA, "rb").read())
anon = grpc.secure_channel("127.0.0.1:" + PORT, creds)
login = rpc.AuthStub(anon).Login(pb.LoginRequest(name=os.environ["SD_USER"],
                                                 password=os.environ["SD_PASSWORD"],
                                                 totp=totp_code(os.environ["SD_TOTP_URI"])),
                                  timeout=20)
ch = grpc.secure_channel("127.0.0.1:" + PORT, grpc.composite_channel_credentials(
    creds, grpc.access_token_call_credentials(login.token)))
t = rpc.TicketsStub(ch)


def n_tickets():
    return len(t.List(pb.ListTicketsRequest(), timeout=20).tickets)


def create(**kw):
    args = dict(channel="email", subject="withdrawal", body="my withdrawal is pending",
                customer_email="alice@example.com", customer_uid="U100200")
    args.update(kw)
    return pb.CreateTicketRequest(**args)


code, _, good = call(t.Create, create())
check("a valid ticket is created", code == grpc.StatusCode.OK)
before = n_tickets()

# ---- NUL in any string field: refused where protobuf strings become C strings ----
det = refused("NUL inside subject", t.Create, create(subject="abc\0HIDDEN"), "subject")
check("the NUL error does not echo the value", "HIDDEN" not in det)
refused("NUL inside body", t.Create, create(body="pending\0secret tail"), "body")
refused("NUL inside customer_email", t.Create,
        create(customer_email="alice@example.com\0evil"), "customer_email")
refused("NUL at the end of customer_uid", t.Create, create(customer_uid="U100200\0"),
        "customer_uid")
refused("NUL in a comment body", t.Comment, pb.CommentRequest(id=good.id, body="ok\0hidden"),
        "body")
refused("NUL in Find's customer_email", t.Find,
        pb.FindTicketsRequest(customer_email="alice@example.com\0x"), "customer_email")
refused("NUL in an unmask reason", t.Get,
        pb.GetTicketRequest(id=good.id, unmask=True, reason="audit\0"), "reason")
refused("NUL in a status name", t.Transition, pb.TransitionRequest(id=good.id, to="resolved\0"),
        "to")
refused("NUL in Login's name (public method too)", rpc.AuthStub(anon).Login,
        pb.LoginRequest(name="ops\0x", password="p"), "name")

# ---- identifiers: no bidi controls, no invisible characters ----
for label, v in (("U+202E override", "alice\u202e@example.com"),
                 ("U+2066 isolate", "\u2066alice@example.com"),
                 ("U+200F mark", "alice@exam\u200fple.com"),
                 ("U+200B zero-width space", "alice\u200b@example.com"),
                 ("U+FEFF BOM", "\ufeffalice@example.com")):
    refused("customer_email with " + label, t.Create, create(customer_email=v), "customer_email")
refused("customer_uid with U+202E", t.Create, create(customer_uid="U10\u202e0200"),
        "customer_uid")
refused("customer_phone with U+200D", t.Create, create(customer_phone="+82 10\u200d5555 0101"),
        "customer_phone")
refused("customer_name with U+202E", t.Create, create(customer_name="Bob\u202eevil"),
        "customer_name")
code, _, _ = call(t.Create, create(subject="\u05e9\u05dc\u05d5\u05dd \u202bRTL\u202c text",
                                   customer_name="\ud55c\uae00 \uc774\ub984"))
check("bidi controls stay allowed in free text (subject); Hangul name accepted",
      code == grpc.StatusCode.OK)
before += 1

# ---- every Create validation failure names its field ----
refused("invalid email", t.Create, create(customer_email="not-an-email"), "customer_email")
refused("invalid phone", t.Create, create(customer_phone="call me maybe"), "customer_phone")
refused("invalid ip", t.Create, create(ip_address="300.1.1.1"), "ip_address")
refused("uid with a tab", t.Create, create(customer_uid="U1\t2"), "customer_uid")
refused("subject too long", t.Create, create(subject="s" * 5000), "subject",
        grpc.StatusCode.RESOURCE_EXHAUSTED)
refused("missing body", t.Create, create(body=""), "body")
refused("unknown channel", t.Create, create(channel="fax"), "channel")
refused("unknown category", t.Create, create(category="lottery"), "category")
refused("bad priority", t.Create, create(priority="P9"), "priority")
check("refused creates changed nothing", n_tickets() == before)

# ---- unmask reasons that look blank ----
for label, r in (("spaces", "   "), ("zero-width", "\u200b\u200b\u200c"),
                 ("ideographic space + ZWJ", "\u3000\u200d"), ("tab/newline", "\t\n"),
                 ("Hangul filler", "\u3164"), ("braille blank", "\u2800\u2800"),
                 ("bidi only", "\u202e\u202c")):
    refused("unmask reason of " + label, t.Get,
            pb.GetTicketRequest(id=good.id, unmask=True, reason=r), "reason")
code, _, g = call(t.Get, pb.GetTicketRequest(id=good.id, unmask=True,
                                             reason="customer called about withdrawal"))
check("unmask with a real reason works", code == grpc.StatusCode.OK and
      g.pii["customer_email"] == "alice@example.com", "(got %s)" % code)

# ---- item 14 end to end: disguised secrets are redacted before the ticket is stored ----
body = ("2FA: 4 8 2 9 1 3, card 4111.1111.1111.1111, seed legal\u200bwinner\u200bthank\u200b"
        "year\u200bwave\u200bsausage\u200bworth\u200buseful\u200blegal\u200bwinner\u200b"
        "thank\u200byellow")
code, _, tk = call(t.Create, create(body=body))
check("ticket with disguised secrets created", code == grpc.StatusCode.OK)
if tk is not None:
    g = t.Get(pb.GetTicketRequest(id=tk.id), timeout=20)
    stored = g.pii["body"]
    check("stored body has the three markers and none of the secrets",
          stored.count("[REDACTED:") == 3 and "4 8 2 9 1 3" not in stored and
          "4111" not in stored and "sausage" not in stored, repr(stored))

print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
