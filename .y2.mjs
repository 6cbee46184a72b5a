import { parseAllDocuments } from 'yaml';
const [label, n] = [process.argv[2], Number(process.argv[3])];
const text = label === 'flow' ? 'a: ' + '['.repeat(n) + ']'.repeat(n) : label === 'block' ? Array.from({length: n}, (_, i) => ' '.repeat(i) + '- ').join('\n') + 'x' : label === 'map' ? Array.from({length: n}, (_, i) => ' '.repeat(i) + 'k:').join('\n') + ' x' : '';
try { const t = Date.now(); const d = parseAllDocuments(text, { schema: 'core', version: '1.2' }); console.log(n, label, 'ok', d[0].errors.map(e=>e.code), Date.now()-t); } catch (e) { console.log(n, label, 'throw', e.constructor.name, e.message.slice(0,80)); }
