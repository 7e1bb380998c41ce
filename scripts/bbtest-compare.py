#!/usr/bin/env python3
"""Compare BusyBox testsuite results of Linux and Persona: both pass counts, and what differs.
One check passes when each system ran the suite to its end. Last line: "bbtest: N passed, M failed"."""
import re, sys

def load(path):
    res, done = {}, False
    for line in open(path, errors='replace'):
        line = line.strip('\r\n')
        m = re.match(r'bbtest (\S+): (PASS|FAIL|SKIPPED|UNTESTED|ERROR): ?(.*)', line)
        if m:
            res[f'{m.group(1)}: {m.group(3)}'] = m.group(2)
        if line.startswith('bbtest: done'):
            done = True
    return res, done

linux, ldone = load(sys.argv[1])
persona, pdone = load(sys.argv[2])
lp = sum(v == 'PASS' for v in linux.values())
pp = sum(v == 'PASS' for v in persona.values())
missing = sorted(k for k, v in linux.items() if v == 'PASS' and persona.get(k) != 'PASS')
print(f'bbtest: Linux {lp} PASS of {len(linux)}; Persona {pp} PASS of {len(persona)}')
print(f'bbtest: {len(missing)} tests pass on Linux but not on Persona:')
for k in missing[:400]:
    print(f'bbtest:   {k} (Persona: {persona.get(k, "did not run")})')
passed = failed = 0
for name, done in (('Linux', ldone), ('Persona', pdone)):
    if done:
        passed += 1
        print(f'ok - the BusyBox testsuite ran to its end on {name}')
    else:
        failed += 1
        print(f'not ok - the BusyBox testsuite ran to its end on {name}')
print(f'bbtest: {passed} passed, {failed} failed')
sys.exit(1 if failed else 0)
