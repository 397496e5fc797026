/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.kafka;

import io.jringbuf.bpf.Asm;
import io.jringbuf.bpf.Asm.Size;
import io.jringbuf.bpf.BpfMap;
import io.jringbuf.bpf.BpfProgram;
import io.jringbuf.bpf.BpfSupport;
import io.jringbuf.bpf.Helper;
import io.jringbuf.bpf.ProgType;
import io.jringbuf.kafka.broker.KafkaBroker;
import io.jringbuf.kafka.broker.SharedKafkaBroker;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static io.jringbuf.bpf.Reg.R0;
import static io.jringbuf.bpf.Reg.R1;
import static io.jringbuf.bpf.Reg.R10;
import static io.jringbuf.bpf.Reg.R2;
import static io.jringbuf.bpf.Reg.R3;
import static io.jringbuf.bpf.Reg.R6;
import static io.jringbuf.bpf.Reg.R7;
import static io.jringbuf.bpf.Reg.R9;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shipper on a kernel {@code BPF_MAP_TYPE_RINGBUF} filled by a BPF program (run with
 * {@code BPF_PROG_TEST_RUN}) while it ships: every record the program put in the ring reaches
 * the topic in ring order, and every attempt the full ring refused is in the program's lost count.
 * Skips with the kernel's reason where {@code bpf()} is refused, fails there under
 * {@code JRINGBUF_REQUIRE_BPF=1}.
 */
@ExtendWith(SharedKafkaBroker.class)
class KafkaShipperKernelTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int PAYLOAD = 64;
    /** State fields (8 bytes each, element 0 of an ARRAY map): the next sequence number, the lost count. */
    private static final int SEQ = 0;
    private static final int LOST = 1;

    static KafkaBroker broker;

    @BeforeAll
    static void useBroker(KafkaBroker shared) {
        broker = shared;
    }

    @Test
    void everyRecordOfAKernelRingArrivesInRingOrderAndEveryRefusalIsCounted() throws Exception {
        requireBpf();
        String topic = "kernelRing";
        Topics.create(broker.bootstrapServers(), topic, 1, Map.of());
        int wanted = 20_000;
        try (BpfMap ring = BpfMap.createRingbuf("ship_rb", 64 * 1024);
             BpfMap state = BpfMap.createArray("ship_state", 16, 1);
             BpfProgram producer = sequenceProducer(ring, state);
             RingCommitReader reader = RingCommitReader.of(ring)) {
            AtomicLong attempts = new AtomicLong();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread producing = new Thread(() -> {
                try {
                    long deadline = System.nanoTime() + WAIT.toNanos();
                    long lost = 0;
                    while (field(state, SEQ) < wanted && System.nanoTime() < deadline) {
                        producer.testRun(64);
                        attempts.addAndGet(64);
                        long nowLost = field(state, LOST);
                        if (nowLost != lost) {
                            lost = nowLost;
                            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1)); // the ring is full: back off
                        }
                    }
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, "bpf-producer");
            KafkaShipper shipper = new KafkaShipper(reader, ShipperConfig.builder(broker.bootstrapServers(), topic).build());
            Thread shipping = new Thread(() -> {
                try {
                    shipper.run();
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }, "shipping");
            producing.start();
            shipping.start();
            producing.join(WAIT.toMillis());
            assertTrue(!producing.isAlive(), "the BPF producer finished");
            long produced = field(state, SEQ);
            assertTrue(produced >= wanted, "the BPF program wrote " + produced + " records within " + WAIT);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (shipper.committedRecords() < produced && failure.get() == null && System.nanoTime() < deadline) {
                Thread.sleep(10); // polling a counter: the shipper has no event to wait on
            }
            shipper.stop();
            shipping.join(WAIT.toMillis());
            shipper.close();
            assertNull(failure.get(), () -> "failed: " + failure.get());
            assertEquals(produced, shipper.committedRecords(), "every record committed");
            long lost = field(state, LOST);
            assertEquals(attempts.get(), produced + lost, "each run of the program either wrote a record or counted it lost");
            System.out.println("[kernel-ring] " + produced + " records shipped, " + lost
                    + " refused by the full 64 KiB ring while the shipper was behind");

            List<Topics.Read> read = Topics.readAll(broker.bootstrapServers(), topic, WAIT);
            assertEquals(produced, read.size(), "records in the topic");
            for (int i = 0; i < read.size(); i++) {
                ByteBuffer value = ByteBuffer.wrap(read.get(i).value()).order(ByteOrder.nativeOrder());
                assertEquals(PAYLOAD, value.remaining());
                for (int word = 0; word < PAYLOAD / 8; word++) {
                    assertEquals(i, value.getLong(8 * word), "record " + i + ", word " + word);
                }
            }
        }
    }

    /**
     * Each run reserves a {@value #PAYLOAD}-byte record; if the ring has room it takes the next
     * sequence number, writes it into every 8-byte word and submits; otherwise it counts a loss.
     * One CPU runs the repeats one after another, so ring order is sequence order.
     */
    private static BpfProgram sequenceProducer(BpfMap ring, BpfMap state) {
        Asm a = new Asm("ship_seq")
                .storeImm(Size.W, R10, -4, 0)
                .ldMap(R1, state)
                .mov(R2, R10).add(R2, -4)
                .call(Helper.MAP_LOOKUP_ELEM)
                .jeq(R0, 0, "out")
                .mov(R9, R0)
                .ldMap(R1, ring).mov(R2, PAYLOAD).mov(R3, 0)
                .call(Helper.RINGBUF_RESERVE)
                .jeq(R0, 0, "lost")
                .mov(R6, R0)
                .mov(R7, 1).atomicFetchAdd(Size.DW, R9, 8 * SEQ, R7);
        for (int word = 0; word < PAYLOAD / 8; word++) {
            a.store(Size.DW, R6, 8 * word, R7);
        }
        a.mov(R1, R6).mov(R2, 0).call(Helper.RINGBUF_SUBMIT)
                .ja("out")
                .label("lost")
                .mov(R1, 1).atomicAdd(Size.DW, R9, 8 * LOST, R1)
                .label("out")
                .mov(R0, 0)
                .exit();
        return BpfProgram.load(ProgType.SOCKET_FILTER, "ship_seq", a.build());
    }

    private static long field(BpfMap state, int index) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocate(4);
            MemorySegment value = arena.allocate(16, 8);
            assertTrue(state.lookup(key, value), "state element 0");
            return value.get(ValueLayout.JAVA_LONG, 8L * index);
        }
    }

    /** The core's kernel gate, for this module: skip with the refusal, or fail under JRINGBUF_REQUIRE_BPF=1. */
    private static void requireBpf() {
        String refusal = BpfSupport.refusal();
        if (refusal == null) {
            return;
        }
        if ("1".equals(System.getenv("JRINGBUF_REQUIRE_BPF"))) {
            Assertions.fail("JRINGBUF_REQUIRE_BPF=1 but the kernel refused bpf(): " + refusal);
        }
        Assumptions.abort("the kernel refused bpf() (" + refusal + "); set JRINGBUF_REQUIRE_BPF=1 to fail instead");
    }
}
