#!/usr/bin/env node
// An independent Writ verifier, written from docs/spec/writ.md alone (no code from writ-core).
// It runs the allow vectors in a folder and checks that each one verifies, then the receipt
// vectors in its receipts/ folder (receipt.mjs, written from api.md and log.md).
//
//   node tools/independent-verify/verify.mjs docs/spec/vectors [--all]
//
// --all also runs the deny vectors and compares the reason code (informational; see README.md).
//
// Only node:crypto and node:fs are used. Section numbers below refer to writ.md.
// (JSON reading and canonical form live in json.mjs.)

import crypto from 'node:crypto';
import fs from 'node:fs';
import { Denial, deny, readJson, canonicalBytes, readCanonical, b64 } from './json.mjs';
import { runReceiptVector } from './receipt.mjs';

// ---------------------------------------------------------------------------------------------
// Section 4.3: limits per document

const LIMITS = {
  writEnvelope: { bytes: 131072, depth: 3, string: 131072, members: 16 },
  writPayload: { bytes: 8192, depth: 2, string: 2048, members: 16 },
  rootEnvelope: { bytes: 524288, depth: 3, string: 524288, members: 16 },
  rootPayload: { bytes: 262144, depth: 4, string: 4096, members: 64 },
  // vector files are test data, not Writ input: generous limits, same strict grammar
  vectorFile: { bytes: 16 * 1024 * 1024, depth: 64, string: 16 * 1024 * 1024, members: 100000 },
};
const MAX_SKEW = 300; // section 8.4

// ---------------------------------------------------------------------------------------------
// Typed field access (sections 6.1, 7.1, 8.2)

const isObj = (v) => v instanceof Map;
function obj(v, where) {
  if (!isObj(v)) deny('MALFORMED', `${where} must be an object`);
  return v;
}
function onlyKnown(m, known, where) {
  for (const k of [...m.keys()].sort()) {
    if (!known.includes(k)) deny('UNKNOWN_FIELD', `${where} has unknown member "${k}"`);
  }
}
function get(m, name, where) {
  if (!m.has(name)) deny('MALFORMED', `${where} lacks "${name}"`);
  return m.get(name);
}
function str(m, name, where) {
  const v = get(m, name, where);
  if (typeof v !== 'string') deny('MALFORMED', `${where}.${name} must be a string`);
  return v;
}
function optStr(m, name, where) {
  return m.has(name) ? str(m, name, where) : undefined;
}
function int(m, name, where) {
  const v = get(m, name, where);
  if (typeof v !== 'number') deny('MALFORMED', `${where}.${name} must be an integer`);
  return v;
}
function nonNeg(m, name, where) {
  const v = int(m, name, where);
  if (v < 0) deny('MALFORMED', `${where}.${name} must be >= 0`);
  return v;
}
function arr(m, name, where) {
  const v = get(m, name, where);
  if (!Array.isArray(v)) deny('MALFORMED', `${where}.${name} must be an array`);
  return v;
}
function bool(m, name, where) {
  const v = get(m, name, where);
  if (typeof v !== 'boolean') deny('MALFORMED', `${where}.${name} must be true or false`);
  return v;
}

const HEX64 = /^[0-9a-f]{64}$/;
const sha256 = (b) => crypto.createHash('sha256').update(b).digest();

// ---------------------------------------------------------------------------------------------
// Section 6: envelope and PAE

const WRIT_TYPE = 'application/vnd.writ.v1+json';
const ROOT_TYPE = 'application/vnd.writ.root.v1+json';

function parseEnvelope(bytes, limits) {
  const e = obj(readCanonical(bytes, limits, 'envelope'), 'envelope');
  onlyKnown(e, ['payload', 'payloadType', 'signatures'], 'envelope');
  const payloadType = str(e, 'payloadType', 'envelope');
  const payload = b64(str(e, 'payload', 'envelope'), 'payload');
  const sigs = arr(e, 'signatures', 'envelope');
  if (sigs.length === 0) deny('MALFORMED', 'no signatures');
  const signatures = sigs.map((s, n) => {
    const w = `signatures[${n}]`;
    obj(s, w);
    onlyKnown(s, ['keyid', 'sig'], w);
    const keyid = str(s, 'keyid', w);
    if (!HEX64.test(keyid)) deny('MALFORMED', `${w}.keyid must be 64 lowercase hex digits`);
    return { keyid, sig: b64(str(s, 'sig', w), `${w}.sig`) };
  });
  return { payloadType, payload, signatures };
}

