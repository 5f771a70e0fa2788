/*
 * churn-driver: the port churn of the benchmark, as an SDN agent does it.
 *
 * Runs in the network namespace of the bridge's ports (start it with
 * 'ip netns exec NS').  For each port I of 1..N, a round removes pI from
 * the bridge with ovs-vsctl, deletes the veth pair pI/qI, creates it again,
 * sets both ends up and adds pI back to the bridge.  The devices are
 * handled over one rtnetlink socket (libnl-route-3); ovs-vsctl is run as a
 * child process, and by default waits until ovs-vswitchd has applied each
 * change, as an agent's calls would.
 *
 * usage: churn-driver --ports N [--rounds R] [--prefix P] [--peer-prefix Q]
 *                     [--vsctl 'CMD ARG...'] [--bridge BR]
 *                     [--setup] [--teardown] [--json]
 *
 * See README in this directory for the output and the exit status.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <net/if.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/link/veth.h>

#define MAX_PORTS 100000

extern char **environ;

static const char *program_name = "churn-driver";

struct options {
    long ports;
    long rounds;                /* -1: not given. */
    const char *prefix;
    const char *peer_prefix;
    const char *vsctl;
    const char *bridge;
    bool setup;
    bool teardown;
    bool json;
};

/* The --vsctl command, split into words, and room for the arguments that
 * each call appends. */
struct command {
    char *words;                /* Copy of --vsctl that argv points into. */
    char **argv;
    size_t n_base;              /* Words of --vsctl. */
    size_t n;                   /* Words in use. */
    size_t allocated;
};

static void __attribute__((format(printf, 1, 2), noreturn))
fatal(const char *format, ...)
{
    va_list args;

    fprintf(stderr, "%s: ", program_name);
    va_start(args, format);
    vfprintf(stderr, format, args);
    va_end(args);
    fputc('\n', stderr);
    exit(1);
}

static void *
xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);

    if (!p) {
        fatal("out of memory");
    }
    return p;
}

static char *
xstrdup(const char *s)
{
    char *copy = strdup(s);

    if (!copy) {
        fatal("out of memory");
    }
    return copy;
}

static void __attribute__((noreturn))
usage(int status)
{
    fprintf(status ? stderr : stdout,
"usage: %s --ports N [--rounds R] [--prefix P] [--peer-prefix Q]\n"
"                    [--vsctl 'CMD ARG...'] [--bridge BR]\n"
"                    [--setup] [--teardown] [--json]\n"
"Churns the veth ports P1..PN (peers Q1..QN) of bridge BR in the current\n"
"network namespace.  Each round, for each port: 'CMD ARG... del-port BR PI',\n"
"delete the veth, create it again, set both ends up, 'CMD ARG... add-port\n"
"BR PI'.  --setup first creates the pairs and adds them with one CMD call,\n"
"--teardown at the end removes them with one CMD call and deletes them.\n"
"Defaults: --rounds 1 (0 with --setup or --teardown), --prefix p,\n"
"--peer-prefix q, --vsctl ovs-vsctl, --bridge br0.\n"
"Prints 'round=K ports=N seconds=S' per round and 'rounds=R mean_s=M\n"
"std_s=D' at the end; with --json, one JSON object instead (the round\n"
"lines go to stderr).\n", program_name);
    exit(status);
}

static long
parse_count(const char *option, const char *s, long min)
{
    char *end;
    long value;

    errno = 0;
    value = strtol(s, &end, 10);
    if (errno || end == s || *end || value < min || value > MAX_PORTS) {
        fprintf(stderr, "%s: %s needs a number from %ld to %d, not '%s'\n",
                program_name, option, min, MAX_PORTS, s);
        exit(2);
    }
    return value;
}

