// Runs Python modules (.py source or compiled .mpy) in the MicroPython WebAssembly runtime
// and reports what each printed, as JSON on stdout: [{file, stdout, error}], one per file.
//
// usage: node run_mpy.mjs <path to micropython.mjs> <file.py|file.mpy>...
//
// Each file gets a fresh interpreter and is imported as module `m` from the runtime's
// in-memory filesystem, so a .mpy and its source run the same way.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const [runtimePath, ...files] = process.argv.slice(2);
if (!runtimePath || files.length === 0) {
    console.error("usage: node run_mpy.mjs <micropython.mjs> <file.py|file.mpy>...");
    process.exit(2);
}
const { loadMicroPython } = await import(pathToFileURL(runtimePath).href);

const results = [];
for (const file of files) {
    const chunks = [];
    // Unbuffered byte output keeps a final line without a newline, and keeps bytes exact.
    const collect = (bytes) => chunks.push(Buffer.from(bytes));
    const mp = await loadMicroPython({ stdout: collect, stderr: collect, linebuffer: false });
    const extension = file.endsWith(".mpy") ? "mpy" : "py";
    mp.FS.writeFile(`/m.${extension}`, readFileSync(file));
    let error = null;
    try {
        mp.runPython("import m");
    } catch (e) {
        error = String(e.message ?? e);
    }
    results.push({ file, stdout: Buffer.concat(chunks).toString("utf8"), error });
}
process.stdout.write(JSON.stringify(results));
