# Scenario 6, dbrestart: ovsdb-server killed with SIGKILL in the middle of
# link churn and started again on its database file.  The Interface
# status columns are ephemeral, so the server comes back without any: the
# running ovs-vswitchd must write the status of every port again, also of
# the ports whose devices did not change meanwhile.

REL_RESTART=ovsdb-server
# shellcheck source=tests/reliability/restart.sh
. "$(dirname "${BASH_SOURCE[0]}")/restart.sh"
