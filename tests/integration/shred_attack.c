/* Helper of tests/integration/test_shred_online.sh.
 *   shred_attack keys DIR ID...  the attacker of tests/unit/test_keyops.c (attack_ids): with
 *                                DIR/master.key, try every byte offset of DIR/data.mdb as a
 *                                wrapped KEK, then as a wrapped data key of each ID; prints
 *                                how many data keys it recovered. Reads the file only.
 *   shred_attack hold DIR        another process holding the store (a read-only handle, so
 *                                the shared flock): prints "held" and keeps it until stdin
 *                                ends. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "crypto/crypto_int.h"
#include "sealdesk/buf.h"
#include "sealdesk/crypto.h"
#include "sealdesk/store.h"

static uint8_t *
slurp(const char *path, size_t *n)
{
    FILE *fp = fopen(path, "rb");
    uint8_t *p = NULL;
    long len;

    if(!fp)
        return NULL;
    if(fseek(fp, 0, SEEK_END) == 0 && (len = ftell(fp)) > 0) {
        rewind(fp);
        p = malloc((size_t)len);
        if(p && fread(p, 1, (size_t)len, fp) != (size_t)len) {
            free(p);
            p = NULL;
        }
        *n = (size_t)len;
    }
    (void)fclose(fp);
    return p;
}

static size_t
ad_of(uint8_t ad[48], const char *label, uint64_t id, uint32_t version)
{
    size_t n = strlen(label);

    memcpy(ad, label, n);
    sd_put_u64be(ad + n, id);
    sd_put_u32be(ad + n + 8, version);
    return n + 12;
}

static int
attack(const char *dir, const uint64_t *ids, size_t nids)
{
    char path[4200];
    uint8_t master[SD_KEY_BYTES], keks[16][SD_KEY_BYTES], dk[SD_KEY_BYTES], ad[48];
    size_t n = 0, nk = 0, adn;
    uint8_t *file;
    int found = 0;

    snprintf(path, sizeof(path), "%s/master.key", dir);
    if(sd_master_key_file(master, path, false) != SD_OK)
        return -1;
    snprintf(path, sizeof(path), "%s/data.mdb", dir);
    file = slurp(path, &n);
    if(!file)
        return -1;
    for(size_t off = 0; off + SD_WRAP_BYTES <= n; off++) {
        if(file[off] != 0x01)
            continue;
        for(uint32_t v = 1; v <= 4 && nk < 16; v++) {
            adn = ad_of(ad, "sealdesk/v1/kek", 0, v);
            if(sd_unwrap(keks[nk], SD_KEY_BYTES, master, file + off, SD_WRAP_BYTES, ad, adn) ==
               SD_OK)
                nk++;
        }
    }
    if(nk == 0)
        found = -1; /* no KEK: the attack itself failed */
    for(size_t off = 0; nk && off + SD_WRAP_BYTES <= n; off++) {
        if(file[off] != 0x01)
            continue;
        for(size_t k = 0; k < nk; k++) {
            for(uint32_t v = 1; v <= 4; v++) {
                for(size_t i = 0; i < nids; i++) {
                    adn = ad_of(ad, "sealdesk/v1/dk", ids[i], v);
                    if(sd_unwrap(dk, SD_KEY_BYTES, keks[k], file + off, SD_WRAP_BYTES, ad, adn) ==
                       SD_OK)
                        found++;
                }
            }
        }
    }
    sodium_memzero(master, sizeof(master));
    sodium_memzero(keks, sizeof(keks));
    sodium_memzero(dk, sizeof(dk));
    free(file);
    return found;
}

int
main(int argc, char **argv)
{
    if(sd_crypto_init() != SD_OK)
        return 2;
    if(argc >= 4 && strcmp(argv[1], "keys") == 0) {
        uint64_t ids[64];
        size_t n = 0;
        int found;

        for(int i = 3; i < argc && n < 64; i++)
            ids[n++] = strtoull(argv[i], NULL, 10);
        found = attack(argv[2], ids, n);
        if(found < 0)
            return 1;
        printf("%d\n", found);
        return 0;
    }
    if(argc == 3 && strcmp(argv[1], "hold") == 0) {
        struct sd_store *s = NULL;
        char buf[64];

        if(sd_store_open(&s, argv[2], SD_STORE_RDONLY, 0) != SD_OK)
            return 1;
        printf("held\n");
        (void)fflush(stdout);
        while(fgets(buf, sizeof(buf), stdin))
            ;
        sd_store_close(s);
        return 0;
    }
    (void)fputs("usage: shred_attack keys DIR ID... | hold DIR\n", stderr);
    return 2;
}
