// Receipt verification, written from docs/spec/api.md section 3 and docs/spec/log.md alone (no
// code from writ-log, writ-state or writ-server). "api" and "log" below name those two files.
//
// verifyReceipt(key, envelope, answer, receipt) runs the five steps of api section 3 in order and
// throws a ReceiptError carrying the step (1 to 5) of the first failure.
//
// Only node:crypto and node:fs are used.

import crypto from 'node:crypto';
import fs from 'node:fs';
import { Denial, readJson, readCanonical, b64 } from './json.mjs';

// ---------------------------------------------------------------------------------------------
// Limits, each from the text that sets it

const MAX_NOTE_BYTES = 64 * 1024; // log section 3: a note is at most 64 KiB
const MAX_NOTE_TEXT_LINES = 256; // log section 3
const MAX_NOTE_SIGNATURES = 32; // log section 3: 1 to 32 signature lines
const MAX_KEY_NAME_BYTES = 256; // log section 3
const MAX_CHECKPOINT_LINE_BYTES = 1024; // log section 4
const MAX_PROOF_HASHES = 64; // api section 3 step 3 (and log section 2)
const MAX_LEAF_BYTES = 65535; // api section 3 step 3
const HASH_BYTES = 32; // SHA-256
const INT64_MAX = (1n << 63n) - 1n; // log section 4: the size fits a signed 64-bit integer
const ED25519_ALG = 0x01; // log section 3: the key and signature type byte of Ed25519
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex'); // RFC 8410
// A decision record is one flat object (log section 10): depth 1, eight members at most.
const RECORD_JSON = { bytes: MAX_LEAF_BYTES, depth: 1, string: MAX_LEAF_BYTES, members: 8 };
// Vector files and answers are test data or transport, not a leaf: generous, same grammar.
const DATA_JSON = { bytes: 16 * 1024 * 1024, depth: 64, string: 16 * 1024 * 1024, members: 100000 };

// writ.md section 7.3 (capability wire names) and section 11 (denial reason codes)
const CAPS = ['discover', 'replicate', 'deploy', 'execute', 'quarantine', 'enroll', 'pause', 'resume'];
const REASONS = [
  'OVERSIZE', 'MALFORMED', 'NON_CANONICAL', 'UNSUPPORTED_VERSION', 'UNKNOWN_FIELD', 'ROOT_EXPIRED',
  'ROOT_ROLLBACK', 'UNKNOWN_KEY', 'BAD_SIGNATURE', 'ROLE_NOT_PERMITTED', 'HYBRID_REQUIRED',
  'THRESHOLD_NOT_MET', 'SEPARATION_OF_DUTIES', 'EXPIRED', 'NOT_YET_VALID', 'TTL_EXCEEDS_POLICY',
  'PAUSED', 'TARGET_QUARANTINED', 'IDENTITY_MISMATCH', 'NOT_IN_TARGET_SET', 'POSTURE_INSUFFICIENT',
  'CONTENT_MISMATCH', 'TICKET_REQUIRED', 'TIER_BELOW_FLOOR', 'SPENT',
  // enrollment and node identity (enrollment.md section 8)
  'ENROLLMENT_NOT_OPEN', 'STALE_NONCE', 'CSR_INVALID', 'ATTESTATION_MALFORMED', 'ATTESTATION_OVERSIZE',
  'ATTESTATION_BAD_SIGNATURE', 'ATTESTATION_UNTRUSTED', 'ATTESTATION_AUTHORITY_NOT_LISTED', 'ATTESTATION_NONCE_MISMATCH',
  'ATTESTATION_KEY_UNBOUND', 'ATTESTATION_POLICY', 'PCR_MISMATCH', 'UNKNOWN_NODE', 'NODE_REVOKED',
  'SVID_INVALID',
  // work on the fleet (work.md section 8): agents report them; writ.md section 11 lists them
  'WORK_NOT_OPEN', 'RECEIPT_INVALID', 'LOG_INCONSISTENT', 'TIER_UNAVAILABLE',
];

