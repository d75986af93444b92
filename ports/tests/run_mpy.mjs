// Runs Python modules (.py source or compiled .mpy) in the MicroPython WebAssembly runtime.
//
// usage: node run_mpy.mjs <path to micropython.mjs> <output dir> <file.py|file.mpy>...
//
// For each input file F it writes <output dir>/<basename of F>.out with everything the module
// printed, and <output dir>/<basename of F>.err with the traceback if importing it raised.
// Each file gets a fresh interpreter and is imported as module `m` from the runtime's
// in-memory filesystem, so a .mpy and its source run the same way.
import { readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { pathToFileURL } from "node:url";

const [runtimePath, outputDir, ...files] = process.argv.slice(2);
if (!runtimePath || !outputDir || files.length === 0) {
    console.error("usage: node run_mpy.mjs <micropython.mjs> <output dir> <file.py|file.mpy>...");
    process.exit(2);
}
const { loadMicroPython } = await import(pathToFileURL(runtimePath).href);

for (const file of files) {
    const chunks = [];
    // Unbuffered byte output keeps a final line without a newline, and keeps bytes exact.
    const collect = (bytes) => chunks.push(Buffer.from(bytes));
    const mp = await loadMicroPython({ stdout: collect, stderr: collect, linebuffer: false });
    const extension = file.endsWith(".mpy") ? "mpy" : "py";
    mp.FS.writeFile(`/m.${extension}`, readFileSync(file));
    const report = join(outputDir, basename(file));
    try {
        mp.runPython("import m");
    } catch (e) {
        writeFileSync(`${report}.err`, String(e.message ?? e));
    }
    writeFileSync(`${report}.out`, Buffer.concat(chunks));
}