static void
parse_options(int argc, char *argv[], struct options *o)
{
    enum { OPT_PEER_PREFIX = 256, OPT_SETUP, OPT_TEARDOWN, OPT_JSON };
    static const struct option long_options[] = {
        {"ports", required_argument, NULL, 'n'},
        {"rounds", required_argument, NULL, 'r'},
        {"prefix", required_argument, NULL, 'p'},
        {"peer-prefix", required_argument, NULL, OPT_PEER_PREFIX},
        {"vsctl", required_argument, NULL, 'v'},
        {"bridge", required_argument, NULL, 'b'},
        {"setup", no_argument, NULL, OPT_SETUP},
        {"teardown", no_argument, NULL, OPT_TEARDOWN},
        {"json", no_argument, NULL, OPT_JSON},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;

    *o = (struct options) {
        .ports = 0,
        .rounds = -1,
        .prefix = "p",
        .peer_prefix = "q",
        .vsctl = "ovs-vsctl",
        .bridge = "br0",
    };
    while ((c = getopt_long(argc, argv, "n:r:p:v:b:h", long_options,
                            NULL)) != -1) {
        switch (c) {
        case 'n':
            o->ports = parse_count("--ports", optarg, 1);
            break;
        case 'r':
            o->rounds = parse_count("--rounds", optarg, 0);
            break;
        case 'p':
            o->prefix = optarg;
            break;
        case OPT_PEER_PREFIX:
            o->peer_prefix = optarg;
            break;
        case 'v':
            o->vsctl = optarg;
            break;
        case 'b':
            o->bridge = optarg;
            break;
        case OPT_SETUP:
            o->setup = true;
            break;
        case OPT_TEARDOWN:
            o->teardown = true;
            break;
        case OPT_JSON:
            o->json = true;
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
    if (!o->ports) {
        fprintf(stderr, "%s: --ports N is required\n", program_name);
        usage(2);
    }
    if (o->rounds < 0) {
        o->rounds = o->setup || o->teardown ? 0 : 1;
    }
    if (!o->prefix[0] || !o->peer_prefix[0]
        || !strcmp(o->prefix, o->peer_prefix)) {
        fprintf(stderr, "%s: --prefix and --peer-prefix must be non-empty "
                "and differ\n", program_name);
        exit(2);
    }
}

/* Writes the name of port 'i' with 'prefix' into 'name', checking that the
 * kernel accepts its length. */
static void
port_name(char name[IFNAMSIZ], const char *prefix, long i)
{
    int len = snprintf(name, IFNAMSIZ, "%s%ld", prefix, i);

    if (len < 0 || len >= IFNAMSIZ) {
        fprintf(stderr, "%s: device name '%s%ld' is longer than %d "
                "characters\n", program_name, prefix, i, IFNAMSIZ - 1);
        exit(2);
    }
}

/* ovs-vsctl. */

/* Appends 'arg' (not copied: it must live until command_run()). */
static void
command_add(struct command *cmd, const char *arg)
{
    if (cmd->n + 1 >= cmd->allocated) {
        cmd->allocated *= 2;
        cmd->argv = realloc(cmd->argv, cmd->allocated * sizeof *cmd->argv);
        if (!cmd->argv) {
            fatal("out of memory");
        }
    }
    cmd->argv[cmd->n++] = (char *) arg;
    cmd->argv[cmd->n] = NULL;
}

static void
command_init(struct command *cmd, const char *line)
{
    char *save = NULL;
    char *word;

    cmd->words = xstrdup(line);
    cmd->allocated = 16;
    cmd->argv = xmalloc(cmd->allocated * sizeof *cmd->argv);
    cmd->n = 0;
    cmd->argv[0] = NULL;
    for (word = strtok_r(cmd->words, " \t\n", &save); word;
         word = strtok_r(NULL, " \t\n", &save)) {
        command_add(cmd, word);
    }
    if (!cmd->n) {
        fatal("--vsctl is empty");
    }
    cmd->n_base = cmd->n;
}

/* Drops the arguments appended to the words of --vsctl. */
static void
command_reset(struct command *cmd)
{
    cmd->n = cmd->n_base;
    cmd->argv[cmd->n] = NULL;
}

/* Describes the command for an error message: its first words. */
static void
command_describe(const struct command *cmd, char *buf, size_t size)
{
    size_t len = 0;

    buf[0] = '\0';
    for (size_t i = 0; i < cmd->n && len < size; i++) {
        int n = snprintf(buf + len, size - len, "%s%s", i ? " " : "",
                         cmd->argv[i]);
        if (n < 0) {
            break;
        }
        len += n;
    }
    if (len >= size && size > 4) {
        strcpy(buf + size - 4, "...");
    }
}

/* Runs the command and waits for it; its standard output goes to our
 * standard error, so that only our own results are on standard output.
 * Exits if it cannot be run or does not succeed. */
static void
command_run(struct command *cmd)
{
    posix_spawn_file_actions_t actions;
    char what[512];
    pid_t pid;
    int status;
    int error;

    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, STDERR_FILENO, STDOUT_FILENO);
    fflush(stdout);
    fflush(stderr);
    error = posix_spawnp(&pid, cmd->argv[0], &actions, NULL, cmd->argv,
                         environ);
    posix_spawn_file_actions_destroy(&actions);
    if (error) {
        command_describe(cmd, what, sizeof what);
        fatal("cannot run '%s': %s", what, strerror(error));
    }
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            command_describe(cmd, what, sizeof what);
            fatal("waiting for '%s': %s", what, strerror(errno));
        }
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        return;
    }
    command_describe(cmd, what, sizeof what);
    if (WIFEXITED(status)) {
        fatal("'%s' failed with exit status %d", what, WEXITSTATUS(status));
    }
    fatal("'%s' was killed by signal %d", what,
          WIFSIGNALED(status) ? WTERMSIG(status) : -1);
}

