// Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
//
// The libbpf half of bench/kernel.sh: the same scenarios as io.jringbuf.bench.KernelBench, on the
// same pinned maps and programs (opened with bpf_obj_get), printing rows in the same CSV format.
//
//   libbpf_bench PINDIR PAYLOAD RUN WARM_RECORDS TIMED_RECORDS K2_ATTEMPTS K2_CHUNK K2_FORCE_EVERY
//
// Build: gcc -O2 -Wall -o libbpf_bench libbpf_bench.c -lbpf -lpthread
#define _GNU_SOURCE
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

// Producer state (ARRAY element 0, 8-byte fields), as in KernelBench.
enum { ST_SEQ = 0, ST_FLAGS = 1, ST_DROPPED = 2, ST_MASK = 3, ST_FIELDS = 4 };
// Drain state.
enum { DR_RET = 0, DR_SUM = 1, DR_COUNT = 2, DR_FLAGS = 3, DR_CALLS = 4, DR_FIELDS = 5 };
#define NO_WAKEUP 1
#define MAX_FIELDS 8

static int run_index, payload, k2_chunk, force_every;
static long long warm_records, timed_records, k2_attempts;

// Whole ring fills needed to reach a record count.
static int cycles(long long records, long long per_cycle) { return (int)((records + per_cycle - 1) / per_cycle); }

static void die(const char *what) {
    fprintf(stderr, "libbpf_bench: %s: %s (errno %d)\n", what, strerror(errno), errno);
    exit(1);
}

static void check(int ok, const char *what) {
    if (!ok) {
        fprintf(stderr, "libbpf_bench: check failed: %s\n", what);
        exit(1);
    }
}

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static int record_bytes(void) { return (payload + 8 + 7) & ~7; }

static int open_pinned(const char *dir, const char *name) {
    char path[4096];
    snprintf(path, sizeof path, "%s/p%d/%s", dir, payload, name);
    int fd = bpf_obj_get(path);
    if (fd < 0) die(path);
    return fd;
}

static long long field(int map, int index) {
    uint64_t v[MAX_FIELDS] = {0};
    uint32_t key = 0;
    if (bpf_map_lookup_elem(map, &key, v)) die("bpf_map_lookup_elem");
    return (long long)v[index];
}

static void set_field(int map, int index, long long value) {
    uint64_t v[MAX_FIELDS] = {0};
    uint32_t key = 0;
    if (bpf_map_lookup_elem(map, &key, v)) die("bpf_map_lookup_elem");
    v[index] = (uint64_t)value;
    if (bpf_map_update_elem(map, &key, v, BPF_ANY)) die("bpf_map_update_elem");
}

static void test_run(int prog, int repeat) {
    char data[64] = {0};
    LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = data, .data_size_in = sizeof data, .repeat = repeat);
    if (bpf_prog_test_run_opts(prog, &opts)) die("bpf_prog_test_run_opts");
}

static long long seq_sum(long long seq0, long long n) { return n * seq0 + n * (n - 1) / 2; }

