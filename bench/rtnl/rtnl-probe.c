/* rtnl-probe: counts acquisitions of the kernel's RTNL mutex per process
 * and can make every acquisition hold it longer.
 *
 * usage: see usage() below and README.
 *
 * How: rtnl_mutex is not in /proc/kallsyms on kernels without
 * CONFIG_KALLSYMS_ALL, so its address is taken from the machine code of
 * rtnl_lock() (and cross-checked with rtnl_trylock() and rtnl_is_locked()),
 * read with a BPF program run once through BPF_PROG_TEST_RUN.  The address
 * must lie in the kernel's data range and the memory there must look like
 * an idle struct mutex (layout from the kernel's BTF).  Then one hardware
 * write watchpoint per CPU (perf PERF_TYPE_BREAKPOINT) is set on the mutex's
 * owner word, with the BPF program of rtnl-probe.bpf.c attached.
 *
 * With --hook netdev-event, for machines whose watchpoints never fire (some
 * VMs), a tracepoint on the notifier chains stands in: it counts and
 * delays the events of the netdev notifier chain, which the kernel calls
 * with RTNL held, instead of the acquisitions.
 *
 * Safety: everything is held by file descriptors (nothing pinned), so the
 * watchpoints go away with the process however it ends; the BPF program
 * also stops acting on its own at a deadline slightly after the requested
 * duration; the injected delay is capped at RP_MAX_DELAY_US.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/ethtool.h>
#include <linux/hw_breakpoint.h>
#include <linux/perf_event.h>
#include <linux/sockios.h>
#include <net/if.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "rtnl-probe.h"
#include "rtnl-probe.skel.h"

#define EXIT_USAGE 2
#define EXIT_UNSUPPORTED 77     /* a capability is missing: skip */

#define DEFAULT_DURATION 10.0   /* seconds, without COMMAND */
#define DEFAULT_CMD_DURATION 600.0  /* seconds, with COMMAND */
#define MAX_DURATION 3600.0
#define DEADLINE_GRACE_NS 1000000000ULL /* BPF side stops 1 s after us */

static const char *prog_name = "rtnl-probe";
static bool verbose;

/* What is counted and delayed: acquisitions of rtnl_mutex, seen by a
 * watchpoint, or calls of the netdev notifier chain, seen by a
 * tracepoint. */
enum hook { HOOK_WATCHPOINT, HOOK_NETDEV_EVENT };
static enum hook hook = HOOK_WATCHPOINT;
static const char *const hook_names[] = {
    [HOOK_WATCHPOINT] = "watchpoint",
    [HOOK_NETDEV_EVENT] = "netdev-event",
};
static const char *const hook_units[] = {
    [HOOK_WATCHPOINT] = "acquisitions",
    [HOOK_NETDEV_EVENT] = "netdev events",
};

static void
msg(const char *fmt, ...)
{
    va_list args;

    fprintf(stderr, "%s: ", prog_name);
    va_start(args, fmt);
    vfprintf(stderr, fmt, args);
    va_end(args);
    fputc('\n', stderr);
}

static void __attribute__((noreturn))
die(int status, const char *fmt, ...)
{
    va_list args;

    fprintf(stderr, "%s: ", prog_name);
    va_start(args, fmt);
    vfprintf(stderr, fmt, args);
    va_end(args);
    fputc('\n', stderr);
    exit(status);
}

static void
usage(FILE *out)
{
    fprintf(out,
"usage: %s [OPTION]... [-- COMMAND [ARG]...]\n"
"Counts acquisitions of the kernel's RTNL mutex per process, optionally\n"
"delaying every acquisition, for a bounded time.\n"
"\n"
"  --hook H         watchpoint (default): count and delay acquisitions;\n"
"                   netdev-event: count and delay the calls of the netdev\n"
"                   notifier chain (device changes, made with RTNL held),\n"
"                   for machines whose watchpoints do not fire\n"
"  --duration S     stay armed at most S seconds (default %g, or %g with\n"
"                   COMMAND; at most %g); ends earlier on SIGINT/SIGTERM\n"
"                   or when COMMAND exits\n"
"  --delay-us D     spin D microseconds (0-%d) after each acquisition (or\n"
"                   netdev event), with RTNL held (default 0)\n"
"  --delay-comm N   delay only acquisitions of processes named N\n"
"  --interval S     print a progress line to stderr every S seconds\n"
"  --json           print the result as one JSON object\n"
"  --output FILE    write the result to FILE instead of stdout\n"
"  --check          find and check rtnl_mutex, print its address, exit\n"
"  --verbose        say more (addresses, machine code, libbpf messages)\n"
"  --help           this text\n"
"\n"
"Result: lines \"PID COMM ACQUISITIONS\" by decreasing count, after\n"
"'#' summary lines.  Exit status: COMMAND's status (128+N if killed by\n"
"signal N), else 0; 1 on error, 2 on usage error, 77 when a capability\n"
"is missing (not root, no BPF, no hardware breakpoints).\n",
            prog_name, DEFAULT_DURATION, DEFAULT_CMD_DURATION, MAX_DURATION,
            RP_MAX_DELAY_US);
}