/* Devices, over rtnetlink. */

static struct nl_sock *
netlink_open(void)
{
    struct nl_sock *sk = nl_socket_alloc();
    int err;

    if (!sk) {
        fatal("cannot allocate a netlink socket");
    }
    err = nl_connect(sk, NETLINK_ROUTE);
    if (err < 0) {
        fatal("cannot open an rtnetlink socket: %s", nl_geterror(err));
    }
    return sk;
}

static bool
is_absent_error(int err)
{
    return err == -NLE_OBJ_NOTFOUND || err == -NLE_NODEV;
}

/* Deletes device 'name'.  Returns 0 if it is gone, or the negative libnl
 * error; an absent device counts as an error unless 'absent_ok'. */
static int
link_delete(struct nl_sock *sk, const char *name, bool absent_ok)
{
    struct rtnl_link *link = rtnl_link_alloc();
    int err;

    if (!link) {
        fatal("out of memory");
    }
    rtnl_link_set_name(link, name);
    err = rtnl_link_delete(sk, link);
    rtnl_link_put(link);
    if (err < 0 && absent_ok && is_absent_error(err)) {
        err = 0;
    }
    return err;
}

static void
link_delete_or_die(struct nl_sock *sk, const char *name)
{
    int err = link_delete(sk, name, false);

    if (err < 0) {
        fatal("deleting %s: %s%s", name, nl_geterror(err),
              is_absent_error(err) ? " (not set up? see --setup)" : "");
    }
}

static int
veth_add(struct nl_sock *sk, const char *name, const char *peer_name)
{
    struct rtnl_link *link = rtnl_link_veth_alloc();
    struct rtnl_link *peer;
    int err;

    if (!link) {
        fatal("out of memory");
    }
    rtnl_link_set_name(link, name);
    peer = rtnl_link_veth_get_peer(link);
    rtnl_link_set_name(peer, peer_name);
    rtnl_link_put(peer);
    err = rtnl_link_add(sk, link, NLM_F_CREATE | NLM_F_EXCL);
    rtnl_link_put(link);
    return err;
}

/* Creates the veth pair 'name'/'peer_name'.  If a device of either name
 * is in the way, says so, deletes it and tries once more. */
static void
veth_create(struct nl_sock *sk, const char *name, const char *peer_name)
{
    int err = veth_add(sk, name, peer_name);

    if (err == -NLE_EXIST) {
        fprintf(stderr, "%s: creating veth %s/%s: %s; deleting the old "
                "device first\n", program_name, name, peer_name,
                nl_geterror(err));
        err = link_delete(sk, name, true);
        if (err < 0) {
            fatal("deleting %s: %s", name, nl_geterror(err));
        }
        err = link_delete(sk, peer_name, true);
        if (err < 0) {
            fatal("deleting %s: %s", peer_name, nl_geterror(err));
        }
        err = veth_add(sk, name, peer_name);
    }
    if (err < 0) {
        fatal("creating veth %s/%s: %s", name, peer_name, nl_geterror(err));
    }
}

/* Sets device 'name' up.  The request names the device rather than its
 * index, which spares a lookup; the kernel finds it by name. */
static void
link_set_up(struct nl_sock *sk, const char *name)
{
    struct rtnl_link *orig = rtnl_link_alloc();
    struct rtnl_link *changes = rtnl_link_alloc();
    int err;

    if (!orig || !changes) {
        fatal("out of memory");
    }
    rtnl_link_set_name(orig, name);
    rtnl_link_set_name(changes, name);
    rtnl_link_set_flags(changes, IFF_UP);
    err = rtnl_link_change(sk, orig, changes, 0);
    rtnl_link_put(orig);
    rtnl_link_put(changes);
    if (err < 0) {
        fatal("setting %s up: %s", name, nl_geterror(err));
    }
}

/* Creates pair 'name'/'peer_name' and sets both ends up, peer first. */
static void
port_create(struct nl_sock *sk, const char *name, const char *peer_name)
{
    veth_create(sk, name, peer_name);
    link_set_up(sk, peer_name);
    link_set_up(sk, name);
}

/* The three phases. */

static void
setup(struct nl_sock *sk, struct command *vsctl, const struct options *o,
      char (*names)[IFNAMSIZ], char (*peers)[IFNAMSIZ])
{
    for (long i = 0; i < o->ports; i++) {
        port_create(sk, names[i], peers[i]);
    }
    command_reset(vsctl);
    for (long i = 0; i < o->ports; i++) {
        command_add(vsctl, "--");
        command_add(vsctl, "add-port");
        command_add(vsctl, o->bridge);
        command_add(vsctl, names[i]);
    }
    command_run(vsctl);
}

