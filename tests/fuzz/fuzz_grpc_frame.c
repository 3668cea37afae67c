/* libFuzzer harness for the gRPC message reader (src/rpc/frame.c): the input, after a 3-byte
 * header choosing max_msg and a split seed, is fed to sd_grpc_reader in pseudo-random pieces,
 * draining messages after each feed. Invariants: no message exceeds max_msg, every returned
 * message equals the bytes the input framed there, and the reader never over-reads. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rpc/rpc_int.h"
#include "sealdesk/rpc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* xorshift: deterministic split sizes from the seed byte. */
static uint32_t
next_rand(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sd_grpc_reader r;
    size_t max_msg;
    uint32_t seed;
    size_t pos;
    size_t consumed = 0; /* input offset of the next message's prefix */
    sd_err e = SD_OK;

    if(size < 3)
        return 0;
    max_msg = (size_t)data[0] * 64u; /* 0 .. 16 KiB, so the limit is reachable */
    seed = 0x9e3779b9u ^ data[1] ^ ((uint32_t)data[2] << 8);
    data += 3;
    size -= 3;
    sd_grpc_reader_init(&r, max_msg);
    pos = 0;
    while(pos < size && e == SD_OK) {
        size_t n = 1 + next_rand(&seed) % 64u;
        const uint8_t *m;
        size_t len;

        if(n > size - pos)
            n = size - pos;
        e = sd_grpc_reader_feed(&r, data + pos, n);
        if(e != SD_OK) {
            if(e != SD_E_LIMIT)
                abort();
            break;
        }
        pos += n;
        for(;;) {
            e = sd_grpc_reader_next(&r, &m, &len);
            if(e != SD_OK)
                break;
            if(len > max_msg || consumed + 5 + len > pos || data[consumed] != 0 ||
               (len && memcmp(m, data + consumed + 5, len) != 0))
                abort();
            consumed += 5 + len;
        }
        if(e == SD_E_EMPTY)
            e = SD_OK;
        else if(e != SD_E_INVALID)
            abort();
        if(r.buf.len != pos - consumed && e == SD_OK)
            abort();
    }
    sd_grpc_reader_clear(&r);
    /* The framer round-trips whatever it is given. */
    {
        struct sd_buf b = SD_BUF_INIT;

        if(sd_grpc_frame(&b, data, size) != SD_OK || b.len != size + 5 || b.data[0] != 0 ||
           sd_get_u32be(b.data + 1) != size || (size && memcmp(b.data + 5, data, size) != 0))
            abort();
        sd_buf_free(&b);
    }
    return 0;
}
