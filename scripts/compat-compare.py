#!/usr/bin/env python3
"""Compare the ok/not ok lines of the same tests on Linux and on Persona.

usage: compat-compare.py LINUX_LOG PERSONA_LOG
Each check is one test: it passes when Persona's result equals Linux's. A run that did not reach
"TESTS DONE" is one more failure. Last line: "compat: N passed, M failed".
"""
import re, sys

def results(path):
    res, done = {}, False
    try:
        text = open(path, errors='replace').read()
    except OSError:
        return res, False
    for line in text.splitlines():
        line = line.strip('\r')
        m = re.match(r'^(not ok|ok) - (.*?)( \(.*\))?$', line)
        if m:
            res[m.group(2)] = m.group(1) == 'ok'
        if 'TESTS DONE' in line:
            done = True
    return res, done

linux, linux_done = results(sys.argv[1])
persona, persona_done = results(sys.argv[2])
passed = failed = 0
for name in sorted(set(linux) | set(persona)):
    l, p = linux.get(name), persona.get(name)
    if l is not None and l == p:
        passed += 1
        print(f'ok - {name} (both: {"ok" if l else "not ok"})')
    else:
        failed += 1
        show = lambda v: 'missing' if v is None else ('ok' if v else 'not ok')
        print(f'not ok - {name} (Linux: {show(l)}, Persona: {show(p)})')
for name, done in (('Linux', linux_done), ('Persona', persona_done)):
    if done:
        passed += 1
        print(f'ok - the run on {name} reached its end')
    else:
        failed += 1
        print(f'not ok - the run on {name} reached its end')
print(f'compat: Linux {sum(linux.values())}/{len(linux)} ok, Persona {sum(persona.values())}/{len(persona)} ok')
print(f'compat: {passed} passed, {failed} failed')
sys.exit(1 if failed else 0)