static uint64_t
now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int
libbpf_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
    if (level == LIBBPF_DEBUG || (!verbose && level == LIBBPF_INFO)) {
        return 0;
    }
    return vfprintf(stderr, fmt, args);
}

/* ---- Kernel symbols. ---- */

enum {
    SYM_RTNL_LOCK, SYM_RTNL_TRYLOCK, SYM_RTNL_IS_LOCKED,
    SYM_ETEXT, SYM_SDATA, SYM_EDATA, SYM_BSS_START, SYM_BSS_STOP,
    SYM_INIT_STACK, SYM_INIT_BEGIN, SYM_RTNL_MUTEX, SYM_NETDEV_NOTIFIER,
    N_SYMS
};

static const char *const sym_names[N_SYMS] = {
    [SYM_RTNL_LOCK] = "rtnl_lock",
    [SYM_RTNL_TRYLOCK] = "rtnl_trylock",
    [SYM_RTNL_IS_LOCKED] = "rtnl_is_locked",
    [SYM_ETEXT] = "_etext",
    [SYM_SDATA] = "_sdata",
    [SYM_EDATA] = "_edata",
    [SYM_BSS_START] = "__bss_start",
    [SYM_BSS_STOP] = "__bss_stop",
    [SYM_INIT_STACK] = "__start_init_stack",
    [SYM_INIT_BEGIN] = "__init_begin",
    [SYM_RTNL_MUTEX] = "rtnl_mutex",
    /* Called for every event of the netdev chain, exactly once. */
    [SYM_NETDEV_NOTIFIER] = "rtnetlink_event",
};

static uint64_t syms[N_SYMS];

static void
read_kallsyms(void)
{
    FILE *f = fopen("/proc/kallsyms", "r");
    char line[512];
    bool any_nonzero = false;

    if (!f) {
        die(EXIT_UNSUPPORTED, "cannot read /proc/kallsyms: %s",
            strerror(errno));
    }
    while (fgets(line, sizeof line, f)) {
        unsigned long long addr;
        char type, name[256];

        if (sscanf(line, "%llx %c %255s", &addr, &type, name) != 3) {
            continue;
        }
        if (addr) {
            any_nonzero = true;
        }
        if (strchr(line, '[')) {
            continue;           /* a module's symbol */
        }
        for (int i = 0; i < N_SYMS; i++) {
            if (!syms[i] && !strcmp(name, sym_names[i])) {
                syms[i] = addr;
            }
        }
    }
    fclose(f);
    if (!any_nonzero) {
        die(EXIT_UNSUPPORTED, "/proc/kallsyms hides addresses "
            "(kernel.kptr_restrict?)");
    }
    if (!syms[SYM_RTNL_LOCK]) {
        die(EXIT_UNSUPPORTED, "rtnl_lock is not in /proc/kallsyms");
    }
}

/* ---- Reading kernel memory through the BPF helper program. ---- */

static struct rtnl_probe_bpf *skel;

static int
read_kernel(uint64_t addr, void *buf, size_t len)
{
    LIBBPF_OPTS(bpf_test_run_opts, opts);
    int err;

    if (len > RP_READ_LEN) {
        return -EINVAL;
    }
    skel->bss->read_addr = addr;
    skel->bss->read_ret = -1;
    err = bpf_prog_test_run_opts(bpf_program__fd(skel->progs.rp_read_kernel),
                                 &opts);
    if (err) {
        return -errno;
    }
    if (skel->bss->read_ret) {
        return (int) skel->bss->read_ret;
    }
    memcpy(buf, skel->bss->read_buf, len);
    return 0;
}

static void
dump_code(const char *name, uint64_t addr, const uint8_t *code, size_t len)
{
    fprintf(stderr, "%s: %s at 0x%" PRIx64 ":", prog_name, name, addr);
    for (size_t i = 0; i < len; i++) {
        fprintf(stderr, " %02x", code[i]);
    }
    fputc('\n', stderr);
}

static int32_t
get_s32(const uint8_t *p)
{
    uint32_t v = (uint32_t) p[0] | (uint32_t) p[1] << 8
                 | (uint32_t) p[2] << 16 | (uint32_t) p[3] << 24;
    return (int32_t) v;
}

/* Finds, in the first bytes of a function at 'addr', the first x86-64
 * instruction that puts an absolute kernel address into %rdi (the first
 * argument, as in "mutex_lock(&rtnl_mutex)") or loads from a RIP-relative
 * address (as in "mutex_is_locked(&rtnl_mutex)").  Returns 0 if none. */
static uint64_t
decode_mutex_ref(uint64_t addr, const uint8_t *c, size_t len, bool loads)
{
    for (size_t i = 0; i + 7 <= len; i++) {
        /* endbr64; skip it whole so its bytes are not misread. */
        if (i + 4 <= len && c[i] == 0xf3 && c[i + 1] == 0x0f
            && c[i + 2] == 0x1e && c[i + 3] == 0xfa) {
            i += 3;
            continue;
        }
        if (c[i] != 0x48) {
            continue;
        }
        if (c[i + 1] == 0xc7 && c[i + 2] == 0xc7) {
            /* mov $imm32, %rdi (sign-extended) */
            return (uint64_t) (int64_t) get_s32(c + i + 3);
        }
        if (c[i + 1] == 0x8d && c[i + 2] == 0x3d) {
            /* lea disp32(%rip), %rdi */
            return addr + i + 7 + (int64_t) get_s32(c + i + 3);
        }
        if (loads && c[i + 1] == 0x8b && (c[i + 2] & 0xc7) == 0x05) {
            /* mov disp32(%rip), %reg */
            return addr + i + 7 + (int64_t) get_s32(c + i + 3);
        }
        if (loads && i + 8 <= len && c[i + 1] == 0x83 && c[i + 2] == 0x3d) {
            /* cmpq $imm8, disp32(%rip) */
            return addr + i + 8 + (int64_t) get_s32(c + i + 3);
        }
    }
    return 0;
}

