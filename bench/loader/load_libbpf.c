// Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
// libbpf's side of the load-time benchmark: open + load + attach of one object, WARMUP untimed
// rounds then ITERATIONS timed ones (each closed before the next), printed as one line:
//   libbpf OBJECT n=N median_us=M p10_us=A p90_us=B min_us=C programs=P
// Build: gcc -O2 -o load_libbpf load_libbpf.c -lbpf
#include <bpf/libbpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int quiet(enum libbpf_print_level level, const char *fmt, va_list args)
{
    return level == LIBBPF_WARN ? vfprintf(stderr, fmt, args) : 0;
}

static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s OBJECT ITERATIONS WARMUP\n", argv[0]);
        return 2;
    }
    const char *path = argv[1];
    int iterations = atoi(argv[2]), warmup = atoi(argv[3]), programs = 0;
    long long *times = calloc(iterations, sizeof(*times));
    struct bpf_link *links[64];

    libbpf_set_print(quiet);
    for (int i = 0; i < warmup + iterations; i++) {
        int nlinks = 0;
        long long start = now_ns();
        struct bpf_object *obj = bpf_object__open_file(path, NULL);
        if (!obj) {
            fprintf(stderr, "open %s failed\n", path);
            return 1;
        }
        if (bpf_object__load(obj)) {
            fprintf(stderr, "load %s failed\n", path);
            return 1;
        }
        struct bpf_program *prog;
        bpf_object__for_each_program(prog, obj) {
            if (!bpf_program__autoload(prog))
                continue;
            struct bpf_link *link = bpf_program__attach(prog);
            if (!link) {
                fprintf(stderr, "attach %s failed\n", bpf_program__name(prog));
                return 1;
            }
            links[nlinks++] = link;
        }
        long long end = now_ns();
        programs = nlinks;
        while (nlinks > 0)
            bpf_link__destroy(links[--nlinks]);
        bpf_object__close(obj);
        if (i >= warmup)
            times[i - warmup] = end - start;
    }
    qsort(times, iterations, sizeof(*times), cmp);
    printf("libbpf %s n=%d median_us=%.0f p10_us=%.0f p90_us=%.0f min_us=%.0f programs=%d\n", path, iterations,
           times[iterations / 2] / 1e3, times[iterations / 10] / 1e3, times[iterations * 9 / 10] / 1e3, times[0] / 1e3,
           programs);
    return 0;
}
