#!/usr/bin/python3
"""Intake service over real TLS gRPC with a stock grpcio client (issue 15): idempotent
CreateTicket, GetStatus only for the ticket's customer, AddMessage, SuggestArticles, the intake
role limited to Intake and Intake closed to human roles.

usage: intake_flow.py PORT CA_PEM WORKDIR  (env SD_INTAKE_TOKEN, SD_AGENT_TOKEN)
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
for p in ("console.proto", "sealdesk.proto", "intake.proto"):
    rc = protoc.main(["protoc", "-I" + PROTO, "-I" + inc, "--python_out=" + out,
                      "--grpc_python_out=" + out, os.path.join(PROTO, p)])
    assert rc == 0, "protoc failed for " + p
sys.path.insert(0, out)
import intake_pb2 as ipb, intake_pb2_grpc as irpc  # noqa: E402
import sealdesk_pb2 as pb, sealdesk_pb2_grpc as rpc  # noqa: E402

passed = failed = 0


def check(name, cond):
    global passed, failed
    if cond:
        passed += 1
        print("ok -", name)
    else:
        failed += 1
        print("not ok -", name)


def code_of(fn):
    try:
        fn()
        return grpc.StatusCode.OK
    except grpc.RpcError as e:
        return e.code()


creds = grpc.ssl_channel_credentials(open(CA, "rb").read())
ch = grpc.secure_channel("127.0.0.1:" + PORT, creds,
                         options=[("grpc.ssl_target_name_override", "localhost")])
intake = irpc.IntakeStub(ch)
tickets = rpc.TicketsStub(ch)
IT = [("authorization", "Bearer " + os.environ["SD_INTAKE_TOKEN"])]
AG = [("authorization", "Bearer " + os.environ["SD_AGENT_TOKEN"])]

req = ipb.IntakeCreateRequest(idempotency_key="form-42", channel=3, sender_id="web-form",
                              customer_uid="U4242", customer_email="kim@example.com",
                              lang="zh", subject="提现一直在审核中",
                              body="0.35 ETH 提现已经等了二十个小时")
a = intake.CreateTicket(req, metadata=IT)
b = intake.CreateTicket(req, metadata=IT)
check("create: a ticket with a reference", a.ticket_id > 0 and a.reference.startswith("SD-"))
check("create: acknowledgement queued", a.created and a.acknowledged)
check("create twice with one idempotency key: one ticket",
      b.ticket_id == a.ticket_id and not b.created)

st = intake.GetStatus(ipb.IntakeStatusRequest(ticket_id=a.ticket_id, customer_uid="U4242"),
                      metadata=IT)
check("status for the customer", st.status == "received" and st.reference == a.reference)
check("status with the wrong customer is NOT_FOUND",
      code_of(lambda: intake.GetStatus(ipb.IntakeStatusRequest(
          ticket_id=a.ticket_id, customer_uid="U9999"), metadata=IT)) == grpc.StatusCode.NOT_FOUND)
check("status of a ticket that does not exist is NOT_FOUND",
      code_of(lambda: intake.GetStatus(ipb.IntakeStatusRequest(
          ticket_id=a.ticket_id + 1000, customer_uid="U4242"), metadata=IT))
      == grpc.StatusCode.NOT_FOUND)
m = intake.AddMessage(ipb.IntakeMessageRequest(idempotency_key="form-42-m1", ticket_id=a.ticket_id,
                                               customer_email="kim@example.com",
                                               body="TXID 0xabc"), metadata=IT)
check("add message to the customer's ticket", m.ticket_id == a.ticket_id and not m.created)
check("add message as another customer is NOT_FOUND",
      code_of(lambda: intake.AddMessage(ipb.IntakeMessageRequest(
          idempotency_key="form-42-m2", ticket_id=a.ticket_id, customer_email="x@example.com",
          body="hi"), metadata=IT)) == grpc.StatusCode.NOT_FOUND)
check("bad input names the field",
      code_of(lambda: intake.CreateTicket(ipb.IntakeCreateRequest(
          channel=1, body="x"), metadata=IT)) == grpc.StatusCode.INVALID_ARGUMENT)
png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
att = [ipb.IntakeAttachment(filename="shot.png", sniffed_type="image/png", data=png),
       ipb.IntakeAttachment(filename="fake.png", sniffed_type="image/png", data=b"MZ\x90\x00exe"),
       ipb.IntakeAttachment(filename="run.exe", sniffed_type="application/x-dosexec", data=b"MZ")]
w = intake.CreateTicket(ipb.IntakeCreateRequest(idempotency_key="chat-7", channel=1,
                                                sender_id="tg:@kim", customer_uid="U4242",
                                                subject="screenshot", body="see the picture",
                                                attachments=att), metadata=IT)
check("attachments: a real PNG kept, a claimed PNG that is not one and an exe refused",
      w.attachments_kept == 1 and w.attachments_refused == 2)
check("no acknowledgement without an e-mail address", not w.acknowledged)
s = intake.SuggestArticles(ipb.IntakeSuggestRequest(text="withdrawal pending", lang="en"),
                           metadata=IT)
check("self-service suggestions answer", s is not None)

check("agent token calling Intake is PERMISSION_DENIED",
      code_of(lambda: intake.CreateTicket(ipb.IntakeCreateRequest(
          idempotency_key="ag-1", channel=1, body="x"), metadata=AG))
      == grpc.StatusCode.PERMISSION_DENIED)
check("agent token reading Intake status is PERMISSION_DENIED",
      code_of(lambda: intake.GetStatus(ipb.IntakeStatusRequest(
          ticket_id=a.ticket_id, customer_uid="U4242"), metadata=AG))
      == grpc.StatusCode.PERMISSION_DENIED)
check("intake token calling Tickets/List is PERMISSION_DENIED",
      code_of(lambda: tickets.List(pb.ListTicketsRequest(), metadata=IT))
      == grpc.StatusCode.PERMISSION_DENIED)
check("intake token calling Tickets/Get is PERMISSION_DENIED",
      code_of(lambda: tickets.Get(pb.GetTicketRequest(id=a.ticket_id), metadata=IT))
      == grpc.StatusCode.PERMISSION_DENIED)
print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
