/* rtnl-probe: BPF side.
 *
 * One program runs on every hit of a hardware write watchpoint set on the
 * owner word of the kernel's rtnl_mutex (one perf breakpoint per CPU).  The
 * watchpoint traps right after the writing instruction, on the CPU and in
 * the task that wrote.  If the owner word now names the current task and
 * the current task did not already hold the mutex, the mutex was just
 * acquired: count it for the current process and, if asked, spin while the
 * mutex is held to make every holder hold it longer.
 *
 * Where no hardware watchpoint fires, another program can stand in for the
 * delay: it runs on the notifier_run tracepoint for the rtnetlink
 * notifier block, that is once per event of the netdev notifier chain,
 * which the kernel always calls with RTNL held.  It counts and delays
 * netdev events rather than acquisitions: only the holders that change
 * a device hold RTNL longer, requests that only read do not.
 *
 * A second program only copies kernel memory for the loader; it is run with
 * BPF_PROG_TEST_RUN and never attached.
 */

#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#include "rtnl-probe.h"

/* The few task_struct fields used, relocated against the running kernel's
 * BTF at load time (CO-RE), so no vmlinux.h is needed. */
struct task_struct {
    struct task_struct *group_leader;
    char comm[16];
} __attribute__((preserve_access_index));

/* Settings, written by the loader through the mmapped .bss. */
volatile __u64 owner_addr;      /* address of rtnl_mutex.owner */
volatile __u64 netdev_cb;       /* address of the rtnetlink notifier */
volatile __u64 delay_ns;        /* spin this long after each acquisition */
volatile __u64 deadline_ns;     /* CLOCK_MONOTONIC; 0 = do nothing */
volatile __u32 delay_filter;    /* nonzero: only delay processes named ... */
char delay_comm[RP_COMM_LEN];   /* ... this */

/* The task that we last saw acquire the mutex (task_struct pointer). */
__u64 holder;

/* For the loader's memory reads. */
volatile __u64 read_addr;
volatile __s64 read_ret;
__u8 read_buf[RP_READ_LEN];

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct rp_stats);
} stats SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, RP_MAX_PROCS);
    __type(key, struct rp_key);
    __type(value, __u64);
} procs SEC(".maps");

struct spin_ctx {
    __u64 until;
};

static long
spin_step(__u64 index, void *ctx_)
{
    struct spin_ctx *ctx = ctx_;

    (void) index;
    return bpf_ktime_get_ns() >= ctx->until;
}

static int
same_comm(const char *a, const char *b)
{
    for (int i = 0; i < RP_COMM_LEN; i++) {
        if (a[i] != b[i]) {
            return 0;
        }
        if (!a[i]) {
            break;
        }
    }
    return 1;
}

/* Counts an acquisition (or netdev event) of the current task for its
 * process and, if asked, spins with RTNL held. */
static __always_inline void
count_and_delay(struct rp_stats *st)
{
    st->acquisitions++;

    struct task_struct *task = (struct task_struct *) bpf_get_current_task();
    struct task_struct *leader = BPF_CORE_READ(task, group_leader);
    struct rp_key key = { .tgid = bpf_get_current_pid_tgid() >> 32 };
    __u64 one = 1, *count;

    if (leader) {
        BPF_CORE_READ_STR_INTO(&key.comm, leader, comm);
    } else {
        bpf_get_current_comm(&key.comm, sizeof key.comm);
    }
    count = bpf_map_lookup_elem(&procs, &key);
    if (count) {
        __sync_fetch_and_add(count, 1);
    } else if (bpf_map_update_elem(&procs, &key, &one, BPF_NOEXIST)) {
        /* Full, or another CPU inserted it just now. */
        count = bpf_map_lookup_elem(&procs, &key);
        if (count) {
            __sync_fetch_and_add(count, 1);
        } else {
            st->dropped++;
        }
    }

    __u64 d = delay_ns;
    if (!d) {
        return;
    }
    if (d > RP_MAX_DELAY_US * 1000ULL) {
        d = RP_MAX_DELAY_US * 1000ULL;
    }
    if (delay_filter) {
        if (!same_comm(key.comm, delay_comm)) {
            return;
        }
    }

    /* Spin while the mutex is held (with interrupts off under the
     * watchpoint, preemption off under the tracepoint). */
    __u64 start = bpf_ktime_get_ns();
    struct spin_ctx sc = { .until = start + d };
    bpf_loop(RP_MAX_SPIN_STEPS, spin_step, &sc, 0);
    st->delayed++;
    st->delay_ns += bpf_ktime_get_ns() - start;
}

SEC("perf_event")
int
rp_on_owner_write(void *ctx)
{
    __u64 now = bpf_ktime_get_ns();
    __u64 deadline = deadline_ns;
    __u32 zero = 0;
    struct rp_stats *st;
    __u64 owner, cur;

    (void) ctx;
    st = bpf_map_lookup_elem(&stats, &zero);
    if (!st) {
        return 0;
    }
    st->traps++;
    if (!deadline || now > deadline) {
        return 0;
    }
    if (bpf_probe_read_kernel(&owner, sizeof owner, (void *) owner_addr)) {
        st->read_errors++;
        return 0;
    }

    cur = bpf_get_current_task();
    if ((owner & ~RP_MUTEX_FLAGS) != cur) {
        /* A release, a hand-off to another task, a waiter setting a flag or
         * a failed attempt.  If it was our release, forget us as holder. */
        __sync_val_compare_and_swap(&holder, cur, 0);
        return 0;
    }
    if (__sync_lock_test_and_set(&holder, cur) == cur) {
        /* We hold it already: e.g. a failed unlock fast path, which writes
         * the unchanged owner back. */
        return 0;
    }

    /* An acquisition by the current task. */
    count_and_delay(st);
    return 0;
}

/* The notifier_run tracepoint's record: 8 bytes of fields common to all
 * tracepoints, then the notifier function about to be called. */
struct notifier_run_args {
    __u64 common;
    __u64 cb;
};

SEC("tracepoint/notifier/notifier_run")
int
rp_on_notifier_run(struct notifier_run_args *ctx)
{
    __u64 deadline = deadline_ns;
    __u32 zero = 0;
    struct rp_stats *st;

    if (ctx->cb != netdev_cb) {
        return 0;
    }
    st = bpf_map_lookup_elem(&stats, &zero);
    if (!st) {
        return 0;
    }
    st->traps++;
    if (!deadline || bpf_ktime_get_ns() > deadline) {
        return 0;
    }
    count_and_delay(st);
    return 0;
}

/* Copies RP_READ_LEN bytes of kernel memory at read_addr into read_buf. */
SEC("raw_tp")
int
rp_read_kernel(void *ctx)
{
    (void) ctx;
    read_ret = bpf_probe_read_kernel(read_buf, sizeof read_buf,
                                     (void *) read_addr);
    return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
