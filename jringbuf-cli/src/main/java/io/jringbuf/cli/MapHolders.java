/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.cli;

import io.jringbuf.base.RingType;
import io.jringbuf.bpf.BpfMap;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Which other processes hold a kernel map open: every {@code /proc/PID/fd/N} that is a BPF map
 * ({@code anon_inode:bpf-map}) whose {@code /proc/PID/fdinfo/N} says {@code map_id: ID}. Processes
 * that exit during the walk and those this process may not look into are skipped. A consuming
 * {@code cat} (or {@code run}) warns with it: two consumers of one RINGBUF split its records.
 */
final class MapHolders {
    private MapHolders() {
    }

    /** A process holding the map: its pid and command name ({@code /proc/PID/comm}). */
    record Holder(long pid, String comm) {
        @Override
        public String toString() {
            return pid + " (" + comm + ")";
        }
    }

    /**
     * @param mapId a map id
     * @return the processes other than this one that hold an fd of the map, by pid
     */
    static List<Holder> of(int mapId) {
        long self = ProcessHandle.current().pid();
        List<Holder> holders = new ArrayList<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> isNumber(p.getFileName()))) {
            for (Path proc : procs) {
                long pid = Long.parseLong(proc.getFileName().toString());
                if (pid != self && holds(proc, mapId)) {
                    holders.add(new Holder(pid, comm(proc)));
                }
            }
        } catch (IOException | RuntimeException e) {
            // /proc unreadable as a whole: no warning rather than a failing command
        }
        holders.sort((a, b) -> Long.compare(a.pid(), b.pid()));
        return holders;
    }

    private static boolean holds(Path proc, int mapId) {
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(proc.resolve("fd"))) {
            for (Path fd : fds) {
                try {
                    if (!Files.readSymbolicLink(fd).toString().equals("anon_inode:bpf-map")) {
                        continue;
                    }
                    for (String line : Files.readAllLines(proc.resolve("fdinfo").resolve(fd.getFileName()))) {
                        if (line.startsWith("map_id:") && line.substring(7).strip().equals(Integer.toString(mapId))) {
                            return true;
                        }
                    }
                } catch (IOException | RuntimeException closedOrDenied) {
                    // the fd was closed meanwhile, or we may not read it: next
                }
            }
        } catch (IOException | RuntimeException goneOrDenied) {
            // the process exited, or its fds are not ours to see
        }
        return false;
    }

    private static String comm(Path proc) {
        try {
            return Files.readString(proc.resolve("comm")).strip();
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    private static boolean isNumber(Path name) {
        String s = name.toString();
        return !s.isEmpty() && s.chars().allMatch(Character::isDigit);
    }

    /** The warning's text, or null if no other process holds the map. */
    static String warning(String command, int mapId, List<Holder> holders) {
        if (holders.isEmpty()) {
            return null;
        }
        return command + ": warning: map " + mapId + " is also open in process"
                + (holders.size() == 1 ? " " : "es ")
                + holders.stream().map(Holder::toString).collect(Collectors.joining(", "))
                + ": if one of them consumes it, each record goes to only one reader; use --peek to look without taking";
    }

    /**
     * Warns once on stderr if the target is a kernel RINGBUF that other processes hold open.
     * For {@code cat} and {@code run} before they consume.
     *
     * @param command the command's name for the message ({@code "jringbuf cat"})
     */
    static void warnIfShared(CliIo io, String command, Target target) {
        if (target instanceof KernelTarget k && k.type() == RingType.RINGBUF) {
            warnIfShared(io, command, k.map());
        }
    }

    /**
     * Warns once on stderr if other processes hold the map open ({@code run}: an object's map
     * pinned by name may be one that another process already reads).
     */
    static void warnIfShared(CliIo io, String command, BpfMap map) {
        int id = map.info().id();
        String w = warning(command, id, of(id));
        if (w != null) {
            io.err().println(w);
            io.err().flush();
        }
    }
}