static void
teardown(struct nl_sock *sk, struct command *vsctl, const struct options *o,
         char (*names)[IFNAMSIZ], char (*peers)[IFNAMSIZ])
{
    command_reset(vsctl);
    for (long i = 0; i < o->ports; i++) {
        command_add(vsctl, "--");
        command_add(vsctl, "--if-exists");
        command_add(vsctl, "del-port");
        command_add(vsctl, o->bridge);
        command_add(vsctl, names[i]);
    }
    command_run(vsctl);

    /* Deleting a veth deletes its peer too; the peer is deleted on its
     * own only if it is left without one. */
    for (long i = 0; i < o->ports; i++) {
        int err = link_delete(sk, names[i], false);

        if (is_absent_error(err)) {
            err = link_delete(sk, peers[i], true);
            if (err < 0) {
                fatal("deleting %s: %s", peers[i], nl_geterror(err));
            }
        } else if (err < 0) {
            fatal("deleting %s: %s", names[i], nl_geterror(err));
        }
    }
}

static double
now_seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One round: churns every port once.  Returns its wall time in seconds. */
static double
churn_round(struct nl_sock *sk, struct command *vsctl,
            const struct options *o, char (*names)[IFNAMSIZ],
            char (*peers)[IFNAMSIZ])
{
    double start = now_seconds();

    for (long i = 0; i < o->ports; i++) {
        command_reset(vsctl);
        command_add(vsctl, "del-port");
        command_add(vsctl, o->bridge);
        command_add(vsctl, names[i]);
        command_run(vsctl);

        link_delete_or_die(sk, names[i]);
        port_create(sk, names[i], peers[i]);

        command_reset(vsctl);
        command_add(vsctl, "add-port");
        command_add(vsctl, o->bridge);
        command_add(vsctl, names[i]);
        command_run(vsctl);
    }
    return now_seconds() - start;
}

int
main(int argc, char *argv[])
{
    char (*names)[IFNAMSIZ];
    char (*peers)[IFNAMSIZ];
    struct command vsctl;
    struct options o;
    struct nl_sock *sk;
    double *seconds;
    double mean = 0.0, std = 0.0;
    FILE *lines;

    parse_options(argc, argv, &o);
    command_init(&vsctl, o.vsctl);

    names = xmalloc(o.ports * sizeof *names);
    peers = xmalloc(o.ports * sizeof *peers);
    for (long i = 0; i < o.ports; i++) {
        port_name(names[i], o.prefix, i + 1);
        port_name(peers[i], o.peer_prefix, i + 1);
    }
    seconds = xmalloc(o.rounds * sizeof *seconds);

    sk = netlink_open();
    if (o.setup) {
        setup(sk, &vsctl, &o, names, peers);
    }

    lines = o.json ? stderr : stdout;
    for (long r = 0; r < o.rounds; r++) {
        seconds[r] = churn_round(sk, &vsctl, &o, names, peers);
        fprintf(lines, "round=%ld ports=%ld seconds=%.6f\n", r + 1, o.ports,
                seconds[r]);
        fflush(lines);
        mean += seconds[r];
    }
    if (o.rounds) {
        mean /= o.rounds;
        for (long r = 0; r < o.rounds; r++) {
            std += (seconds[r] - mean) * (seconds[r] - mean);
        }
        std = o.rounds > 1 ? sqrt(std / (o.rounds - 1)) : 0.0;
    }

    if (o.json) {
        printf("{\"ports\": %ld, \"rounds\": %ld, \"seconds\": [", o.ports,
               o.rounds);
        for (long r = 0; r < o.rounds; r++) {
            printf("%s%.6f", r ? ", " : "", seconds[r]);
        }
        printf("]");
        if (o.rounds) {
            printf(", \"mean_s\": %.6f", mean);
        } else {
            printf(", \"mean_s\": null");
        }
        if (o.rounds > 1) {
            printf(", \"std_s\": %.6f}\n", std);
        } else {
            printf(", \"std_s\": null}\n");
        }
    } else if (o.rounds) {
        printf("rounds=%ld mean_s=%.6f std_s=", o.rounds, mean);
        if (o.rounds > 1) {
            printf("%.6f\n", std);
        } else {
            printf("n/a\n");
        }
    }
    fflush(stdout);

    if (o.teardown) {
        teardown(sk, &vsctl, &o, names, peers);
    }

    nl_socket_free(sk);
    free(seconds);
    free(names);
    free(peers);
    free(vsctl.argv);
    free(vsctl.words);
    return 0;
}
