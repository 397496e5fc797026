/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.cli;

import io.jringbuf.CommitMode;
import io.jringbuf.JvmRing;
import io.jringbuf.KernelRingReader;
import io.jringbuf.RingReader;
import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.base.RingType;
import io.jringbuf.bpf.BpfMap;
import io.jringbuf.bpf.BtfLayout;
import io.jringbuf.kafka.KafkaShipper;
import io.jringbuf.kafka.KeyRange;
import io.jringbuf.kafka.ShipException;
import io.jringbuf.kafka.ShipperConfig;
import io.jringbuf.kafka.ValueEncoder;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;

/**
 * {@code jringbuf ship}: ships a RINGBUF ring's records to a Kafka topic with
 * {@link KafkaShipper}, committing the ring only past records Kafka acknowledged.
 */
@Command(name = "ship", mixinStandardHelpOptions = true,
        description = {"Ship a RINGBUF ring's records (a ring file, or a kernel map by --pinned PATH or --map-id ID) "
                + "to a Kafka topic, in ring order, at least once: the ring's consumer position moves only past "
                + "records Kafka acknowledged, so a ship that is stopped or killed leaves the rest in the ring "
                + "for the next one. Record value: the record's bytes, or with --format json one JSON object "
                + "decoded by --type STRUCT from the BTF of --btf OBJECT; key: none, --key-bytes, or --key-field "
                + "(a member of that struct).",
                "Runs until SIGINT/SIGTERM (waits up to 3 s for the sends in flight, commits what Kafka "
                        + "acknowledged; exit 0), until --count records are committed (exit 0), or until --timeout "
                        + "passes (without --count: exit 0; with it: exit 1). Ends with a summary line on stderr. "
                        + "A failure (no broker, missing topic, not authorized, record too large, ...) is one line, "
                        + "exit 1; a bad option or Kafka property, exit 2."})
final class ShipCommand implements Callable<Integer> {
    /** Upper bound of one poll, so that the deadline and a stop request are seen promptly. */
    private static final Duration SLICE = Duration.ofMillis(250);
    /**
     * How long a stop (signal, or --timeout without --count) waits for the sends in flight: the
     * signal handler ends the JVM 10 s after the signal at the latest, and the producer's close
     * needs its part.
     */
    private static final Duration STOP_GRACE = Duration.ofSeconds(3);
    /** How long the producer's close waits for what is still in flight after that. */
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(1);
    /** Kafka's own default {@code max.block.ms}; --timeout shortens it. */
    private static final long KAFKA_MAX_BLOCK_MS = 60_000;
    private static final String SLF4J_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";

    enum LogLevel { off, error, warn, info, debug }

    /** What a record's Kafka value is. */
    enum Format { raw, json }

    private final CliIo io;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    TargetOptions target;

