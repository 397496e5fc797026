/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.internal.protocol;

import io.jringbuf.internal.format.MappedAtomics;
import io.jringbuf.internal.format.RingLayout;
import io.jringbuf.internal.sys.Sys;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * Reclaims a BUSY record whose producer process died before committing it, for the consuming
 * side of a JVM ring (Consumer or Drainer). JVM producers store their process id in the header's
 * second word while a record is BUSY. When the consuming side has been parked at the same BUSY
 * record for {@link #STUCK_NANOS}, it probes that process; if it is gone, the record is turned
 * into a DISCARD record with a compare-and-set on the header (so a commit that races with the
 * probe wins), and consumption goes on. Nothing any other producer committed is lost.
 *
 * <p>Only the consuming side calls this, from its own thread, so the parking state is plain.
 */
final class AbandonedRecords {
    /** How long a record must stay BUSY at the head before its owner is probed. */
    static final long STUCK_NANOS = 10_000_000L;

    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    private final RingControl control;
    private long parkedPosition = -1;
    private long lastProbe;

    AbandonedRecords(RingControl control) {
        this.control = control;
    }

    /**
     * Called by a sleeping consumer side after a slice without a signal: is there a record at the
     * head whose producer died, so that its wakeup may have died with it? A BUSY one is reclaimed
     * (after {@link #STUCK_NANOS}); a committed one whose owner is gone is reported, because its
     * owner may have died between the commit and the wakeup. A committed head record whose owner
     * is alive was committed without a wakeup on purpose ({@code NO_WAKEUP}) and is left alone.
     * First, a ring file truncated under the ring fails here (EFAULT, see {@link RingControl#checkFile}).
     *
     * @return true if the consumer side should look at the ring again now
     */
    boolean deadPeerAtHead(MemorySegment consumerPage, MemorySegment producerPage, MemorySegment data, long mask) {
        control.checkFile("wait"); // a truncated ring file is reported here, before the loads below fault
        long cons = (long) LONG.getAcquire(consumerPage, 0L);
        long prod = (long) LONG.getAcquire(producerPage, 0L);
        if (prod - cons <= 0 || ((cons | prod) & 7) != 0) {
            return false;
        }
        long headerOffset = cons & mask;
        int header = (int) INT.getAcquire(data, headerOffset);
        if (header < 0) {
            return reclaimIfAbandoned(data, headerOffset, cons, header);
        }
        int owner = (int) INT.get(data, headerOffset + RingLayout.HEADER_OWNER_OFFSET);
        return owner > 0 && owner != control.ownerToken() && !Sys.processExists(owner);
    }

    /**
     * Called when the head record is BUSY.
     *
     * @param data the ring's data segment
     * @param headerOffset the record's header offset in {@code data}
     * @param position the record's position
     * @param header the BUSY header word as last read
     * @return true if the record was abandoned and is now DISCARD
     */
    boolean reclaimIfAbandoned(MemorySegment data, long headerOffset, long position, int header) {
        long now = System.nanoTime();
        if (position != parkedPosition) {
            parkedPosition = position;
            lastProbe = now;
            return false;
        }
        if (now - lastProbe < STUCK_NANOS) {
            return false;
        }
        lastProbe = now;
        // The owner word was written before the producer's release store of producer_pos, which
        // the caller acquire-loaded: it is visible.
        int owner = (int) INT.get(data, headerOffset + RingLayout.HEADER_OWNER_OFFSET);
        if (owner <= 0 || Sys.processExists(owner)) {
            return false;
        }
        int discarded = (header & ~RingLayout.BUSY_BIT) | RingLayout.DISCARD_BIT;
        // CAS, not a store: a commit by the owner (had it been alive after all) must not be undone.
        if (MappedAtomics.compareAndSetInt(data, headerOffset, header, discarded)) {
            control.countRecovery();
            return true;
        }
        return false;
    }
}
