/* Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0. */
/*
 * Counting the records a BPF ring buffer refused, so that the Java side can report them.
 *
 * The kernel keeps no count of failed bpf_ringbuf_reserve()/bpf_ringbuf_output() calls. Declare
 * next to your ring a per-CPU counter map named RING_lost, and reserve through the helpers below:
 * a refused record adds one to this CPU's counter. jringbuf finds the map by that name (a
 * BpfObject associates RING_lost with RING), adds it up over the CPUs, and reports it as the
 * ring's lost count (RingStatistics.lost(), JFR, Micrometer, `jringbuf stat`).
 *
 *   #include <bpf/bpf_helpers.h>
 *   #include "jringbuf_lost.h"
 *
 *   struct {
 *       __uint(type, BPF_MAP_TYPE_RINGBUF);
 *       __uint(max_entries, 1 << 20);
 *   } events SEC(".maps");
 *   JRINGBUF_LOST_COUNTER(events);              // the per-CPU map events_lost
 *
 *   struct event *e = JRINGBUF_RESERVE(events, sizeof(*e));
 *   if (!e)
 *       return 0;                               // counted in events_lost
 *
 * Ring names longer than 10 characters: the kernel keeps 15 characters of a map name, so name
 * the counter yourself with JRINGBUF_LOST_COUNTER_NAMED and tell jringbuf which map it is.
 */
#ifndef JRINGBUF_LOST_H
#define JRINGBUF_LOST_H

/* A one-entry per-CPU array of u64 named RING_lost: RING's lost-record counter. */
#define JRINGBUF_LOST_COUNTER(ring) JRINGBUF_LOST_COUNTER_NAMED(ring##_lost)

#define JRINGBUF_LOST_COUNTER_NAMED(name)                                    \
    struct {                                                                 \
        __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);                             \
        __uint(max_entries, 1);                                              \
        __type(key, __u32);                                                  \
        __type(value, __u64);                                                \
    } name SEC(".maps")

/* Adds one to this CPU's count (per-CPU: no atomic needed). */
static __always_inline void jringbuf_count_lost(void *counter)
{
    __u32 zero = 0;
    __u64 *n = bpf_map_lookup_elem(counter, &zero);

    if (n)
        *n += 1;
}

/* bpf_ringbuf_reserve(), counting a refusal in the counter map. */
static __always_inline void *jringbuf_reserve(void *ring, void *counter, __u64 size, __u64 flags)
{
    void *record = bpf_ringbuf_reserve(ring, size, flags);

    if (!record)
        jringbuf_count_lost(counter);
    return record;
}

/* bpf_ringbuf_output(), counting a refusal in the counter map. */
static __always_inline long jringbuf_output(void *ring, void *counter, void *data, __u64 size, __u64 flags)
{
    long err = bpf_ringbuf_output(ring, data, size, flags);

    if (err)
        jringbuf_count_lost(counter);
    return err;
}

#define JRINGBUF_RESERVE(ring, size) jringbuf_reserve(&ring, &ring##_lost, size, 0)
#define JRINGBUF_OUTPUT(ring, data, size, flags) jringbuf_output(&ring, &ring##_lost, data, size, flags)

#endif /* JRINGBUF_LOST_H */
