/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.cli;

import io.jringbuf.RingPeeker;
import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.base.RingType;
import io.jringbuf.bpf.BpfMap;
import io.jringbuf.bpf.MapType;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/** {@code jringbuf top}: every ring file in some directories and every kernel ring map, by backlog. */
@Command(name = "top", mixinStandardHelpOptions = true,
        description = {"Watch every ring: the ring files in each --dir (default /dev/shm; files that are not ring "
                + "files by their header are skipped silently, unreadable ones with one line on stderr) and every "
                + "RINGBUF and USER_RINGBUF kernel map visible to the process (map ids), one row each, sorted by "
                + "backlog, largest first. The rings are only read: no side is taken, kernel maps are mapped "
                + "read-only, and only while they are sampled (top never keeps a map alive).",
                "Columns as in 'stat --watch': on a terminal a table redrawn in place, otherwise one logfmt line per "
                        + "ring and an empty line after each interval's block. Records of ring files are counted "
                        + "every 50 ms, of kernel maps at each sample; if the producers lapped the ring in between, "
                        + "records are estimated from the bytes and the mean record size seen, marked '~'. Runs until SIGINT/SIGTERM (exit 0) or --count samples."})
final class TopCommand implements Callable<Integer> {
    private final CliIo io;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--dir", paramLabel = "DIR", description = "A directory of ring files (repeatable; default /dev/shm).")
    List<Path> dirs;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "1s", converter = Durations.class,
            description = "Time between samples (default ${DEFAULT-VALUE}).")
    Duration interval;

    @Option(names = "--count", paramLabel = "N", description = "Stop after N samples.")
    Long count;

    @Option(names = "--no-maps", description = "Leave kernel maps out (ring files only).")
    boolean noMaps;

    private final Map<Path, RingSampler> files = new LinkedHashMap<>();
    /** The file each sampler opened (its inode): a ring file replaced under the same name is opened again. */
    private final Map<Path, Object> fileKeys = new HashMap<>();
    /** Files that are not rings (or could not be opened), with the version looked at (see {@link #fileVersion}). */
    private final Map<Path, Object> notRings = new HashMap<>();
    private final Map<Integer, MapState> maps = new HashMap<>();
    private final Set<Integer> notRingMaps = new HashSet<>();
    private boolean mapWalkRefused;

    TopCommand(CliIo io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        LiveLoop.check(spec, interval, count);
        List<Path> where = dirs == null ? List.of(Path.of("/dev/shm")) : dirs;
        for (Path d : where) {
            if (!Files.isDirectory(d)) {
                throw new CliException(CliException.RUNTIME, d + " is not a directory");
            }
        }
        try {
            String title = "jringbuf top: ring files in " + String.join(", ", where.stream().map(Path::toString).toList())
                    + (noMaps ? "" : " and kernel ring maps") + ", every " + Durations.format(interval)
                    + ", by backlog (Ctrl-C to stop)";
            LiveLoop.run(io, title, interval, count, true, this::tick, () -> sample(where));
        } finally {
            for (RingSampler s : files.values()) {
                s.close();
            }
        }
        return 0;
    }

    private void tick() {
        for (RingSampler s : files.values()) {
            s.tick();
        }
    }

    private List<RingSampler.Sample> sample(List<Path> where) {
        List<RingSampler.Sample> samples = new ArrayList<>();
        refreshFiles(where);
        for (RingSampler s : files.values()) {
            samples.add(s.sample());
        }
        if (!noMaps) {
            sampleMaps(samples);
        }
        samples.sort(Comparator.comparingLong(RingSampler.Sample::backlog).reversed()
                .thenComparing(RingSampler.Sample::ring));
        return samples;
    }

    /** Opens ring files that appeared, closes those removed. */
    private void refreshFiles(List<Path> where) {
        Set<Path> present = new HashSet<>();
        for (Path dir : where) {
            try (Stream<Path> list = Files.list(dir)) {
                list.filter(Files::isRegularFile).forEach(present::add);
            } catch (IOException e) {
                io.err().println("jringbuf top: cannot list " + dir + ": " + e.getMessage());
            }
        }
        for (Iterator<Map.Entry<Path, RingSampler>> it = files.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Path, RingSampler> e = it.next();
            if (!present.contains(e.getKey()) || !fileKeys.get(e.getKey()).equals(fileKey(e.getKey()))) {
                e.getValue().close();
                fileKeys.remove(e.getKey());
                it.remove();
            }
        }
        notRings.keySet().retainAll(present);
        for (Path p : present.stream().sorted().toList()) {
            // A file that was not a ring is looked at again once it changes (it may have been a
            // ring file being created).
            Object version = fileVersion(p);
            if (files.containsKey(p) || version.equals(notRings.get(p))) {
                continue;
            }
            try {
                Object key = fileKey(p);
                files.put(p, RingSampler.openFile(p));
                fileKeys.put(p, key);
            } catch (ErrnoException e) {
                if (e.errno() == Errno.ENOENT) {
                    continue; // removed since the listing
                }
                notRings.put(p, version);
                if (!isNotARingFile(e)) {
                    io.err().println("jringbuf top: skipped " + p + ": " + e.getMessage());
                }
            }
        }
        io.err().flush();
    }

    /** The file's identity (device and inode), or a fresh object (never equal) if it cannot be read. */
    private static Object fileKey(Path p) {
        try {
            Object key = Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
            return key != null ? key : new Object();
        } catch (IOException e) {
            return new Object();
        }
    }

    /** The file's identity, size and modification time: a fresh object (never equal) if they cannot be read. */
    private static Object fileVersion(Path p) {
        try {
            var a = Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class);
            return java.util.Arrays.asList(a.fileKey(), a.size(), a.lastModifiedTime());
        } catch (IOException e) {
            return new Object();
        }
    }

    /** Whether opening failed because the file is not a ring file at all (its header says so). */
    private static boolean isNotARingFile(ErrnoException e) {
        String m = e.getMessage();
        return e.errno() == Errno.EINVAL && (m.contains("not a jringbuf ring file") || m.contains("too short"));
    }

    /** What top keeps of a kernel map between samples: no fd, no mapping; the last producer position. */
    private static final class MapState {
        long producerPos;
        long nanos;
        final RecordSizes sizes = new RecordSizes();
    }

    private void sampleMaps(List<RingSampler.Sample> samples) {
        if (mapWalkRefused) {
            return;
        }
        List<Integer> ids;
        try {
            ids = BpfMap.ids();
        } catch (ErrnoException e) {
            mapWalkRefused = true;
            io.err().println("jringbuf top: kernel maps left out: " + e.getMessage());
            io.err().flush();
            return;
        }
        maps.keySet().retainAll(ids);
        notRingMaps.retainAll(ids);
        for (int id : ids) {
            if (notRingMaps.contains(id)) {
                continue;
            }
            try (BpfMap map = BpfMap.openById(id)) {
                int type = map.info().type();
                if (type != MapType.RINGBUF.number() && type != MapType.USER_RINGBUF.number()) {
                    notRingMaps.add(id);
                    continue;
                }
                samples.add(sampleMap(id, map));
            } catch (ErrnoException e) {
                if (e.errno() != Errno.ENOENT) { // ENOENT: gone since the walk
                    notRingMaps.add(id);
                    io.err().println("jringbuf top: skipped map id " + id + ": " + e.getMessage());
                    io.err().flush();
                }
            }
        }
    }

    private RingSampler.Sample sampleMap(int id, BpfMap map) {
        long lost = -1;
        if (map.info().type() == MapType.RINGBUF.number()) {
            try (BpfMap counter = map.findLostCounter().orElse(null)) {
                lost = counter == null ? -1 : counter.sumPerCpuLong(0);
            }
        }
        try (RingPeeker peeker = RingPeeker.open(map)) {
            long now = System.nanoTime();
            long cons = peeker.consumerPosition();
            long start = peeker.readPosition(); // an overwrite map's backlog starts at overwrite_pos
            long prod = peeker.producerPosition();
            MapState last = maps.get(id);
            long records = -1;
            boolean estimated = false;
            long bytes = -1;
            double seconds = 0;
            if (last != null && prod < last.producerPos) {
                last = null; // positions went back: another map under a reused id
            }
            if (last != null) {
                bytes = prod - last.producerPos;
                seconds = (now - last.nanos) / 1e9;
                records = peeker.recordsBetween(last.producerPos, prod);
                last.sizes.add(records, bytes);
                last.sizes.look(peeker);
                if (records < 0) {
                    records = last.sizes.estimate(bytes);
                    estimated = records >= 0;
                } else {
                    last.sizes.estimate(0);
                }
            } else {
                last = new MapState();
                last.sizes.look(peeker);
                maps.put(id, last);
            }
            last.producerPos = prod;
            last.nanos = now;
            return new RingSampler.Sample(Instant.now(), "map " + map.info().name() + " (id " + id + ")",
                    map.info().type() == MapType.RINGBUF.number() ? RingType.RINGBUF : RingType.USER_RINGBUF,
                    peeker.size(), cons, start, prod, records, estimated, bytes, seconds, lost, -1);
        }
    }
}
