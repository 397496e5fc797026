/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.base;

/** The two ring formats, named after their kernel map types. */
public enum RingType {
    /** {@code BPF_MAP_TYPE_RINGBUF}: many producers, one consumer; never fills completely. */
    RINGBUF(27),
    /** {@code BPF_MAP_TYPE_USER_RINGBUF}: one producer, one drainer; may fill completely. */
    USER_RINGBUF(31);

    private final int mapType;

    RingType(int mapType) {
        this.mapType = mapType;
    }

    /** {@return the kernel's map type number (27 or 31)} */
    public int mapType() {
        return mapType;
    }

    /**
     * The ring type of a kernel map type number.
     *
     * @param mapType a kernel map type number
     * @return the ring type
     * @throws ErrnoException EINVAL if the number is not a ring map type
     */
    public static RingType ofMapType(int mapType) {
        RingType type = ofMapTypeOrNull(mapType);
        if (type == null) {
            throw new ErrnoException(Errno.EINVAL, "map type " + mapType + " is not a ring buffer type");
        }
        return type;
    }

    /**
     * The ring type of a kernel map type number, if it is one.
     *
     * @param mapType a kernel map type number
     * @return the ring type, or null if the number is not a ring map type
     */
    public static RingType ofMapTypeOrNull(int mapType) {
        for (RingType t : values()) {
            if (t.mapType == mapType) {
                return t;
            }
        }
        return null;
    }
}
