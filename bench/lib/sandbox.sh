# A private OVS for one run: ovsdb-server and ovs-vswitchd of one build,
# with their own run, log and database directories, in a network
# namespace created for the run, and one userspace-datapath bridge br0.
# Sourced by the benchmark and the reliability tests.
#
#   sandbox_start OVS_TREE DIR NAME   start it (namespace ovs-NAME)
#   sandbox_stop                      stop the daemons, delete everything
#   sandbox_restart_vswitchd          start ovs-vswitchd again (after a kill)
#   sandbox_restart_ovsdb_server      start ovsdb-server again (after a kill)
#   sandbox_vswitchd_pid              pid of the running ovs-vswitchd
#   sb_ns CMD...                      run CMD in the namespace
#   sb_vsctl ARGS... / sb_appctl ARGS...
#
# sandbox_start installs an EXIT trap that calls sandbox_stop, and makes
# SIGINT and SIGTERM exit, so Ctrl-C leaves no daemon, namespace or link
# behind (links die with the namespace).  A caller that sets its own EXIT
# trap must call sandbox_stop from it.
#
# SANDBOX_VSWITCHD_WRAPPER, if set, is a command (split at spaces) that
# ovs-vswitchd runs under, e.g. a valgrind tool that counts instructions.

SANDBOX_TREE= SANDBOX_NS= SANDBOX_DIR=

sb_ns() { ip netns exec "$SANDBOX_NS" "$@"; }
sb_vsctl() {
    sb_ns "$SANDBOX_TREE/_build/utilities/ovs-vsctl" --timeout=120 "$@"
}
sb_appctl() { sb_ns "$SANDBOX_TREE/_build/utilities/ovs-appctl" "$@"; }

sandbox_vswitchd_pid() { cat "$OVS_RUNDIR/ovs-vswitchd.pid"; }

sandbox_restart_vswitchd() {
    # A SIGKILLed daemon leaves its pidfile behind; --pidfile replaces it.
    if [ -z "${SANDBOX_VSWITCHD_WRAPPER:-}" ]; then
        sb_ns "$SANDBOX_TREE/_build/vswitchd/ovs-vswitchd" --detach \
            --pidfile --no-chdir --log-file "unix:$SANDBOX_DIR/db.sock"
        return
    fi
    # Under a wrapper, the daemon does not detach, so that the wrapper's
    # process is the daemon's (valgrind's control tools look for it there).
    rm -f "$OVS_RUNDIR/ovs-vswitchd.pid"
    # shellcheck disable=SC2086
    sb_ns $SANDBOX_VSWITCHD_WRAPPER \
        "$SANDBOX_TREE/_build/vswitchd/ovs-vswitchd" --pidfile --no-chdir \
        --log-file "unix:$SANDBOX_DIR/db.sock" > /dev/null 2>&1 &
    for _ in $(seq 600); do
        [ -s "$OVS_RUNDIR/ovs-vswitchd.pid" ] && return 0
        sleep 0.1
    done
    echo "sandbox: ovs-vswitchd did not start" >&2
    return 1
}

sandbox_restart_ovsdb_server() {
    sb_ns "$SANDBOX_TREE/_build/ovsdb/ovsdb-server" --detach --pidfile \
        --no-chdir --log-file --remote="punix:$SANDBOX_DIR/db.sock" \
        "$SANDBOX_DIR/conf.db"
}

sandbox_start() {
    local tree=$1 dir=$2 name=$3
    SANDBOX_TREE=$(cd "$tree" && pwd)
    SANDBOX_NS=ovs-$name
    SANDBOX_DIR=$dir
    [ -x "$SANDBOX_TREE/_build/vswitchd/ovs-vswitchd" ] \
        || { echo "sandbox: $tree is not built" >&2; return 1; }
    mkdir -p "$dir"
    export OVS_RUNDIR=$dir OVS_LOGDIR=$dir OVS_DBDIR=$dir
    export OVS_SYSCONFDIR=$dir
    trap sandbox_stop EXIT
    trap 'exit 130' INT TERM
    ip netns add "$SANDBOX_NS"
    sb_ns ip link set lo up
    "$SANDBOX_TREE/_build/ovsdb/ovsdb-tool" create "$dir/conf.db" \
        "$SANDBOX_TREE/vswitchd/vswitch.ovsschema"
    sandbox_restart_ovsdb_server
    sb_vsctl --no-wait init
    sandbox_restart_vswitchd
    sb_vsctl add-br br0 -- set bridge br0 datapath_type=netdev
    echo "$SANDBOX_NS"
}

# Stops one daemon of the sandbox (ovs-vswitchd or ovsdb-server): SIGTERM,
# then SIGKILL if it is still there 5 s later.
sandbox_stop_daemon() {
    local pid
    pid=$(cat "$SANDBOX_DIR/$1.pid" 2>/dev/null) || return 0
    kill "$pid" 2>/dev/null || return 0
    # A scenario may have left it frozen (SIGSTOP).
    kill -CONT "$pid" 2>/dev/null || true
    for _ in $(seq 100); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.05
    done
    kill -KILL "$pid" 2>/dev/null || true
}

sandbox_stop() {
    local daemon
    [ -n "$SANDBOX_DIR" ] || return 0
    for daemon in ovs-vswitchd ovsdb-server; do
        sandbox_stop_daemon "$daemon"
    done
    ip netns del "$SANDBOX_NS" 2>/dev/null || true
    SANDBOX_DIR=
}
