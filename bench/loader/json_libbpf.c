// Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
// The C printer of the JSON-output benchmark: loads feed.bpf.o with libbpf, sets feeder_tgid,
// attaches, and prints COUNT records of struct event64 as one JSON object per line on stdout
// (the same text 'jringbuf run --type event64' prints: unsigned and signed numbers, comm as a
// JSON string up to its NUL, escaped), with stdio's buffering, then exits.
// Build: gcc -O2 -o json_libbpf json_libbpf.c -lbpf
#include <bpf/libbpf.h>
#include <bpf/btf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct event64 {
    unsigned int pid;
    unsigned int cpu;
    unsigned long long seq;
    unsigned long long ts;
    int value;
    unsigned int flags;
    char comm[16];
    unsigned long long bytes;
    unsigned long long latency_ns;
};

static long long printed, wanted;

static void json_string(const char *s, size_t max)
{
    putchar('"');
    for (size_t i = 0; i < max && s[i]; i++) {
        unsigned char c = s[i];
        if (c == '"' || c == '\\') {
            putchar('\\');
            putchar(c);
        } else if (c < 0x20) {
            printf("\\u%04x", c);
        } else {
            putchar(c);
        }
    }
    putchar('"');
}

static int on_record(void *ctx, void *data, size_t size)
{
    const struct event64 *e = data;
    printf("{\"pid\":%u,\"cpu\":%u,\"seq\":%llu,\"ts\":%llu,\"value\":%d,\"flags\":%u,\"comm\":", e->pid, e->cpu,
           e->seq, e->ts, e->value, e->flags);
    json_string(e->comm, sizeof(e->comm));
    printf(",\"bytes\":%llu,\"latency_ns\":%llu}\n", e->bytes, e->latency_ns);
    return ++printed >= wanted ? -1 : 0; /* a negative return stops ring_buffer__poll (libbpf 1.1) */
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s OBJECT FEEDER_TGID COUNT\n", argv[0]);
        return 2;
    }
    wanted = atoll(argv[3]);
    struct bpf_object *obj = bpf_object__open_file(argv[1], NULL);
    if (!obj)
        return 1;
    /* feeder_tgid is the only .rodata variable: its offset from the DATASEC, as libbpf's skeletons do. */
    struct bpf_map *rodata = NULL, *map;
    bpf_object__for_each_map(map, obj) {
        if (strstr(bpf_map__name(map), ".rodata"))
            rodata = map;
    }
    size_t size;
    unsigned int *knob = rodata ? (unsigned int *)bpf_map__initial_value(rodata, &size) : NULL;
    if (!knob) {
        fprintf(stderr, "no .rodata in %s\n", argv[1]);
        return 1;
    }
    *knob = (unsigned int)atoi(argv[2]);
    if (bpf_object__load(obj) || !bpf_program__attach(bpf_object__find_program_by_name(obj, "feed")))
        return 1;
    struct ring_buffer *rb = ring_buffer__new(bpf_object__find_map_fd_by_name(obj, "records"), on_record, NULL, NULL);
    while (printed < wanted) {
        if (ring_buffer__poll(rb, 1000) < 0 && printed < wanted)
            return 1;
    }
    fflush(stdout);
    ring_buffer__free(rb);
    bpf_object__close(obj);
    return 0;
}
