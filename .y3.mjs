import { parseAllDocuments, parseDocument } from 'yaml';
const n = Number(process.argv[2]);
const text = '{"a":' + '['.repeat(n) + ']'.repeat(n) + '}';
try { const t = Date.now(); const d = parseAllDocuments(text, { schema: 'core', version: '1.2' }); console.log(n, 'ok', d[0].errors.map(e=>e.code + e.message.slice(0,100)), Date.now()-t); } catch (e) { console.log(n, 'throw', e.constructor.name, e.message.slice(0,80)); }
for (const n of [50, 90, 100, 101, 200]) { const d = parseAllDocuments('a: ' + '['.repeat(n) + ']'.repeat(n)); console.log(n, d[0].errors.map(e => e.message.slice(0,120))); }
const d = parseDocument('a: e5\nb: 1:30\nc: 2024-01-01\nd: yes\ne: 010\nf: 0x1F\ng: .inf\nh: 1_000\ni: 0o17\nj: ~\nk: 1e3\nl: !!str 5\nm: .5\nn: +12', { schema: 'core' });
console.log(JSON.stringify(d.toJS()));