struct mutex_layout {
    uint32_t size;
    uint32_t owner_off;
    uint32_t wait_list_off;
};

static void
get_mutex_layout(struct mutex_layout *ml)
{
    struct btf *btf = btf__load_vmlinux_btf();
    const struct btf_type *t;
    const struct btf_member *m;
    bool have_owner = false, have_wait_list = false;
    int id;

    if (!btf) {
        die(EXIT_UNSUPPORTED, "cannot load the kernel's BTF: %s",
            strerror(errno));
    }
    id = btf__find_by_name_kind(btf, "mutex", BTF_KIND_STRUCT);
    if (id < 0) {
        die(EXIT_UNSUPPORTED, "no struct mutex in the kernel's BTF");
    }
    t = btf__type_by_id(btf, id);
    ml->size = t->size;
    m = btf_members(t);
    for (int i = 0; i < btf_vlen(t); i++, m++) {
        const char *name = btf__name_by_offset(btf, m->name_off);
        uint32_t off = btf_member_bit_offset(t, i);

        if (off % 8) {
            continue;
        }
        if (!strcmp(name, "owner")
            && btf__resolve_size(btf, m->type) == 8) {
            ml->owner_off = off / 8;
            have_owner = true;
        } else if (!strcmp(name, "wait_list")
                   && btf__resolve_size(btf, m->type) == 16) {
            ml->wait_list_off = off / 8;
            have_wait_list = true;
        }
    }
    btf__free(btf);
    if (!have_owner || !have_wait_list || ml->size > RP_READ_LEN
        || ml->owner_off % 8) {
        die(EXIT_UNSUPPORTED, "struct mutex of this kernel has no 8-byte "
            "owner word and list wait_list (PREEMPT_RT?): unsupported");
    }
}

static bool
is_kernel_ptr(uint64_t p)
{
    return p >= 0xffff800000000000ULL;
}

static uint64_t
get_u64(const uint8_t *p)
{
    uint64_t v;

    memcpy(&v, p, sizeof v);
    return v;
}

/* Returns the address of rtnl_mutex, checked, or exits. */
static uint64_t
find_rtnl_mutex(const struct mutex_layout *ml)
{
    static const int funcs[] = {
        SYM_RTNL_LOCK, SYM_RTNL_TRYLOCK, SYM_RTNL_IS_LOCKED
    };
    uint64_t addr = 0;
    const char *source = NULL;
    uint8_t code[32];
    int err;

    if (syms[SYM_RTNL_MUTEX]) {
        addr = syms[SYM_RTNL_MUTEX];
        source = "/proc/kallsyms";
    }
    for (size_t i = 0; i < sizeof funcs / sizeof funcs[0]; i++) {
        int s = funcs[i];
        uint64_t found;

        if (!syms[s]) {
            continue;
        }
        err = read_kernel(syms[s], code, sizeof code);
        if (err) {
            die(EXIT_UNSUPPORTED, "cannot read the code of %s with BPF: %s",
                sym_names[s], strerror(-err));
        }
        if (verbose) {
            dump_code(sym_names[s], syms[s], code, sizeof code);
        }
        found = decode_mutex_ref(syms[s], code, sizeof code,
                                 s == SYM_RTNL_IS_LOCKED);
        if (verbose) {
            msg("%s refers to 0x%" PRIx64, sym_names[s], found);
        }
        if (!found) {
            if (s == SYM_RTNL_LOCK && !addr) {
                dump_code(sym_names[s], syms[s], code, sizeof code);
                die(EXIT_UNSUPPORTED, "cannot find rtnl_mutex in the "
                    "machine code of rtnl_lock (unknown code layout)");
            }
            continue;
        }
        if (!addr) {
            addr = found;
            source = sym_names[s];
        } else if (found != addr) {
            die(EXIT_UNSUPPORTED, "%s says rtnl_mutex is at 0x%" PRIx64
                " but %s says 0x%" PRIx64 ": refusing to guess",
                source, addr, sym_names[s], found);
        }
    }

    /* It must lie in the kernel's initialized data (DEFINE_MUTEX), or at
     * worst its bss, and never in its text. */
    uint64_t data_lo = syms[SYM_SDATA] ? syms[SYM_SDATA]
                                       : syms[SYM_INIT_STACK];
    uint64_t data_hi = syms[SYM_EDATA] ? syms[SYM_EDATA]
                                       : syms[SYM_INIT_BEGIN];
    bool in_data = data_lo && data_hi && addr >= data_lo
                   && addr + ml->size <= data_hi;
    bool in_bss = syms[SYM_BSS_START] && syms[SYM_BSS_STOP]
                  && addr >= syms[SYM_BSS_START]
                  && addr + ml->size <= syms[SYM_BSS_STOP];
    if (!data_lo || !data_hi) {
        die(EXIT_UNSUPPORTED, "cannot tell the kernel's data range from "
            "/proc/kallsyms (no _sdata/_edata nor __start_init_stack/"
            "__init_begin)");
    }
    if (!(in_data || in_bss) || addr % 8
        || (syms[SYM_ETEXT] && addr < syms[SYM_ETEXT])) {
        die(EXIT_UNSUPPORTED, "rtnl_mutex candidate 0x%" PRIx64 " (from %s)"
            " is not in the kernel's data [0x%" PRIx64 ", 0x%" PRIx64 ")",
            addr, source, data_lo, data_hi);
    }

    /* It must look like a mutex: owner empty or a kernel pointer, and
     * wait_list a list_head; at least once an empty one, i.e. pointing to
     * itself. */
    uint64_t wl = addr + ml->wait_list_off;
    bool ok = false;
    for (int tries = 0; tries < 200 && !ok; tries++) {
        uint8_t m[RP_READ_LEN];
        uint64_t owner, next, prev;

        if (tries) {
            usleep(5000);
        }
        err = read_kernel(addr, m, ml->size);
        if (err) {
            die(EXIT_UNSUPPORTED, "cannot read rtnl_mutex candidate 0x%"
                PRIx64 ": %s", addr, strerror(-err));
        }
        owner = get_u64(m + ml->owner_off);
        next = get_u64(m + ml->wait_list_off);
        prev = get_u64(m + ml->wait_list_off + 8);
        if ((owner && !is_kernel_ptr(owner & ~RP_MUTEX_FLAGS))
            || !is_kernel_ptr(next) || !is_kernel_ptr(prev)) {
            die(EXIT_UNSUPPORTED, "memory at 0x%" PRIx64 " (from %s) does "
                "not look like a mutex (owner 0x%" PRIx64 ", wait_list "
                "0x%" PRIx64 "/0x%" PRIx64 ")", addr, source, owner, next,
                prev);
        }
        ok = next == wl && prev == wl;
    }
    if (!ok) {
        die(EXIT_UNSUPPORTED, "memory at 0x%" PRIx64 " (from %s) never "
            "looked like an idle mutex in 1 s", addr, source);
    }
    if (verbose) {
        msg("rtnl_mutex at 0x%" PRIx64 " (from %s), owner word at +%u",
            addr, source, ml->owner_off);
    }
    return addr;
}

