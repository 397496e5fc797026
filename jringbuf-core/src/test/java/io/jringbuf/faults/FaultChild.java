/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.faults;

import io.jringbuf.JvmRing;
import io.jringbuf.JvmRingInternals;
import io.jringbuf.RingReader;
import io.jringbuf.RingWriter;
import io.jringbuf.RingBuffer;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.base.RingType;
import io.jringbuf.bpf.BpfMap;
import io.jringbuf.bpf.BpfSupport;
import io.jringbuf.internal.sys.Sys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * A JVM the fault tests start, to hold a ring while stopped or to run under lowered limits.
 * Modes (one result per output line):
 * <pre>
 *   hold-lock RING        takes the ring's reservation lock, prints "locked", holds it
 *   claim-consumer RING   claims the consumer side, prints "claimed", holds it
 *   reserve-hang RING     reserves an 8-byte record, prints "reserved", never commits it
 *   create RING SIZE      creates a RINGBUF ring file, prints "created"
 *   nofile RING           under RLIMIT_NOFILE lowered to the descriptors open: open, anonymous,
 *                         create (a sibling named "new");
 *                         prints "error: MESSAGE" per attempt, then "fds: BEFORE AFTER", "maps: ..."
 *   nofile-kernel         the same for a kernel ring manager (epoll set, then its eventfd) and
 *                         for opening a map by id; prints "skip: REASON" if bpf() is refused
 *   truncate-race DIR ROUNDS  after a warm-up, per round: two producer threads and a consumer
 *                         thread at full speed on a new ring file in DIR, truncated by another
 *                         process; prints
 *                         "typed: T raw: R" (threads that ended with ErrnoException, or else)
 *   address-space RING SIZE  under RLIMIT_AS lowered near the current size: create; prints
 *                         "error: MESSAGE", "fds: ...", "exists: true|false"
 * </pre>
 * Every mode that holds something ends when its standard input closes (the test JVM died).
 */
public final class FaultChild {
    private FaultChild() {
    }