    @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT",
            description = "Kafka's bootstrap.servers: one or more HOST:PORT, comma-separated.")
    String bootstrap;

    @Option(names = "--topic", required = true, paramLabel = "NAME",
            description = "The topic (it must exist: ship does not create topics).")
    String topic;

    @Option(names = "--key-bytes", paramLabel = "OFF:LEN", converter = KeyBytes.class,
            description = "Key each record with LEN bytes of it from offset OFF (records with equal keys go to "
                    + "one partition, in ring order). Default: no key.")
    KeyRange key;

    @Option(names = "--key-field", paramLabel = "NAME",
            description = "Key each record with a member of --type STRUCT (its bytes as they are in the record; "
                    + "a path such as 'key.saddr' or 'args[0]' reaches nested members). Needs --btf and --type.")
    String keyField;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "raw",
            description = "raw (default): the value is the record's bytes; json: one JSON object per record, "
                    + "decoded by --type STRUCT (needs --btf and --type).")
    Format format;

    @Option(names = "--btf", paramLabel = "OBJECT",
            description = "A BPF object file (clang -g) whose BTF has --type (only parsed: nothing is loaded).")
    Path btf;

    @Option(names = "--type", paramLabel = "STRUCT", description = "The records' struct in --btf's BTF.")
    String type;

    @Option(names = {"--property", "--producer-property"}, paramLabel = "NAME=VALUE",
            description = "A Kafka producer property by Kafka's name (acks, linger.ms, compression.type, "
                    + "security.protocol, ...); repeatable. Defaults: enable.idempotence=true, acks=all.")
    Map<String, String> properties = new LinkedHashMap<>();

    @Option(names = "--max-in-flight", paramLabel = "N",
            description = "Most records sent and not yet committed to the ring (rounded up to a power of two; "
                    + "default 16384): what a killed ship can send twice.")
    Integer maxInFlight;

    @Option(names = "--count", paramLabel = "N",
            description = "Exit 0 once N records are shipped and committed; exit 1 if --timeout passes first.")
    Long count;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = Durations.class,
            description = "Stop after DURATION (e.g. 30s, 2m). Also bounds how long Kafka's producer blocks "
                    + "for metadata (max.block.ms, default 60s). Default: run until stopped.")
    Duration timeout;

    @Option(names = "--kafka-log-level", paramLabel = "LEVEL",
            description = "Kafka's own log messages on stderr: off (default), error, warn, info, debug.")
    LogLevel kafkaLogLevel;

    /** The shipper once it exists, for the signal handler's wake-up (any thread). */
    private volatile KafkaShipper shipper;

    ShipCommand(CliIo io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        if (count != null && count <= 0) {
            throw usage("--count must be at least 1, not " + count);
        }
        if (kafkaLogLevel != null) {
            // Read by SLF4J's simple logger when Kafka's first logger is made (below).
            System.setProperty(SLF4J_LEVEL, kafkaLogLevel.name());
        }
        ShipperConfig config = config();
        try (ShippedRing ring = openRing()) {
            // The clock starts once the ring is open (as for cat): JVM start-up does not count.
            long start = System.nanoTime();
            long deadline = timeout == null ? Long.MAX_VALUE : start + timeout.toNanos();
            Signals.Stop stop = io.signals().register(() -> {
                KafkaShipper s = shipper;
                if (s != null) {
                    s.stop();
                }
            });
            return ship(ring, config, stop, start, deadline);
        }
    }

    private int ship(ShippedRing ring, ShipperConfig config, Signals.Stop stop, long start, long deadline) {
        KafkaShipper s;
        long lastSend = -1; // when the last record was handed to Kafka, for the timeout message
        boolean stoppedEarly; // by a signal before the deadline: a clean stop, however far --count got
        boolean ringEmpty; // when sending ended, for the timeout message
        try {
            s = new KafkaShipper(ring.reader, config);
        } catch (KafkaException e) {
            throw badSetting(e);
        }
        LiveProgress live = new LiveProgress(io);
        try (s) {
            shipper = s;
            // false: stopped by a signal before shipping anything (the summary still follows)
            boolean shipping = topicExists(config, stop);
            while (shipping && !stop.requested() && (count == null || s.sentRecords() < count)) {
                long left = timeout == null ? SLICE.toNanos() : deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                int max = count == null ? Integer.MAX_VALUE : (int) Math.min(count - s.sentRecords(), Integer.MAX_VALUE);
                if (s.poll(Duration.ofNanos(Math.min(left, SLICE.toNanos())), max) > 0) {
                    lastSend = System.nanoTime();
                }
                live.tick(s);
            }
            ringEmpty = ring.reader.producerPosition() == ring.reader.readPosition();
            stoppedEarly = awaitAcknowledgements(s, stop, deadline);
        } catch (ShipException e) {
            throw new CliException(CliException.RUNTIME, describe(e, s), e);
        } finally {
            live.done();
            shipper = null;
        }
        // Closed: the producer's close committed whatever was acknowledged meanwhile.
        KafkaShipper.Progress p = s.progress();
        if (count != null && p.committedRecords() < count && !stoppedEarly) {
            throw new CliException(CliException.RUNTIME, "timeout after " + Durations.format(timeout) + ": "
                    + p.committedRecords() + " of " + count + " records shipped and committed (" + p.sentRecords()
                    + " sent" + (lastSend < 0 ? "" : ", the last " + Durations.format(
                            Duration.ofMillis((lastSend - start) / 1_000_000)) + " after the start")
                    + (p.sentRecords() < count && ringEmpty ? ", the ring had no more" : "")
                    + "; " + p.inFlightRecords() + " not acknowledged, kept in the ring"
                    + (p.inFlightRecords() > 0 && kafkaLogLevel == null
                            ? "; --kafka-log-level info shows what Kafka's client did" : "") + ")");
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long lost = p.ring().lost();
        io.err().printf("ship: %d records sent, %d committed, %d in flight at stop, ring lost %s, %.3f s, "
                        + "%.0f records/s%n", p.sentRecords(), p.committedRecords(), p.inFlightRecords(),
                lost < 0 ? "unknown" : Long.toString(lost), seconds, p.committedRecords() / Math.max(seconds, 1e-9));
        io.err().flush();
        return 0;
    }

    /**
     * Waits for the sends in flight, committing the ring past what Kafka acknowledges: until the
     * deadline (--count with --timeout), until all are acknowledged (--count alone: Kafka fails
     * what it cannot deliver within its delivery.timeout.ms), or for {@link #STOP_GRACE} (without
     * --count, the ship ended by a signal or by --timeout); a signal during the wait shortens it to
     * {@link #STOP_GRACE} from then, so that the stop ends well inside the signal handler's bound.
     *
     * @return whether a signal stopped the ship before the deadline (a clean stop)
     * @throws ShipException if a send failed
     */
    private boolean awaitAcknowledgements(KafkaShipper s, Signals.Stop stop, long deadline) {
        long grace = STOP_GRACE.toNanos();
        boolean unbounded = count != null && timeout == null;
        long end = count == null ? System.nanoTime() + grace : deadline;
        boolean stopSeen = false;
        while (true) {
            if (!stopSeen && stop.requested()) {
                stopSeen = true;
                // From the signal, not from when this loop noticed it (up to one slice later).
                long graceEnd = stop.requestedAt() + grace;
                if (unbounded || end - graceEnd > 0) {
                    unbounded = false;
                    end = graceEnd;
                }
            }
            long left = unbounded ? SLICE.toNanos() : end - System.nanoTime();
            // Slices, so that a signal during the wait is seen; at or past the end, one look
            // without waiting, so that a failure Kafka already reported is named, not a timeout.
            if (s.flush(Duration.ofNanos(Math.max(0, Math.min(left, SLICE.toNanos())))) || left <= 0) {
                break;
            }
        }
        return stop.requested() && (timeout == null || stop.requestedAt() - deadline < 0);
    }

    /** The shipper's settings: the options, then the properties, Kafka's waits bounded by --timeout. */
    private ShipperConfig config() {
        BtfLayout layout = RecordTypeOptions.layout(spec.commandLine(), btf, type);
        if (format == Format.json && type == null) {
            throw usage("--format json needs --btf OBJECT and --type STRUCT (the records' struct in the object's BTF)");
        }
        if (keyField != null && key != null) {
            throw usage("give --key-field or --key-bytes, not both");
        }
        if (keyField != null && type == null) {
            throw usage("--key-field needs --btf OBJECT and --type STRUCT (the struct that has the member)");
        }
        KeyRange keyRange = key;
        if (keyField != null) {
            long offset = layout.offsetOf(keyField); // ENOENT naming the member and the struct
            keyRange = new KeyRange((int) offset, (int) layout.sizeOf(keyField));
        }
        try {
            ShipperConfig.Builder b = ShipperConfig.builder(bootstrap, topic)
                    .key(keyRange)
                    .closeTimeout(CLOSE_TIMEOUT);
            if (format == Format.json) {
                b.value(ValueEncoder.json(layout));
            }
            if (timeout != null) {
                b.producerProperty(ProducerConfig.MAX_BLOCK_MS_CONFIG,
                        Long.toString(Math.min(KAFKA_MAX_BLOCK_MS, Math.max(1, timeout.toMillis()))));
            }
            b.producerProperties(properties);
            if (maxInFlight != null) {
                b.maxInFlightRecords(maxInFlight);
            }
            return b.build();
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    /**
     * Asks the broker about the topic before shipping, so that a missing topic or an unreachable
     * broker is reported at once and by name (the producer would report either as a metadata
     * timeout after {@code max.block.ms}).
     *
     * @return false if a signal asked to stop meanwhile
     */
    private boolean topicExists(ShipperConfig config, Signals.Stop stop) {
        long boundMs = Long.parseLong(String.valueOf(config.producerProperties()
                .getOrDefault(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(KAFKA_MAX_BLOCK_MS))));
        int waitMs = (int) Math.min(Integer.MAX_VALUE, Math.max(1, boundMs));
        Map<String, Object> settings = new LinkedHashMap<>(config.producerProperties());
        settings.keySet().retainAll(AdminClientConfig.configNames());
        settings.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Integer.toString(waitMs));
        settings.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Integer.toString(waitMs));
        Admin admin;
        try {
            admin = Admin.create(settings);
        } catch (KafkaException e) {
            throw badSetting(e);
        }
        try {
            KafkaFuture<Map<String, TopicDescription>> described = admin.describeTopics(List.of(topic),
                    new DescribeTopicsOptions().timeoutMs(waitMs)).allTopicNames();
            while (!described.isDone()) {
                if (stop.requested()) {
                    return false;
                }
                try {
                    described.get(SLICE.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.TimeoutException notYet) {
                    // look at the stop flag again
                } catch (ExecutionException | InterruptedException e) {
                    break; // reported below
                }
            }
            try {
                described.get();
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException(CliException.RUNTIME, "interrupted while asking " + bootstrap
                        + " about topic '" + topic + "'");
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                String where = " on " + bootstrap;
                String why = switch (cause) {
                    case UnknownTopicOrPartitionException u -> "topic '" + topic + "' does not exist" + where
                            + " (ship does not create topics: create it first)";
                    case TimeoutException t -> "no Kafka broker answered at " + bootstrap + " within "
                            + Durations.format(Duration.ofMillis(waitMs)) + " (is one listening there?)";
                    case AuthorizationException a -> "not authorized to use topic '" + topic + "'" + where + ": "
                            + a.getMessage();
                    case AuthenticationException a -> "authentication failed at " + bootstrap + ": " + a.getMessage();
                    default -> "asking " + bootstrap + " about topic '" + topic + "' failed: " + oneLine(cause);
                };
                throw new CliException(CliException.RUNTIME, why, cause);
            }
        } finally {
            admin.close(CLOSE_TIMEOUT);
        }
    }

    /** The one line for a failed send: Kafka's cause in words, and where the ring stays. */
    private String describe(ShipException e, KafkaShipper s) {
        Throwable cause = e.getCause();
        String why = switch (cause) {
            case null -> e.getMessage();
            case TopicAuthorizationException t -> "not authorized to write to topic '" + topic + "': " + t.getMessage();
            case AuthorizationException a -> "not authorized: " + a.getMessage();
            case AuthenticationException a -> "authentication failed at " + bootstrap + ": " + a.getMessage();
            case RecordTooLargeException r -> "a record is larger than Kafka takes (the topic's max.message.bytes, "
                    + "the broker's message.max.bytes or the producer's max.request.size): " + r.getMessage();
            case UnknownTopicOrPartitionException u -> "topic '" + topic + "' does not exist on " + bootstrap;
            case TimeoutException t -> "Kafka at " + bootstrap + " did not take a record in time (max.block.ms, "
                    + "delivery.timeout.ms): " + t.getMessage();
            case IllegalArgumentException a -> a.getMessage();
            default -> oneLine(cause);
        };
        return why + "; the ring stays committed at position " + e.committedPosition() + " ("
                + s.committedRecords() + " records committed), the record there and those after it kept for the "
                + "next ship";
    }

    private CliException badSetting(KafkaException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConfigException c) {
                return new CliException(CliException.USAGE, "bad Kafka setting: " + c.getMessage(), e);
            }
        }
        return new CliException(CliException.RUNTIME, "Kafka's client did not start: " + oneLine(e), e);
    }

    private static String oneLine(Throwable t) {
        String m = t.getMessage();
        String text = t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
        return text.replace('\n', ' ');
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    /**
     * Opens the one target given, for reading in {@link CommitMode#EXPLICIT} (the shipper commits
     * the ring itself): a RINGBUF ring file, or a kernel RINGBUF map.
     */
    private ShippedRing openRing() {
        int given = (target.file != null ? 1 : 0) + (target.fileOption != null ? 1 : 0)
                + (target.pinned != null ? 1 : 0) + (target.mapId != null ? 1 : 0);
        if (given != 1) {
            throw usage(given == 0
                    ? "missing target: give a ring FILE (or --file PATH), --pinned PATH or --map-id ID"
                    : "give only one target: a ring FILE (or --file PATH), --pinned PATH or --map-id ID");
        }
        if (target.file != null || target.fileOption != null) {
            JvmRing ring = JvmRing.open(target.file != null ? target.file : target.fileOption);
            try {
                if (ring.type() != RingType.RINGBUF) {
                    throw new ErrnoException(Errno.EINVAL, "ship " + ring.path() + ": a USER_RINGBUF ring is drained "
                            + "record by record; ship reads RINGBUF rings");
                }
                return new ShippedRing(ring.reader(CommitMode.EXPLICIT), ring, null, null);
            } catch (RuntimeException e) {
                ring.close();
                throw e;
            }
        }
        BpfMap map = target.pinned != null ? BpfMap.openPinned(target.pinned) : BpfMap.openById(target.mapId);
        BpfMap lost = null;
        try {
            // The ring's RING_lost counter (include/jringbuf_lost.h), if a loaded program uses one:
            // the summary's "ring lost" and the shipper's statistics.
            lost = map.findLostCounter().orElse(null);
            return new ShippedRing(KernelRingReader.open(map, CommitMode.EXPLICIT, lost), null, map, lost);
        } catch (RuntimeException e) {
            if (lost != null) {
                lost.close();
            }
            map.close();
            throw e;
        }
    }

    /** The ring being shipped and what to close with it. */
    private record ShippedRing(RingReader reader, JvmRing file, BpfMap map, BpfMap lost) implements AutoCloseable {
        @Override
        public void close() {
            if (file != null) {
                file.close();
            } else {
                ((KernelRingReader) reader).close();
                if (lost != null) {
                    lost.close();
                }
                map.close();
            }
        }
    }

    /** {@code --key-bytes OFF:LEN}. */
    static final class KeyBytes implements CommandLine.ITypeConverter<KeyRange> {
        @Override
        public KeyRange convert(String value) {
            try {
                return KeyRange.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /**
     * A progress line on stderr for a person watching, redrawn once a second: committed records,
     * their rate, records in flight, the ring's backlog.
     */
    private static final class LiveProgress {
        private static final long INTERVAL = 1_000_000_000L;
        private final PrintStream err;
        private final boolean enabled;
        private long lastTime = System.nanoTime();
        private long lastCommitted;
        private boolean drawn;

        LiveProgress(CliIo io) {
            this.err = io.err();
            this.enabled = io.interactive();
        }

        void tick(KafkaShipper s) {
            long now = System.nanoTime();
            if (!enabled || now - lastTime < INTERVAL) {
                return;
            }
            KafkaShipper.Progress p = s.progress();
            double rate = (p.committedRecords() - lastCommitted) * 1e9 / (now - lastTime);
            lastTime = now;
            lastCommitted = p.committedRecords();
            err.printf("\rship: %d committed, %.0f records/s, %d in flight, backlog %d bytes   ",
                    p.committedRecords(), rate, p.inFlightRecords(), p.ring().backlogBytes());
            err.flush();
            drawn = true;
        }

        void done() {
            if (drawn) {
                err.println();
                drawn = false;
            }
        }
    }
}
