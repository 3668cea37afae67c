/* Replay driver for the libFuzzer harnesses when built without clang's -fsanitize=fuzzer:
 * runs LLVMFuzzerTestOneInput over every file named on the command line or found in the
 * directories named, so each harness's seed corpus runs as a ctest (under ASan/UBSan). */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf;
    long n;

    if(!f)
        return 1;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc(n > 0 ? (size_t)n : 1);
    if(!buf || (n > 0 && fread(buf, 1, (size_t)n, f) != (size_t)n)) {
        fclose(f);
        free(buf);
        return 1;
    }
    fclose(f);
    LLVMFuzzerTestOneInput(buf, (size_t)(n > 0 ? n : 0));
    free(buf);
    return 0;
}

int
main(int argc, char **argv)
{
    size_t runs = 0;

    for(int i = 1; i < argc; i++) {
        struct stat st;
        DIR *d;
        struct dirent *e;

        if(stat(argv[i], &st) != 0)
            continue;
        if(!S_ISDIR(st.st_mode)) {
            runs += run_file(argv[i]) == 0;
            continue;
        }
        d = opendir(argv[i]);
        while(d && (e = readdir(d))) {
            char path[4096];

            if(e->d_name[0] == '.')
                continue;
            snprintf(path, sizeof(path), "%s/%s", argv[i], e->d_name);
            runs += run_file(path) == 0;
        }
        if(d)
            closedir(d);
    }
    /* The empty input always runs too. */
    LLVMFuzzerTestOneInput((const uint8_t *)"", 0);
    printf("replayed %zu inputs\n", runs + 1);
    return 0;
}
