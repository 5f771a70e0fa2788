/*
 * link-oracle: what the kernel says about network devices, read with
 * libnl-route-3 and nothing of Open vSwitch, so that the reliability tests
 * can compare what ovs-vswitchd reports with an independent truth.
 *
 * usage: link-oracle [-n NETNS]... [NAME]...
 *
 * Each -n names a network namespace (as 'ip netns' knows it, "." for the
 * current one); without -n, the current namespace is read.  For each NAME
 * the device of that name in the first namespace listed that has one is
 * printed; without NAME, every device of every namespace listed.  One line
 * per device:
 *
 *   name=p1 ns=NS ifindex=7 up=1 running=1 promisc=0 carrier=1
 *       operstate=up mtu=1500 mac=aa:bb:cc:dd:ee:ff
 *
 * (on one line), or "name=p1 ns=- absent" for a NAME found nowhere.
 * Exit status: 0 on success, 1 if the kernel could not be read, 2 on bad
 * usage.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <netlink/netlink.h>
#include <netlink/route/link.h>

#define MAX_NS 16

struct ns_links {
    const char *name;           /* As given with -n. */
    struct nl_sock *sock;
    struct nl_cache *cache;
};

static const char *program_name = "link-oracle";

static void
usage(void)
{
    fprintf(stderr, "usage: %s [-n NETNS]... [NAME]...\n"
            "Prints the kernel's state of each device NAME, looked up in\n"
            "the namespaces NETNS in order (\".\" is the current one).\n",
            program_name);
    exit(2);
}

static void
fatal(const char *format, const char *arg, const char *reason)
{
    fprintf(stderr, "%s: ", program_name);
    fprintf(stderr, format, arg);
    fprintf(stderr, ": %s\n", reason);
    exit(1);
}

/* Enters namespace 'name' ("." stays), so that the netlink socket opened
 * next belongs to it.  A socket keeps its namespace after we leave. */
static void
enter_ns(const char *name, int home_fd)
{
    char path[256];
    int fd;

    if (!strcmp(name, ".")) {
        if (setns(home_fd, CLONE_NEWNET)) {
            fatal("cannot return to namespace %s", "of origin",
                  strerror(errno));
        }
        return;
    }
    if (strchr(name, '/') || !name[0]
        || strlen(name) + sizeof "/run/netns/" > sizeof path) {
        fprintf(stderr, "%s: '%s' is not a namespace name\n",
                program_name, name);
        exit(2);
    }
    snprintf(path, sizeof path, "/run/netns/%s", name);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        fatal("no network namespace %s", name, strerror(errno));
    }
    if (setns(fd, CLONE_NEWNET)) {
        fatal("cannot enter namespace %s", name, strerror(errno));
    }
    close(fd);
}

static void
load_ns(struct ns_links *ns, int home_fd)
{
    int error;

    enter_ns(ns->name, home_fd);
    ns->sock = nl_socket_alloc();
    if (!ns->sock) {
        fatal("out of memory for namespace %s", ns->name, "");
    }
    error = nl_connect(ns->sock, NETLINK_ROUTE);
    if (!error) {
        error = rtnl_link_alloc_cache(ns->sock, AF_UNSPEC, &ns->cache);
    }
    if (error) {
        fatal("cannot dump the links of namespace %s", ns->name,
              nl_geterror(error));
    }
    enter_ns(".", home_fd);
}

static void
format_mac(struct rtnl_link *link, char *buf, size_t size)
{
    struct nl_addr *addr = rtnl_link_get_addr(link);
    const unsigned char *b;
    size_t i, len, pos = 0;

    snprintf(buf, size, "-");
    if (!addr) {
        return;
    }
    b = nl_addr_get_binary_addr(addr);
    len = nl_addr_get_len(addr);
    for (i = 0; i < len && pos + 4 <= size; i++) {
        pos += snprintf(buf + pos, size - pos, "%s%02x", i ? ":" : "", b[i]);
    }
}

static void
print_link(const char *ns, struct rtnl_link *link)
{
    unsigned int flags = rtnl_link_get_flags(link);
    char operstate[32];
    char mac[3 * 32];

    rtnl_link_operstate2str(rtnl_link_get_operstate(link), operstate,
                            sizeof operstate);
    format_mac(link, mac, sizeof mac);
    printf("name=%s ns=%s ifindex=%d up=%d running=%d promisc=%d "
           "carrier=%u operstate=%s mtu=%u mac=%s\n",
           rtnl_link_get_name(link), ns, rtnl_link_get_ifindex(link),
           !!(flags & IFF_UP), !!(flags & IFF_RUNNING),
           !!(flags & IFF_PROMISC), rtnl_link_get_carrier(link),
           operstate, rtnl_link_get_mtu(link), mac);
}

static void
print_all(struct nl_object *obj, void *ns_)
{
    print_link(ns_, (struct rtnl_link *) obj);
}

int
main(int argc, char *argv[])
{
    struct ns_links nss[MAX_NS];
    int n_ns = 0, home_fd, opt, i;

    while ((opt = getopt(argc, argv, "hn:")) != -1) {
        switch (opt) {
        case 'n':
            if (n_ns >= MAX_NS) {
                fprintf(stderr, "%s: at most %d namespaces\n", program_name,
                        MAX_NS);
                exit(2);
            }
            nss[n_ns++].name = optarg;
            break;
        default:
            usage();
        }
    }
    if (!n_ns) {
        nss[n_ns++].name = ".";
    }
    for (i = optind; i < argc; i++) {
        if (!argv[i][0] || strlen(argv[i]) >= IFNAMSIZ) {
            fprintf(stderr, "%s: '%s' is not a device name\n", program_name,
                    argv[i]);
            exit(2);
        }
    }

    home_fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    if (home_fd < 0) {
        fatal("cannot open %s", "/proc/self/ns/net", strerror(errno));
    }
    for (i = 0; i < n_ns; i++) {
        load_ns(&nss[i], home_fd);
    }

    if (optind == argc) {
        for (i = 0; i < n_ns; i++) {
            nl_cache_foreach(nss[i].cache, print_all, (void *) nss[i].name);
        }
    }
    for (; optind < argc; optind++) {
        const char *name = argv[optind];
        struct rtnl_link *link = NULL;

        for (i = 0; i < n_ns && !link; i++) {
            link = rtnl_link_get_by_name(nss[i].cache, name);
            if (link) {
                print_link(nss[i].name, link);
                rtnl_link_put(link);
            }
        }
        if (!link) {
            printf("name=%s ns=- absent\n", name);
        }
    }

    for (i = 0; i < n_ns; i++) {
        nl_cache_free(nss[i].cache);
        nl_socket_free(nss[i].sock);
    }
    close(home_fd);
    return fflush(stdout) ? 1 : 0;
}
