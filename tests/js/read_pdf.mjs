// Reads PDFs the way Firefox's viewer does (pdf.js, legacy build) and
// prints, as one JSON object keyed by file name, what a reader of each
// page meets: the marked-content sequences of the content stream, those its
// structure tree (getStructTree) reaches, the annotations the tree reaches,
// and the link annotations with their URLs.
// Usage: node read_pdf.mjs FILE.pdf...
import { readFileSync } from "node:fs";
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";

function walk(node, content, annotations) {
  if (!node) return;
  if (node.type === "content") content.push(node.id);
  if (node.type === "annotation") annotations.push(node.id);
  for (const kid of node.children || []) walk(kid, content, annotations);
}

async function readPage(doc, n) {
  const page = await doc.getPage(n);
  const text = await page.getTextContent({ includeMarkedContent: true });
  const marked = text.items
    .filter((it) => it.type === "beginMarkedContentProps" && it.id)
    .map((it) => it.id);
  const content = [];
  const annotations = [];
  walk(await page.getStructTree(), content, annotations);
  const links = (await page.getAnnotations())
    .filter((a) => a.subtype === "Link")
    .map((a) => ({ id: a.id, url: a.url || null, internal: Boolean(a.dest) }));
  return { page: n, marked, content, annotations, links };
}

async function readFile(path) {
  const data = new Uint8Array(readFileSync(path));
  const doc = await getDocument({ data, verbosity: 0, disableFontFace: true,
                                  useSystemFonts: false }).promise;
  const pages = [];
  for (let n = 1; n <= doc.numPages; n++) pages.push(await readPage(doc, n));
  await doc.destroy();
  return { pages };
}

const out = {};
for (const path of process.argv.slice(2)) {
  try {
    out[path] = await readFile(path);
  } catch (err) {
    out[path] = { error: String(err) };
  }
}
process.stdout.write(JSON.stringify(out));
