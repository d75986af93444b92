// Feeds keystrokes to the REPL of the real MicroPython runtime (WebAssembly port, npm) and
// prints everything it wrote. usage: node run_repl.mjs <micropython.mjs> <keystroke file>
import { readFileSync } from "node:fs";
const [moduleFile, inputFile] = process.argv.slice(2);
const { loadMicroPython } = await import(moduleFile);
const bytes = [];
const collect = (data) => {
    if (typeof data === "number") {
        bytes.push(data);
    } else {
        for (const b of Buffer.from(data, "latin1")) bytes.push(b);
    }
};
const mp = await loadMicroPython({ stdout: collect, linebuffer: false });
mp.replInit();
for (const b of readFileSync(inputFile)) {
    mp.replProcessChar(b);
}
process.stdout.write(Buffer.from(bytes));