function pae(type, body) {
  const t = Buffer.from(type, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${t.length} `), t, Buffer.from(` ${body.length} `), body]);
}

// ---------------------------------------------------------------------------------------------
// Section 5: keys

const SIG_BYTES = { ed25519: 64, 'ecdsa-p256-sha256': 64, 'ml-dsa-65': 3309 };
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const P256_SPKI_PREFIX = Buffer.from('3059301306072a8648ce3d020106082a8648ce3d03010703420004', 'hex');
const MLDSA65_SPKI_PREFIX = Buffer.from('308207b2300b0609608648016503040312038207a100', 'hex');

function decodeKey(alg, der, where) {
  const badKey = (why) => deny('MALFORMED', `${where}: ${why}`);
  if (alg === 'ml-dsa-65') {
    // Section 5.2: id-ml-dsa-65, parameters absent, 1952-byte key. Node 20 cannot parse it, so the
    // structure is checked by its fixed DER prefix and length.
    if (der.length !== MLDSA65_SPKI_PREFIX.length + 1952 || !der.subarray(0, MLDSA65_SPKI_PREFIX.length).equals(MLDSA65_SPKI_PREFIX)) {
      badKey('not an ml-dsa-65 SubjectPublicKeyInfo');
    }
    let key = null;
    try {
      key = crypto.createPublicKey({ key: der, format: 'der', type: 'spki' });
      if (key.asymmetricKeyType !== 'ml-dsa-65') key = null;
    } catch {
      key = null;
    }
    return { alg, der, key };
  }
  let key;
  try {
    key = crypto.createPublicKey({ key: der, format: 'der', type: 'spki' });
  } catch (e) {
    badKey(`not a valid public key (${e.message})`);
  }
  // Section 5.1: canonical DER. Re-exporting gives the DER form of the key; anything else differs.
  if (!key.export({ type: 'spki', format: 'der' }).equals(der)) badKey('SubjectPublicKeyInfo is not canonical DER');
  if (alg === 'ed25519') {
    if (key.asymmetricKeyType !== 'ed25519' || der.length !== 44 || !der.subarray(0, 12).equals(ED25519_SPKI_PREFIX)) {
      badKey('not an ed25519 key');
    }
  } else if (alg === 'ecdsa-p256-sha256') {
    if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1' || der.length !== 91 || !der.subarray(0, 27).equals(P256_SPKI_PREFIX)) {
      badKey('not a named-curve P-256 key with an uncompressed point');
    }
  } else {
    badKey(`unknown algorithm "${alg}"`);
  }
  return { alg, der, key };
}

// Returns true, false, or 'unchecked' (ML-DSA-65 without Node support)
function verifySig(k, message, sig) {
  if (sig.length !== SIG_BYTES[k.alg]) return false;
  try {
    if (k.alg === 'ed25519') return crypto.verify(null, message, k.key, sig);
    if (k.alg === 'ecdsa-p256-sha256') return crypto.verify('sha256', message, { key: k.key, dsaEncoding: 'ieee-p1363' }, sig);
    if (k.alg === 'ml-dsa-65') return k.key ? crypto.verify(null, message, k.key, sig) : 'unchecked';
  } catch {
    return false;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Section 7.3: capabilities; section 7.1: tiers; section 8.3: roles

const CAPS = {
  discover: { targets: true, content: false, initiating: 'initiator', pausable: false, attested: false },
  replicate: { targets: true, content: true, initiating: 'initiator', pausable: true, attested: true },
  deploy: { targets: true, content: true, initiating: 'initiator', pausable: true, attested: true },
  execute: { targets: true, content: true, initiating: 'initiator', pausable: false, attested: true },
  quarantine: { targets: true, content: false, initiating: 'initiator', pausable: false, attested: false },
  enroll: { targets: true, content: false, initiating: 'initiator', pausable: false, attested: false },
  pause: { targets: false, content: false, initiating: 'pauser', pausable: false, attested: false },
  resume: { targets: false, content: false, initiating: 'pauser', pausable: false, attested: false },
};
const TIERS = ['process', 'seccomp', 'gvisor', 'wasm', 'microvm'];
const ROLES = ['root', 'initiator', 'approver', 'pauser', 'auditor'];
const POSTURES = ['attested', 'attested-software', 'degraded'];

// ---------------------------------------------------------------------------------------------
// Section 7.4: SPIFFE IDs and globs

const TRUST_DOMAIN = /^[a-z0-9._-]{1,255}$/;
function splitSpiffe(s, segment) {
  if (s.length > 2048 || !s.startsWith('spiffe://')) return null;
  const rest = s.slice('spiffe://'.length);
  const slash = rest.indexOf('/');
  if (slash <= 0) return null;
  const td = rest.slice(0, slash);
  const p = rest.slice(slash);
  if (!TRUST_DOMAIN.test(td) || p.endsWith('/')) return null;
  for (const seg of p.slice(1).split('/')) {
    if (seg === '' || seg === '.' || seg === '..' || !segment.test(seg)) return null;
  }
  return { td, path: p };
}
function parseSpiffeId(s, where) {
  const r = splitSpiffe(s, /^[A-Za-z0-9._-]+$/);
  if (!r) deny('MALFORMED', `${where}: not a SPIFFE ID: ${s}`);
  return r;
}
function parseGlob(s) {
  const r = splitSpiffe(s, /^[A-Za-z0-9._*-]+$/);
  if (!r) deny('MALFORMED', `not a SPIFFE-ID glob: ${s}`);
  return { td: r.td, segments: r.path.split('/'), text: s };
}
// Section 7.4: segment by segment (a '*' never matches '/'), each segment with a linear-time
// wildcard match, so that a glob with many stars cannot make matching exponential.
function segmentMatches(glob, str) {
  let g = 0;
  let i = 0;
  let star = -1;
  let resume = 0;
  while (i < str.length) {
    if (g < glob.length && glob[g] === '*') {
      star = g++;
      resume = i;
    } else if (g < glob.length && glob[g] === str[i]) {
      g++;
      i++;
    } else if (star >= 0) {
      g = star + 1;
      i = ++resume;
    } else {
      return false;
    }
  }
  while (g < glob.length && glob[g] === '*') g++;
  return g === glob.length;
}
function globMatches(g, id) {
  if (g.td !== id.td) return false;
  const have = id.path.split('/');
  return have.length === g.segments.length && g.segments.every((seg, k) => segmentMatches(seg, have[k]));
}

// Section 7.5
function setHash(ids) {
  const sorted = [...new Set(ids)].sort();
  return 'sha256:' + sha256(canonicalBytes(sorted)).toString('hex');
}

// Section 7.6: content ids -> hex digest
const B32 = 'abcdefghijklmnopqrstuvwxyz234567';
function parseContentId(s) {
  if (/^sha256:[0-9a-f]{64}$/.test(s)) return s.slice(7);
  if (/^b[a-z2-7]{58}$/.test(s)) {
    let bits = 0;
    let buf = 0n;
    for (const ch of s.slice(1)) {
      buf = (buf << 5n) | BigInt(B32.indexOf(ch));
      bits += 5;
    }
    // 290 bits: 288 bits of data, then 2 unused bits that must be zero
    if ((buf & 3n) !== 0n) deny('MALFORMED', 'CID has non-zero unused bits');
    const raw = Buffer.from((buf >> 2n).toString(16).padStart(72, '0'), 'hex');
    if (raw.length === 36 && raw.subarray(0, 4).equals(Buffer.from([0x01, 0x55, 0x12, 0x20]))) {
      return raw.subarray(4).toString('hex');
    }
  }
  deny('MALFORMED', `content must be sha256:<hex> or a CIDv1 raw sha2-256 id: ${s}`);
}

// ---------------------------------------------------------------------------------------------
// Section 7: payload

const ROLLOUT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const TICKET = /^[A-Za-z0-9][A-Za-z0-9._:/#-]{0,127}$/;
const PAYLOAD_FIELDS = ['v', 'id', 'cap', 'targets', 'content', 'rollout', 'tier', 'ticket', 'iat', 'nbf', 'exp'];

function parsePayload(bytes) {
  if (bytes.length > LIMITS.writPayload.bytes) deny('OVERSIZE', `payload is ${bytes.length} bytes`);
  const p = obj(readCanonical(bytes, LIMITS.writPayload, 'payload'), 'payload');
  const v = int(p, 'v', 'payload');
  if (v !== 1) deny('UNSUPPORTED_VERSION', `payload version ${v}`);
  onlyKnown(p, PAYLOAD_FIELDS, 'payload');
  const id = str(p, 'id', 'payload');
  if (!/^[0-9a-f]{32}$/.test(id)) deny('MALFORMED', 'id must be 32 lowercase hex digits');
  const cap = str(p, 'cap', 'payload');
  if (!(cap in CAPS)) deny('MALFORMED', `unknown capability "${cap}"`);
  let targets;
  if (p.has('targets')) {
    const t = obj(p.get('targets'), 'payload.targets');
    onlyKnown(t, ['glob', 'set_hash'], 'payload.targets');
    const glob = parseGlob(str(t, 'glob', 'targets'));
    const sh = str(t, 'set_hash', 'targets');
    if (!/^sha256:[0-9a-f]{64}$/.test(sh)) deny('MALFORMED', 'set_hash must be sha256:<64 hex>');
    targets = { glob, setHash: sh };
  }
  const content = p.has('content') ? parseContentId(str(p, 'content', 'payload')) : undefined;
  let tier;
  if (p.has('tier')) {
    tier = str(p, 'tier', 'payload');
    if (!TIERS.includes(tier)) deny('MALFORMED', `unknown tier "${tier}"`);
  }
  const rollout = optStr(p, 'rollout', 'payload');
  const ticket = optStr(p, 'ticket', 'payload');
  const iat = nonNeg(p, 'iat', 'payload');
  const nbf = nonNeg(p, 'nbf', 'payload');
  const exp = nonNeg(p, 'exp', 'payload');
  const c = CAPS[cap];
  if (c.targets !== (targets !== undefined)) deny('MALFORMED', `${cap} ${c.targets ? 'needs' : 'takes no'} targets`);
  if (c.content !== (content !== undefined)) deny('MALFORMED', `${cap} ${c.content ? 'needs' : 'takes no'} content`);
  if ((cap === 'execute') !== (tier !== undefined)) deny('MALFORMED', 'tier is required for execute and only for execute');
  if (rollout !== undefined && !ROLLOUT.test(rollout)) deny('MALFORMED', 'bad rollout');
  if (ticket !== undefined && !TICKET.test(ticket)) deny('MALFORMED', 'bad ticket');
  if (!(iat <= nbf && nbf < exp)) deny('MALFORMED', 'times must satisfy iat <= nbf < exp');
  return { id, cap, targets, content, tier, rollout, ticket, iat, nbf, exp };
}

// ---------------------------------------------------------------------------------------------
// Section 8: trust root

const LABEL = /^[A-Za-z0-9][A-Za-z0-9 ._@-]{0,63}$/;

function parseRootPayload(bytes) {
  const r = obj(readCanonical(bytes, LIMITS.rootPayload, 'root'), 'root');
  const v = int(r, 'v', 'root');
  if (v !== 1) deny('UNSUPPORTED_VERSION', `root format version ${v}`);
  onlyKnown(r, ['v', 'version', 'expires', 'trust_domain', 'keys', 'roles', 'policy'], 'root');
  const keysJson = obj(get(r, 'keys', 'root'), 'root.keys');
  const keys = new Map();
  for (const [kid, kv] of keysJson) {
    if (!HEX64.test(kid)) deny('MALFORMED', `key id ${kid}`);
    const k = obj(kv, `keys.${kid}`);
    onlyKnown(k, ['alg', 'public_key', 'hybrid_of', 'label'], `keys.${kid}`);
    const alg = str(k, 'alg', `keys.${kid}`);
    if (!(alg in SIG_BYTES)) deny('MALFORMED', `unknown algorithm "${alg}"`);
    const der = b64(str(k, 'public_key', `keys.${kid}`), `keys.${kid}.public_key`);
    const hybridOf = optStr(k, 'hybrid_of', `keys.${kid}`);
    if (hybridOf !== undefined && !HEX64.test(hybridOf)) deny('MALFORMED', 'hybrid_of must be a key id');
    const label = optStr(k, 'label', `keys.${kid}`);
    if (label !== undefined && !LABEL.test(label)) deny('MALFORMED', 'bad label');
    keys.set(kid, { ...decodeKey(alg, der, `keys.${kid}`), hybridOf, label });
  }
  const rolesJson = obj(get(r, 'roles', 'root'), 'root.roles');
  const roles = new Map();
  for (const [name, rv] of rolesJson) {
    if (!ROLES.includes(name)) deny('MALFORMED', `unknown role "${name}"`);
    const ro = obj(rv, `roles.${name}`);
    onlyKnown(ro, ['keys', 'threshold'], `roles.${name}`);
    const ids = new Set();
    for (const e of arr(ro, 'keys', `roles.${name}`)) {
      if (typeof e !== 'string') deny('MALFORMED', `roles.${name}.keys must hold strings`);
      if (!HEX64.test(e)) deny('MALFORMED', `roles.${name}: bad key id`);
      if (ids.has(e)) deny('MALFORMED', `role ${name} lists a key twice`);
      ids.add(e);
    }
    const threshold = int(ro, 'threshold', `roles.${name}`);
    if (threshold < 1 || threshold > 64) deny('MALFORMED', `role ${name} threshold must be 1..64`);
    roles.set(name, { keys: ids, threshold });
  }
  const version = int(r, 'version', 'root');
  const expires = nonNeg(r, 'expires', 'root');
  const trustDomain = str(r, 'trust_domain', 'root');
  const policy = parsePolicy(obj(get(r, 'policy', 'root'), 'root.policy'));
  if (version < 1) deny('MALFORMED', 'version must be >= 1');
  if (!TRUST_DOMAIN.test(trustDomain)) deny('MALFORMED', 'bad trust_domain');
  if (keys.size > 64) deny('OVERSIZE', 'more than 64 keys');
  for (const [kid, k] of keys) {
    if (sha256(k.der).toString('hex') !== kid) deny('MALFORMED', `key ${kid.slice(0, 12)} is not the SHA-256 of its SPKI`);
    const pq = k.alg === 'ml-dsa-65';
    if (pq !== (k.hybridOf !== undefined)) deny('MALFORMED', `key ${kid.slice(0, 12)}: hybrid_of is for ml-dsa-65 keys only, and required for them`);
    if (pq) {
      const partner = keys.get(k.hybridOf);
      if (!partner || partner.alg === 'ml-dsa-65') deny('MALFORMED', 'hybrid_of names no classical key');
      const n = [...keys.values()].filter((o) => o.hybridOf === k.hybridOf).length;
      if (n !== 1) deny('MALFORMED', 'a classical key has more than one ml-dsa-65 partner');
    }
  }
  if (roles.size !== ROLES.length) deny('MALFORMED', 'roles must list all five roles');
  for (const [name, ro] of roles) {
    for (const kid of ro.keys) {
      const k = keys.get(kid);
      if (!k) deny('MALFORMED', `role ${name} names unlisted key`);
      if (k.alg === 'ml-dsa-65') deny('MALFORMED', `role ${name} names an ml-dsa-65 key`);
    }
  }
  return { version, expires, trustDomain, keys, roles, policy };
}

function capList(v, where) {
  if (!Array.isArray(v)) deny('MALFORMED', `${where} must be an array`);
  const out = new Set();
  for (const c of v) {
    if (typeof c !== 'string' || !(c in CAPS)) deny('MALFORMED', `${where}: unknown capability`);
    if (out.has(c)) deny('MALFORMED', `${where} lists a capability twice`);
    out.add(c);
  }
  return out;
}

function parsePolicy(p) {
  onlyKnown(p, ['sandbox_floor', 'max_ttl', 'dual_control', 'clock_skew', 'ticket_required', 'hybrid_required', 'attestation'], 'policy');
  const floor = str(p, 'sandbox_floor', 'policy');
  if (!TIERS.includes(floor)) deny('MALFORMED', `unknown tier "${floor}"`);
  const ttlJson = obj(get(p, 'max_ttl', 'policy'), 'policy.max_ttl');
  const maxTtl = {};
  for (const [name, val] of ttlJson) {
    if (!(name in CAPS)) deny('MALFORMED', `max_ttl: unknown capability "${name}"`);
    if (typeof val !== 'number' || val <= 0) deny('MALFORMED', `max_ttl.${name} must be an integer > 0`);
    maxTtl[name] = val;
  }
  if (Object.keys(maxTtl).length !== Object.keys(CAPS).length) deny('MALFORMED', 'max_ttl must list every capability');
  const skew = nonNeg(p, 'clock_skew', 'policy');
  if (skew > MAX_SKEW) deny('MALFORMED', 'clock_skew above 300');
  const policy = {
    floor,
    maxTtl,
    dualControl: capList(get(p, 'dual_control', 'policy'), 'dual_control'),
    skew,
    ticketRequired: capList(get(p, 'ticket_required', 'policy'), 'ticket_required'),
    hybridRequired: bool(p, 'hybrid_required', 'policy'),
  };
  // Section 8.4: the only optional member, checked after the others; absent = no authority.
  policy.attestation = p.has('attestation') ? parseAttestation(obj(p.get('attestation'), 'policy.attestation')) : null;
  return policy;
}

// Section 8.4.1: attestation. Unknown members first (UNKNOWN_FIELD), then everything else is
// MALFORMED. Lists longer than 64, or nested deeper, were already refused by the reader (OVERSIZE).
const HEX96 = /^[0-9a-f]{96}$/;
const PCR = /^(sha1|sha256|sha384|sha512):(0|[1-9][0-9]?):([0-9a-f]+)$/;
const PCR_HEX_DIGITS = { sha1: 40, sha256: 64, sha384: 96, sha512: 128 };
const ATTESTATION = ['tpm_authorities', 'tpm_software_authorities', 'tpm_pcrs', 'sev_snp_authorities',
  'sev_snp_min_tcb', 'sev_snp_measurements', 'tdx_authorities', 'tdx_mrtds'];

function distinctStrings(a, name, re, what) {
  const where = `policy.attestation.${name}`;
  const list = arr(a, name, 'policy.attestation');
  const seen = new Set();
  for (const e of list) {
    if (typeof e !== 'string') deny('MALFORMED', `${where} must hold strings`);
    if (re !== null && !re.test(e)) deny('MALFORMED', `${where}: "${e}" is not ${what}`);
    if (seen.has(e)) deny('MALFORMED', `${where} lists "${e}" twice`);
    seen.add(e);
  }
  return list;
}

function parseAttestation(a) {
  onlyKnown(a, ATTESTATION, 'policy.attestation');
  const fp = (name) => distinctStrings(a, name, HEX64, 'a fingerprint (64 lowercase hex digits)');
  const tpm = fp('tpm_authorities');
  const tpmSoftware = fp('tpm_software_authorities');
  const pcrs = distinctStrings(a, 'tpm_pcrs', null, '');
  const slots = new Set();
  for (const e of pcrs) {
    const m = PCR.exec(e);
    if (!m) deny('MALFORMED', `tpm_pcrs: "${e}" is not <bank>:<index>:<lowercase hex>`);
    const [, bank, index, hex] = m;
    if (Number(index) > 23) deny('MALFORMED', `tpm_pcrs: index ${index} is above 23`);
    if (hex.length !== PCR_HEX_DIGITS[bank]) deny('MALFORMED', `tpm_pcrs: a ${bank} value is ${PCR_HEX_DIGITS[bank]} hex digits`);
    if (slots.has(`${bank}:${index}`)) deny('MALFORMED', `tpm_pcrs lists ${bank}:${index} twice`);
    slots.add(`${bank}:${index}`);
  }
  const snp = fp('sev_snp_authorities');
  const tcb = arr(a, 'sev_snp_min_tcb', 'policy.attestation');
  if (tcb.length !== 4) deny('MALFORMED', 'sev_snp_min_tcb must hold exactly 4 integers');
  for (const c of tcb) {
    if (typeof c !== 'number' || c < 0 || c > 255) deny('MALFORMED', 'sev_snp_min_tcb must hold integers 0 to 255');
  }
  const measurements = distinctStrings(a, 'sev_snp_measurements', HEX96, '96 lowercase hex digits');
  const tdx = fp('tdx_authorities');
  const mrtds = distinctStrings(a, 'tdx_mrtds', HEX96, '96 lowercase hex digits');
  for (const f of tpm) {
    if (tpmSoftware.includes(f)) deny('MALFORMED', `fingerprint ${f.slice(0, 12)} is in both tpm_authorities and tpm_software_authorities`);
  }
  const [bootloader, tee, snpVersion, microcode] = tcb;
  return { tpm, tpmSoftware, pcrs, snp, minTcb: { bootloader, tee, snp: snpVersion, microcode }, measurements, tdx, mrtds };
}

function parseRootEnvelope(bytes) {
  const env = parseEnvelope(bytes, LIMITS.rootEnvelope);
  if (env.payloadType !== ROOT_TYPE) deny('MALFORMED', `payloadType is not ${ROOT_TYPE}`);
  return { env, root: parseRootPayload(env.payload) };
}

// Sections 8.5 and 8.6: threshold of `signer`'s root role among valid signatures; keys in
// `otherKeys` (the other root of a rotation) are skipped here.
function checkRootSignatures(env, signer, otherKeys, notes) {
  const m = pae(env.payloadType, env.payload);
  const valid = new Set();
  for (const s of env.signatures) {
    const k = signer.keys.get(s.keyid);
    if (!k) {
      if (!otherKeys.has(s.keyid)) deny('UNKNOWN_KEY', `root signed by unlisted key ${s.keyid.slice(0, 12)}`);
      continue;
    }
    const ok = verifySig(k, m, s.sig);
    if (ok === 'unchecked') {
      notes.mldsaUnchecked++;
      continue; // ML-DSA-65 keys hold no roles, so they never count toward the root threshold
    }
    if (!ok) deny('BAD_SIGNATURE', `root signature by ${s.keyid.slice(0, 12)} is invalid`);
    valid.add(s.keyid);
  }
  const role = signer.roles.get('root');
  const n = [...valid].filter((k) => role.keys.has(k)).length;
  if (n < role.threshold) deny('THRESHOLD_NOT_MET', `root version ${signer.version} needs ${role.threshold} root keys, has ${n}`);
}

function pin(bytes, notes) {
  const { env, root } = parseRootEnvelope(bytes);
  checkRootSignatures(env, root, new Set(), notes);
  return root;
}

function rotate(current, bytes, now, notes) {
  const { env, root: cand } = parseRootEnvelope(bytes);
  if (cand.version <= current.version) deny('ROOT_ROLLBACK', `version ${cand.version} is not above ${current.version}`);
  if (now >= cand.expires) deny('ROOT_EXPIRED', 'candidate root has expired');
  checkRootSignatures(env, current, new Set(cand.keys.keys()), notes);
  checkRootSignatures(env, cand, new Set(current.keys.keys()), notes);
  return cand;
}

// ---------------------------------------------------------------------------------------------
// Section 9: verification

function verifyWrit(envBytes, root, ctx, notes) {
  // Step 1: parse
  if (envBytes.length > LIMITS.writEnvelope.bytes) deny('OVERSIZE', 'envelope too large');
  const env = parseEnvelope(envBytes, LIMITS.writEnvelope);
  if (env.payloadType !== WRIT_TYPE) deny('MALFORMED', `payloadType is not ${WRIT_TYPE}`);
  const w = parsePayload(env.payload);
  const policy = root.policy;
  const cap = CAPS[w.cap];

  // Step 2: signatures
  if (ctx.now >= root.expires) deny('ROOT_EXPIRED', `root version ${root.version} expired at ${root.expires}`);
  const m = pae(env.payloadType, env.payload);
  const S = []; // distinct classical signers, order of first appearance
  const Q = new Set();
  env.signatures.forEach((s, n) => {
    const k = root.keys.get(s.keyid);
    if (!k) deny('UNKNOWN_KEY', `signature ${n} is by unlisted key ${s.keyid.slice(0, 12)}`);
    const ok = verifySig(k, m, s.sig);
    if (ok === 'unchecked') notes.mldsaUnchecked++;
    else if (!ok) deny('BAD_SIGNATURE', `signature ${n} by ${s.keyid.slice(0, 12)} does not verify`);
    if (k.alg === 'ml-dsa-65') Q.add(s.keyid);
    else if (!S.includes(s.keyid)) S.push(s.keyid);
  });
  const dual = policy.dualControl.has(w.cap);
  const holds = (kid, role) => root.roles.get(role).keys.has(kid);
  for (const kid of S) {
    if (!holds(kid, cap.initiating) && !(dual && holds(kid, 'approver'))) {
      deny('ROLE_NOT_PERMITTED', `key ${kid.slice(0, 12)} may not sign ${w.cap}`);
    }
  }
  for (const kid of Q) {
    if (!S.includes(root.keys.get(kid).hybridOf)) deny('ROLE_NOT_PERMITTED', `ml-dsa-65 key ${kid.slice(0, 12)} signed without its classical partner`);
  }
  if (policy.hybridRequired) {
    for (const kid of S) {
      const partner = [...root.keys].find(([, k]) => k.hybridOf === kid);
      if (!partner || !Q.has(partner[0])) deny('HYBRID_REQUIRED', `no ml-dsa-65 co-signature for ${kid.slice(0, 12)}`);
    }
  }
  // Section 9.3
  const iRole = root.roles.get(cap.initiating);
  const I = S.filter((k) => iRole.keys.has(k));
  if (I.length < iRole.threshold) deny('THRESHOLD_NOT_MET', `${w.cap} needs ${iRole.threshold} ${cap.initiating} keys, has ${I.length}`);
  if (dual) {
    const aRole = root.roles.get('approver');
    const A = S.filter((k) => aRole.keys.has(k));
    if (A.length < aRole.threshold) deny('THRESHOLD_NOT_MET', `${w.cap} needs ${aRole.threshold} approver keys, has ${A.length}`);
    const B = I.filter((k) => A.includes(k));
    const need = Math.max(0, iRole.threshold - (I.length - B.length)) + Math.max(0, aRole.threshold - (A.length - B.length));
    if (need > B.length) deny('SEPARATION_OF_DUTIES', 'initiating and approving thresholds need disjoint keys');
  }

  // Step 3: freshness
  if (ctx.now >= w.exp + policy.skew) deny('EXPIRED', `expired at ${w.exp} (skew ${policy.skew})`);
  if (ctx.now < w.nbf - policy.skew) deny('NOT_YET_VALID', `valid from ${w.nbf} (skew ${policy.skew})`);
  if (w.exp - w.nbf > policy.maxTtl[w.cap]) deny('TTL_EXCEEDS_POLICY', `window ${w.exp - w.nbf}s > ${policy.maxTtl[w.cap]}s`);

  // Step 4: fleet state
  if (ctx.paused && cap.pausable) deny('PAUSED', `the fleet is paused; ${w.cap} is frozen`);
  if (ctx.node && ctx.quarantined.has(ctx.node.idText)) deny('TARGET_QUARANTINED', `${ctx.node.idText} is quarantined`);

  if (ctx.node) {
    // Step 5: node identity
    const n = ctx.node;
    if (n.id.td !== root.trustDomain) deny('IDENTITY_MISMATCH', `${n.idText} is outside ${root.trustDomain}`);
    if (w.targets) {
      if (!globMatches(w.targets.glob, n.id)) deny('IDENTITY_MISMATCH', `${n.idText} does not match ${w.targets.glob.text}`);
      if (!n.targets) deny('NOT_IN_TARGET_SET', 'no target list was delivered');
      if (setHash(n.targets) !== w.targets.setHash) deny('NOT_IN_TARGET_SET', 'delivered targets do not hash to set_hash');
      if (!n.targets.includes(n.idText)) deny('NOT_IN_TARGET_SET', `${n.idText} is not in the target set`);
    }
    if (cap.attested && n.posture === 'degraded') deny('POSTURE_INSUFFICIENT', `${w.cap} needs an attested node`);
    // Step 6: content
    if (w.content !== undefined) {
      if (n.content === undefined) deny('CONTENT_MISMATCH', 'no content bytes to check');
      if (n.content !== w.content) deny('CONTENT_MISMATCH', 'content does not hash to the writ content id');
    }
  }

  // Step 7: ticket, then tier
  if (policy.ticketRequired.has(w.cap) && w.ticket === undefined) deny('TICKET_REQUIRED', `policy requires a ticket for ${w.cap}`);
  if (w.tier !== undefined && TIERS.indexOf(w.tier) < TIERS.indexOf(policy.floor)) deny('TIER_BELOW_FLOOR', `${w.tier} is below ${policy.floor}`);

  // Step 8: spend, last
  if (ctx.spent.has(w.id)) deny('SPENT', 'already spent');
  ctx.spent.add(w.id);
  return w;
}

// ---------------------------------------------------------------------------------------------
// Section 12: vectors

function vectorContext(c, where) {
  const fail = (why) => {
    throw new Error(`bad vector: ${where}: ${why}`);
  };
  if (!isObj(c)) fail('context must be an object');
  const now = c.get('now');
  if (typeof now !== 'number') fail('context.now must be an integer');
  const st = c.get('state');
  if (!isObj(st)) fail('context.state must be an object');
  const spent = st.get('spent') ?? [];
  const quarantined = st.get('quarantined') ?? [];
  const paused = st.get('paused') ?? false;
  if (!Array.isArray(spent) || !Array.isArray(quarantined) || typeof paused !== 'boolean') fail('bad context.state');
  const ctx = { now, spent: new Set(spent), quarantined: new Set(quarantined), paused, node: null };
  if (c.has('node')) {
    const n = c.get('node');
    if (!isObj(n) || typeof n.get('id') !== 'string' || !POSTURES.includes(n.get('posture'))) fail('bad context.node');
    const id = splitSpiffe(n.get('id'), /^[A-Za-z0-9._-]+$/);
    if (!id) fail('context.node.id is not a SPIFFE ID');
    let targets;
    if (c.has('targets')) {
      targets = c.get('targets');
      if (!Array.isArray(targets) || targets.some((t) => typeof t !== 'string' || !splitSpiffe(t, /^[A-Za-z0-9._-]+$/))) {
        fail('context.targets must be SPIFFE IDs');
      }
    }
    let content;
    if (c.has('content_sha256')) {
      const cs = c.get('content_sha256');
      if (typeof cs !== 'string' || !/^sha256:[0-9a-f]{64}$/.test(cs)) fail('bad context.content_sha256');
      content = cs.slice(7);
    }
    ctx.node = { id, idText: n.get('id'), posture: n.get('posture'), targets, content };
  }
  return ctx;
}

const joinPath = (dir, f) => (dir.endsWith('/') ? dir + f : `${dir}/${f}`);

function readVectorJson(file) {
  return readJson(fs.readFileSync(file), LIMITS.vectorFile);
}

// Runs one vector; returns { decision, reason, detail }.
function runVector(dir, v, notes) {
  const rootFile = v.get('root');
  if (typeof rootFile !== 'string') throw new Error('bad vector: root must be a file name');
  const ctx = vectorContext(v.get('context'), 'context');
  try {
    // Section 12.2: a root file holds the root envelope's bytes exactly; they are used as they are.
    const rootBytes = (f) => fs.readFileSync(joinPath(dir, f));
    let root = pin(rootBytes(rootFile), notes);
    for (const f of v.get('rotations') ?? []) root = rotate(root, rootBytes(f), ctx.now, notes);
    if (!isObj(v.get('envelope'))) throw new Error('bad vector: envelope must be an object');
    const w = verifyWrit(canonicalBytes(v.get('envelope')), root, ctx, notes);
    return { decision: 'allow', detail: `${w.cap} ${w.id}` };
  } catch (e) {
    if (e instanceof Denial) return { decision: 'deny', reason: e.reason, detail: e.detail };
    throw e;
  }
}

function main(argv) {
  const args = argv.filter((a) => !a.startsWith('--'));
  const all = argv.includes('--all');
  const dir = args[0] ?? 'docs/spec/vectors';
  let files;
  try {
    files = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  } catch (e) {
    console.error(`cannot read ${dir}: ${e.message}`);
    return 2;
  }
  let passed = 0;
  let failed = 0;
  let hybrid = 0;
  let denyChecked = 0;
  let denyMismatch = 0;
  let denyUncheckable = 0;
  for (const f of files) {
    let v;
    try {
      v = readVectorJson(joinPath(dir, f));
    } catch (e) {
      continue; // not JSON we can read: not a vector (root files are JSON too, see below)
    }
    if (!isObj(v) || !isObj(v.get('expect')) || !v.has('envelope')) continue; // a root file, not a vector
    const expect = v.get('expect');
    const want = expect.get('decision');
    if (want !== 'allow' && !(all && want === 'deny')) continue;
    const notes = { mldsaUnchecked: 0 };
    let got;
    try {
      got = runVector(dir, v, notes);
    } catch (e) {
      got = { decision: 'error', detail: e.message };
    }
    if (want === 'allow') {
      if (notes.mldsaUnchecked > 0) hybrid++;
      const note = notes.mldsaUnchecked > 0 ? ` (${notes.mldsaUnchecked} ML-DSA-65 signature(s) not checked: no ML-DSA-65 in Node ${process.versions.node})` : '';
      if (got.decision === 'allow') {
        passed++;
        console.log(`ok ${f}${note}`);
      } else {
        failed++;
        console.log(`FAIL ${f}: expected allow, got ${got.decision}${got.reason ? ' ' + got.reason : ''}: ${got.detail}${note}`);
      }
    } else {
      // --all: deny vectors, informational (a partial verifier cannot judge every denial)
      const wantReason = expect.get('reason');
      if (notes.mldsaUnchecked > 0) {
        denyUncheckable++;
        console.log(`skip ${f}: involves unchecked ML-DSA-65 signatures (expected ${wantReason}, got ${got.decision} ${got.reason ?? ''})`);
      } else if (got.decision === 'deny' && got.reason === wantReason) {
        denyChecked++;
        console.log(`deny-ok ${f}: ${got.reason}`);
      } else {
        denyMismatch++;
        console.log(`deny-MISMATCH ${f}: expected ${wantReason}, got ${got.decision}${got.reason ? ' ' + got.reason : ''}: ${got.detail}`);
      }
    }
  }
  if (all) console.log(`deny vectors: ${denyChecked} matched, ${denyMismatch} mismatched, ${denyUncheckable} skipped (ML-DSA-65)`);
  console.log(`${hybrid} hybrid allow vector(s): ML-DSA-65 signatures not checked (no ML-DSA-65 in Node ${process.versions.node}); classical part checked`);
  if (passed + failed === 0) {
    console.log(`${passed} passed, ${failed} failed`);
    console.error(`no allow vectors found in ${dir}`);
    return 2;
  }
  const receipts = runReceipts(joinPath(dir, 'receipts'));
  console.log(`${passed + receipts.passed} passed, ${failed + receipts.failed} failed`);
  return failed > 0 || denyMismatch > 0 ? 1 : 0;
}

// Receipt vectors (api.md section 3): every valid one must verify, every invalid one must be
// refused at the step it names. A missing folder is reported, not counted.
function runReceipts(dir) {
  let files;
  try {
    files = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  } catch (e) {
    console.log(`no receipt vectors (${dir}: ${e.code ?? e.message})`);
    return { passed: 0, failed: 0 };
  }
  const count = { valid: 0, invalid: 0, failed: 0 };
  for (const f of files) {
    let got;
    try {
      got = runReceiptVector(joinPath(dir, f));
    } catch (e) {
      got = { ok: false, detail: `unreadable vector: ${e.message}` };
    }
    if (got.ok) {
      count[f.startsWith('valid-') ? 'valid' : 'invalid']++;
      console.log(`ok receipts/${f}: ${got.detail}`);
    } else {
      count.failed++;
      console.log(`FAIL receipts/${f}: ${got.detail}`);
    }
  }
  console.log(`receipt vectors: ${count.valid} valid verified, ${count.invalid} invalid refused at the declared step, ${count.failed} failed`);
  return { passed: count.valid + count.invalid, failed: count.failed };
}

process.exitCode = main(process.argv.slice(2));
