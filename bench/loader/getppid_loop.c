// Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
// The feeder of the JSON-output benchmark: calls getppid() until killed (feed.bpf.c turns each
// call into 32 records while the ring has room).
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
    for (;;)
        syscall(SYS_getppid);
}
