/* libFuzzer target for rtnetlink_parse(), the parser of the RTM_NEWLINK,
 * RTM_DELLINK, RTM_NEWADDR and RTM_DELADDR notifications that netdev-linux,
 * if-notifier and route-table receive from the kernel, and of the replies
 * (with statistics or not) to netdev-linux's RTM_GETLINK.  Built and run by
 * utilities/fuzz.sh against the tree's lib/.libs/libopenvswitch.a. */

#include <config.h>

#include <linux/if_link.h>
#include <linux/netlink.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "openvswitch/ofpbuf.h"
#include "openvswitch/vlog.h"
#include "rtnetlink.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc OVS_UNUSED, char ***argv OVS_UNUSED)
{
    /* The parser logs malformed input; at millions of inputs a second that
     * is only noise. */
    vlog_set_levels(NULL, VLF_ANY_DESTINATION, VLL_OFF);
    return 0;
}

/* Reads every byte of 's', so that ASan sees a string that is not
 * terminated inside the message. */
static size_t
touch(const char *s)
{
    return s ? strlen(s) : 0;
}

/* Reads the 'size' bytes at 'p', if any: the parser promises that the
 * statistics it points to are whole. */
static size_t
touch_bytes(const void *p, size_t size)
{
    const uint8_t *bytes = p;
    size_t sum = 0;

    for (size_t i = 0; p && i < size; i++) {
        sum += bytes[i];
    }
    return sum;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct rtnetlink_change change;
    struct nlmsghdr *nlmsg;
    struct ofpbuf buf;

    /* What nl_sock_recv() and nl_dump_next() promise the parser: at least
     * a whole netlink header, whose length the buffer holds. */
    if (size < NLMSG_HDRLEN) {
        return 0;
    }

    /* An exact-size heap copy, as a received message is: ASan then catches
     * any read past its end. */
    ofpbuf_init(&buf, size);
    nlmsg = ofpbuf_put(&buf, data, size);
    nlmsg->nlmsg_len = size;

    memset(&change, 0xa5, sizeof change);
    if (rtnetlink_parse(&buf, &change)) {
        volatile size_t sink;

        /* A parsed link message always names its device. */
        if (rtnetlink_type_is_rtnlgrp_link(change.nlmsg_type)
            && !change.ifname) {
            abort();
        }
        sink = touch(change.ifname);
        if (rtnetlink_type_is_rtnlgrp_link(change.nlmsg_type)) {
            sink += touch(change.primary) + touch(change.sub);
            sink += touch_bytes(change.stats64,
                                sizeof(struct rtnl_link_stats64));
            sink += touch_bytes(change.stats, sizeof(struct rtnl_link_stats));
        }
        (void) sink;
    }

    ofpbuf_uninit(&buf);
    return 0;
}
