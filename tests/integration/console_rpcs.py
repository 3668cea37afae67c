#!/usr/bin/python3
"""The console's RPCs (issue 16) over TLS with a stock grpcio client: every new call and field,
with its authorization, bad input naming the field, and no plaintext PII in summaries.

usage: console_rpcs.py PORT CA_PEM WORKDIR  (env: SD_USERS = JSON {name: {password, totp_uri}}
with rita, ag2 (agents), sam, sue (supervisors), aud (auditor), bo (backoffice))
"""
import hashlib
import json
import os
import sys
import tempfile

import grpc
from grpc_tools import protoc

PORT, CA, WORK = sys.argv[1], sys.argv[2], sys.argv[3]
HERE = os.path.dirname(os.path.abspath(__file__))
PROTO = os.path.join(os.path.dirname(os.path.dirname(HERE)), "proto")
out = tempfile.mkdtemp(prefix="sdcon.", dir=WORK)
inc = os.path.join(os.path.dirname(protoc.__file__), "_proto")
for p in ("console.proto", "sealdesk.proto", "remedies.proto"):
    assert protoc.main(["protoc", "-I" + PROTO, "-I" + inc, "--python_out=" + out,
                        "--grpc_python_out=" + out, os.path.join(PROTO, p)]) == 0
sys.path.insert(0, out)
sys.path.insert(0, HERE)
import console_pb2 as cp  # noqa: E402
import remedies_pb2 as rp, remedies_pb2_grpc as rg  # noqa: E402
import sealdesk_pb2 as pb, sealdesk_pb2_grpc as sg  # noqa: E402
from totp import code  # noqa: E402

users = json.loads(os.environ["SD_USERS"])
creds = grpc.ssl_channel_credentials(root_certificates=open(CA, "rb").read())
passed = failed = 0


def check(name, cond):
    global passed, failed
    passed, failed = (passed + 1, failed) if cond else (passed, failed + 1)
    print(("ok - " if cond else "not ok - ") + name)


class S:
    """One user's session: the service stubs over a channel carrying the token."""

    def __init__(self, name):
        anon = grpc.secure_channel("127.0.0.1:" + PORT, creds)
        u = users[name]
        totp = code(u["totp_uri"]) if u.get("totp_uri") else ""
        tok = sg.AuthStub(anon).Login(pb.LoginRequest(name=name, password=u["password"],
                                                      totp=totp), timeout=20).token
        ch = grpc.secure_channel("127.0.0.1:" + PORT, grpc.composite_channel_credentials(
            creds, grpc.access_token_call_credentials(tok)))
        self.auth, self.t = sg.AuthStub(ch), sg.TicketsStub(ch)
        self.audit, self.rem = sg.AuditStub(ch), rg.RemediesStub(ch)


def err(fn, req):
    try:
        fn(req, timeout=20)
        return grpc.StatusCode.OK, ""
    except grpc.RpcError as e:
        return e.code(), e.details()


rita, ag2, sam, aud, bo = S("rita"), S("ag2"), S("sam"), S("aud"), S("bo")
DENIED = grpc.StatusCode.PERMISSION_DENIED
INVALID = grpc.StatusCode.INVALID_ARGUMENT

# ---- Auth.Me / Auth.SetPreferences ----
me = rita.auth.Me(cp.MeRequest(), timeout=20)
check("Me: user, roles, default locale and zone", (me.user, me.roles, me.locale, me.time_zone)
      == ("rita", "agent", "en", ""))
check("Me: the session's expiry (RFC 3339)", me.expires_at.endswith("Z") and len(me.expires_at) >= 20)
c, msg = err(rita.auth.SetPreferences, cp.PreferencesRequest(locale="fr", time_zone="Asia/Seoul"))
check("SetPreferences: bad locale names the field", c == INVALID and msg.startswith("locale:"))
c, msg = err(rita.auth.SetPreferences, cp.PreferencesRequest(locale="ko", time_zone="Nowhere/City"))
check("SetPreferences: bad time zone names the field", c == INVALID and msg.startswith("time_zone:"))
check("nothing changed by bad input", rita.auth.Me(cp.MeRequest(), timeout=20).locale == "en")
r = rita.auth.SetPreferences(cp.PreferencesRequest(locale="ko", time_zone="Asia/Seoul"), timeout=20)
check("SetPreferences answers the new settings", (r.user, r.locale, r.time_zone)
      == ("rita", "ko", "Asia/Seoul"))
