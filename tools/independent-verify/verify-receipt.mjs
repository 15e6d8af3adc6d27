#!/usr/bin/env node
// Verifies a Writ server's answer and its receipt (docs/spec/api.md section 3) with the
// independent receipt verifier (receipt.mjs), for example against a live server:
//
//   curl -s --cacert bundle.pem --data-binary @writ.json https://127.0.0.1:7300/v1/writs > answer.json
//   node tools/independent-verify/verify-receipt.mjs --vkey "$(cat log.vkey)" \
//       --envelope writ.json --answer answer.json
//
// (the server speaks TLS 1.3 only; bundle.pem is the trust bundle 'writ server' prints as
// 'bundle FILE', and the log key is the one it prints as 'log key VKEY', taken from the operator,
// not from the server being checked)
//
//   --vkey VKEY        the log's verifier key, <name>+<key id>+<base64> (api.md section 5)
//   --vkey-file FILE   or the file holding it (one line; a final newline is allowed)
//   --envelope FILE    the exact bytes that were posted
//   --answer FILE      the answer body: {"decision", "id"?, "reason"?, "receipt": R}; "-" reads stdin
//
// Exit status: 0 the receipt verifies (the line says allow or deny), 1 it does not (the line names
// the step of api.md section 3 that refused it), 2 usage or unreadable input.

import fs from 'node:fs';
import { readJson } from './json.mjs';
import { ReceiptError, parseVerifierKey, verifyReceipt } from './receipt.mjs';

const USAGE = 'usage: verify-receipt.mjs (--vkey VKEY | --vkey-file FILE) --envelope FILE --answer FILE|-';
const ANSWER_JSON = { bytes: 1024 * 1024, depth: 3, string: 1024 * 1024, members: 128 };

function parseArgs(argv) {
  const opts = {};
  const names = ['--vkey', '--vkey-file', '--envelope', '--answer'];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '-h' || argv[i] === '--help') return null;
    if (!names.includes(argv[i]) || i + 1 >= argv.length) throw new Error(`unexpected argument ${argv[i]}`);
    if (opts[argv[i]] !== undefined) throw new Error(`${argv[i]} given twice`);
    opts[argv[i]] = argv[++i];
  }
  if ((opts['--vkey'] === undefined) === (opts['--vkey-file'] === undefined)) throw new Error('give one of --vkey and --vkey-file');
  if (opts['--envelope'] === undefined || opts['--answer'] === undefined) throw new Error('--envelope and --answer are required');
  return opts;
}

function main(argv) {
  let opts;
  let key;
  let envelope;
  let answer;
  try {
    opts = parseArgs(argv);
    if (opts === null) {
      console.log(USAGE);
      return 0;
    }
    const vkey = opts['--vkey'] ?? fs.readFileSync(opts['--vkey-file'], 'utf8').replace(/\n$/, '');
    key = parseVerifierKey(vkey);
    envelope = fs.readFileSync(opts['--envelope']);
    const answerBytes = fs.readFileSync(opts['--answer'] === '-' ? 0 : opts['--answer']);
    answer = readJson(answerBytes, ANSWER_JSON);
  } catch (e) {
    console.error(`verify-receipt: ${e.message}`);
    console.error(USAGE);
    return 2;
  }
  if (!(answer instanceof Map) || !answer.has('receipt')) {
    console.log('receipt NOT verified: the answer carries no receipt (not an audited answer)');
    return 1;
  }
  try {
    const got = verifyReceipt(key, envelope, answer, answer.get('receipt'));
    const r = got.record;
    const what = r.decision === 'allow' ? 'allow' : `deny ${r.reason}`;
    console.log(`receipt verified: ${what}${r.id ? ` id ${r.id}` : ''} at index ${got.index} of the tree of size ${got.size} (${got.origin})`);
    return 0;
  } catch (e) {
    if (!(e instanceof ReceiptError)) throw e;
    console.log(`receipt NOT verified: ${e.message}`);
    return 1;
  }
}

process.exitCode = main(process.argv.slice(2));
