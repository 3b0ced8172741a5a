#!/usr/bin/env python3
"""Lists the non-test functions longer than MAXLEN lines (default 100) in
the Rust files and folders given (default: crates/import/src
crates/score/src crates/cli), longest first. A function may be longer with a reason
written beside it: a comment `// Long: REASON` among the lines just above
its `fn` (its docs and attributes). Exits 1 if a function over the limit
has no reason.

    python3 scripts/fn-lengths.py [PATH...]
"""
import os, re, sys
N = int(os.environ.get("MAXLEN", "100"))
fn_re = re.compile(r'^(\s*)(pub(\([^)]*\))?\s+)?(const\s+)?(async\s+)?(unsafe\s+)?fn\s+(\w+)')
def strip(line, state):
    # remove strings, chars, comments roughly; state tracks block comment / raw string
    out = []; i = 0; n = len(line)
    while i < n:
        if state['block']:
            j = line.find('*/', i)
            if j < 0: return ''.join(out)
            state['block'] = False; i = j + 2; continue
        if state['str']:
            if line[i] == '\\': i += 2; continue
            if line[i] == '"': state['str'] = False
            i += 1; continue
        c = line[i]
        if line.startswith('//', i): break
        if line.startswith('/*', i): state['block'] = True; i += 2; continue
        if c == '"': state['str'] = True; i += 1; continue
        if c == "'" :
            m = re.match(r"'(\\.|[^\\'])'", line[i:])
            if m: i += len(m.group(0)); continue
        out.append(c); i += 1
    return ''.join(out)
def scan(path):
    lines = open(path).read().split('\n')
    state = {'block': False, 'str': False}
    clean = [strip(l, state) for l in lines]
    res = []
    test_depth = None; depth = 0; pending_test = False
    i = 0
    while i < len(lines):
        l = lines[i]
        if re.match(r'\s*#\[cfg\(test\)\]', l): pending_test = True
        m = fn_re.match(l)
        if m and test_depth is None:
            # find body start and end
            d = 0; started = False; j = i
            while j < len(lines):
                for ch in clean[j]:
                    if ch == '{': d += 1; started = True
                    elif ch == '}': d -= 1
                if started and d == 0: break
                if not started and clean[j].rstrip().endswith(';'): break
                j += 1
            if started:
                length = j - i + 1
                if length > N:
                    # reason comment on the line(s) above?
                    k = i - 1; reason = ''
                    while k >= 0 and (lines[k].strip().startswith('#[') or lines[k].strip().startswith('///') or lines[k].strip().startswith('//')):
                        if lines[k].strip().startswith('// Long:'): reason = lines[k].strip()
                        k -= 1
                    res.append((length, path, i + 1, m.group(7), reason))
        for ch in clean[i]:
            if ch == '{':
                depth += 1
                if pending_test and test_depth is None: test_depth = depth; pending_test = False
            elif ch == '}':
                if test_depth is not None and depth == test_depth: test_depth = None
                depth -= 1
        if pending_test and clean[i].strip() and not clean[i].strip().startswith('#') and '{' not in clean[i] and clean[i].strip().endswith(';'):
            pending_test = False
        i += 1
    return res
out = []
for a in sys.argv[1:] or ['crates/import/src', 'crates/score/src', 'crates/cli']:
    if os.path.isdir(a):
        for r, _, fs in os.walk(a):
            for f in fs:
                if f.endswith('.rs') and not f.endswith('_tests.rs') and f != 'tests.rs': out += scan(os.path.join(r, f))
    else: out += scan(a)
unexplained = 0
for length, path, line, name, reason in sorted(out, reverse=True):
    print(f"{length:5} {path}:{line} {name} {reason}")
    unexplained += not reason
sys.exit(1 if unexplained else 0)
