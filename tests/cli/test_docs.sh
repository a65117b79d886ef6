# Every command listed by 'capkit --help' has --help (exit 0) and a section
# in the man page; the man page is current with its parts.
. "$CAPKIT_TESTLIB"
root=$(cd "$CAPKIT_TESTDATA/../.." && pwd)
cmds=$("$CAPKIT" --help | awk '/^Commands:/{on=1;next} on&&/^  [a-z]/{print $1} on&&/^$/{exit}')
check "commands are listed" test -n "$cmds"
for c in $cmds; do
  check_exit "capkit $c --help" 0 "$CAPKIT" "$c" --help
  out=$("$CAPKIT" "$c" --help)
  case "$out" in usage:*) ok ;; *) not_ok "capkit $c --help prints usage" ;; esac
  check "man page has capkit $c" grep -q "^\.SS capkit $c\b" "$root/docs/capkit.1"
  # aliases ("same as ...") share their command's part of the README tour
  "$CAPKIT" --help | grep -q "^  $c  *same as" ||
    check "README tours capkit $c" grep -q "^### $c\b" "$root/README.md"
done
check_exit "unknown command" 2 "$CAPKIT" no-such-command
check_exit "no command" 2 "$CAPKIT"
check_exit "--version" 0 "$CAPKIT" --version
"$CAPKIT" --help | grep -q "3  I/O or system error" && ok || not_ok "exit codes in --help"
cp "$root/docs/capkit.1" "$T/before.1"
tmp=$(mktemp -d); cp -r "$root/docs" "$root/scripts" "$root/include" "$tmp/"
bash "$tmp/scripts/mkman.sh"
check "docs/capkit.1 is assembled from its parts (run scripts/mkman.sh)" cmp -s "$T/before.1" "$tmp/docs/capkit.1"
cp "$root/README.md" "$tmp/README.before"
bash "$tmp/scripts/mkreadme.sh"
check "README.md is assembled from its parts (run scripts/mkreadme.sh)" cmp -s "$tmp/README.before" "$tmp/README.md"
rm -rf "$tmp"
finish
