/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.kafka;

import io.jringbuf.bpf.Asm;
import io.jringbuf.bpf.Asm.Size;
import io.jringbuf.bpf.BpfMap;
import io.jringbuf.bpf.BpfProgram;
import io.jringbuf.bpf.Helper;
import io.jringbuf.bpf.ProgType;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static io.jringbuf.bpf.Reg.R0;
import static io.jringbuf.bpf.Reg.R1;
import static io.jringbuf.bpf.Reg.R10;
import static io.jringbuf.bpf.Reg.R2;
import static io.jringbuf.bpf.Reg.R6;
import static io.jringbuf.bpf.Reg.R7;
import static io.jringbuf.bpf.Reg.R9;

/**
 * A BPF producer for a kernel RINGBUF, built with {@link Asm} and run with
 * {@code BPF_PROG_TEST_RUN}: each run reserves a record of {@code payload} bytes; if the ring has
 * room it takes the next sequence number, writes it into every 8-byte word (native order) and
 * submits; otherwise it counts the record lost in the ring's lost counter, the core's
 * convention ({@link BpfMap#createLostCounter}, {@link Asm#ringbufReserveOrCount}) that a
 * {@code KernelRingReader} reports in its statistics. One CPU runs the repeats one after another,
 * so ring order is sequence order. The sequence number lives in a one-element ARRAY map.
 */
final class BpfSequenceProducer implements AutoCloseable {
    private final BpfMap state;
    private final BpfMap lostCounter;
    private final BpfProgram program;

    /**
     * @param ring the RINGBUF to fill
     * @param payload record payload bytes: a multiple of 8, at least 8
     */
    BpfSequenceProducer(BpfMap ring, int payload) {
        if (payload < 8 || payload % 8 != 0) {
            throw new IllegalArgumentException("payload " + payload + ": a multiple of 8, at least 8");
        }
        this.state = BpfMap.createArray("seq_state", 8, 1);
        BpfMap counter = null;
        try {
            counter = BpfMap.createLostCounter(ring.info().name());
            this.program = load(ring, state, counter, payload);
        } catch (RuntimeException e) {
            if (counter != null) {
                counter.close();
            }
            state.close();
            throw e;
        }
        this.lostCounter = counter;
    }

    /** Runs the program {@code times} times in one system call. */
    void run(int times) {
        program.testRun(times);
    }

    /** @return records written so far (the next sequence number) */
    long written() {
        return state.lookupLong(0);
    }

    /** @return runs that found the ring full: the lost counter, summed over the CPUs */
    long lost() {
        return lostCounter.sumPerCpuLong(0);
    }

    /** @return the ring's lost counter, for {@code KernelRingReader.open(ring, mode, lostCounter)} */
    BpfMap lostCounter() {
        return lostCounter;
    }

    /**
     * Runs the program 64 times at a go until it has written {@code wanted} records, backing off
     * 1 ms whenever the ring was full.
     *
     * @param attempts incremented by the number of runs
     * @throws AssertionError if that takes longer than {@code within}
     */
    void produce(long wanted, Duration within, AtomicLong attempts) {
        long deadline = System.nanoTime() + within.toNanos();
        long lost = 0;
        while (written() < wanted) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("the BPF program wrote " + written() + " of " + wanted
                        + " records within " + within);
            }
            run(64);
            attempts.addAndGet(64);
            long nowLost = lost();
            if (nowLost != lost) {
                lost = nowLost;
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1)); // the ring is full: back off
            }
        }
    }

    @Override
    public void close() {
        try {
            program.close();
        } finally {
            try {
                lostCounter.close();
            } finally {
                state.close();
            }
        }
    }

    private static BpfProgram load(BpfMap ring, BpfMap state, BpfMap lostCounter, int payload) {
        Asm a = new Asm("ship_seq")
                .storeImm(Size.W, R10, -4, 0)
                .ldMap(R1, state)
                .mov(R2, R10).add(R2, -4)
                .call(Helper.MAP_LOOKUP_ELEM)
                .jeq(R0, 0, "out")
                .mov(R9, R0)
                .ringbufReserveOrCount(ring, payload, lostCounter, -8, "out")
                .mov(R6, R0)
                .mov(R7, 1).atomicFetchAdd(Size.DW, R9, 0, R7);
        for (int word = 0; word < payload / 8; word++) {
            a.store(Size.DW, R6, 8 * word, R7);
        }
        a.mov(R1, R6).mov(R2, 0).call(Helper.RINGBUF_SUBMIT)
                .label("out")
                .mov(R0, 0)
                .exit();
        return BpfProgram.load(ProgType.SOCKET_FILTER, "ship_seq", a.build());
    }
}
