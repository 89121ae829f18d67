/* faultvfs: a fault-injecting SQLite VFS for test builds only (never linked into
 * build/state-server). It wraps the default VFS, forwards every call, counts the
 * xWrite, xSync and xTruncate calls made to every file the process opens (main
 * database, WAL, journals, temporary files) and, as configured, fails one of them
 * or simulates a power cut.
 *
 * Linked into a program, a constructor installs it as the default VFS and reads
 * its configuration once from the environment:
 *
 *   STATE_SERVER_FAULT=count        count only (the totals go to stderr at exit)
 *   STATE_SERVER_FAULT=write:N      the Nth xWrite fails with SQLITE_IOERR_WRITE;
 *                                   the calls before and after it succeed
 *   STATE_SERVER_FAULT=write:N+     every xWrite from the Nth on fails (a full disk)
 *   STATE_SERVER_FAULT=sync:N[+]    likewise xSync, with SQLITE_IOERR_FSYNC
 *   STATE_SERVER_FAULT=truncate:N[+] likewise xTruncate, with SQLITE_IOERR_TRUNCATE
 *   STATE_SERVER_FAULT=powercut     writes to the main database, its journal and
 *                                   its WAL stay in memory until that file's xSync;
 *                                   reads see them. A SIGKILL then loses exactly
 *                                   what a power cut would: every unsynced write.
 *   STATE_SERVER_FAULT=powercut:K   the same, and the Kth xWrite-or-xSync (counted
 *                                   together) is not done: the process drops every
 *                                   pending write and exits at once with status 137.
 *   STATE_SERVER_FAULT_CACHE=P      every connection gets PRAGMA cache_size = P: a
 *                                   small P spills pages to the WAL inside a
 *                                   statement, so a fault can fail that statement
 *                                   and not only the COMMIT.
 *   STATE_SERVER_FAULT_REPORT=path  after every counted call, the file at path holds
 *                                   "writes syncs truncates faults" on one line, so a
 *                                   test can read the counts while the program runs.
 *
 * Counts start at 1 with the first call of the process. A closed file's pending
 * writes reach the real file (closing is not a power cut). */
#ifndef FAULTVFS_H
#define FAULTVFS_H

#include <stdint.h>

/** What the VFS has seen since it was installed or last reset. */
typedef struct {
    uint64_t writes;    /* xWrite calls */
    uint64_t syncs;     /* xSync calls */
    uint64_t truncates; /* xTruncate calls */
    uint64_t faults;    /* calls that were made to fail */
} faultvfs_counts_t;

/** Registers the VFS as the default one (done by the constructor; a second call does
 * nothing). Returns an SQLite result code. */
int faultvfs_install(void);

/** Sets the fault to inject, in the syntax of STATE_SERVER_FAULT ("" or NULL for none;
 * "powercut:K" exits the process, so unit tests use "powercut" and faultvfs_cut).
 * Does not reset the counts. Returns 0, or -1 for a spec it does not understand. */
int faultvfs_configure(const char *spec);

/** The counts so far. */
void faultvfs_counts(faultvfs_counts_t *out);

/** Zeroes the counts and ends a simulated cut (files opened afterwards work again). */
void faultvfs_reset(void);

/** Simulates a power cut in-process: every open file's unsynced writes are dropped,
 * and from now until faultvfs_reset every write, sync, truncate and delete fails, so
 * closing the connections afterwards cannot write anything either. Only meaningful
 * under "powercut". */
void faultvfs_cut(void);

#endif
