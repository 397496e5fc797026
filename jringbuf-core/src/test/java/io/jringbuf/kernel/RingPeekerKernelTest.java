/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.kernel;

import io.jringbuf.CommitMode;
import io.jringbuf.KernelRingReader;
import io.jringbuf.RingPeeker;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.base.RecordHandler;
import io.jringbuf.base.RingType;
import io.jringbuf.bpf.Asm;
import io.jringbuf.bpf.BpfMap;
import io.jringbuf.bpf.BpfProgram;
import io.jringbuf.bpf.Helper;
import io.jringbuf.bpf.ProgType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static io.jringbuf.bpf.Reg.R0;
import static io.jringbuf.bpf.Reg.R1;
import static io.jringbuf.bpf.Reg.R2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link RingPeeker} on kernel maps (mapped read-only, no side taken) fed by a BPF program, with
 * and without a concurrent consumer; {@link BpfMap#ids()}; {@link BpfMap#findLostCounter()}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RingPeekerKernelTest {

    @BeforeAll
    static void kernel() {
        KernelSupport.requireBpf();
    }

    @Test
    void peeksAtAKernelRingWhileAReaderHoldsItWithoutMovingConsumerPos() {
        try (BpfMap ring = BpfMap.createRingbuf("peek_rb", 4096);
             BpfMap state = BpfMap.createArray("peek_st", Programs.SEQ_STATE_SIZE, 1);
             BpfProgram producer = Programs.sequenceProducer(ring, state, 16);
             KernelRingReader reader = KernelRingReader.open(ring, CommitMode.PER_RECORD);
             RingPeeker peeker = RingPeeker.open(ring)) {
            assertEquals(RingType.RINGBUF, peeker.type());
            assertEquals(4096, peeker.size());
            producer.testRun(5);
            List<Long> seen = new ArrayList<>();
            assertEquals(5, peeker.peek((b, o, l) -> seen.add(l * 1000 + b.get(ValueLayout.JAVA_LONG, o)),
                    p -> { throw new AssertionError("nothing consumes: " + p); }));
            assertEquals(List.of(16000L, 16001L, 16002L, 16003L, 16004L), seen);
            assertEquals(0, reader.consumerPosition(), "consumer_pos did not move");
            assertEquals(5, peeker.recordsBetween(0, peeker.producerPosition()));
            assertEquals(5, reader.consume((b, o, l) -> RecordHandler.CONTINUE), "the reader still gets them all");
            assertEquals(0, peeker.peek((b, o, l) -> true, p -> { }));
            assertEquals(0, peeker.availableBytes());
        }
    }

    @Test
    void aUserRingbufCanBePeekedAndOtherMapsAreRefused() {
        try (BpfMap user = BpfMap.createUserRingbuf("peek_urb", 4096);
             BpfMap array = BpfMap.createArray("peek_arr", 8, 1)) {
            try (RingPeeker peeker = RingPeeker.open(user)) {
                assertEquals(RingType.USER_RINGBUF, peeker.type());
                assertEquals(0, peeker.peek((b, o, l) -> true, p -> { }));
            }
            ErrnoException e = assertThrows(ErrnoException.class, () -> RingPeeker.open(array));
            assertTrue(e.getMessage().contains("peek_arr"), e.getMessage());
        }
    }

    @Test
    void everyPeekedRecordIsInOrderWhileTheKernelProducesAndAReaderConsumes() throws Exception {
        try (BpfMap ring = BpfMap.createRingbuf("peek_race", 4096);
             BpfMap state = BpfMap.createArray("peek_rst", Programs.SEQ_STATE_SIZE, 1);
             BpfProgram producer = Programs.sequenceProducer(ring, state, 120);
             KernelRingReader reader = KernelRingReader.open(ring, CommitMode.PER_RECORD);
             RingPeeker peeker = RingPeeker.open(ring)) {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong consumed = new AtomicLong();
            Thread feeder = new Thread(() -> {
                while (!stop.get()) {
                    producer.testRun(20);
                }
            });
            Thread consumer = new Thread(() -> {
                while (!stop.get()) {
                    consumed.addAndGet(reader.consume((b, o, l) -> RecordHandler.CONTINUE));
                }
            });
            feeder.start();
            consumer.start();
            long[] counts = new long[3]; // in order, out of order, reported
            try {
                long deadline = System.nanoTime() + 3_000_000_000L;
                while (System.nanoTime() < deadline && counts[0] < 20_000) {
                    long[] last = {-1};
                    peeker.peek((b, o, l) -> {
                        long seq = b.get(ValueLayout.JAVA_LONG, o);
                        counts[seq > last[0] && l == 120 ? 0 : 1]++;
                        last[0] = seq;
                        return RecordHandler.CONTINUE;
                    }, p -> counts[2]++);
                }
            } finally {
                stop.set(true);
                feeder.join(10_000);
                consumer.join(10_000);
            }
            assertEquals(0, counts[1], "records out of order or of the wrong length: " + counts[1]);
            assertTrue(counts[0] > 0 && consumed.get() > 0, "peeked " + counts[0] + ", consumed " + consumed);
            System.out.println("kernel peek race: peeked " + counts[0] + ", reported " + counts[2] + ", consumed "
                    + consumed);
        }
    }

    @Test
    void idsListTheMapsAndARingsLostCounterIsFoundThroughItsProgram() {
        try (BpfMap ring = BpfMap.createRingbuf("peek_lc", 4096);
             BpfMap lost = BpfMap.createLostCounter("peek_lc");
             BpfMap lonely = BpfMap.createRingbuf("peek_alone", 4096);
             BpfMap decoy = BpfMap.createLostCounter("peek_alone")) {
            List<Integer> ids = BpfMap.ids();
            assertTrue(ids.contains(ring.info().id()) && ids.contains(lost.info().id()), ids.toString());
            assertTrue(ring.findLostCounter().isEmpty(), "no program uses the ring yet");
            try (BpfProgram p = BpfProgram.load(ProgType.SOCKET_FILTER, "peek_lc", new Asm("peek_lc")
                    .ringbufReserveOrCount(ring, 1024, lost, -8, "out")
                    .mov(R1, R0).mov(R2, 0).call(Helper.RINGBUF_SUBMIT)
                    .label("out").mov(R0, 0).exit().build())) {
                p.testRun(5); // 3 fit, 2 are counted
                try (BpfMap found = ring.findLostCounter().orElseThrow()) {
                    assertEquals(lost.info().id(), found.info().id());
                    assertEquals(2, found.sumPerCpuLong(0));
                }
                assertTrue(lonely.findLostCounter().isEmpty(),
                        "a counter with the right name that no program shares with the ring is not taken");
                assertTrue(decoy.info().name().equals("peek_alone_lost"));
            }
        }
    }
}
