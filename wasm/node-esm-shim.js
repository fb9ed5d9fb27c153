// llmux: stand-ins for the CommonJS names that Emscripten 3.1.6's Node branch uses in this ES
// module (see wasm/CMakeLists.txt, --extern-pre-js). The wrapper passes wasmBinary, so the
// loader never reads a file: `require` is never really called.
var __dirname = '.';
function require(name) {
  throw new Error('llmux-core: require("' + name + '") called; pass wasmBinary to the factory');
}
