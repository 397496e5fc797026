/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.base;

/**
 * Linux errno numbers (x86-64 / generic ABI) and their symbolic names.
 *
 * <p>Only the numbers this library produces or documents get a constant; {@link #name(int)} knows
 * every errno of {@code asm-generic/errno.h} plus the kernel-internal {@code ENOTSUPP} (524), which
 * {@code bpf()} leaks to user space for unsupported map operations and test runs.
 */
public final class Errno {
    private Errno() {
    }

    /** Operation not permitted. */
    public static final int EPERM = 1;
    /** No such file or directory. */
    public static final int ENOENT = 2;
    /** No such process. */
    public static final int ESRCH = 3;
    /** Interrupted system call. */
    public static final int EINTR = 4;
    /** I/O error. */
    public static final int EIO = 5;
    /** Argument list too long; for rings: a record that can never fit. */
    public static final int E2BIG = 7;
    /** Exec format error; for BPF objects: a malformed or unsupported ELF/BTF file. */
    public static final int ENOEXEC = 8;
    /** Bad file descriptor. */
    public static final int EBADF = 9;
    /** Try again. */
    public static final int EAGAIN = 11;
    /** Out of memory. */
    public static final int ENOMEM = 12;
    /** Permission denied. */
    public static final int EACCES = 13;
    /** Bad address. */
    public static final int EFAULT = 14;
    /** Device or resource busy; for rings: another drain is running. */
    public static final int EBUSY = 16;
    /** File exists. */
    public static final int EEXIST = 17;
    /** Invalid argument; for rings: a corrupt position or header. */
    public static final int EINVAL = 22;
    /** Too many open files (the process's RLIMIT_NOFILE). */
    public static final int EMFILE = 24;
    /** No space left; for rings: temporarily full. */
    public static final int ENOSPC = 28;
    /** Math result not representable. */
    public static final int ERANGE = 34;
    /** Function not implemented. */
    public static final int ENOSYS = 38;
    /** No data available. */
    public static final int ENODATA = 61;
    /** Operation not supported. */
    public static final int EOPNOTSUPP = 95;
    /** Connection timed out; used for bounded waits that expired. */
    public static final int ETIMEDOUT = 110;
    /** Disk quota exceeded. */
    public static final int EDQUOT = 122;
    /** Kernel-internal "operation not supported", seen from {@code bpf()}. */
    public static final int ENOTSUPP = 524;

    private static final String[] NAMES = {
        null, "EPERM", "ENOENT", "ESRCH", "EINTR", "EIO", "ENXIO", "E2BIG", "ENOEXEC", "EBADF",
        "ECHILD", "EAGAIN", "ENOMEM", "EACCES", "EFAULT", "ENOTBLK", "EBUSY", "EEXIST", "EXDEV",
        "ENODEV", "ENOTDIR", "EISDIR", "EINVAL", "ENFILE", "EMFILE", "ENOTTY", "ETXTBSY", "EFBIG",
        "ENOSPC", "ESPIPE", "EROFS", "EMLINK", "EPIPE", "EDOM", "ERANGE", "EDEADLK", "ENAMETOOLONG",
        "ENOLCK", "ENOSYS", "ENOTEMPTY", "ELOOP", null, "ENOMSG", "EIDRM", "ECHRNG", "EL2NSYNC",
        "EL3HLT", "EL3RST", "ELNRNG", "EUNATCH", "ENOCSI", "EL2HLT", "EBADE", "EBADR", "EXFULL",
        "ENOANO", "EBADRQC", "EBADSLT", null, "EBFONT", "ENOSTR", "ENODATA", "ETIME", "ENOSR",
        "ENONET", "ENOPKG", "EREMOTE", "ENOLINK", "EADV", "ESRMNT", "ECOMM", "EPROTO", "EMULTIHOP",
        "EDOTDOT", "EBADMSG", "EOVERFLOW", "ENOTUNIQ", "EBADFD", "EREMCHG", "ELIBACC", "ELIBBAD",
        "ELIBSCN", "ELIBMAX", "ELIBEXEC", "EILSEQ", "ERESTART", "ESTRPIPE", "EUSERS", "ENOTSOCK",
        "EDESTADDRREQ", "EMSGSIZE", "EPROTOTYPE", "ENOPROTOOPT", "EPROTONOSUPPORT",
        "ESOCKTNOSUPPORT", "EOPNOTSUPP", "EPFNOSUPPORT", "EAFNOSUPPORT", "EADDRINUSE",
        "EADDRNOTAVAIL", "ENETDOWN", "ENETUNREACH", "ENETRESET", "ECONNABORTED", "ECONNRESET",
        "ENOBUFS", "EISCONN", "ENOTCONN", "ESHUTDOWN", "ETOOMANYREFS", "ETIMEDOUT", "ECONNREFUSED",
        "EHOSTDOWN", "EHOSTUNREACH", "EALREADY", "EINPROGRESS", "ESTALE", "EUCLEAN", "ENOTNAM",
        "ENAVAIL", "EISNAM", "EREMOTEIO", "EDQUOT", "ENOMEDIUM", "EMEDIUMTYPE", "ECANCELED",
        "ENOKEY", "EKEYEXPIRED", "EKEYREVOKED", "EKEYREJECTED", "EOWNERDEAD", "ENOTRECOVERABLE",
        "ERFKILL", "EHWPOISON",
    };

    /**
     * The symbolic name of an errno number, for example {@code "ENOSPC"} for 28. A negative
     * number is read as a negated errno (the kernel's convention).
     *
     * @param errno the errno number, positive or negated
     * @return the name, or {@code "errno <n>"} for a number without a known name
     */
    public static String name(int errno) {
        int e = Math.abs(errno);
        if (e < NAMES.length && NAMES[e] != null) {
            return NAMES[e];
        }
        return switch (e) {
            case 512 -> "ERESTARTSYS";
            case 513 -> "ERESTARTNOINTR";
            case 514 -> "ERESTARTNOHAND";
            case 515 -> "ENOIOCTLCMD";
            case 516 -> "ERESTART_RESTARTBLOCK";
            case 524 -> "ENOTSUPP";
            default -> "errno " + e;
        };
    }
}
