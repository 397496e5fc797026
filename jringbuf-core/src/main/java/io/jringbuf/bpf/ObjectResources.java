/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a {@link BpfObject} holds in the kernel and in memory: BTF, maps and programs in creation
 * order, links, and the global-data mappings; released in reverse order.
 */
final class ObjectResources {
    private final List<AutoCloseable> owned = new ArrayList<>();
    private final List<BpfLink> links = new ArrayList<>();
    private final Map<String, MemorySegment> mapped = new HashMap<>();
    private final Arena mappings = Arena.ofShared();

    /** Takes a BTF handle, map or program; closed in reverse order of adding. */
    synchronized <T extends AutoCloseable> T own(T resource) {
        owned.add(resource);
        return resource;
    }

    synchronized void ownLink(BpfLink link) {
        links.add(link);
    }

    /** {@return the arena that unmaps the global data sections when released} */
    Arena mappings() {
        return mappings;
    }

    void mapped(String section, MemorySegment segment) {
        mapped.put(section, segment);
    }

    /** {@return the mapping of a global data section (published by the object's volatile state)} */
    MemorySegment mapping(String section) {
        return mapped.get(section);
    }

    /**
     * Closes links, then unmaps, then programs, maps and BTF in reverse order of creation.
     *
     * @param primary an exception to attach close failures to, or null to ignore them
     */
    synchronized void release(Throwable primary) {
        for (int i = links.size() - 1; i >= 0; i--) {
            closeQuietly(links.get(i), primary);
        }
        links.clear();
        mappings.close(); // unmaps the global data sections
        mapped.clear();
        List<AutoCloseable> rest = new ArrayList<>(owned);
        Collections.reverse(rest);
        owned.clear();
        for (AutoCloseable c : rest) {
            closeQuietly(c, primary);
        }
    }

    private static void closeQuietly(AutoCloseable c, Throwable primary) {
        try {
            c.close();
        } catch (Exception e) {
            if (primary != null) {
                primary.addSuppressed(e);
            }
        }
    }
}
