/* libFuzzer harness for the audit export parser and verifier (audit/verify.c): arbitrary
 * bytes as an export file must give OK or a TAMPERED verdict, never a crash or a leak. A
 * second pass verifies against a fixed public key and a trusted checkpoint. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sealdesk/audit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sd_audit_verifier *v = calloc(1, sizeof(*v));
    struct sd_checkpoint trusted;
    uint8_t pk[32];
    FILE *f;

    if(!v)
        return 0;
    f = fmemopen((void *)data, size, "rb");
    if(f) {
        (void)sd_audit_verify_file(v, f, NULL, NULL);
        fclose(f);
    }
    memset(pk, 0x42, sizeof(pk));
    memset(&trusted, 0, sizeof(trusted));
    trusted.size = 3;
    f = fmemopen((void *)data, size, "rb");
    if(f) {
        memset(v, 0, sizeof(*v));
        (void)sd_audit_verify_file(v, f, pk, &trusted);
        fclose(f);
    }
    free(v);
    return 0;
}