/* ---- Watchpoints. ---- */

static struct bpf_link **links;
static int n_links;

static void
arm(uint64_t owner_addr)
{
    int n_cpus = libbpf_num_possible_cpus();

    if (n_cpus <= 0) {
        die(1, "cannot count CPUs");
    }
    links = calloc(n_cpus, sizeof *links);
    if (!links) {
        die(1, "out of memory");
    }
    if (hook == HOOK_NETDEV_EVENT) {
        links[0] = bpf_program__attach_tracepoint(
            skel->progs.rp_on_notifier_run, "notifier", "notifier_run");
        if (!links[0]) {
            die(EXIT_UNSUPPORTED, "cannot attach BPF to the notifier_run "
                "tracepoint: %s", strerror(errno));
        }
        n_links = 1;
        return;
    }
    for (int cpu = 0; cpu < n_cpus; cpu++) {
        struct perf_event_attr attr;
        int fd;

        memset(&attr, 0, sizeof attr);
        attr.type = PERF_TYPE_BREAKPOINT;
        attr.size = sizeof attr;
        attr.bp_type = HW_BREAKPOINT_W;
        attr.bp_addr = owner_addr;
        attr.bp_len = HW_BREAKPOINT_LEN_8;
        attr.sample_period = 1;
        attr.disabled = 1;
        fd = syscall(SYS_perf_event_open, &attr, -1, cpu, -1,
                     PERF_FLAG_FD_CLOEXEC);
        if (fd < 0) {
            int e = errno;

            if (e == ENODEV || e == ENXIO) {
                continue;       /* offline CPU */
            }
            die(EXIT_UNSUPPORTED, "cannot set a hardware write watchpoint on "
                "CPU %d: %s%s", cpu, strerror(e),
                e == ENOSPC || e == EBUSY ? " (all debug registers in use?)"
                : e == ENOENT || e == EOPNOTSUPP || e == EINVAL
                ? " (no hardware breakpoints here?)" : "");
        }
        links[n_links] = bpf_program__attach_perf_event(
            skel->progs.rp_on_owner_write, fd);
        if (!links[n_links]) {
            int e = errno;

            close(fd);
            die(EXIT_UNSUPPORTED, "cannot attach BPF to the watchpoint on "
                "CPU %d: %s", cpu, strerror(e));
        }
        n_links++;
    }
    if (!n_links) {
        die(EXIT_UNSUPPORTED, "no online CPU accepted a watchpoint");
    }
}

static void
disarm(void)
{
    skel->bss->deadline_ns = 0;
    for (int i = 0; i < n_links; i++) {
        bpf_link__destroy(links[i]);
    }
    n_links = 0;
}

/* ---- Results. ---- */

