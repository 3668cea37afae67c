#!/usr/bin/python3
"""gRPC-Web bodies for tests/integration/test_web.sh (stdlib only; protobuf hand-encoded):

  grpc_web.py login NAME PASSWORD [TOTP]  -> framed LoginRequest on stdout
  grpc_web.py empty                       -> one framed empty message (List, Logout, ...)
  grpc_web.py health                      -> framed HealthCheckRequest{service=""}
  grpc_web.py parse FILE                  -> one line: status=N messages=K [key=value ...]
      the response body: message frames (flag 0) then exactly one trailer frame (flag 0x80)
      last; with --login the single message is decoded as a LoginResponse (token_len, user)
"""
import struct
import sys


def frame(msg, flag=0):
    return bytes([flag]) + struct.pack(">I", len(msg)) + msg


def field(num, data):
    if isinstance(data, str):
        data = data.encode()
    return bytes([(num << 3) | 2]) + varint(len(data)) + data


def varint(n):
    out = b""
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out += bytes([b | 0x80])
        else:
            return out + bytes([b])


def read_varint(b, i):
    shift = n = 0
    while True:
        c = b[i]
        i += 1
        n |= (c & 0x7F) << shift
        shift += 7
        if not c & 0x80:
            return n, i


def fields(msg):
    """Length-delimited fields of a message as {number: bytes} (last wins)."""
    out = {}
    i = 0
    while i < len(msg):
        key, i = read_varint(msg, i)
        num, wt = key >> 3, key & 7
        if wt == 2:
            n, i = read_varint(msg, i)
            out[num] = msg[i:i + n]
            i += n
        elif wt == 0:
            v, i = read_varint(msg, i)
            out[num] = v
        else:
            raise ValueError("unexpected wire type %d" % wt)
    return out


def parse(path, login):
    body = open(path, "rb").read()
    msgs, trailer, i = [], None, 0
    while i < len(body):
        if trailer is not None:
            return "error=data_after_trailer"
        flag = body[i]
        (n,) = struct.unpack(">I", body[i + 1:i + 5])
        data = body[i + 5:i + 5 + n]
        if len(data) != n:
            return "error=truncated_frame"
        i += 5 + n
        if flag == 0x80:
            trailer = data.decode("ascii")
        elif flag == 0:
            msgs.append(data)
        else:
            return "error=bad_flag_%d" % flag
    if trailer is None:
        return "error=no_trailer"
    if not trailer.endswith("\r\n"):
        return "error=trailer_not_crlf_terminated"
    kv = dict(line.split(":", 1) for line in trailer.split("\r\n") if line)
    out = ["status=%s" % kv.get("grpc-status", "none"), "messages=%d" % len(msgs),
           "has_message_line=%s" % ("grpc-message" in kv)]
    if login and len(msgs) == 1:
        f = fields(msgs[0])
        out.append("token_len=%d" % len(f.get(1, b"")))
        out.append("user=%s" % f.get(3, b"").decode())
        out.append("roles=%s" % f.get(4, b"").decode())
        out.append("expires=%s" % ("yes" if f.get(2) else "no"))
    return " ".join(out)


def main(argv):
    cmd = argv[1]
    if cmd == "login":
        msg = field(1, argv[2]) + field(2, argv[3])
        if len(argv) > 4:
            msg += field(3, argv[4])
        sys.stdout.buffer.write(frame(msg))
    elif cmd == "empty":
        sys.stdout.buffer.write(frame(b""))
    elif cmd == "health":
        sys.stdout.buffer.write(frame(b""))
    elif cmd == "parse":
        login = "--login" in argv
        print(parse([a for a in argv[2:] if a != "--login"][0], login))
    else:
        sys.exit("usage: grpc_web.py login|empty|health|parse ...")


if __name__ == "__main__":
    main(sys.argv)
