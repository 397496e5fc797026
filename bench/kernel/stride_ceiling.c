// Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
//
// The memory system's ceiling for K1's access pattern, without any ring protocol: fill a 4 MiB
// anonymous mapping of 4 KiB pages as K1's BPF producer does (an 8-byte header and an 8-byte
// sequence number every STRIDE bytes), then read every record's header and sequence number,
// either with independent loads (the next position known without the header: jringbuf's run
// loop) or with each position taken from the header before (libbpf's loop). With SYSCALL=1 one
// system call runs between filling and reading, as test_run does in K1: on a kernel with page
// table isolation and no PCID (this VM's CPU flags show none) that empties the TLB, so the read
// pays one page walk per 4 KiB page.
//
//   gcc -O2 -o stride_ceiling bench/kernel/stride_ceiling.c
//   ./stride_ceiling STRIDE independent|chain SYSCALL(0|1)     prints M records/s, median [min-max]
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define RING (4L << 20)
#define CYCLES 400 // the first half warms up; median and range over the second half

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t); // vDSO: no system call
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    if (argc != 4 || (strcmp(argv[2], "independent") && strcmp(argv[2], "chain"))) {
        fprintf(stderr, "usage: %s STRIDE independent|chain SYSCALL(0|1)\n", argv[0]);
        return 2;
    }
    long stride = atol(argv[1]);
    int chain = !strcmp(argv[2], "chain"), sys = atoi(argv[3]);
    if (stride < 16 || stride % 8) {
        fprintf(stderr, "STRIDE: a multiple of 8, at least 16\n");
        return 2;
    }
    uint8_t *m = mmap(NULL, RING, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    if (m == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    long n = (RING - 1) / stride;
    uint64_t sum = 0;
    double rate[CYCLES];
    for (int c = 0; c < CYCLES; c++) {
        for (long i = 0; i < n; i++) {
            *(volatile uint32_t *) (m + i * stride) = (uint32_t) (stride - 8);
            *(volatile uint64_t *) (m + i * stride + 8) = (uint64_t) i;
        }
        if (sys) {
            syscall(SYS_getppid);
        }
        double t0 = now();
        if (chain) {
            long pos = 0;
            for (long i = 0; i < n; i++) {
                uint32_t h = *(volatile uint32_t *) (m + pos);
                sum += *(volatile uint64_t *) (m + pos + 8);
                pos += (h + 8 + 7) & ~7L;
            }
        } else {
            for (long i = 0; i < n; i++) {
                if (*(volatile uint32_t *) (m + i * stride) != (uint32_t) (stride - 8)) {
                    abort();
                }
                sum += *(volatile uint64_t *) (m + i * stride + 8);
            }
        }
        rate[c] = n / (now() - t0) / 1e6;
    }
    if (sum != (uint64_t) CYCLES * (uint64_t) n * (uint64_t) (n - 1) / 2) {
        fprintf(stderr, "wrong sum\n");
        return 1;
    }
    qsort(rate + CYCLES / 2, CYCLES / 2, sizeof(double), cmp);
    printf("stride %ld %s syscall %d: %.0f M records/s [%.0f-%.0f]\n", stride, argv[2], sys,
           rate[CYCLES / 2 + CYCLES / 4], rate[CYCLES / 2], rate[CYCLES - 1]);
    return 0;
}
