/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.kafka;

import io.jringbuf.CommitMode;
import io.jringbuf.RingReader;
import io.jringbuf.RingStatistics;
import io.jringbuf.base.RecordHandler;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Ships the records of a ring to a Kafka topic, at least once and in ring order per partition:
 * the ring's consumer position moves only past records whose sends Kafka acknowledged, so the
 * ring itself holds every record not yet acknowledged, through a crash of the shipper.
 *
 * <h2>What it does</h2>
 * <ul>
 *   <li>Reads records ahead of the ring's consumer position (a {@link RingReader} in
 *       {@link CommitMode#EXPLICIT} mode: {@code JvmRing.reader(CommitMode.EXPLICIT)},
 *       {@code KernelRingReader.open(map, CommitMode.EXPLICIT)}) and sends
 *       each with Kafka's own producer ({@code kafka-clients}: batching, compression, idempotence,
 *       retries), as a {@code ProducerRecord} whose value is the record's bytes (or what a
 *       {@link ValueEncoder} makes of them, such as JSON by the record's BTF type) and whose key is
 *       none or a {@link KeyRange byte range} of the record (the producer's partitioner then
 *       keeps equal keys on one partition, in ring order).</li>
 *   <li>Commits the ring up to the end of the longest run of acknowledged records from the oldest
 *       record in flight. Acknowledgements come back in order per partition but in any order
 *       across partitions; a record acknowledged behind an unacknowledged one waits for it.</li>
 *   <li>Bounds the records in flight ({@link ShipperConfig#maxInFlightRecords()}): with the
 *       window full it waits for acknowledgements instead of reading, and the ring fills up
 *       behind it (producers see a full ring: the BPF side counts its lost records, a JVM ring
 *       its drops).</li>
 *   <li>Faults are Kafka's: the producer retries what is retriable within
 *       {@code delivery.timeout.ms} (a broker restart is ridden out) and waits at most
 *       {@code max.block.ms} for metadata (a broker down at start, a topic that does not exist).
 *       The first send Kafka reports failed (timed out, not authorized, too large, ...) stops
 *       the shipper with a {@link ShipException}: acknowledged records before it are committed,
 *       nothing from it on is, so a restart sends it again.</li>
 *   <li>{@link #stop()} then the end of {@link #run()} (or {@link #flush()}) waits for the sends in
 *       flight and commits them: a clean stop loses nothing and leaves nothing to send twice.</li>
 * </ul>
 *
 * <h2>What it does not do</h2>
 * <ul>
 *   <li>Skip a record Kafka will never take (larger than the topic's {@code max.message.bytes},
 *       shorter than the key bytes, refused by an ACL): the shipper stops there, and a restarted
 *       shipper stops there again until the cause is fixed. Nothing is dropped silently.</li>
 *   <li>Keep ring order with the producer's ordering guarantees switched off: with
 *       {@code enable.idempotence=false} and {@code max.in.flight.requests.per.connection > 1},
 *       Kafka may reorder a partition's records on retries; the ring is still committed only past
 *       acknowledged records.</li>
 *   <li>Bound its in-flight window in bytes: the window counts records; Kafka's own
 *       {@code buffer.memory} bounds the bytes it holds.</li>
 * </ul>
 *
 * <h2>Duplicates</h2>
 * With the idempotent producer (the default) Kafka writes no duplicates while the shipper
 * lives. After a crash, the records read but not committed are sent again by the next shipper:
 * at most {@code maxInFlightRecords}, since the window holds every record sent and not yet
 * committed, acknowledged or not (a commit follows every poll, and a poll waits at most
 * {@link ShipperConfig#commitInterval()} while sends are in flight, so acknowledged records
 * rarely wait long).
 *
 * <h2>Cost per record</h2>
 * Kafka's producer takes a {@code ProducerRecord} with byte arrays and a callback per send; the
 * shipper allocates those (the value copy or encoding, the optional key copy, the record, one small callback
 * object) and nothing else.
 *
 * <h2>Threads</h2>
 * One shipping thread calls {@link #poll}, {@link #run}, {@link #flush} and {@link #close};
 * {@link #stop()} and the counters may be called from any thread.
 */
public final class KafkaShipper implements AutoCloseable {
    /** How long {@link #run()} waits for records at a time when nothing is in flight (bounds how late it sees {@link #stop()}). */
    private static final Duration IDLE_POLL = Duration.ofMillis(200);

    private final RingReader reader;
    private final Producer<byte[], byte[]> producer;
    private final InFlightWindow window;
    private final String topic;
    private final KeyRange key;
    private final ValueEncoder value;
    private final int maxRecordsPerPoll;
    private final Duration commitInterval;
    private final Duration closeTimeout;
    private final RecordHandler sender = this::send;
    /**
     * The failed send with the lowest sequence number: compare-and-set by Kafka's I/O thread (the
     * callback) or the shipping thread, read by the shipping thread before and after each poll.
     * A failure set after a check is seen by the next one; {@link #flush()} checks after Kafka's
     * flush, when every callback has run.
     */
    private final AtomicReference<Failure> failure = new AtomicReference<>();
    /** Set by any thread, read by the shipping thread between polls. */
    private volatile boolean stopRequested;
    // Progress, written by the shipping thread after each poll (not per record); volatile so
    // that a progress display on another thread sees recent values (nothing else is ordered by them).
    private volatile long committedPosition;
    private volatile long sent;
    private volatile long committedRecords;
    private boolean closed;

    /**
     * Creates a shipper and its Kafka producer.
     *
     * @param reader the ring, read by this shipper only from now on; {@link CommitMode#EXPLICIT},
     *               with nothing read and not committed (a new reader)
     * @param config topic, key, producer properties and bounds
     * @throws IllegalArgumentException if the reader's commit mode is not EXPLICIT (it would give
     *                                  records back to the ring before Kafka has them) or it has
     *                                  records read and not committed
     * @throws org.apache.kafka.common.KafkaException if Kafka refuses the producer properties
     *                                                (a {@code ConfigException} names the property)
     */
    public KafkaShipper(RingReader reader, ShipperConfig config) {
        this.reader = Objects.requireNonNull(reader, "reader");
        Objects.requireNonNull(config, "config");
        if (reader.commitMode() != CommitMode.EXPLICIT) {
            throw new IllegalArgumentException("the shipper needs a reader in CommitMode.EXPLICIT, not "
                    + reader.commitMode() + ": that reader gives records back to the ring before Kafka has them");
        }
        if (reader.readPosition() != reader.consumerPosition()) {
            throw new IllegalArgumentException("the reader has read up to " + reader.readPosition()
                    + " and committed up to " + reader.consumerPosition() + ": give the shipper a new reader");
        }
        this.topic = config.topic();
        this.key = config.key();
        this.value = config.value();
        this.maxRecordsPerPoll = config.maxRecordsPerPoll();
        this.commitInterval = config.commitInterval();
        this.closeTimeout = config.closeTimeout();
        this.window = new InFlightWindow(config.maxInFlightRecords());
        this.committedPosition = reader.readPosition();
        this.producer = new KafkaProducer<>(config.producerProperties(), new ByteArraySerializer(),
                new ByteArraySerializer());
    }

    /**
     * Reads and sends the records available now, waiting up to {@code timeout} for the first,
     * and commits the ring past every record acknowledged in a row. With the in-flight window
     * full, waits for acknowledgements instead (up to the same bound).
     *
     * @param timeout the longest wait (shortened to the commit interval while sends are in flight;
     *                zero or negative: no wait)
     * @return records read and sent by this call
     * @throws ShipException if a send failed (now or before); acknowledged records before it are committed
     * @throws IllegalStateException if the shipper is closed
     */
    public int poll(Duration timeout) {
        return poll(timeout, Integer.MAX_VALUE);
    }

    /**
     * As {@link #poll(Duration)}, reading at most {@code maxRecords} records: for a caller that
     * ships a given number of records and no more.
     *
     * @param timeout the longest wait (shortened to the commit interval while sends are in flight;
     *                zero or negative: no wait)
     * @param maxRecords the most records to read; 0 reads none and waits for acknowledgements only
     * @return records read and sent by this call
     * @throws ShipException if a send failed (now or before); acknowledged records before it are committed
     * @throws IllegalArgumentException if {@code maxRecords} is negative
     * @throws IllegalStateException if the shipper is closed
     */
    public int poll(Duration timeout, int maxRecords) {
        if (maxRecords < 0) {
            throw new IllegalArgumentException("maxRecords " + maxRecords + ": expected zero or more");
        }
        requireOpen();
        commitAcknowledged();
        throwIfFailed();
        Duration wait = window.size() > 0 && timeout.compareTo(commitInterval) > 0 ? commitInterval : timeout;
        int max = Math.min(Math.min(window.remaining(), maxRecordsPerPoll), maxRecords);
        int read = 0;
        if (max == 0) {
            window.awaitAcknowledgement(saturatedNanos(wait));
        } else if (!stopRequested) {
            read = reader.poll(sender, max, wait);
        }
        commitAcknowledged();
        throwIfFailed();
        return read;
    }

    /**
     * Ships until {@link #stop()} is called or a send fails, then waits for the sends in flight
     * and commits them.
     *
     * @throws ShipException if a send failed; acknowledged records before it are committed
     * @throws IllegalStateException if the shipper is closed
     */
    public void run() {
        while (!stopRequested) {
            poll(IDLE_POLL);
        }
        flush();
    }

    /**
     * Asks {@link #run()} to return after its current poll, waking the poll if it waits for
     * records (a send blocked on Kafka's metadata still takes up to {@code max.block.ms}). Any
     * thread.
     */
    public void stop() {
        stopRequested = true;
        window.wakeUp();
        reader.wakeUp();
    }

    /**
     * Waits for every send in flight (each bounded by Kafka's {@code delivery.timeout.ms}) and
     * commits the ring past the acknowledged ones.
     *
     * @throws ShipException if a send failed
     * @throws IllegalStateException if the shipper is closed
     */
    public void flush() {
        requireOpen();
        producer.flush();
        commitAcknowledged();
        throwIfFailed();
    }

    /**
     * Waits at most {@code timeout} for the sends in flight to be acknowledged, committing the
     * ring past them as they are: a bounded {@link #flush()} for a caller with a deadline (a
     * signal handler's grace period, a command's {@code --timeout}). Lingering batches go out
     * after the producer's {@code linger.ms}, as always.
     *
     * @param timeout the longest wait (zero or negative: commit what is acknowledged now)
     * @return true if nothing is left in flight, false if the time ran out first
     * @throws ShipException if a send failed
     * @throws IllegalStateException if the shipper is closed
     */
    public boolean flush(Duration timeout) {
        requireOpen();
        long nanos = saturatedNanos(timeout);
        long start = System.nanoTime();
        commitAcknowledged();
        throwIfFailed();
        while (window.size() > 0) {
            long left = nanos - (System.nanoTime() - start);
            if (left <= 0) {
                return false;
            }
            window.awaitAcknowledgement(left);
            commitAcknowledged();
            throwIfFailed();
        }
        return true;
    }

    /**
     * Closes the producer, waiting up to the configured close timeout for the sends in flight,
     * and commits the ring past the acknowledged ones. The reader is left to its owner. Does not
     * throw for a failed send (the shipping calls did); the position it stopped at is
     * {@link #committedPosition()}.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            producer.close(closeTimeout);
        } finally {
            commitAcknowledged();
        }
    }

    /** {@return the ring position committed so far (any thread)} */
    public long committedPosition() {
        return committedPosition;
    }

    /** {@return records handed to Kafka's producer so far (any thread)} */
    public long sentRecords() {
        return sent;
    }

    /** {@return records acknowledged and committed to the ring so far (any thread)} */
    public long committedRecords() {
        return committedRecords;
    }

    /** {@return records sent and not yet committed (any thread; approximate while shipping)} */
    public long inFlightRecords() {
        return sent - committedRecords;
    }

    /**
     * A snapshot of the shipper's progress and of its ring, for a progress display: a rate is
     * the difference of two snapshots' counts. Any thread.
     *
     * @param sentRecords records handed to Kafka's producer
     * @param committedRecords records acknowledged and committed to the ring
     * @param inFlightRecords records sent and not yet committed
     * @param committedPosition the ring position committed so far
     * @param ring the reader's statistics: the backlog (records not yet read, and those read and
     *             not committed), records refused by the full ring where the reader counts them
     */
    public record Progress(long sentRecords, long committedRecords, long inFlightRecords, long committedPosition,
                           RingStatistics ring) {
    }

    /** {@return the progress now (any thread; the counts are published after each poll)} */
    public Progress progress() {
        long committed = committedRecords;
        long sentNow = sent;
        return new Progress(sentNow, committed, sentNow - committed, committedPosition, reader.statistics());
    }

    @Override
    public String toString() {
        return "KafkaShipper[topic=" + topic + ", sent=" + sent + ", committed=" + committedRecords
                + " records up to ring position " + committedPosition + "]";
    }

    /** The handler: one record, zero-copy from the ring, into one Kafka send. */
    private boolean send(MemorySegment buffer, long offset, int length) {
        long end = reader.readPosition();
        long seq = window.add(end);
        Delivery delivery = new Delivery(this, seq, end);
        byte[] keyBytes = null;
        if (key != null) {
            if (length < key.end()) {
                delivery.fail(new IllegalArgumentException("the record is " + length
                        + " bytes, too short for the key bytes " + key));
                return false;
            }
            keyBytes = new byte[key.length()];
            MemorySegment.copy(buffer, ValueLayout.JAVA_BYTE, offset + key.offset(), keyBytes, 0, key.length());
        }
        byte[] valueBytes;
        try {
            valueBytes = value.encode(buffer, offset, length);
        } catch (RuntimeException e) {
            delivery.fail(e); // not encodable: stop before it, like a record Kafka refused
            return false;
        }
        try {
            producer.send(new ProducerRecord<>(topic, keyBytes, valueBytes), delivery);
        } catch (RuntimeException e) {
            // Kafka reports most failures through the callback; what it throws (closed producer,
            // interrupted, serializer errors) fails this record the same way.
            delivery.fail(e);
            return false;
        }
        return failure.get() == null;
    }

    private void commitAcknowledged() {
        long end = window.advance();
        if (end >= 0) {
            reader.commit(end);
            committedPosition = end;
        }
        sent = window.next();
        committedRecords = window.lowest();
        // With nothing in flight, DISCARD records read after the last sent one are passed too.
        if (window.size() == 0 && failure.get() == null) {
            long read = reader.readPosition();
            if (read != committedPosition) {
                reader.commit(read);
                committedPosition = read;
            }
        }
    }

    private void throwIfFailed() {
        Failure f = failure.get();
        if (f != null) {
            throw new ShipException("Kafka did not take the record ending at ring position " + f.end
                    + " (record " + f.seq + " of this shipper, topic " + topic + "): " + f.cause
                    + "; the ring stays committed at position " + committedPosition
                    + " with that record and those after it kept", committedPosition, f.cause);
        }
    }

    /** {@return the duration in nanoseconds: 0 if negative, {@link Long#MAX_VALUE} if too long} */
    private static long saturatedNanos(Duration d) {
        if (d.isNegative()) {
            return 0;
        }
        try {
            return d.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the shipper is closed");
        }
    }

    private void recordFailure(Failure f) {
        Failure current;
        do {
            current = failure.get();
            if (current != null && current.seq <= f.seq) {
                break;
            }
        } while (!failure.compareAndSet(current, f));
        window.wakeUp();
    }

    private record Failure(long seq, long end, Throwable cause) {
    }

    /** Kafka's callback for one send: the record's place in the window and its ring end position. */
    private static final class Delivery implements Callback {
        private final KafkaShipper shipper;
        private final long seq;
        private final long end;

        Delivery(KafkaShipper shipper, long seq, long end) {
            this.shipper = shipper;
            this.seq = seq;
            this.end = end;
        }

        @Override
        public void onCompletion(RecordMetadata metadata, Exception exception) {
            if (exception == null) {
                shipper.window.acknowledge(seq);
            } else {
                fail(exception);
            }
        }

        void fail(Throwable cause) {
            shipper.recordFailure(new Failure(seq, end, cause));
        }
    }
}