me = rita.auth.Me(cp.MeRequest(), timeout=20)
check("Me shows the stored settings", (me.locale, me.time_zone) == ("ko", "Asia/Seoul"))
check("another user's settings are their own", sam.auth.Me(cp.MeRequest(), timeout=20).locale == "en")
check("Me: aud (auditor) allowed", aud.auth.Me(cp.MeRequest(), timeout=20).roles == "auditor")
check("Me: the backoffice identity is refused", err(bo.auth.Me, cp.MeRequest())[0] == DENIED)
check("SetPreferences: the backoffice identity is refused",
      err(bo.auth.SetPreferences, cp.PreferencesRequest(locale="en"))[0] == DENIED)

# ---- tickets ----
T = sam.t
t1 = T.Create(pb.CreateTicketRequest(channel="email", subject="Account hacked",
                                     body="someone withdrew my USDT, freeze my account",
                                     customer_email="kim.seoyeon@example.com",
                                     customer_uid="UID5550001", category="security",
                                     priority="P1"), timeout=20)
t2 = T.Create(pb.CreateTicketRequest(channel="chat", subject="Deposit missing",
                                     body="my deposit did not arrive",
                                     customer_email="kim.seoyeon@example.com", category="deposit",
                                     priority="P3"), timeout=20)
t3 = T.Create(pb.CreateTicketRequest(channel="web", subject="Fee question", body="why this fee",
                                     customer_name="Park Jimin", category="general",
                                     priority="P4"), timeout=20)
T.Assign(pb.AssignRequest(id=t3.id, agent="ag2"), timeout=20)

l1 = T.List(pb.ListTicketsRequest(summary=True, limit=2), timeout=20)
check("List limit 2: two tickets, more, next = last id",
      [x.id for x in l1.tickets] == [t1.id, t2.id] and l1.more and l1.next == t2.id)
l2 = T.List(pb.ListTicketsRequest(summary=True, limit=2, after=l1.next), timeout=20)
check("List after next: the rest, no more", [x.id for x in l2.tickets] == [t3.id] and not l2.more)
s1 = l1.tickets[0]
check("summary: subject as stored", s1.subject == "Account hacked")
check("summary: customer e-mail masked", "***" in s1.customer and "kim.seoyeon" not in s1.customer
      and s1.customer.endswith("@example.com"))
check("summary: no PII map in a list", len(s1.pii) == 0)
check("summary: masked name when there is no e-mail",
      l2.tickets[0].customer != "" and "Park Jimin" not in l2.tickets[0].customer)
plain = T.List(pb.ListTicketsRequest(), timeout=20)
check("List without summary: no subject or customer",
      all(x.subject == "" and x.customer == "" for x in plain.tickets) and len(plain.tickets) == 3)
c, msg = err(T.List, pb.ListTicketsRequest(limit=1001))
check("List limit over 1000 names the field", c == INVALID and msg.startswith("limit:"))
rl = rita.t.List(pb.ListTicketsRequest(summary=True), timeout=20)
by = {x.id: x for x in rl.tickets}
check("agent: the same tickets as Tickets.List", sorted(by) == sorted(x.id for x in plain.tickets))
check("agent: summary of an unassigned ticket", by[t1.id].subject == "Account hacked")
check("agent: no summary of another agent's ticket", by[t3.id].subject == "" and
      by[t3.id].customer == "")

g = T.Get(pb.GetTicketRequest(id=t1.id), timeout=20)
check("Get: transitions of a received ticket for a supervisor",
      sorted(g.transitions) == ["in_progress", "resolved", "waiting_customer"])
g = rita.t.Get(pb.GetTicketRequest(id=t1.id), timeout=20)
check("Get: an agent may not move a queued ticket", list(g.transitions) == [])

rel = T.Related(pb.GetTicketRequest(id=t1.id), timeout=20)
check("Related: the same customer's other ticket", [x.id for x in rel.tickets] == [t2.id])
check("Related: summary form, masked", rel.tickets[0].subject == "Deposit missing" and
      "kim.seoyeon" not in rel.tickets[0].customer)
