#!/usr/bin/python3
"""Print the current RFC 6238 code for an otpauth:// URI (stdlib only), as an authenticator
app would: totp.py URI [OFFSET_STEPS]"""
import base64
import hashlib
import hmac
import struct
import sys
import time
import urllib.parse


def code(uri, offset=0):
    q = urllib.parse.parse_qs(urllib.parse.urlparse(uri).query)
    secret = q["secret"][0]
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    step = int(time.time()) // 30 + offset
    mac = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    o = mac[-1] & 15
    return "%06d" % ((struct.unpack(">I", mac[o:o + 4])[0] & 0x7FFFFFFF) % 1000000)


if __name__ == "__main__":
    print(code(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 0))
