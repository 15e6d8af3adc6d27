// Strict JSON reading, RFC 8785 canonical form and canonical base64, as docs/spec/writ.md sections
// 4 and 6.3 define them; shared by the writ verifier (verify.mjs) and the receipt verifier
// (receipt.mjs). Failures throw a Denial carrying the writ.md reason code.
//
// Only node built-ins are used.

// ---------------------------------------------------------------------------------------------
// Denials (section 11)

class Denial extends Error {
  constructor(reason, detail) {
    super(`${reason}: ${detail}`);
    this.reason = reason;
    this.detail = detail;
  }
}
const deny = (reason, detail) => {
  throw new Denial(reason, detail);
};

const MAX_SAFE = 9007199254740991n; // 2^53 - 1, section 4.1

// ---------------------------------------------------------------------------------------------
// Section 4.1: strict JSON reading. Values: Map (object), Array, string, number (integer), boolean,
// null. Maps keep input order; the canonical writer sorts.

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function readJson(bytes, limits) {
  if (bytes.length > limits.bytes) deny('OVERSIZE', `${bytes.length} bytes, limit ${limits.bytes}`);
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    deny('MALFORMED', 'byte order mark');
  }
  let text;
  try {
    text = utf8.decode(bytes);
  } catch {
    deny('MALFORMED', 'invalid UTF-8');
  }
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const bad = (what) => deny('MALFORMED', `${what} at character ${i}`);

  function value(depth) {
    if (i >= text.length) bad('unexpected end');
    const c = text[i];
    if (c === '{') return object(depth);
    if (c === '[') return array(depth);
    if (c === '"') return string();
    if (c === '-' || (c >= '0' && c <= '9')) return number();
    for (const [word, v] of [['true', true], ['false', false], ['null', null]]) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return v;
      }
    }
    bad('unexpected character');
  }

  function object(depth) {
    if (depth > limits.depth) deny('OVERSIZE', `nesting deeper than ${limits.depth}`);
    i++;
    const m = new Map();
    ws();
    if (text[i] === '}') {
      i++;
      return m;
    }
    for (;;) {
      ws();
      if (text[i] !== '"') bad('expected a member name');
      const key = string();
      ws();
      if (text[i] !== ':') bad("expected ':'");
      i++;
      ws();
      const v = value(depth + 1);
      if (m.has(key)) deny('MALFORMED', `duplicate key "${key}"`);
      m.set(key, v);
      if (m.size > limits.members) deny('OVERSIZE', `more than ${limits.members} members`);
      ws();
      const c = text[i++];
      if (c === '}') return m;
      if (c !== ',') bad("expected ',' or '}'");
    }
  }

  function array(depth) {
    if (depth > limits.depth) deny('OVERSIZE', `nesting deeper than ${limits.depth}`);
    i++;
    const a = [];
    ws();
    if (text[i] === ']') {
      i++;
      return a;
    }
    for (;;) {
      ws();
      a.push(value(depth + 1));
      if (a.length > limits.members) deny('OVERSIZE', `more than ${limits.members} elements`);
      ws();
      const c = text[i++];
      if (c === ']') return a;
      if (c !== ',') bad("expected ',' or ']'");
    }
  }

  function hex4() {
    const h = text.slice(i, i + 4);
    if (!/^[0-9A-Fa-f]{4}$/.test(h)) bad('bad \\u escape');
    i += 4;
    return parseInt(h, 16);
  }

  function string() {
    const start = ++i; // after the opening quote
    let out = '';
    for (;;) {
      if (i >= text.length) bad('unterminated string');
      const c = text[i];
      if (c === '"') break;
      if (c === '\\') {
        i++;
        const e = text[i++];
        const simple = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e in simple) {
          out += simple[e];
        } else if (e === 'u') {
          const u = hex4();
          if (u >= 0xd800 && u <= 0xdbff) {
            if (text[i] !== '\\' || text[i + 1] !== 'u') deny('MALFORMED', 'lone surrogate');
            i += 2;
            const lo = hex4();
            if (lo < 0xdc00 || lo > 0xdfff) deny('MALFORMED', 'lone surrogate');
            out += String.fromCharCode(u, lo);
          } else if (u >= 0xdc00 && u <= 0xdfff) {
            deny('MALFORMED', 'lone surrogate');
          } else {
            out += String.fromCharCode(u);
          }
        } else {
          bad('invalid escape');
        }
      } else if (c.charCodeAt(0) < 0x20) {
        bad('control character in string');
      } else {
        out += c;
        i++;
      }
    }
    const raw = Buffer.byteLength(text.slice(start, i), 'utf8');
    if (raw > limits.string) deny('OVERSIZE', `string longer than ${limits.string} bytes`);
    i++; // closing quote
    return out;
  }

  function number() {
    const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(i, i + 400));
    if (!m || m[0] === '-') bad('invalid number');
    if (m[2] !== undefined || m[3] !== undefined) deny('MALFORMED', 'only integers are allowed');
    const n = BigInt(m[0]);
    if (n > MAX_SAFE || n < -MAX_SAFE) deny('MALFORMED', 'integer out of range');
    i += m[0].length;
    return Number(n);
  }

  ws();
  const v = value(1);
  ws();
  if (i !== text.length) bad('trailing content');
  return v;
}

// Section 4.2: RFC 8785 for objects, arrays, strings, integers, booleans (and null, never valid in
// a Writ field, but vector files are written with it in mind).
function canonical(v) {
  if (v instanceof Map) {
    const keys = [...v.keys()].sort(); // JS string order is UTF-16 code unit order
    return '{' + keys.map((k) => canonString(k) + ':' + canonical(v.get(k))).join(',') + '}';
  }
  if (Array.isArray(v)) return '[' + v.map(canonical).join(',') + ']';
  if (typeof v === 'string') return canonString(v);
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw new Error('only integers are canonicalized here');
    return String(v); // -0 prints as 0
  }
  if (typeof v === 'boolean') return String(v);
  if (v === null) return 'null';
  throw new Error('not a JSON value');
}

function canonString(s) {
  let out = '"';
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(k + 1);
      if (!(d >= 0xdc00 && d <= 0xdfff)) throw new Error('lone surrogate');
      out += s[k] + s[k + 1];
      k++;
      continue;
    }
    if (c >= 0xdc00 && c <= 0xdfff) throw new Error('lone surrogate');
    const named = { 0x22: '\\"', 0x5c: '\\\\', 0x08: '\\b', 0x0c: '\\f', 0x0a: '\\n', 0x0d: '\\r', 0x09: '\\t' };
    if (c in named) out += named[c];
    else if (c < 0x20) out += '\\u' + c.toString(16).padStart(4, '0');
    else out += s[k];
  }
  return out + '"';
}

const canonicalBytes = (v) => Buffer.from(canonical(v), 'utf8');

function readCanonical(bytes, limits, where) {
  const v = readJson(bytes, limits);
  if (!canonicalBytes(v).equals(bytes)) deny('NON_CANONICAL', `${where} is not RFC 8785 canonical`);
  return v;
}


// Section 6.3: canonical standard base64 with padding
function b64(text, where) {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) {
    deny('MALFORMED', `${where} is not standard padded base64`);
  }
  const bytes = Buffer.from(text, 'base64');
  if (bytes.toString('base64') !== text) deny('MALFORMED', `${where} is not canonical base64`);
  return bytes;
}


export { Denial, deny, readJson, canonical, canonicalBytes, readCanonical, b64 };
