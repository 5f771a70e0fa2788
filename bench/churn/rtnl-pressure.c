/*
 * rtnl-pressure: background rtnetlink load, as the other agents of a busy
 * hypervisor make it.
 *
 * Creates K devices of its own in the network namespace it runs in, then,
 * at a fixed rate, alternates a dump of all links (RTM_GETLINK with
 * NLM_F_DUMP) and a change of one of its devices (IFF_UP toggled, or the
 * MTU), round robin, until the duration is over or SIGTERM, SIGINT or
 * SIGHUP arrives.  Then deletes its devices and prints
 *
 *   ops=X dumps=Y changes=Z seconds=S op_us_mean=M op_us_p50=A
 *   op_us_p99=B op_us_max=C
 *
 * (on one line): how long its requests took, from send to the last reply,
 * in microseconds.  Each takes RTNL, so they wait for whoever else holds
 * it: the other processes' RTNL load, seen from one of them.
 *
 * usage: rtnl-pressure [--devices K] [--prefix P] [--type veth|dummy]
 *                      [--rate OPS_PER_SECOND] [--duration S]
 *                      [--change up|mtu]
 */

#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <net/if.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <netlink/errno.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/link/veth.h>

#define MAX_DEVICES 4096
#define MTU_A 1500
#define MTU_B 1400

/* Latencies are counted in 1 us buckets up to this, above in the last. */
#define LATENCY_BUCKETS 100000

static const char *program_name = "rtnl-pressure";

enum change_kind { CHANGE_UP, CHANGE_MTU };

struct options {
    long devices;
    const char *prefix;
    bool veth;                  /* Else dummy. */
    double rate;
    double duration;            /* 0: until a signal. */
    enum change_kind change;
};

struct device {
    char name[IFNAMSIZ];
    char peer[IFNAMSIZ];        /* veth only. */
    int ifindex;                /* 0: not created. */
    bool up;
    bool mtu_b;                 /* Has MTU_B, else MTU_A. */
};

struct latencies {
    unsigned int *buckets;      /* LATENCY_BUCKETS counters. */
    long count;
    double sum_us;
    double max_us;
};

static volatile sig_atomic_t stop_signal;

static void
on_signal(int sig)
{
    stop_signal = sig;
}

static void __attribute__((noreturn))
usage(int status)
{
    fprintf(status ? stderr : stdout,
"usage: %s [--devices K] [--prefix P] [--type veth|dummy]\n"
"                     [--rate OPS_PER_SECOND] [--duration S]\n"
"                     [--change up|mtu]\n"
"Creates devices P1..PK (veth: with peers P1p..PKp) in the current network\n"
"namespace and alternates, at the given rate, a dump of all links and a\n"
"change of one of them (IFF_UP toggled, or MTU %d/%d), for S seconds or\n"
"until SIGTERM/SIGINT/SIGHUP.  Then deletes the devices and prints\n"
"'ops=X dumps=Y changes=Z seconds=S' and the requests' latency\n"
"(op_us_mean, op_us_p50, op_us_p99, op_us_max: microseconds).\n"
"Defaults: --devices 8 --prefix prs --type veth --rate 100 --change up,\n"
"--duration 0 (until a signal).\n", program_name, MTU_A, MTU_B);
    exit(status);
}

static void
bad_option(const char *option, const char *value)
{
    fprintf(stderr, "%s: bad value '%s' for %s\n", program_name, value,
            option);
    usage(2);
}

static double
parse_double(const char *option, const char *s)
{
    char *end;
    double value;

    errno = 0;
    value = strtod(s, &end);
    if (errno || end == s || *end || !isfinite(value) || value < 0) {
        bad_option(option, s);
    }
    return value;
}