const sha256 = (...parts) => {
  const h = crypto.createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf8Length = (s) => Buffer.byteLength(s, 'utf8');
const isObj = (v) => v instanceof Map;
const isInt = (v) => typeof v === 'number' && Number.isSafeInteger(v);

/** A failed receipt: `step` is the step of api section 3 (1 to 5) that refused it. */
export class ReceiptError extends Error {
  constructor(step, detail) {
    super(`step ${step}: ${detail}`);
    this.step = step;
    this.detail = detail;
  }
}
const fail = (step, detail) => {
  throw new ReceiptError(step, detail);
};

/** Strict canonical base64 (writ.md section 6.3), or null. */
function base64OrNull(text) {
  if (typeof text !== 'string') return null;
  try {
    return b64(text, 'base64');
  } catch (e) {
    if (e instanceof Denial) return null;
    throw e;
  }
}

// Control characters: Unicode general category Cc (C0, DEL and C1).
const CONTROL = /\p{Cc}/u;
const CONTROL_BUT_NEWLINE = /[^\P{Cc}\n]/u;

// ---------------------------------------------------------------------------------------------
// log section 3: verifier keys

function keyNameProblem(name) {
  if (name.length === 0) return 'empty key name';
  if (utf8Length(name) > MAX_KEY_NAME_BYTES) return `key name longer than ${MAX_KEY_NAME_BYTES} bytes`;
  if (/[\s+]/u.test(name) || CONTROL.test(name)) return 'key name has a space, "+" or a control character';
  if (!name.isWellFormed()) return 'key name is not valid UTF-8';
  return null;
}

/** Parses `<name>+<8 hex key id>+<base64(0x01 || 32-byte Ed25519 key)>`; throws Error if malformed. */
export function parseVerifierKey(vkey) {
  if (typeof vkey !== 'string') throw new Error('verifier key must be a string');
  // The name holds no '+', the key id is hex: the first two '+' are the separators (the base64
  // may contain '+').
  const p1 = vkey.indexOf('+');
  const p2 = p1 < 0 ? -1 : vkey.indexOf('+', p1 + 1);
  if (p2 < 0) throw new Error('verifier key is not <name>+<key id>+<key>');
  const name = vkey.slice(0, p1);
  const idHex = vkey.slice(p1 + 1, p2);
  const problem = keyNameProblem(name);
  if (problem) throw new Error(`malformed verifier key: ${problem}`);
  if (!/^[0-9a-f]{8}$/.test(idHex)) throw new Error('malformed verifier key: key id is not 8 lowercase hex digits');
  const raw = base64OrNull(vkey.slice(p2 + 1));
  if (raw === null) throw new Error('malformed verifier key: key is not canonical base64');
  if (raw.length === 0 || raw[0] !== ED25519_ALG) throw new Error('malformed verifier key: not an Ed25519 key (type byte 0x01)');
  if (raw.length !== 1 + 32) throw new Error('malformed verifier key: an Ed25519 key is 32 bytes');
  const key = raw.subarray(1);
  const keyId = sha256(Buffer.from(name, 'utf8'), Buffer.from([0x0a, ED25519_ALG]), key).subarray(0, 4);
  if (keyId.toString('hex') !== idHex) throw new Error(`malformed verifier key: key id ${idHex} does not match the key`);
  let publicKey;
  try {
    publicKey = crypto.createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, key]), format: 'der', type: 'spki' });
  } catch (e) {
    throw new Error(`malformed verifier key: not an Ed25519 public key (${e.message})`);
  }
  return { name, keyId, publicKey, text: vkey };
}

// ---------------------------------------------------------------------------------------------
// log section 3: opening a signed note against one known key. Returns the note's text.

const SIG_PREFIX = '\u2014 '; // U+2014 EM DASH, a space

