/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
/**
 * Every system call the library makes, bound through the Foreign Function &amp; Memory API with
 * errno captured per call ({@link io.jringbuf.internal.sys.Sys}). The leaf of the library's
 * layers. Not exported.
 */
package io.jringbuf.internal.sys;
