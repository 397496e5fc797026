/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
/**
 * Waiting and waking: the {@link io.jringbuf.internal.wait.Waiter} and
 * {@link io.jringbuf.internal.wait.Notifier} seams the roles use, the one wait loop
 * ({@link io.jringbuf.internal.wait.Blocking}), epoll sets for kernel ring fds, futex event
 * counts in shared memory for JVM rings, and {@code futex_waitv} for several of them. Not
 * exported.
 */
package io.jringbuf.internal.wait;