function openNote(noteText, key) {
  if (typeof noteText !== 'string') fail(1, 'checkpoint is not a string');
  const bytes = Buffer.from(noteText, 'utf8');
  if (!noteText.isWellFormed()) fail(1, 'note is not valid UTF-8');
  if (bytes.length > MAX_NOTE_BYTES) fail(1, `note is ${bytes.length} bytes, more than ${MAX_NOTE_BYTES}`);
  if (CONTROL_BUT_NEWLINE.test(noteText)) fail(1, 'note holds a control character other than newline');
  const split = noteText.lastIndexOf('\n\n');
  if (split < 0) fail(1, 'note has no blank line before its signatures');
  const text = noteText.slice(0, split + 1);
  const block = noteText.slice(split + 2);
  const textLines = text.split('\n').length - 1;
  if (textLines > MAX_NOTE_TEXT_LINES) fail(1, `note text has ${textLines} lines, more than ${MAX_NOTE_TEXT_LINES}`);
  if (block.length === 0 || !block.endsWith('\n')) fail(1, 'note signature lines are missing or do not end in a newline');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_NOTE_SIGNATURES) fail(1, `note has ${lines.length} signature lines, more than ${MAX_NOTE_SIGNATURES}`);
  const sigs = lines.map((line, n) => {
    if (!line.startsWith(SIG_PREFIX)) fail(1, `signature line ${n + 1} does not start with U+2014 and a space`);
    const rest = line.slice(SIG_PREFIX.length);
    const space = rest.indexOf(' ');
    if (space < 0) fail(1, `signature line ${n + 1} is not "— <name> <base64>"`);
    const name = rest.slice(0, space);
    const problem = keyNameProblem(name);
    if (problem) fail(1, `signature line ${n + 1}: ${problem}`);
    const raw = base64OrNull(rest.slice(space + 1));
    if (raw === null) fail(1, `signature line ${n + 1}: signature is not canonical base64`);
    if (raw.length < 5) fail(1, `signature line ${n + 1}: shorter than a key id and a signature`);
    return { name, keyId: raw.subarray(0, 4), sig: raw.subarray(4) };
  });
  const message = Buffer.from(text, 'utf8');
  let known = 0;
  for (const s of sigs) {
    if (s.name !== key.name || !s.keyId.equals(key.keyId)) continue; // unknown key: ignored
    known++;
    if (known > 1) fail(1, 'two signatures by the log key: malformed note');
  }
  if (known === 0) fail(1, `no signature by ${key.name}+${key.keyId.toString('hex')}`);
  for (const s of sigs) {
    if (s.name !== key.name || !s.keyId.equals(key.keyId)) continue;
    if (s.sig.length !== 64) fail(1, `signature by the log key has ${s.sig.length} bytes, not 64`);
    if (!crypto.verify(null, message, key.publicKey, s.sig)) fail(1, 'signature by the log key does not verify');
  }
  return text;
}

// ---------------------------------------------------------------------------------------------
// log section 4: checkpoint text

