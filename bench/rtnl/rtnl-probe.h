/* Definitions shared by rtnl-probe's BPF programs and its loader. */
#ifndef RTNL_PROBE_H
#define RTNL_PROBE_H 1

#define RP_COMM_LEN 16
#define RP_READ_LEN 64          /* bytes per kernel memory read */
#define RP_MAX_PROCS 16384      /* distinct processes counted */
#define RP_MAX_DELAY_US 1000    /* hard cap of the injected delay */
#define RP_MAX_SPIN_STEPS (1 << 20)
#define RP_MUTEX_FLAGS 0x7ULL   /* low bits of mutex.owner */

struct rp_stats {
    __u64 traps;            /* watchpoint hits seen */
    __u64 acquisitions;     /* of those, acquisitions */
    __u64 delayed;          /* acquisitions that were delayed */
    __u64 delay_ns;         /* total time spent spinning */
    __u64 dropped;          /* acquisitions not in 'procs' (map full) */
    __u64 read_errors;      /* owner word could not be read */
};

/* Acquisitions are counted per process and name: a process that execs
 * another program is counted again under its new name. */
struct rp_key {
    __u32 tgid;
    char comm[RP_COMM_LEN]; /* the thread group leader's name */
};

#endif /* RTNL_PROBE_H */
