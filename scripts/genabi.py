#!/usr/bin/env python3
"""Generate the C header and the reference table from abi/persona.abi (the one source of ABI numbers)."""
import re, shlex, sys

def parse(path):
    rows = []
    for n, line in enumerate(open(path), 1):
        line = line.strip()
        if not line or line.startswith('#'):
            continue
        desc = ''
        if ' -- ' in line or line.endswith(' --'):
            line, desc = line.split(' --', 1)
            desc = shlex.split(desc)[0] if desc.strip() else ''
        f = line.split()
        if len(f) < 3:
            sys.exit(f'{path}:{n}: need KIND NAME VALUE')
        rows.append((f[0], f[1], int(f[2], 0), f[3:], desc))
    return rows

PREFIX = {'syscall': 'PSN_SYS_', 'object': 'PSN_OBJ_', 'method': 'PSN_M_', 'fault': 'PSN_FAULT_',
          'right': 'PSN_RIGHT_', 'const': 'PSN_', 'infobit': 'PSN_INFO_'}

def header(rows):
    out = ['/* Generated from abi/persona.abi by scripts/genabi.py: do not edit. */',
           '#ifndef PERSONA_ABI_H', '#define PERSONA_ABI_H', '']
    seen = {}
    for kind, name, val, fields, desc in rows:
        key = (kind, val)
        if kind in ('syscall', 'object', 'method', 'fault') and key in seen:
            sys.exit(f'duplicate {kind} value {val}: {name} and {seen[key]}')
        seen[key] = name
        p = PREFIX[kind] + name
        if kind == 'infobit':
            shift, width = val, int(fields[0])
            out.append(f'#define {p}_SHIFT {shift}')
            out.append(f'#define {p}_MASK 0x{(1 << width) - 1:x}UL')
            continue
        out.append(f'#define {p} {val}' + (f'  /* {desc} */' if desc else ''))
        if kind == 'fault':
            for i, fld in enumerate(fields):
                out.append(f'#define {p}_{fld.upper()} {i}')
            out.append(f'#define {p}_LEN {len(fields)}')
    for kind, arr in (('syscall', 'PSN_SYS_NAMES'), ('method', 'PSN_M_NAMES'), ('object', 'PSN_OBJ_NAMES')):
        items = [(v, n) for k, n, v, _, _ in rows if k == kind]
        top = max(v for v, _ in items) + 1
        names = ['0'] * top
        for v, n in items:
            names[v] = f'"{n}"'
        out.append(f'#define {arr}_COUNT {top}')
        out.append(f'#define {arr} {{ {", ".join(names)} }}')
    out += ['', '#endif', '']
    return '\n'.join(out)

def markdown(rows):
    out = ['# Kernel ABI numbers', '', 'Generated from `abi/persona.abi` by `scripts/genabi.py`; do not edit.', '']
    titles = {'syscall': 'Kernel calls (`svc #1`, number in x8)', 'object': 'Object types',
              'method': 'Invocations (labels of CALL on an object capability)', 'fault': 'Fault messages',
              'right': 'Capability rights', 'const': 'Constants', 'infobit': 'Message info word (x1)'}
    for kind, title in titles.items():
        out += [f'## {title}', '', '| name | value | meaning |', '|---|---|---|']
        for k, n, v, f, d in rows:
            if k != kind:
                continue
            if kind == 'fault':
                d = f'MRs: {", ".join(f)}. {d}'
            if kind == 'infobit':
                d = f'bits {v}..{v + int(f[0]) - 1}. {d}'
            out.append(f'| {n} | {v} | {d} |')
        out.append('')
    return '\n'.join(out)

if __name__ == '__main__':
    src, hdr, md = sys.argv[1:4]
    rows = parse(src)
    open(hdr, 'w').write(header(rows))
    open(md, 'w').write(markdown(rows))
