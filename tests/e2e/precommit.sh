#!/bin/bash
# The pre-commit gate, offline, with Debian's pre-commit: a `repo: local` hook
# running the system unravel blocks a commit that creates a new cycle (and
# shows it) and lets one without a new cycle pass; with .unravel-baseline
# only new cycles fail. Also this repository's .pre-commit-hooks.yaml through
# `pre-commit try-repo`, and the plain hook of `unravel hook install`.
set -eu
command -v pre-commit >/dev/null || { echo "pre-commit is not installed (make deps-test)"; exit 1; }
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
export PATH="$(dirname "$UNRAVEL"):$PATH" PRE_COMMIT_HOME="$t/pre-commit-home"
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.invalid GIT_COMMITTER_NAME=t
export GIT_COMMITTER_EMAIL=t@example.invalid GIT_CONFIG_NOSYSTEM=1 HOME="$t"
[ "$(command -v unravel)" = "$UNRAVEL" ] || { mkdir -p "$t/bin"; ln -s "$UNRAVEL" "$t/bin/unravel"; PATH="$t/bin:$PATH"; }

# A repository with the framework and a local hook.
r=$t/repo
mkdir -p "$r/app"
cd "$r"
git init -q -b main .
cat >.pre-commit-config.yaml <<'YAML'
repos:
  - repo: local
    hooks:
      - id: unravel-cycles
        name: unravel cycles
        entry: unravel hook run
        language: system
        pass_filenames: false
        require_serial: true
YAML
touch app/__init__.py
printf 'import app.b\n' >app/a.py
printf 'x = 1\n' >app/b.py
git add -A
pre-commit install >/dev/null
git commit -qm "no cycle" >"$t/log" 2>&1 || { cat "$t/log"; echo "a clean commit was blocked"; exit 1; }

# A change that creates a cycle is blocked, and the cycle is shown.
printf 'import app.a\nx = 1\n' >app/b.py
git add app/b.py
if git commit -qm "cycle" >"$t/log" 2>&1; then cat "$t/log"; echo "a new cycle was not blocked"; exit 1; fi
grep -q 'unravel cycles.*Failed' "$t/log"
grep -q 'app.a -> app.b' "$t/log"
grep -q 'app/b.py:1: import app.a' "$t/log"
[ "$(git rev-list --count HEAD)" -eq 1 ]

# Recording the cycle in a baseline lets it through; only new cycles fail then.
unravel cycles --kind all --write-baseline .unravel-baseline -q
git add -A
git commit -qm "accept the a-b cycle" >"$t/log" 2>&1 || { cat "$t/log"; echo "baseline not honoured"; exit 1; }
printf 'def f():\n    return 2\n' >app/c.py
git add app/c.py
git commit -qm "unrelated change" >"$t/log" 2>&1 || { cat "$t/log"; echo "a change without a new cycle was blocked"; exit 1; }
printf 'import app.d\n' >app/c.py
printf 'import app.c\n' >app/d.py
git add -A
if git commit -qm "second cycle" >"$t/log" 2>&1; then cat "$t/log"; echo "a new cycle passed the baseline"; exit 1; fi
grep -q 'new import cycle' "$t/log"
grep -q 'app/d.py:1: import app.c' "$t/log"
! grep -q 'app.a, app.b' "$t/log"
git reset -q --hard

# This repository's .pre-commit-hooks.yaml (hook ids, language system, no stages).
pre-commit try-repo "$ROOT" unravel-cycles --all-files >"$t/try" 2>&1 || { cat "$t/try"; echo "try-repo failed on a clean (baselined) tree"; exit 1; }
grep -q 'unravel (no new import or manager cycles).*Passed' "$t/try"
rm .unravel-baseline
if pre-commit try-repo "$ROOT" unravel-cycles --all-files >"$t/try" 2>&1; then cat "$t/try"; exit 1; fi
grep -q 'app.a -> app.b' "$t/try"
git checkout -q .unravel-baseline

# The plain hook for users without the framework: refuses to replace a foreign hook.
set +e
unravel hook install >"$t/log" 2>&1; rc=$?
set -e
[ $rc -eq 2 ] && grep -q 'was not written by unravel; use --force' "$t/log"
unravel hook install --force -q
[ -f .git/hooks/pre-commit.unravel-backup ]
grep -q 'hook run' .git/hooks/pre-commit
unravel hook install -q  # its own hook: replaced without --force
printf 'import app.f\n' >app/e.py
printf 'import app.e\n' >app/f.py
git add -A
if git commit -qm "third cycle" >"$t/log" 2>&1; then cat "$t/log"; echo "plain hook did not block"; exit 1; fi
grep -q 'app/f.py:1: import app.e' "$t/log"
git commit -qm "skip once" --no-verify
# Files that cannot change the answer are not even scanned.
cd app && unravel hook run README.md && cd ..
echo "precommit: ok"
