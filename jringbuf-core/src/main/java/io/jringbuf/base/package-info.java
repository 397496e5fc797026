/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
/**
 * The types every part of jringbuf shares, at the bottom of its layers: the
 * {@link io.jringbuf.base.RecordHandler} that receives records zero-copy, the two
 * {@link io.jringbuf.base.RingType}s, and the {@link io.jringbuf.base.ErrnoException} every
 * failure is (with {@link io.jringbuf.base.Errno}'s names). Nothing here depends on anything else
 * in the library.
 */
package io.jringbuf.base;
