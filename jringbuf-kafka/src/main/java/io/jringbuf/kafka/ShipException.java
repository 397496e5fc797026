/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.kafka;

/**
 * A record could not be shipped: Kafka refused or did not acknowledge its send within the
 * producer's limits ({@code max.block.ms}, {@code delivery.timeout.ms}), or the record does not fit
 * the shipper's settings (too short for the key bytes). The ring's consumer position stays before
 * that record: nothing from it on was committed, so a restarted shipper sends it again.
 *
 * <p>The cause is Kafka's own exception where there is one ({@code TimeoutException},
 * {@code TopicAuthorizationException}, {@code RecordTooLargeException}, ...).
 */
public final class ShipException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient long committedPosition;

    /**
     * @param message what was attempted and what failed
     * @param committedPosition the ring position the consumer position stays at
     * @param cause Kafka's exception, or null
     */
    ShipException(String message, long committedPosition, Throwable cause) {
        super(message, cause);
        this.committedPosition = committedPosition;
    }

    /**
     * {@return the ring position committed when shipping stopped: the first record not shipped
     * starts there or later}
     */
    public long committedPosition() {
        return committedPosition;
    }
}