struct proc_count {
    uint32_t pid;
    uint64_t count;
    char comm[RP_COMM_LEN + 1];
};

struct comm_count {
    char comm[RP_COMM_LEN + 1];
    uint64_t count;
};

static int
cmp_proc(const void *a_, const void *b_)
{
    const struct proc_count *a = a_, *b = b_;

    if (a->count != b->count) {
        return a->count < b->count ? 1 : -1;
    }
    return a->pid < b->pid ? -1 : a->pid > b->pid;
}

static int
cmp_comm(const void *a_, const void *b_)
{
    const struct comm_count *a = a_, *b = b_;

    if (a->count != b->count) {
        return a->count < b->count ? 1 : -1;
    }
    return strcmp(a->comm, b->comm);
}

static void
get_stats(struct rp_stats *sum)
{
    int n_cpus = libbpf_num_possible_cpus();
    struct rp_stats *per_cpu = calloc(n_cpus, sizeof *per_cpu);
    uint32_t zero = 0;

    memset(sum, 0, sizeof *sum);
    if (!per_cpu
        || bpf_map_lookup_elem(bpf_map__fd(skel->maps.stats), &zero,
                               per_cpu)) {
        die(1, "cannot read the statistics map: %s", strerror(errno));
    }
    for (int i = 0; i < n_cpus; i++) {
        sum->traps += per_cpu[i].traps;
        sum->acquisitions += per_cpu[i].acquisitions;
        sum->delayed += per_cpu[i].delayed;
        sum->delay_ns += per_cpu[i].delay_ns;
        sum->dropped += per_cpu[i].dropped;
        sum->read_errors += per_cpu[i].read_errors;
    }
    free(per_cpu);
}

/* An ethtool request takes RTNL whatever the device and the answer, so
 * one on "lo" must trap: a watchpoint that is set but never fires (seen on
 * some VMs) would otherwise count nothing and report zero acquisitions as
 * if they were a measurement. */
static void
check_watchpoint_fires(void)
{
    struct ethtool_drvinfo info = { .cmd = ETHTOOL_GDRVINFO };
    struct ifreq ifr;
    struct rp_stats st;
    int fd;

    fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        disarm();
        die(1, "socket: %s", strerror(errno));
    }
    memset(&ifr, 0, sizeof ifr);
    strcpy(ifr.ifr_name, "lo");
    ifr.ifr_data = (void *) &info;
    ioctl(fd, SIOCETHTOOL, &ifr);   /* Its answer does not matter. */
    close(fd);

    get_stats(&st);
    if (!st.traps) {
        disarm();
        die(EXIT_UNSUPPORTED, "the watchpoint on rtnl_mutex does not fire "
            "here: an ethtool request, which takes RTNL, trapped 0 times");
    }
}

/* Bringing up "lo" in a network namespace of its own runs the netdev
 * chain, on any machine, without touching the machine's devices. */
static void
check_netdev_event_fires(void)
{
    struct rp_stats st;
    int wstatus;
    pid_t pid;

    pid = fork();
    if (pid < 0) {
        disarm();
        die(1, "fork: %s", strerror(errno));
    }
    if (!pid) {
        struct ifreq ifr;
        int fd;

        if (unshare(CLONE_NEWNET)) {
            _exit(1);
        }
        fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        memset(&ifr, 0, sizeof ifr);
        strcpy(ifr.ifr_name, "lo");
        if (fd < 0 || ioctl(fd, SIOCGIFFLAGS, &ifr)) {
            _exit(1);
        }
        ifr.ifr_flags |= IFF_UP;
        _exit(ioctl(fd, SIOCSIFFLAGS, &ifr) ? 1 : 0);
    }
    while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
        continue;
    }
    if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus)) {
        disarm();
        die(1, "cannot bring up lo in a new network namespace to check the "
            "tracepoint");
    }

    get_stats(&st);
    if (!st.traps) {
        disarm();
        die(EXIT_UNSUPPORTED, "the notifier_run tracepoint does not fire for "
            "rtnetlink_event here: bringing up lo in a new namespace ran it "
            "0 times");
    }
}

static void
check_hook_fires(void)
{
    if (hook == HOOK_NETDEV_EVENT) {
        check_netdev_event_fires();
    } else {
        check_watchpoint_fires();
    }
}

static size_t
get_procs(struct proc_count **procsp)
{
    int fd = bpf_map__fd(skel->maps.procs);
    struct proc_count *procs = calloc(RP_MAX_PROCS, sizeof *procs);
    struct rp_key key, next;
    struct rp_key *prev = NULL;
    size_t n = 0;

    if (!procs) {
        die(1, "out of memory");
    }
    while (n < RP_MAX_PROCS && !bpf_map_get_next_key(fd, prev, &next)) {
        uint64_t count;

        key = next;
        prev = &key;
        if (bpf_map_lookup_elem(fd, &key, &count)) {
            continue;
        }
        procs[n].pid = key.tgid;
        procs[n].count = count;
        memcpy(procs[n].comm, key.comm, RP_COMM_LEN);
        procs[n].comm[RP_COMM_LEN] = '\0';
        n++;
    }
    qsort(procs, n, sizeof *procs, cmp_proc);
    *procsp = procs;
    return n;
}

