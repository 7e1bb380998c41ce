#!/usr/bin/env python3
"""Compare BusyBox testsuite results of Linux and Persona.

Usage: bbtest-compare.py LINUX_LOG PERSONA_LOG [KNOWN_FAILURES]

Prints both pass counts and each applet's time on both systems. The checks: each system ran the
suite to its end, and every test that passes on Linux passes on Persona (one check per such test).
A test listed in KNOWN_FAILURES ("applet: test name -- reason", one a line, # for comments) that
fails on Persona is printed as a known failure and counted neither way; a listed test that passes
is pointed out, so that the list stays true. Last line: "bbtest: N passed, M failed"."""
import re, sys

def load(path):
    res, times, done = {}, {}, False
    try:
        lines = open(path, errors='replace').read().splitlines()
    except OSError:
        lines = []
    for line in lines:
        line = line.strip('\r')
        m = re.match(r'bbtest (\S+): (PASS|FAIL|SKIPPED|UNTESTED|ERROR): ?(.*)', line)
        if m:
            res[f'{m.group(1)}: {m.group(3)}'] = m.group(2)
        m = re.match(r'bbtest-time (\S+): (.*)', line)
        if m:
            times[m.group(1)] = m.group(2)
        if line.startswith('bbtest: done'):
            done = True
    return res, times, done

def load_known(path):
    known = {}
    if not path:
        return known
    for line in open(path):
        line = line.rstrip('\n')
        if not line.strip() or line.lstrip().startswith('#'):
            continue
        name, sep, reason = line.rpartition(' -- ')
        if not sep:
            name, reason = line, '(no reason given)'
        known[name.strip()] = reason.strip()
    return known

linux, ltimes, ldone = load(sys.argv[1])
persona, ptimes, pdone = load(sys.argv[2])
known = load_known(sys.argv[3] if len(sys.argv) > 3 else None)

lp = sum(v == 'PASS' for v in linux.values())
pp = sum(v == 'PASS' for v in persona.values())
print(f'bbtest: Linux {lp} PASS of {len(linux)} tests; Persona {pp} PASS of {len(persona)} tests')
print('bbtest: seconds per applet (Linux/Persona): ' +
      ', '.join(f'{a} {ltimes.get(a, "-").replace(" s", "")}/{ptimes.get(a, "-").replace(" s", "")}'
                for a in sorted(set(ltimes) | set(ptimes))))
over = [f'{a} ({n})' for n, t in (('Linux', ltimes), ('Persona', ptimes)) for a, v in sorted(t.items()) if 'limit' in v]
if over:
    print('bbtest: applets stopped at their time limit: ' + ', '.join(over))

passed = failed = 0
for name, done in (('Linux', ldone), ('Persona', pdone)):
    if done:
        passed += 1
        print(f'ok - the BusyBox testsuite ran to its end on {name}')
    else:
        failed += 1
        print(f'not ok - the BusyBox testsuite ran to its end on {name}')

expected, fixed = [], []
for k in sorted(k for k, v in linux.items() if v == 'PASS'):
    got = persona.get(k, 'did not run')
    if got == 'PASS':
        passed += 1
        if k in known:
            fixed.append(k)
    elif k in known:
        expected.append(f'{k} (Persona: {got}): {known[k]}')
    else:
        failed += 1
        print(f'not ok - {k} passes on Linux but not on Persona ({got})')
both = sum(1 for k, v in linux.items() if v == 'PASS' and persona.get(k) == 'PASS')
print(f'bbtest: {both} tests pass on both systems')
if expected:
    print(f'bbtest: {len(expected)} known failures (pass on Linux, fail on Persona; scripts/bbtest-known-failures.txt):')
    for e in expected:
        print(f'bbtest:   {e}')
for k in fixed:
    print(f'bbtest: note: "{k}" is listed as a known failure but passes now: take it off the list')
only = sorted(k for k, v in persona.items() if v == 'PASS' and linux.get(k) != 'PASS')
if only:
    print(f'bbtest: {len(only)} tests pass on Persona but not on Linux: ' + '; '.join(only))
print(f'bbtest: Linux {lp} PASS, Persona {pp} PASS')
print(f'bbtest: {passed} passed, {failed} failed')
sys.exit(1 if failed else 0)
