#!/usr/bin/env bash
# Public headers (STYLE.md 1.2): each compiles on its own, and each desk header holds one
# prefix, so a function is found from its name: sd_ticket_* in tickets.h, every sd_stats* in
# stats.h, sd_access_* in access.h, ... (tickets.h also names its own enums: sd_channel_name).
# The server prefix is sd_server_ (sd_srv_ is gone).
set -euo pipefail
: "${SD_SOURCE_DIR:?}" "${SD_BUILD:?}"
inc="$SD_SOURCE_DIR/include/sealdesk"
cc=$(sed -n 's/^CMAKE_C_COMPILER:FILEPATH=//p' "$SD_BUILD/CMakeCache.txt")
fail=0
for h in "$inc"/*.h; do
  if ! printf '#include "sealdesk/%s"\n' "$(basename "$h")" |
      "${cc:-cc}" -std=c11 -Wall -Wextra -Wpedantic -Werror -fsyntax-only \
        -I"$SD_SOURCE_DIR/include" -I"$SD_BUILD/proto" \
        $(pkg-config --cflags libprotobuf-c) -x c - ; then
    echo "not ok - $(basename "$h") does not compile alone"
    fail=1
  fi
done
python3 - "$inc" <<'EOF' || fail=1
import os, re, sys
inc = sys.argv[1]
# header -> regex every function it declares must match
rules = {
    'actor.h': r'sd_actor_',
    'desk.h': r'sd_desk_(?!audit_)',
    'tickets.h': r'sd_ticket_|sd_(channel|status|field|event_kind|priority)_(name|parse)$',
    'queue.h': r'sd_queue_',
    'sla.h': r'sd_sla_',
    'stats.h': r'sd_stats(_|$)',
    'access.h': r'sd_access_',
    'desk_audit.h': r'sd_desk_audit_',
    'mask.h': r'sd_mask$',
    'enum.h': r'sd_enum_',
}
def functions(path):
    s = re.sub(r'/\*.*?\*/', '', open(path).read(), flags=re.S)
    return set(re.findall(r'\b(sd_\w+)\s*\(', s)) - set(re.findall(r'\(\s*\*\s*(sd_\w+)', s))
bad = 0
for h, rx in rules.items():
    if not os.path.exists(os.path.join(inc, h)):
        print(f'not ok - {h} missing'); bad = 1; continue
    for f in sorted(functions(os.path.join(inc, h))):
        if not re.match(rx, f):
            print(f'not ok - {h} declares {f} (not {rx})'); bad = 1
for h in os.listdir(inc):
    if h == 'stats.h':
        continue
    for f in functions(os.path.join(inc, h)):
        if re.match(r'sd_stats(_|$)', f):
            print(f'not ok - {f} declared in {h}, not stats.h'); bad = 1
sys.exit(bad)
EOF
if grep -rnw --include='*.[ch]' -e 'sd_srv_[a-z_]*' "$SD_SOURCE_DIR"/{include,src,tools,tests}; then
  echo "not ok - sd_srv_ left (the server prefix is sd_server_)"
  fail=1
fi
[ "$fail" -eq 0 ] && echo "ok - headers compile alone, one prefix per desk header"
exit "$fail"
