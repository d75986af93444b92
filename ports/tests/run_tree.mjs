// Runs a program that lives in a directory tree of modules in the MicroPython WebAssembly
// runtime, for the import tests.
//
// usage: node run_tree.mjs <path to micropython.mjs> <tree dir> <main module>
//
// Copies the tree into the runtime's in-memory filesystem at /tree, puts /tree first on
// sys.path and imports the main module; prints everything it printed, then the text of the
// uncaught exception, if any.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
const [runtimePath, treeDir, main] = process.argv.slice(2);
const { loadMicroPython } = await import(pathToFileURL(runtimePath).href);
const chunks = [];
const collect = (bytes) => chunks.push(Buffer.from(bytes));
const mp = await loadMicroPython({ stdout: collect, stderr: collect, linebuffer: false });
function copy(dir, into) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) { mp.FS.mkdir(`${into}/${name}`); copy(path, `${into}/${name}`); }
    else mp.FS.writeFile(`${into}/${name}`, readFileSync(path));
  }
}
mp.FS.mkdir("/tree");
copy(treeDir, "/tree");
let err = "";
try { mp.runPython(`import sys\nsys.path.insert(0, '/tree')\nimport ${main}`); } catch (e) { err = String(e.message ?? e); }
process.stdout.write(Buffer.concat(chunks));
process.stdout.write(err);