static void
parse_options(int argc, char *argv[], struct options *o)
{
    static const struct option long_options[] = {
        {"devices", required_argument, NULL, 'k'},
        {"prefix", required_argument, NULL, 'p'},
        {"type", required_argument, NULL, 't'},
        {"rate", required_argument, NULL, 'r'},
        {"duration", required_argument, NULL, 'd'},
        {"change", required_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    char *end;
    int c;

    *o = (struct options) {
        .devices = 8,
        .prefix = "prs",
        .veth = true,
        .rate = 100,
        .duration = 0,
        .change = CHANGE_UP,
    };
    while ((c = getopt_long(argc, argv, "k:p:t:r:d:c:h", long_options,
                            NULL)) != -1) {
        switch (c) {
        case 'k':
            errno = 0;
            o->devices = strtol(optarg, &end, 10);
            if (errno || end == optarg || *end || o->devices < 1
                || o->devices > MAX_DEVICES) {
                bad_option("--devices", optarg);
            }
            break;
        case 'p':
            o->prefix = optarg;
            break;
        case 't':
            if (!strcmp(optarg, "veth")) {
                o->veth = true;
            } else if (!strcmp(optarg, "dummy")) {
                o->veth = false;
            } else {
                bad_option("--type", optarg);
            }
            break;
        case 'r':
            o->rate = parse_double("--rate", optarg);
            if (o->rate <= 0) {
                bad_option("--rate", optarg);
            }
            break;
        case 'd':
            o->duration = parse_double("--duration", optarg);
            break;
        case 'c':
            if (!strcmp(optarg, "up")) {
                o->change = CHANGE_UP;
            } else if (!strcmp(optarg, "mtu")) {
                o->change = CHANGE_MTU;
            } else {
                bad_option("--change", optarg);
            }
            break;
        case 'h':
            usage(0);
        default:
            usage(2);
        }
    }
    if (optind < argc) {
        fprintf(stderr, "%s: unexpected argument '%s'\n", program_name,
                argv[optind]);
        usage(2);
    }
    if (!o->prefix[0]) {
        bad_option("--prefix", o->prefix);
    }
}

static void
error_msg(const char *format, ...)
{
    va_list args;

    fprintf(stderr, "%s: ", program_name);
    va_start(args, format);
    vfprintf(stderr, format, args);
    va_end(args);
    fputc('\n', stderr);
}

/* Devices. */

static int
link_delete(struct nl_sock *sk, const char *name)
{
    struct rtnl_link *link = rtnl_link_alloc();
    int err;

    if (!link) {
        return -NLE_NOMEM;
    }
    rtnl_link_set_name(link, name);
    err = rtnl_link_delete(sk, link);
    rtnl_link_put(link);
    if (err == -NLE_OBJ_NOTFOUND || err == -NLE_NODEV) {
        err = 0;
    }
    return err;
}

static int
device_add(struct nl_sock *sk, const struct device *dev, bool veth)
{
    struct rtnl_link *link;
    int err;

    if (veth) {
        struct rtnl_link *peer;

        link = rtnl_link_veth_alloc();
        if (!link) {
            return -NLE_NOMEM;
        }
        peer = rtnl_link_veth_get_peer(link);
        rtnl_link_set_name(peer, dev->peer);
        rtnl_link_put(peer);
    } else {
        link = rtnl_link_alloc();
        if (!link) {
            return -NLE_NOMEM;
        }
        err = rtnl_link_set_type(link, "dummy");
        if (err < 0) {
            rtnl_link_put(link);
            return err;
        }
    }
    rtnl_link_set_name(link, dev->name);
    rtnl_link_set_mtu(link, MTU_A);
    err = rtnl_link_add(sk, link, NLM_F_CREATE | NLM_F_EXCL);
    rtnl_link_put(link);
    return err;
}

/* Creates 'dev' and learns its ifindex.  A device in the way (left by a
 * run that was killed) is deleted first, with a message. */
static int
device_create(struct nl_sock *sk, struct device *dev, bool veth)
{
    struct rtnl_link *link;
    int err;

    err = device_add(sk, dev, veth);
    if (err == -NLE_EXIST) {
        error_msg("creating %s: %s; deleting the old device first",
                  dev->name, nl_geterror(err));
        err = link_delete(sk, dev->name);
        if (!err && veth) {
            err = link_delete(sk, dev->peer);
        }
        if (err < 0) {
            error_msg("deleting the old %s: %s", dev->name,
                      nl_geterror(err));
            return err;
        }
        err = device_add(sk, dev, veth);
    }
    if (err < 0) {
        error_msg("creating %s device %s: %s%s", veth ? "veth" : "dummy",
                  dev->name, nl_geterror(err),
                  !veth && err == -NLE_OPNOTSUPP
                  ? " (no dummy driver in this kernel? try --type veth)" : "");
        return err;
    }

    err = rtnl_link_get_kernel(sk, 0, dev->name, &link);
    if (err < 0) {
        error_msg("looking up %s: %s", dev->name, nl_geterror(err));
        link_delete(sk, dev->name);
        return err;
    }
    dev->ifindex = rtnl_link_get_ifindex(link);
    dev->up = rtnl_link_get_flags(link) & IFF_UP;
    dev->mtu_b = false;
    rtnl_link_put(link);
    return 0;
}

/* Toggles IFF_UP or the MTU of 'dev'. */
static int
device_change(struct nl_sock *sk, struct device *dev, enum change_kind kind)
{
    struct rtnl_link *orig = rtnl_link_alloc();
    struct rtnl_link *changes = rtnl_link_alloc();
    int err = -NLE_NOMEM;

    if (orig && changes) {
        rtnl_link_set_ifindex(orig, dev->ifindex);
        if (kind == CHANGE_UP) {
            if (dev->up) {
                rtnl_link_unset_flags(changes, IFF_UP);
            } else {
                rtnl_link_set_flags(changes, IFF_UP);
            }
        } else {
            rtnl_link_set_mtu(changes, dev->mtu_b ? MTU_A : MTU_B);
        }
        err = rtnl_link_change(sk, orig, changes, 0);
    }
    if (orig) {
        rtnl_link_put(orig);
    }
    if (changes) {
        rtnl_link_put(changes);
    }
    if (err < 0) {
        error_msg("changing %s of %s: %s",
                  kind == CHANGE_UP ? "IFF_UP" : "the MTU", dev->name,
                  nl_geterror(err));
        return err;
    }
    if (kind == CHANGE_UP) {
        dev->up = !dev->up;
    } else {
        dev->mtu_b = !dev->mtu_b;
    }
    return 0;
}

/* Dumps. */

static int
count_message(struct nl_msg *msg, void *count_)
{
    long *count = count_;

    (void) msg;
    ++*count;
    return NL_OK;
}

/* Asks for every link of the namespace and reads the answer, without
 * parsing it: the load is the kernel's. */
static int
dump_links(struct nl_sock *sk, struct nl_cb *cb)
{
    struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
    struct nl_msg *msg = nlmsg_alloc_simple(RTM_GETLINK, NLM_F_DUMP);
    int err;

    if (!msg) {
        err = -NLE_NOMEM;
        goto out;
    }
    err = nlmsg_append(msg, &ifi, sizeof ifi, NLMSG_ALIGNTO);
    if (err >= 0) {
        err = nl_send_auto(sk, msg);
    }
    nlmsg_free(msg);
    if (err >= 0) {
        err = nl_recvmsgs(sk, cb);
    }
out:
    if (err < 0) {
        error_msg("dumping links: %s", nl_geterror(err));
    }
    return err;
}

/* Time. */

static double
now_seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Sleeps until monotonic time 't', or until a signal arrives. */
static void
sleep_until(double t)
{
    struct timespec ts;

    ts.tv_sec = (time_t) t;
    ts.tv_nsec = (long) ((t - ts.tv_sec) * 1e9);
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
}

static void
latency_add(struct latencies *l, double us)
{
    long bucket = us < 0 ? 0 : (long) us;

    if (bucket >= LATENCY_BUCKETS) {
        bucket = LATENCY_BUCKETS - 1;
    }
    l->buckets[bucket]++;
    l->count++;
    l->sum_us += us;
    if (us > l->max_us) {
        l->max_us = us;
    }
}

/* The latency under which a fraction 'q' of the requests stayed, to the
 * microsecond ("the bucket's upper bound"). */
static long
latency_quantile(const struct latencies *l, double q)
{
    long rank = (long) ceil(q * l->count);
    long seen = 0;

    for (long i = 0; i < LATENCY_BUCKETS; i++) {
        seen += l->buckets[i];
        if (seen >= rank && seen) {
            return i + 1;
        }
    }
    return 0;
}

static void
catch_signals(void)
{
    static const int signals[] = { SIGTERM, SIGINT, SIGHUP };
    struct sigaction sa;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;            /* No SA_RESTART: a signal ends a sleep. */
    for (size_t i = 0; i < sizeof signals / sizeof *signals; i++) {
        if (sigaction(signals[i], &sa, NULL)) {
            error_msg("sigaction: %s", strerror(errno));
            exit(1);
        }
    }
}

int
main(int argc, char *argv[])
{
    long ops = 0, dumps = 0, changes = 0, links_seen = 0;
    struct latencies latencies = { .count = 0 };
    struct device *devs;
    struct options o;
    struct nl_sock *sk;
    struct nl_cb *cb;
    double start, end, next, interval, elapsed = 0.0;
    int status = 0;
    int err;

    parse_options(argc, argv, &o);
    catch_signals();

    devs = calloc(o.devices, sizeof *devs);
    latencies.buckets = calloc(LATENCY_BUCKETS, sizeof *latencies.buckets);
    if (!devs || !latencies.buckets) {
        error_msg("out of memory");
        return 1;
    }
    for (long i = 0; i < o.devices; i++) {
        int a = snprintf(devs[i].name, IFNAMSIZ, "%s%ld", o.prefix, i + 1);
        int b = snprintf(devs[i].peer, IFNAMSIZ, "%s%ldp", o.prefix, i + 1);

        if (a < 0 || a >= IFNAMSIZ || (o.veth && (b < 0 || b >= IFNAMSIZ))) {
            error_msg("prefix '%s' makes device names longer than %d "
                      "characters", o.prefix, IFNAMSIZ - 1);
            return 2;
        }
    }

    sk = nl_socket_alloc();
    cb = nl_cb_alloc(NL_CB_DEFAULT);
    if (!sk || !cb) {
        error_msg("out of memory");
        return 1;
    }
    err = nl_connect(sk, NETLINK_ROUTE);
    if (err < 0) {
        error_msg("cannot open an rtnetlink socket: %s", nl_geterror(err));
        return 1;
    }
    nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, count_message, &links_seen);

    for (long i = 0; i < o.devices && !stop_signal; i++) {
        if (device_create(sk, &devs[i], o.veth) < 0) {
            status = 1;
            break;
        }
    }

    interval = 1.0 / o.rate;
    start = next = now_seconds();
    end = start + o.duration;
    while (!status && !stop_signal) {
        double sent = now_seconds();

        if (ops % 2 == 0) {
            if (dump_links(sk, cb) < 0) {
                status = 1;
                break;
            }
            dumps++;
        } else {
            if (device_change(sk, &devs[changes % o.devices], o.change) < 0) {
                status = 1;
                break;
            }
            changes++;
        }
        latency_add(&latencies, (now_seconds() - sent) * 1e6);
        ops++;

        /* Keep to the schedule, but do not make up for more than a second
         * of lag with a burst. */
        next += interval;
        if (next < now_seconds() - 1.0) {
            next = now_seconds();
        }
        if (o.duration > 0 && next >= end) {
            sleep_until(end);
            break;
        }
        sleep_until(next);
    }
    elapsed = now_seconds() - start;

    for (long i = 0; i < o.devices; i++) {
        if (devs[i].ifindex) {
            err = link_delete(sk, devs[i].name);
            if (err < 0) {
                error_msg("deleting %s: %s", devs[i].name, nl_geterror(err));
                status = 1;
            }
        }
    }
    if (stop_signal) {
        fprintf(stderr, "%s: stopped by signal %d\n", program_name,
                (int) stop_signal);
    }
    printf("ops=%ld dumps=%ld changes=%ld seconds=%.3f op_us_mean=%.1f "
           "op_us_p50=%ld op_us_p99=%ld op_us_max=%.0f\n", ops, dumps,
           changes, elapsed,
           latencies.count ? latencies.sum_us / latencies.count : 0.0,
           latency_quantile(&latencies, 0.50),
           latency_quantile(&latencies, 0.99), latencies.max_us);

    nl_cb_put(cb);
    nl_socket_free(sk);
    free(devs);
    free(latencies.buckets);
    return status;
}