function parseCheckpoint(text) {
  if (!text.endsWith('\n')) fail(2, 'checkpoint text does not end in a newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) fail(2, 'checkpoint needs origin, size and root lines');
  lines.forEach((line, n) => {
    if (line.length === 0) fail(2, `checkpoint line ${n + 1} is empty`);
    if (utf8Length(line) > MAX_CHECKPOINT_LINE_BYTES) fail(2, `checkpoint line ${n + 1} is longer than ${MAX_CHECKPOINT_LINE_BYTES} bytes`);
  });
  if (!/^(0|[1-9][0-9]*)$/.test(lines[1])) fail(2, `tree size "${lines[1]}" is not decimal without sign or leading zero`);
  const size = BigInt(lines[1]);
  if (size > INT64_MAX) fail(2, 'tree size does not fit a signed 64-bit integer');
  const root = base64OrNull(lines[2]);
  if (root === null || root.length !== HASH_BYTES) fail(2, 'root is not canonical base64 of 32 bytes');
  return { origin: lines[0], size, root, extensions: lines.slice(3) };
}

// ---------------------------------------------------------------------------------------------
// RFC 9162 section 2.1.3.2: verifying an inclusion proof (all arithmetic in BigInt)

const nodeHash = (l, r) => sha256(Buffer.from([0x01]), l, r);
export const leafHash = (d) => sha256(Buffer.from([0x00]), d);

function verifyInclusion(index, size, leafHashBytes, path, root) {
  if (index >= size) return `index ${index} is not below the tree size ${size}`;
  let fn = index;
  let sn = size - 1n;
  let r = leafHashBytes;
  for (const p of path) {
    if (sn === 0n) return 'the audit path is longer than the tree needs';
    if ((fn & 1n) === 1n || fn === sn) {
      r = nodeHash(p, r);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      r = nodeHash(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  if (sn !== 0n) return 'the audit path is shorter than the tree needs';
  if (!r.equals(root)) return 'the audit path does not lead to the checkpoint root';
  return null;
}

// ---------------------------------------------------------------------------------------------
// log section 10: a decision record

const RECORD_FIELDS = ['v', 'id', 'envelope_sha256', 'cap', 'decision', 'reason', 'time', 'index'];

function parseRecord(leaf) {
  let r;
  try {
    r = readCanonical(leaf, RECORD_JSON, 'leaf');
  } catch (e) {
    if (e instanceof Denial) fail(5, `leaf is not strict canonical JSON: ${e.message}`);
    throw e;
  }
  if (!isObj(r)) fail(5, 'leaf is not a JSON object');
  for (const k of r.keys()) if (!RECORD_FIELDS.includes(k)) fail(5, `leaf has a member log.md does not define: "${k}"`);
  const optString = (name, re, what) => {
    if (!r.has(name)) return undefined;
    const v = r.get(name);
    if (typeof v !== 'string' || !re.test(v)) fail(5, `leaf ${name} is not ${what}`);
    return v;
  };
  const reqInt = (name) => {
    if (!r.has(name)) fail(5, `leaf lacks "${name}"`);
    const v = r.get(name);
    if (!isInt(v) || v < 0) fail(5, `leaf ${name} is not a non-negative integer`);
    return v;
  };
  if (!r.has('v') || r.get('v') !== 1) fail(5, 'leaf v is not 1');
  const rec = {
    id: optString('id', /^[0-9a-f]{32}$/, '32 lowercase hex digits'),
    envelopeSha256: optString('envelope_sha256', /^[0-9a-f]{64}$/, '64 lowercase hex digits'),
    cap: r.has('cap') ? r.get('cap') : undefined,
    decision: r.get('decision'),
    reason: r.has('reason') ? r.get('reason') : undefined,
    time: reqInt('time'),
    index: reqInt('index'),
  };
  if (rec.envelopeSha256 === undefined) fail(5, 'leaf lacks "envelope_sha256"');
  if (rec.cap !== undefined && !CAPS.includes(rec.cap)) fail(5, 'leaf cap is not a capability of writ.md');
  if (rec.decision !== 'allow' && rec.decision !== 'deny') fail(5, 'leaf decision is not "allow" or "deny"');
  if (rec.decision === 'deny' && rec.reason === undefined) fail(5, 'a deny leaf lacks its reason');
  if (rec.decision === 'allow' && rec.reason !== undefined) fail(5, 'an allow leaf carries a reason');
  if (rec.reason !== undefined && !REASONS.includes(rec.reason)) fail(5, 'leaf reason is not a denial reason code of writ.md');
  // An allow (and a SPENT) comes only from an authorize command, which always records id and cap.
  if ((rec.decision === 'allow' || rec.reason === 'SPENT') && (rec.id === undefined || rec.cap === undefined)) {
    fail(5, `a leaf recording ${rec.reason ?? 'allow'} lacks its id or cap`);
  }
  return rec;
}

// ---------------------------------------------------------------------------------------------
// api section 3: the five steps

/**
 * Verifies `receipt` (a Map: the parsed R of api section 3) for the `answer` (a Map with `decision`
 * and optional `id`, `reason`; other members are ignored) to the exact envelope bytes `envelope`
 * (a Buffer), under the verifier key `key` (from parseVerifierKey). Returns what the receipt proves;
 * throws ReceiptError at the first failing step.
 */
export function verifyReceipt(key, envelope, answer, receipt) {
  if (!isObj(receipt)) fail(1, 'receipt is not a JSON object');
  // 1. The checkpoint opens as a signed note with a verifying signature by K.
  const text = openNote(receipt.get('checkpoint'), key);
  // 2. It parses as a checkpoint whose origin is K's name.
  const cp = parseCheckpoint(text);
  if (cp.origin !== key.name) fail(2, `checkpoint origin "${cp.origin}" is not the key's name "${key.name}"`);
  // 3. Index below the size; at most 64 inclusion hashes of 32 bytes; the leaf decodes, 64 KiB at most.
  for (const k of receipt.keys()) {
    if (!['checkpoint', 'inclusion', 'index', 'leaf'].includes(k)) fail(3, `receipt has a member api.md does not define: "${k}"`);
  }
  const index = receipt.get('index');
  if (!isInt(index) || index < 0) fail(3, 'index is not a non-negative integer');
  if (BigInt(index) >= cp.size) fail(3, `index ${index} is not below the checkpoint size ${cp.size}`);
  const inclusion = receipt.get('inclusion');
  if (!Array.isArray(inclusion)) fail(3, 'inclusion is not an array');
  if (inclusion.length > MAX_PROOF_HASHES) fail(3, `inclusion has ${inclusion.length} hashes, more than ${MAX_PROOF_HASHES}`);
  const path = inclusion.map((h, n) => {
    const b = base64OrNull(h);
    if (b === null) fail(3, `inclusion[${n}] is not canonical base64`);
    if (b.length !== HASH_BYTES) fail(3, `inclusion[${n}] is ${b.length} bytes, not ${HASH_BYTES}`);
    return b;
  });
  const leaf = base64OrNull(receipt.get('leaf'));
  if (leaf === null) fail(3, 'leaf is not canonical base64');
  if (leaf.length > MAX_LEAF_BYTES) fail(3, `leaf is ${leaf.length} bytes, more than ${MAX_LEAF_BYTES}`);
  // 4. H(0x00 || leaf) is at index in the tree of the checkpoint's size and root.
  const why = verifyInclusion(BigInt(index), cp.size, leafHash(leaf), path, cp.root);
  if (why) fail(4, why);
  // 5. The leaf is a decision record for this position, these envelope bytes and this answer.
  const rec = parseRecord(leaf);
  if (rec.index !== index) fail(5, `leaf index ${rec.index} is not the receipt's index ${index}`);
  const envHash = sha256(envelope).toString('hex');
  if (rec.envelopeSha256 !== envHash) fail(5, `leaf envelope_sha256 ${rec.envelopeSha256} is not H(envelope) ${envHash}`);
  if (!isObj(answer)) fail(5, 'answer is not a JSON object');
  const field = (name) => {
    if (!answer.has(name)) return undefined;
    const v = answer.get(name);
    if (typeof v !== 'string') fail(5, `answer ${name} is not a string`);
    return v;
  };
  const decision = field('decision');
  if (rec.decision !== decision) fail(5, `leaf decision ${rec.decision} is not the answer's ${decision}`);
  // Presence must agree too: api.md says "(if any)" of the leaf only; see README.md.
  if (rec.reason !== field('reason')) fail(5, `leaf reason ${rec.reason} is not the answer's ${field('reason')}`);
  if (rec.id !== field('id')) fail(5, `leaf id ${rec.id} is not the answer's ${field('id')}`);
  return { origin: cp.origin, size: cp.size, index, record: rec };
}

// ---------------------------------------------------------------------------------------------
// Receipt vectors (docs/spec/vectors/receipts, described in docs/spec/README.md)

/** Reads a JSON file strictly (writ.md section 4.1 grammar, generous limits). */
export function readJsonFile(file) {
  return readJson(fs.readFileSync(file), DATA_JSON);
}

/** Runs one receipt vector file; returns { ok, detail }. */
export function runReceiptVector(file) {
  const v = readJsonFile(file);
  if (!isObj(v)) throw new Error('not a JSON object');
  const expect = v.get('expect');
  if (expect !== 'valid' && expect !== 'invalid') throw new Error('expect is not "valid" or "invalid"');
  const failsAt = v.get('fails_at');
  if (expect === 'invalid' && !(isInt(failsAt) && failsAt >= 1 && failsAt <= 5)) throw new Error('fails_at is not 1 to 5');
  if (expect === 'valid' && v.has('fails_at')) throw new Error('a valid vector has fails_at');
  const key = parseVerifierKey(v.get('vkey'));
  const envelope = base64OrNull(v.get('envelope'));
  if (envelope === null) throw new Error('envelope is not canonical base64');
  try {
    const got = verifyReceipt(key, envelope, v.get('answer'), v.get('receipt'));
    if (expect === 'valid') return { ok: true, detail: `valid (${got.record.decision} at ${got.index} of ${got.size})` };
    return { ok: false, detail: `expected to fail at step ${failsAt}, but the receipt verifies` };
  } catch (e) {
    if (!(e instanceof ReceiptError)) throw e;
    if (expect === 'valid') return { ok: false, detail: `expected valid, refused at ${e.message}` };
    if (e.step !== failsAt) return { ok: false, detail: `expected to fail at step ${failsAt}, refused at ${e.message}` };
    return { ok: true, detail: `refused at ${e.message}` };
  }
}
