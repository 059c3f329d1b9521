#!/bin/bash
# Kernel and process limits for a node that holds 1,000,000 IMAP sessions in
# one dormouse process (the capacity model is in ARCHITECTURE.md). Prints
# what it would change; `--apply` (as root) applies it for the running
# kernel and writes /etc/sysctl.d/90-dormouse.conf so it survives reboots.
# The per-process open-file limit is set where the service starts
# (systemd: LimitNOFILE); dormouse raises its soft limit to the hard one
# itself.
set -euo pipefail
SESSIONS=${SESSIONS:-1000000}
# One descriptor per session plus headroom for listeners, epoll, inotify,
# files opened during commands and LMTP connections.
FDS=$(( SESSIONS + SESSIONS / 20 + 1024 ))
# Two inotify watches (new/, cur/) per mailbox someone is IDLE on; at most
# one per session.
WATCHES=$(( 2 * SESSIONS + 1024 ))
declare -A WANT=(
    [fs.nr_open]=$(( FDS > 1048576 ? FDS : 1048576 ))
    [fs.file-max]=$(( FDS * 2 ))
    [fs.inotify.max_user_watches]=$WATCHES
    [net.core.somaxconn]=65535
    [net.ipv4.tcp_max_syn_backlog]=65535
    # Idle sockets hold no buffers; these bound what busy ones may take
    # (pages of 4 KiB): 1M sessions x a few KiB in flight.
    [net.ipv4.tcp_mem]="786432 1048576 1572864"
)
apply=0
[[ ${1:-} == --apply ]] && apply=1
conf=/etc/sysctl.d/90-dormouse.conf
((apply)) && : > "$conf"
for key in "${!WANT[@]}"; do
    want=${WANT[$key]}
    have=$(sysctl -n "$key" 2>/dev/null | tr -s '\t ' ' ' || echo "?")
    # Never lower a single-number limit that is already higher.
    if [[ $have =~ ^[0-9]+$ && $want =~ ^[0-9]+$ ]] && ((have > want)); then
        want=$have
    fi
    printf '%-32s now %-24s want %s\n' "$key" "$have" "$want"
    if ((apply)); then
        sysctl -q -w "$key=$want"
        echo "$key = $want" >> "$conf"
    fi
done
echo
echo "service: LimitNOFILE=$FDS  (or: ulimit -n $FDS before starting dormouse)"
((apply)) || echo "(dry run; --apply as root to change the running kernel and write $conf)"