static void
json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        unsigned char c = *s;

        if (c == '"' || c == '\\') {
            fprintf(out, "\\%c", c);
        } else if (c < 0x20 || c >= 0x7f) {
            fprintf(out, "\\u%04x", c);
        } else {
            fputc(c, out);
        }
    }
    fputc('"', out);
}

/* For the text format: one word, printable. */
static void
text_comm(FILE *out, const char *s)
{
    if (!*s) {
        fputc('?', out);
    }
    for (; *s; s++) {
        unsigned char c = *s;

        fputc(c <= 0x20 || c >= 0x7f ? '_' : c, out);
    }
}

struct run_info {
    unsigned int delay_us;
    const char *delay_comm;
    double duration;
    double armed_s;
    bool timed_out;
    uint64_t mutex_addr;
    int n_cpus;
};

static void
report(FILE *out, bool json, const struct run_info *ri)
{
    struct rp_stats st;
    struct proc_count *procs;
    struct comm_count *comms;
    size_t n, n_comms = 0;
    uint64_t total = 0;

    get_stats(&st);
    n = get_procs(&procs);
    comms = calloc(n + 1, sizeof *comms);
    if (!comms) {
        die(1, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        size_t j;

        total += procs[i].count;
        for (j = 0; j < n_comms; j++) {
            if (!strcmp(comms[j].comm, procs[i].comm)) {
                break;
            }
        }
        if (j == n_comms) {
            memcpy(comms[j].comm, procs[i].comm, sizeof comms[j].comm);
            n_comms++;
        }
        comms[j].count += procs[i].count;
    }
    qsort(comms, n_comms, sizeof *comms, cmp_comm);
    /* 'total' counts what is attributed; st.acquisitions also counts the
     * few the map could not take (st.dropped). */
    total += st.dropped;

    if (json) {
        fprintf(out, "{\"hook\":\"%s\",\"delay_us\":%u,\"delay_comm\":",
                hook_names[hook], ri->delay_us);
        if (ri->delay_comm) {
            json_string(out, ri->delay_comm);
        } else {
            fputs("null", out);
        }
        fprintf(out, ",\"duration_s\":%.3f,\"armed_s\":%.3f,"
                "\"timed_out\":%s,\"rtnl_mutex\":",
                ri->duration, ri->armed_s, ri->timed_out ? "true" : "false");
        if (ri->mutex_addr) {
            fprintf(out, "\"0x%" PRIx64 "\"", ri->mutex_addr);
        } else {
            fputs("null", out);
        }
        fprintf(out, ",\"cpus\":%d,\"total\":%" PRIu64 ",\"traps\":%" PRIu64
                ",\"delayed\":%" PRIu64 ",\"delay_ns_total\":%" PRIu64
                ",\"dropped\":%" PRIu64 ",\"by_comm\":{",
                ri->n_cpus, total, (uint64_t) st.traps,
                (uint64_t) st.delayed, (uint64_t) st.delay_ns,
                (uint64_t) st.dropped);
        for (size_t i = 0; i < n_comms; i++) {
            if (i) {
                fputc(',', out);
            }
            json_string(out, comms[i].comm);
            fprintf(out, ":%" PRIu64, comms[i].count);
        }
        fputs("},\"by_pid\":[", out);
        for (size_t i = 0; i < n; i++) {
            fprintf(out, "%s{\"pid\":%" PRIu32 ",\"comm\":", i ? "," : "",
                    procs[i].pid);
            json_string(out, procs[i].comm);
            fprintf(out, ",\"count\":%" PRIu64 "}", procs[i].count);
        }
        fputs("]}\n", out);
    } else {
        fprintf(out, "# rtnl-probe: armed %.3f s%s, delay %u us%s%s%s, ",
                ri->armed_s, ri->timed_out ? " (duration reached)" : "",
                ri->delay_us, ri->delay_comm ? " (only for " : "",
                ri->delay_comm ? ri->delay_comm : "",
                ri->delay_comm ? ")" : "");
        if (ri->mutex_addr) {
            fprintf(out, "rtnl_mutex 0x%" PRIx64 "\n", ri->mutex_addr);
        } else {
            fprintf(out, "hook %s\n", hook_names[hook]);
        }
        fprintf(out, "# total %" PRIu64 " %s, %" PRIu64 " traps, "
                "%" PRIu64 " delayed (%.3f ms spun)%s\n", total,
                hook_units[hook], (uint64_t) st.traps,
                (uint64_t) st.delayed, st.delay_ns / 1e6,
                st.dropped ? ", some not attributed (process table full)"
                : "");
        fprintf(out, "# pid comm %s\n", hook_units[hook]);
        for (size_t i = 0; i < n; i++) {
            fprintf(out, "%" PRIu32 " ", procs[i].pid);
            text_comm(out, procs[i].comm);
            fprintf(out, " %" PRIu64 "\n", procs[i].count);
        }
    }
    fflush(out);
    free(procs);
    free(comms);
}

/* ---- Main. ---- */

static double
parse_seconds(const char *opt, const char *s, double max)
{
    char *end;
    double v = strtod(s, &end);

    if (end == s || *end || !isfinite(v) || v <= 0 || v > max) {
        fprintf(stderr, "%s: %s wants seconds in (0, %g], not '%s'\n",
                prog_name, opt, max, s);
        exit(EXIT_USAGE);
    }
    return v;
}

static int
exit_status(int wstatus)
{
    if (WIFEXITED(wstatus)) {
        return WEXITSTATUS(wstatus);
    }
    if (WIFSIGNALED(wstatus)) {
        return 128 + WTERMSIG(wstatus);
    }
    return 1;
}

int
main(int argc, char *argv[])
{
    enum { OPT_HOOK = 256, OPT_DELAY_US, OPT_DELAY_COMM, OPT_DURATION,
           OPT_INTERVAL, OPT_JSON, OPT_OUTPUT, OPT_CHECK, OPT_VERBOSE,
           OPT_HELP };
    static const struct option options[] = {
        { "hook", required_argument, NULL, OPT_HOOK },
        { "delay-us", required_argument, NULL, OPT_DELAY_US },
        { "delay-comm", required_argument, NULL, OPT_DELAY_COMM },
        { "duration", required_argument, NULL, OPT_DURATION },
        { "interval", required_argument, NULL, OPT_INTERVAL },
        { "json", no_argument, NULL, OPT_JSON },
        { "output", required_argument, NULL, OPT_OUTPUT },
        { "check", no_argument, NULL, OPT_CHECK },
        { "verbose", no_argument, NULL, OPT_VERBOSE },
        { "help", no_argument, NULL, OPT_HELP },
        { NULL, 0, NULL, 0 },
    };
    struct run_info ri = { 0 };
    double duration = 0, interval = 0;
    bool json = false, check = false;
    const char *output = NULL;
    char **command = NULL;
    FILE *out = stdout;
    int opt;

    while ((opt = getopt_long(argc, argv, "+", options, NULL)) != -1) {
        char *end;
        unsigned long v;

        switch (opt) {
        case OPT_HOOK:
            if (!strcmp(optarg, hook_names[HOOK_WATCHPOINT])) {
                hook = HOOK_WATCHPOINT;
            } else if (!strcmp(optarg, hook_names[HOOK_NETDEV_EVENT])) {
                hook = HOOK_NETDEV_EVENT;
            } else {
                fprintf(stderr, "%s: --hook wants watchpoint or netdev-event, "
                        "not '%s'\n", prog_name, optarg);
                return EXIT_USAGE;
            }
            break;
        case OPT_DELAY_US:
            errno = 0;
            v = strtoul(optarg, &end, 10);
            if (end == optarg || *end || errno || optarg[0] == '-') {
                fprintf(stderr, "%s: --delay-us wants microseconds, not "
                        "'%s'\n", prog_name, optarg);
                return EXIT_USAGE;
            }
            if (v > RP_MAX_DELAY_US) {
                fprintf(stderr, "%s: --delay-us %lu is more than the limit "
                        "of %d us (the delay spins with interrupts off)\n",
                        prog_name, v, RP_MAX_DELAY_US);
                return EXIT_USAGE;
            }
            ri.delay_us = v;
            break;
        case OPT_DELAY_COMM:
            if (!*optarg || strlen(optarg) >= RP_COMM_LEN) {
                fprintf(stderr, "%s: --delay-comm wants a process name of "
                        "1 to %d characters\n", prog_name, RP_COMM_LEN - 1);
                return EXIT_USAGE;
            }
            ri.delay_comm = optarg;
            break;
        case OPT_DURATION:
            duration = parse_seconds("--duration", optarg, MAX_DURATION);
            break;
        case OPT_INTERVAL:
            interval = parse_seconds("--interval", optarg, MAX_DURATION);
            break;
        case OPT_JSON:
            json = true;
            break;
        case OPT_OUTPUT:
            output = optarg;
            break;
        case OPT_CHECK:
            check = true;
            break;
        case OPT_VERBOSE:
            verbose = true;
            break;
        case OPT_HELP:
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return EXIT_USAGE;
        }
    }
    if (optind < argc) {
        command = argv + optind;
    }
    if (!duration) {
        duration = command ? DEFAULT_CMD_DURATION : DEFAULT_DURATION;
    }
    ri.duration = duration;

    if (geteuid() != 0) {
        die(EXIT_UNSUPPORTED, "needs root (BPF programs and kernel "
            "watchpoints)");
    }
    libbpf_set_print(libbpf_print);

    read_kallsyms();
    struct mutex_layout ml = { 0 };
    if (hook == HOOK_WATCHPOINT) {
        get_mutex_layout(&ml);
    } else if (!syms[SYM_NETDEV_NOTIFIER]) {
        die(EXIT_UNSUPPORTED, "rtnetlink_event is not in /proc/kallsyms");
    }

    skel = rtnl_probe_bpf__open_and_load();
    if (!skel) {
        die(EXIT_UNSUPPORTED, "cannot load the BPF programs: %s (BPF not "
            "permitted or not supported here; --verbose says more)",
            strerror(errno));
    }
    if (!skel->bss) {
        die(EXIT_UNSUPPORTED, "the kernel cannot mmap BPF global data");
    }

    uint64_t owner_addr = 0;
    if (hook == HOOK_WATCHPOINT) {
        ri.mutex_addr = find_rtnl_mutex(&ml);
        owner_addr = ri.mutex_addr + ml.owner_off;
    }
    skel->bss->owner_addr = owner_addr;
    skel->bss->netdev_cb = syms[SYM_NETDEV_NOTIFIER];
    if (check) {
        arm(owner_addr);
        skel->bss->deadline_ns = now_ns() + DEADLINE_GRACE_NS;
        check_hook_fires();
        disarm();
        if (hook == HOOK_WATCHPOINT) {
            printf("rtnl_mutex 0x%" PRIx64 " owner 0x%" PRIx64 "\n",
                   ri.mutex_addr, owner_addr);
        } else {
            printf("rtnetlink_event 0x%" PRIx64 "\n",
                   syms[SYM_NETDEV_NOTIFIER]);
        }
        rtnl_probe_bpf__destroy(skel);
        return 0;
    }
    if (output) {
        out = fopen(output, "w");
        if (!out) {
            die(1, "cannot write %s: %s", output, strerror(errno));
        }
    }

    /* Signals arrive through a signalfd, so that the main loop can always
     * disarm and report. */
    sigset_t mask, old_mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGHUP);
    sigaddset(&mask, SIGCHLD);
    sigprocmask(SIG_BLOCK, &mask, &old_mask);
    int sfd = signalfd(-1, &mask, SFD_CLOEXEC);
    if (sfd < 0) {
        die(1, "signalfd: %s", strerror(errno));
    }

    skel->bss->delay_ns = (uint64_t) ri.delay_us * 1000;
    if (ri.delay_comm) {
        memset(skel->bss->delay_comm, 0, RP_COMM_LEN);
        memcpy(skel->bss->delay_comm, ri.delay_comm, strlen(ri.delay_comm));
        skel->bss->delay_filter = 1;
    }
    ri.n_cpus = libbpf_num_possible_cpus();
    arm(owner_addr);

    uint64_t start = now_ns();
    uint64_t end = start + (uint64_t) (duration * 1e9);
    skel->bss->deadline_ns = end + DEADLINE_GRACE_NS;
    check_hook_fires();
    if (verbose && hook == HOOK_WATCHPOINT) {
        msg("armed on %d CPUs, watching 0x%" PRIx64 " for %.3f s", n_links,
            owner_addr, duration);
    } else if (verbose) {
        msg("armed on the notifier_run tracepoint, for rtnetlink_event at "
            "0x%" PRIx64 ", for %.3f s", syms[SYM_NETDEV_NOTIFIER], duration);
    }

    pid_t child = 0;
    int child_status = 0;
    bool child_running = false;
    if (command) {
        child = fork();
        if (child < 0) {
            disarm();
            die(1, "fork: %s", strerror(errno));
        }
        if (!child) {
            sigprocmask(SIG_SETMASK, &old_mask, NULL);
            execvp(command[0], command);
            fprintf(stderr, "%s: cannot run %s: %s\n", prog_name, command[0],
                    strerror(errno));
            _exit(127);
        }
        child_running = true;
    }

    uint64_t next_tick = interval ? start + (uint64_t) (interval * 1e9) : 0;
    uint64_t last_total = 0;
    int forward_sig = 0;
    for (;;) {
        uint64_t now = now_ns();

        if (now >= end) {
            ri.timed_out = true;
            break;
        }
        if (next_tick && now >= next_tick) {
            struct rp_stats st;

            get_stats(&st);
            msg("%.1f s: %" PRIu64 " %s (+%" PRIu64 "), %" PRIu64
                " traps", (now - start) / 1e9, (uint64_t) st.acquisitions,
                hook_units[hook],
                (uint64_t) (st.acquisitions - last_total),
                (uint64_t) st.traps);
            last_total = st.acquisitions;
            while (next_tick <= now) {
                next_tick += (uint64_t) (interval * 1e9);
            }
        }
        uint64_t wake = next_tick && next_tick < end ? next_tick : end;
        int timeout_ms = (int) ((wake - now + 999999) / 1000000);
        struct pollfd pfd = { .fd = sfd, .events = POLLIN };
        int r = poll(&pfd, 1, timeout_ms);
        if (r < 0 && errno != EINTR) {
            disarm();
            die(1, "poll: %s", strerror(errno));
        }
        if (r <= 0) {
            continue;
        }
        struct signalfd_siginfo si;
        if (read(sfd, &si, sizeof si) != sizeof si) {
            continue;
        }
        if (si.ssi_signo == SIGCHLD) {
            if (child_running && waitpid(child, &child_status, WNOHANG)
                == child) {
                child_running = false;
                break;
            }
            continue;
        }
        forward_sig = si.ssi_signo;
        break;
    }
    ri.armed_s = (now_ns() - start) / 1e9;
    disarm();

    if (ri.timed_out && child_running) {
        msg("--duration of %g s reached: detached, %s still runs", duration,
            command[0]);
    }
    report(out, json, &ri);
    if (out != stdout) {
        fclose(out);
    }
    rtnl_probe_bpf__destroy(skel);

    if (child_running) {
        if (forward_sig) {
            kill(child, forward_sig);
        }
        while (waitpid(child, &child_status, 0) < 0 && errno == EINTR) {
            continue;
        }
        child_running = false;
    }
    if (command) {
        return exit_status(child_status);
    }
    return 0;
}
