// Regenerates the expectation tables of vm/src/format from the MicroPython runtime (the
// webassembly port from npm) and marks the lines CPython agrees with:
//   node vm/src/format/testdata/oracle.mjs [path/to/micropython.mjs]
// Writes float_oracle.txt and format_oracle.txt next to this script.
import { readFileSync, writeFileSync } from 'fs';
import { execFileSync } from 'child_process';
import { dirname, join } from 'path';
import { fileURLToPath } from 'url';

const here = dirname(fileURLToPath(import.meta.url));
const runtime = process.argv[2] ??
  '/tmp/npmo/node_modules/@micropython/micropython-webassembly-pyscript/micropython.mjs';
const { loadMicroPython } = await import(runtime);

async function micropython(source) {
  let out = '';
  const mp = await loadMicroPython({ stdout: (s) => { out += s + '\n'; } });
  mp.runPython(source);
  return out;
}

writeFileSync(join(here, 'float_oracle.txt'), await micropython(readFileSync(join(here, 'floats.py'), 'utf8')));

const cases = join(here, 'cases.py');
const mpLines = (await micropython(readFileSync(cases, 'utf8'))).trimEnd().split('\n');
const cpyLines = execFileSync('python3', [cases], { encoding: 'utf8' }).trimEnd().split('\n');
if (mpLines.length !== cpyLines.length) throw new Error('runtimes disagree on the number of cases');
// `=` after the kind: CPython gives the same result.
const marked = mpLines.map((line, i) => {
  const [kind, ...rest] = line.split('\t');
  return [line === cpyLines[i] ? kind + '=' : kind, ...rest].join('\t');
});
writeFileSync(join(here, 'format_oracle.txt'), marked.join('\n') + '\n');