// cycle_median: the median of the timed cycles' own rates (M records/s; K1 and K3 produce, 0 elsewhere), as
// the Java side reports it: a preempted cycle on a shared machine moves it less than records / ns.
static void row(const char *scenario, const char *variant, const char *flags, const char *wait, long long records,
                long long ns, long long drops, long long wakeups, double cycle_median) {
    printf("%d,libbpf,%s,%s,%d,%d,%s,%s,%lld,%lld,%.3f,%lld,%lld,%.3f\n", run_index, scenario, variant, payload,
           record_bytes(), flags, wait, records, ns, ns == 0 ? 0.0 : records * 1e3 / ns, drops, wakeups, cycle_median);
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

// Median of n rates (sorts them); 0 if n is 0.
static double median(double *v, int n) {
    if (n == 0) return 0;
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// The handler of both sides: reads the payload's first 8 bytes into a sink and counts.
struct sink {
    uint64_t sum;
    uint64_t count;
};

static int on_record(void *ctx, void *data, size_t size) {
    struct sink *s = ctx;
    (void)size;
    s->sum += *(const uint64_t *)data;
    s->count++;
    return 0;
}

// K1 consume-only: prefill outside the timed part, time one ring_buffer__consume that drains it.
static void k1(struct ring_buffer *rb, struct sink *sink, int ring, int state, int producer) {
    struct bpf_map_info info = {0};
    uint32_t len = sizeof info;
    if (bpf_obj_get_info_by_fd(ring, &info, &len)) die("bpf_obj_get_info_by_fd");
    ring_buffer__consume(rb);
    set_field(state, ST_FLAGS, NO_WAKEUP);
    set_field(state, ST_MASK, 0);
    int cap = (int)((info.max_entries - 1) / record_bytes());
    long long records = 0, ns = 0;
    int warm = cycles(warm_records, cap), timed = cycles(timed_records, cap);
    double *rates = calloc(timed, sizeof *rates);
    if (!rates) die("calloc");
    for (int c = 0; c < warm + timed; c++) {
        long long seq0 = field(state, ST_SEQ), drop0 = field(state, ST_DROPPED);
        test_run(producer, cap);
        check(field(state, ST_DROPPED) == drop0, "K1 prefill without drops");
        sink->sum = sink->count = 0;
        uint64_t t0 = now_ns();
        int n = ring_buffer__consume(rb);
        uint64_t t1 = now_ns();
        check(n == cap && sink->count == (uint64_t)cap && sink->sum == (uint64_t)seq_sum(seq0, cap),
              "K1 consumed every record with the expected sequence sum");
        if (c >= warm) {
            records += n;
            ns += t1 - t0;
            rates[c - warm] = t1 > t0 ? n * 1e3 / (t1 - t0) : 0;
        }
    }
    row("K1", "per-record", "NO_WAKEUP", "none", records, ns, 0, 0, median(rates, timed));
    free(rates);
}

struct producer_arg {
    int prog;
    long long attempts;
    atomic_bool done;
};

static void *producer_main(void *p) {
    struct producer_arg *a = p;
    for (long long left = a->attempts; left > 0;) {
        int r = left < k2_chunk ? (int)left : k2_chunk;
        test_run(a->prog, r);
        left -= r;
    }
    atomic_store_explicit(&a->done, 1, memory_order_release);  // pairs with the poll loop's acquire load
    return NULL;
}

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

// The busy variant of a K2 poll, what jringbuf's RingBuffer.Options.busyPoll does, built from libbpf's
// calls: ring_buffer__consume until it delivers records or busy_ns pass (about 1 us between looks that found
// nothing), then ring_buffer__poll. libbpf's consume stores the whole consumer position, so a producer that
// commits while this loop is caught up sends a wakeup; jringbuf holds the position one record back instead.
// *slept tells whether it went to ring_buffer__poll.
static int busy_poll(struct ring_buffer *rb, int timeout_ms, uint64_t busy_ns, int *slept) {
    uint64_t start = now_ns();
    *slept = 0;
    for (;;) {
        int n = ring_buffer__consume(rb);
        if (n != 0) return n;
        uint64_t now = now_ns();
        if (now - start >= busy_ns) break;
        do cpu_relax(); while (now_ns() - now < 1000);
    }
    *slept = 1;
    return ring_buffer__poll(rb, timeout_ms);
}

// K2 concurrent: a thread runs the producer with test_run(chunk); this thread polls (10 ms) until it
// is done and consumes the rest. Time: from starting the producer to the last poll/consume that
// delivered records. busy_us > 0: the adaptive variant with busy_poll (wakeups then counts the polls that
// slept and returned records).
static void k2(struct ring_buffer *rb, struct sink *sink, int state, int producer, int sampled, int busy_us) {
    ring_buffer__consume(rb);
    set_field(state, ST_FLAGS, 0);
    set_field(state, ST_MASK, sampled ? force_every - 1 : 0);
    long long result[4] = {0};
    // warm_rounds (KB_K2WARM, default 3) untimed rounds of the same size first, as on the Java side (where the JIT
    // needs them; C does not, but both sides do the same work)
    int warm_rounds = getenv("KB_K2WARM") ? atoi(getenv("KB_K2WARM")) : 3;
    for (int round = 0; round <= warm_rounds; round++) {
        long long attempts = k2_attempts;
        long long seq0 = field(state, ST_SEQ), drop0 = field(state, ST_DROPPED);
        sink->sum = sink->count = 0;
        struct producer_arg arg = {.prog = producer, .attempts = attempts};
        atomic_init(&arg.done, 0);
        pthread_t t;
        long long wakeups = 0;
        uint64_t t0 = now_ns(), last = t0;
        if (pthread_create(&t, NULL, producer_main, &arg)) die("pthread_create");
        // KB_DIAG=1: polls that timed out and the longest time between two poll returns, on stderr
        int diag = getenv("KB_DIAG") != NULL;
        long long timeouts = 0, over1 = 0, over3 = 0;
        uint64_t prev = t0, longest = 0;
        while (!atomic_load_explicit(&arg.done, memory_order_acquire)) {
            int slept = 1;
            int n = busy_us > 0 ? busy_poll(rb, 10, (uint64_t)busy_us * 1000, &slept) : ring_buffer__poll(rb, 10);
            if (n < 0 && n != -EINTR) die("ring_buffer__poll");
            if (n > 0) {
                wakeups += slept;
                last = now_ns();
            }
            if (diag && !atomic_load_explicit(&arg.done, memory_order_acquire)) { // not the last poll, which waits out its timeout
                uint64_t now = now_ns(), gap = now - prev;
                if (n == 0) timeouts++;
                if (gap > longest) longest = gap;
                over1 += gap > 1000000;
                over3 += gap > 3000000;
                prev = now;
            }
        }
        if (diag) fprintf(stderr, "diag libbpf K2 %s payload %d round %d: drops %lld polls>0 %lld polls=0 %lld gaps >1ms %lld >3ms %lld longest %.2f ms; monotonic %.6f-%.6f s\n",
                          sampled ? "sampled" : busy_us > 0 ? "adaptive-busy" : "adaptive", payload, round, field(state, ST_DROPPED) - drop0, wakeups, timeouts,
                          over1, over3, longest / 1e6, t0 / 1e9, now_ns() / 1e9);
        if (ring_buffer__consume(rb) > 0) last = now_ns();
        pthread_join(t, NULL);
        long long drops = field(state, ST_DROPPED) - drop0;
        check(field(state, ST_SEQ) - seq0 == attempts - drops && (long long)sink->count == attempts - drops,
              "K2 consumed + dropped == attempts");
        check(drops != 0 || sink->sum == (uint64_t)seq_sum(seq0, attempts), "K2 sequence sum");
        result[0] = sink->count;
        result[1] = last - t0;
        result[2] = drops;
        result[3] = wakeups;
    }
    char variant[32], flags[48], wait[32];
    snprintf(variant, sizeof variant, sampled ? "sampled-%d" : busy_us > 0 ? "adaptive-busy" : "adaptive", force_every);
    snprintf(flags, sizeof flags, sampled ? "NO_WAKEUP+FORCE/%d" : "0", force_every);
    snprintf(wait, sizeof wait, busy_us > 0 ? "busy-poll-%dus" : "epoll-poll", busy_us);
    row("K2", variant, flags, wait, result[0], result[1], result[2], result[3], 0);
}

// Runs the drain program until a call drains nothing (each call drains at most 128 Ki samples).
static void drain_all(int ustate, int drain) {
    long long ret;
    do {
        test_run(drain, 1);
        ret = field(ustate, DR_RET);
        check(ret >= 0, "bpf_user_ringbuf_drain returned >= 0");
    } while (ret > 0);
}

// K3: reserve+submit until the USER_RINGBUF is full (timed), then drain via test_run (timed).
static void k3(int uring, int ustate, int drain) {
    struct bpf_map_info info = {0};
    uint32_t len = sizeof info;
    if (bpf_obj_get_info_by_fd(uring, &info, &len)) die("bpf_obj_get_info_by_fd");
    struct user_ring_buffer *urb = user_ring_buffer__new(uring, NULL);
    if (!urb) die("user_ring_buffer__new");
    set_field(ustate, DR_FLAGS, 0);
    drain_all(ustate, drain);
    long long p_records = 0, p_ns = 0, d_ns = 0;
    long long cap = info.max_entries / record_bytes();
    int warm = cycles(warm_records, cap), timed = cycles(timed_records, cap);
    double *rates = calloc(timed, sizeof *rates);
    if (!rates) die("calloc");
    for (int c = 0; c < warm + timed; c++) {
        long long count0 = field(ustate, DR_COUNT), sum0 = field(ustate, DR_SUM);
        uint64_t t0 = now_ns();
        long long n = 0;
        void *sample;
        while ((sample = user_ring_buffer__reserve(urb, payload)) != NULL) {
            *(uint64_t *)sample = (uint64_t)n++;
            user_ring_buffer__submit(urb, sample);
        }
        uint64_t t1 = now_ns();
        check(errno == ENOSPC, "K3 reserve stopped on ENOSPC");
        drain_all(ustate, drain);
        uint64_t t2 = now_ns();
        check(n == cap, "K3 filled the ring");
        check(field(ustate, DR_COUNT) - count0 == n && field(ustate, DR_SUM) - sum0 == seq_sum(0, n),
              "K3 drain saw every record with the expected sum");
        if (c >= warm) {
            p_records += n;
            p_ns += t1 - t0;
            d_ns += t2 - t1;
            rates[c - warm] = t1 > t0 ? n * 1e3 / (t1 - t0) : 0;
        }
    }
    user_ring_buffer__free(urb);
    row("K3", "produce", "-", "none", p_records, p_ns, 0, 0, median(rates, timed));
    row("K3", "drain", "0", "test_run", p_records, d_ns, 0, 0, 0);
    free(rates);
}

int main(int argc, char **argv) {
    if (argc != 9) {
        fprintf(stderr, "usage: %s PINDIR PAYLOAD RUN WARM_RECORDS TIMED_RECORDS K2_ATTEMPTS K2_CHUNK K2_FORCE_EVERY\n", argv[0]);
        return 2;
    }
    const char *dir = argv[1];
    payload = atoi(argv[2]);
    run_index = atoi(argv[3]);
    warm_records = atoll(argv[4]);
    timed_records = atoll(argv[5]);
    k2_attempts = atoll(argv[6]);
    k2_chunk = atoi(argv[7]);
    force_every = atoi(argv[8]);
    check(force_every > 0 && (force_every & (force_every - 1)) == 0, "K2_FORCE_EVERY is a power of two");
    int ring = open_pinned(dir, "ring"), state = open_pinned(dir, "state");
    int uring = open_pinned(dir, "uring"), ustate = open_pinned(dir, "ustate");
    int producer = open_pinned(dir, "producer"), drain = open_pinned(dir, "drain");
    struct sink sink = {0};
    struct ring_buffer *rb = ring_buffer__new(ring, on_record, &sink, NULL);
    if (!rb) die("ring_buffer__new");
    // KB_ONLY=K1,K2,K3 (default all): a subset, like the Java side's -Dkb.only, for profiling
    const char *only = getenv("KB_ONLY");
    if (!only) only = "K1,K2,K3";
    if (strstr(only, "K1")) k1(rb, &sink, ring, state, producer);
    if (strstr(only, "K2")) {
        k2(rb, &sink, state, producer, 0, 0);
        k2(rb, &sink, state, producer, 1, 0);
        // KB_BUSY_US (default 50, as the Java side's -Dkb.busyPollMicros; 0: none): the adaptive rounds again
        // with busy_poll
        int busy_us = getenv("KB_BUSY_US") ? atoi(getenv("KB_BUSY_US")) : 50;
        if (busy_us > 0) k2(rb, &sink, state, producer, 0, busy_us);
    }
    ring_buffer__free(rb);
    if (strstr(only, "K3")) k3(uring, ustate, drain);
    return 0;
}