    public static void main(String[] args) throws Exception {
        Thread watcher = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // keep reading until the parent goes away
                }
            } catch (IOException ignored) {
                // gone
            }
            Runtime.getRuntime().halt(0);
        }, "stdin-watcher");
        watcher.setDaemon(true);
        watcher.start();
        switch (args[0]) {
            case "hold-lock" -> {
                JvmRing ring = JvmRing.open(Path.of(args[1]), RingType.RINGBUF);
                say(JvmRingInternals.control(ring).lockReservation() ? "locked" : "not locked");
                hold();
            }
            case "claim-consumer" -> {
                JvmRing ring = JvmRing.open(Path.of(args[1]), RingType.RINGBUF);
                ring.reader();
                say("claimed");
                hold();
            }
            case "reserve-hang" -> {
                JvmRing ring = JvmRing.open(Path.of(args[1]), RingType.RINGBUF);
                say(ring.writer().reserve(8) >= 0 ? "reserved" : "no space");
                hold();
            }
            case "create" -> {
                JvmRing.create(Path.of(args[1]), RingType.RINGBUF, Long.parseLong(args[2])).close();
                say("created");
            }
            case "nofile" -> noFile(Path.of(args[1]));
            case "nofile-kernel" -> noFileKernel();
            case "address-space" -> addressSpace(Path.of(args[1]), Long.parseLong(args[2]));
            case "truncate-race" -> {
                warmUp();
                int[] outcome = truncateRace(Path.of(args[1]), Integer.parseInt(args[2]));
                say("typed: " + outcome[0] + " late: " + outcome[1] + " raw: " + outcome[2]);
            }
            default -> {
                System.err.println("unknown mode " + args[0]);
                System.exit(2);
            }
        }
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }

    private static void hold() throws InterruptedException {
        Thread.sleep(120_000); // bounded; the test ends us long before
        System.exit(4);
    }

    private static void noFile(Path ring) throws Exception {
        // Everything the attempts below need is loaded first: no class loading under the limit.
        JvmRing.open(ring).close();
        JvmRing.anonymous(RingType.RINGBUF, 4096).close();
        attempt(() -> JvmRing.open(Path.of("/nonexistent/ring")));
        int fdsBefore = fds();
        int mapsBefore = maps(ring);
        long[] old = Sys.getrlimit(Sys.RLIMIT_NOFILE);
        Sys.check(Sys.rawSetrlimit(Sys.RLIMIT_NOFILE, lowestFreeFd(), old[1]), "setrlimit NOFILE");
        try {
            attempt(() -> JvmRing.open(ring));
            attempt(() -> JvmRing.anonymous(RingType.RINGBUF, 4096));
            attempt(() -> JvmRing.create(ring.resolveSibling("new"), RingType.RINGBUF, 4096));
        } finally {
            Sys.check(Sys.rawSetrlimit(Sys.RLIMIT_NOFILE, old[0], old[1]), "setrlimit NOFILE back");
        }
        say("fds: " + fdsBefore + " " + fds());
        say("maps: " + mapsBefore + " " + maps(ring));
        JvmRing.open(ring).close(); // and it works again once descriptors are there
        say("reopened");
    }

    private static void noFileKernel() throws Exception {
        String refusal = BpfSupport.refusal();
        if (refusal != null) {
            say("skip: " + refusal);
            return;
        }
        try (BpfMap map = BpfMap.createRingbuf("fault_nofile", 4096)) {
            RingBuffer.create(map.fd(), (b, o, l) -> true).close(); // loads every class first
            attempt(() -> JvmRing.open(Path.of("/nonexistent/ring")));
            int fdsBefore = fds();
            long[] old = Sys.getrlimit(Sys.RLIMIT_NOFILE);
            for (int extra = 0; extra < 2; extra++) {
                // extra 0: the epoll set cannot be made; 1: the set is made, its eventfd cannot be
                Sys.check(Sys.rawSetrlimit(Sys.RLIMIT_NOFILE, lowestFreeFd() + extra, old[1]), "setrlimit");
                try {
                    attempt(() -> RingBuffer.create(map.fd(), (b, o, l) -> true));
                } finally {
                    Sys.check(Sys.rawSetrlimit(Sys.RLIMIT_NOFILE, old[0], old[1]), "setrlimit back");
                }
            }
            Sys.check(Sys.rawSetrlimit(Sys.RLIMIT_NOFILE, lowestFreeFd(), old[1]), "setrlimit");
            try {
                attempt(() -> BpfMap.openById(map.info().id())); // a second fd of the same map
            } finally {
                Sys.check(Sys.rawSetrlimit(Sys.RLIMIT_NOFILE, old[0], old[1]), "setrlimit back");
            }
            say("fds: " + fdsBefore + " " + fds());
        }
    }

    private static void addressSpace(Path ring, long size) throws Exception {
        JvmRing.anonymous(RingType.RINGBUF, 4096).close();
        attempt(() -> JvmRing.open(Path.of("/nonexistent/ring")));
        int fdsBefore = fds();
        long[] old = Sys.getrlimit(Sys.RLIMIT_AS);
        long now = vmSize();
        // Room for a little more than what runs now, not for the ring's two copies of its data.
        Sys.check(Sys.rawSetrlimit(Sys.RLIMIT_AS, now + size / 2, old[1]), "setrlimit AS");
        try {
            attempt(() -> JvmRing.create(ring, RingType.RINGBUF, size));
        } finally {
            Sys.check(Sys.rawSetrlimit(Sys.RLIMIT_AS, old[0], old[1]), "setrlimit AS back");
        }
        say("fds: " + fdsBefore + " " + fds());
        say("exists: " + Files.exists(ring));
        try (Stream<Path> files = Files.list(ring.getParent())) {
            say("files: " + files.count());
        }
    }

    /**
     * What a process has done before it meets a fault in practice: a few hundred thousand
     * records, waits and wakeups, so that the shared code (the atomics of {@code MappedAtomics})
     * runs compiled. The producers' own classes of the race are still new, and run interpreted.
     */
    private static void warmUp() throws Exception {
        try (JvmRing ring = JvmRing.anonymous(RingType.RINGBUF, 64 << 10)) {
            RingWriter producer = ring.writer();
            RingReader consumer = ring.reader();
            java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
            Thread waiter = new Thread(() -> {
                while (!done.get()) {
                    consumer.poll((b, o, l) -> true, java.time.Duration.ofMillis(100));
                }
            });
            waiter.start();
            for (int i = 0; i < 300_000 && waiter.isAlive(); i++) {
                long off = producer.reserve(40, java.time.Duration.ofSeconds(10));
                if (off >= 0) {
                    producer.submit(off);
                }
            }
            done.set(true);
            consumer.wakeUp();
            waiter.join(30_000);
            JvmRingInternals.control(ring).claimProducer();
            JvmRingInternals.control(ring).releaseProducer();
        }
    }

    /**
     * Rounds of two producers and a consumer running flat out while another process truncates
     * the ring file (to 0, or to its first page every other round).
     *
     * @return {threads that ended with ErrnoException, threads whose fault the JVM reported in
     *         this class's own frame after the library's call had returned (the limit documented
     *         in RELIABILITY.md), threads that ended otherwise}
     */
    static int[] truncateRace(Path dir, int rounds) throws Exception {
        int typed = 0;
        int late = 0;
        int raw = 0;
        for (int round = 0; round < rounds; round++) {
            Path file = dir.resolve("race-" + round);
            JvmRing ring = JvmRing.create(file, RingType.RINGBUF, 64 << 10);
            RingWriter producer = ring.writer();
            RingReader consumer = ring.reader();
            java.util.concurrent.CountDownLatch running = new java.util.concurrent.CountDownLatch(3);
            java.util.concurrent.Callable<Throwable> produce = () -> {
                running.countDown();
                try {
                    for (;;) {
                        long off = producer.reserve(40, java.time.Duration.ofSeconds(10));
                        if (off >= 0) {
                            producer.submit(off);
                        }
                    }
                } catch (Throwable t) {
                    return t;
                }
            };
            java.util.concurrent.Callable<Throwable> consume = () -> {
                running.countDown();
                try {
                    for (;;) {
                        consumer.poll((b, o, l) -> true, java.time.Duration.ofSeconds(10));
                    }
                } catch (Throwable t) {
                    return t;
                }
            };
            java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(3);
            try {
                List<java.util.concurrent.Future<Throwable>> ends = List.of(threads.submit(produce),
                        threads.submit(produce), threads.submit(consume));
                running.await();
                Process truncate = new ProcessBuilder("truncate", "-s", round % 2 == 0 ? "0" : "4096",
                        file.toString()).start();
                if (!truncate.waitFor(30, java.util.concurrent.TimeUnit.SECONDS) || truncate.exitValue() != 0) {
                    throw new IllegalStateException("truncate failed");
                }
                for (java.util.concurrent.Future<Throwable> end : ends) {
                    Throwable t = end.get(30, java.util.concurrent.TimeUnit.SECONDS);
                    if (t instanceof ErrnoException e && e.errno() == io.jringbuf.base.Errno.EFAULT) {
                        typed++;
                    } else if (reportedInTheCallersFrame(t)) {
                        late++;
                    } else {
                        raw++;
                        t.printStackTrace();
                    }
                }
            } finally {
                threads.shutdownNow();
                ring.close();
                Files.deleteIfExists(file);
            }
        }
        return new int[] {typed, late, raw};
    }

    /**
     * Whether {@code t} is the JVM's report of a mapping fault raised in this class's own code: in
     * compiled code the report comes at the next safepoint poll after the faulting access, which
     * can be after the library's method returned, out of its reach.
     */
    private static boolean reportedInTheCallersFrame(Throwable t) {
        StackTraceElement[] frames = t.getStackTrace();
        return t instanceof InternalError && t.getMessage() != null
                && t.getMessage().startsWith("a fault occurred in ") && frames.length > 0
                && frames[0].getClassName().startsWith(FaultChild.class.getName());
    }

    private interface Attempt {
        Object run();
    }

    private static void attempt(Attempt a) {
        try {
            Object made = a.run();
            say("made: " + made);
        } catch (ErrnoException e) {
            say("error: " + e.getMessage());
        }
    }

    private static int fds() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return (int) s.count() - 1; // the listing's own descriptor
        }
    }

    /** @return the number the next descriptor gets: the lowest free one (open, note, close) */
    private static int lowestFreeFd() {
        int fd = (int) Sys.check(Sys.rawOpen("/dev/null", Sys.O_RDONLY | Sys.O_CLOEXEC, 0), "open /dev/null");
        Sys.rawClose(fd);
        return fd;
    }

    private static int maps(Path ring) throws IOException {
        String p = ring.toString();
        return (int) Files.readAllLines(Path.of("/proc/self/maps")).stream().filter(l -> l.contains(p)).count();
    }

    private static long vmSize() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmSize:")) {
                return Long.parseLong(line.substring(7).trim().split("\\s+")[0]) * 1024;
            }
        }
        throw new IllegalStateException("no VmSize");
    }
}