check("Related: another agent's ticket refused", err(rita.t.Related,
                                                     pb.GetTicketRequest(id=t3.id))[0] == DENIED)
check("Related: unknown ticket", err(T.Related, pb.GetTicketRequest(id=9999))[0]
      == grpc.StatusCode.NOT_FOUND)
check("Related: the auditor is refused (as Get)",
      err(aud.t.Related, pb.GetTicketRequest(id=t1.id))[0] == DENIED)

inbox = rita.t.Inbox(cp.InboxRequest(), timeout=20)
check("Inbox: new P1 tickets, summary form",
      [x.id for x in inbox.new_p1] == [t1.id] and inbox.new_p1[0].subject == "Account hacked")
check("Inbox: max_p1", inbox.max_p1 == t1.id)
check("Inbox: nothing assigned yet", len(inbox.assigned) == 0)
check("Inbox: polling on from max_p1", len(rita.t.Inbox(cp.InboxRequest(after_p1=inbox.max_p1),
                                                        timeout=20).new_p1) == 0)
mine = rita.t.ClaimNext(pb.ClaimNextRequest(agent="rita"), timeout=20)
check("claim takes the P1", mine.id == t1.id)
inbox = rita.t.Inbox(cp.InboxRequest(), timeout=20)
check("Inbox: the claimed ticket is assigned", [x.id for x in inbox.assigned] == [t1.id])
rem = rita.rem.Request(rp.RequestRemedyRequest(ticket_id=t1.id, kind="compensation", asset="USDT",
                                               amount="50", to_uid="UID5550001",
                                               justification="goodwill"), timeout=20)
check("Inbox: a supervisor sees the pending remedy to approve",
      list(sam.t.Inbox(cp.InboxRequest(), timeout=20).approvals) == [rem.id])
check("Inbox: the requester's own remedy is not theirs to approve",
      list(rita.t.Inbox(cp.InboxRequest(), timeout=20).approvals) == [])
sam.rem.Approve(rp.RemedyIdRequest(id=rem.id), timeout=20)
check("Inbox: approved remedies leave the list",
      list(sam.t.Inbox(cp.InboxRequest(), timeout=20).approvals) == [])
check("Inbox: the auditor is refused (as List)", err(aud.t.Inbox, cp.InboxRequest())[0] == DENIED)

st = sam.t.Stats(pb.StatsRequest(), timeout=20)
check("Stats: open by priority", dict(st.open_by_priority) == {"P1": 1, "P2": 0, "P3": 1, "P4": 1})
check("Stats: overdue by priority (all four keys)", sorted(st.overdue_by_priority) ==
      ["P1", "P2", "P3", "P4"])
st = sam.t.Stats(pb.StatsRequest(now="2099-01-01T00:00:00Z"), timeout=20)
check("Stats: overdue later", dict(st.overdue_by_priority) == {"P1": 1, "P2": 0, "P3": 1, "P4": 1})

# ---- audit ----
sr = aud.audit.Search(pb.AuditSearchRequest(kind="ticket.create"), timeout=20)
check("Search hits carry leaf bytes", len(sr.entries) == 3 and all(len(e.leaf) for e in sr.entries))
ok_leaf = True
for e in sr.entries:
    pr = aud.audit.GetInclusionProof(pb.InclusionProofRequest(index=e.index), timeout=20)
    ok_leaf = ok_leaf and hashlib.sha256(b"\x00" + e.leaf).digest() == pr.leaf_hash
check("SHA-256(0x00 || leaf) is the tree's leaf hash", ok_leaf)
cps = aud.audit.Checkpoints(cp.CheckpointsRequest(), timeout=20).checkpoints
keys = aud.audit.GetPublicKey(pb.PublicKeyRequest(), timeout=20)
check("Checkpoints: one hand-off", len(cps) == 1)
check("Checkpoints: signed by the first key, naming the current one",
      cps[0].public_key == keys.first_public_key and cps[0].next_public_key == keys.public_key
      and len(cps[0].signature) == 64)
check("Checkpoints: the exact signed note names the next key",
      ("next-key " + cps[0].next_public_key.hex()) in cps[0].note and
      cps[0].note.startswith("sealdesk checkpoint v1\n"))
check("Checkpoints: an agent is refused", err(rita.audit.Checkpoints,
                                              cp.CheckpointsRequest())[0] == DENIED)

print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
