// Inbound email figures for packages/server/README.md ("Channels"), issue 17: raw MIME messages
// (message/rfc822) parsed per second by the server's parser (mailparser underneath), for a small
// plain-text mail and for a multipart mail with an HTML part, encoded words and a 20 KB attachment.
// `npm run bench -- mime`, or directly: npx tsc -b && node bench/mime.bench.mjs
import { pathToFileURL } from 'node:url';
import { parseRawEmail } from '../packages/server/dist/channels/mime.js';

const round = (value) => Math.round(value * 10) / 10;

function plain(index) {
  return Buffer.from(
    [
      'From: "Customer, Gina" <gina@customer.example>',
      'To: support@team.example',
      `Subject: Question ${index}`,
      `Message-ID: <plain-${index}@customer.example>`,
      'Date: Fri, 04 Dec 2026 10:00:00 +0000',
      'Content-Type: text/plain; charset=utf-8',
      '',
      `Hello, this is question number ${index}. When does my order arrive?`,
      '',
    ].join('\r\n'),
  );
}

function multipart(index) {
  const attachment = Buffer.alloc(20 * 1024, index % 256)
    .toString('base64')
    .replace(/.{76}/g, '$&\r\n');
  return Buffer.from(
    [
      'From: =?UTF-8?B?R2luYSBkZSBWcmllcw==?= <gina@customer.example>',
      'To: support@team.example',
      `Subject: =?UTF-8?Q?Factuur_=E2=82=AC_${index}?=`,
      `Message-ID: <multi-${index}@customer.example>`,
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="outer"',
      '',
      '--outer',
      'Content-Type: multipart/alternative; boundary="inner"',
      '',
      '--inner',
      'Content-Type: text/plain; charset=iso-8859-1',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      `Caf=E9 factuur ${index}: het bedrag klopt niet.`,
      '--inner',
      'Content-Type: text/html; charset=utf-8',
      '',
      `<p>Caf&eacute; factuur ${index}: <b>het bedrag</b> klopt niet.</p>`,
      '--inner--',
      '--outer',
      'Content-Type: application/pdf; name="factuur.pdf"',
      'Content-Transfer-Encoding: base64',
      'Content-Disposition: attachment; filename="factuur.pdf"',
      '',
      attachment,
      '--outer--',
      '',
    ].join('\r\n'),
  );
}

async function perSecond(make, count) {
  const messages = Array.from({ length: count }, (_, index) => make(index));
  for (const message of messages.slice(0, 50)) await parseRawEmail(message); // warm-up
  const started = performance.now();
  for (const message of messages) await parseRawEmail(message);
  return count / ((performance.now() - started) / 1000);
}

export async function run() {
  // The figures count only messages parsed right: the decoded subject, sender name and text.
  const check = await parseRawEmail(multipart(7));
  if (check.subject !== 'Factuur € 7' || check.fromName !== 'Gina de Vries' || !check.text?.includes('Café'))
    throw new Error(`the multipart message was parsed wrong: ${JSON.stringify(check).slice(0, 200)}`);
  return [
    { metric: 'mime.plain.perSec', value: round(await perSecond(plain, 2000)), unit: 'messages/s (one core)' },
    {
      metric: 'mime.multipart.perSec',
      value: round(await perSecond(multipart, 500)),
      unit: 'messages/s (HTML part, encoded words, 20 KB attachment)',
    },
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href)
  for (const line of await run()) console.log(JSON.stringify(line));
