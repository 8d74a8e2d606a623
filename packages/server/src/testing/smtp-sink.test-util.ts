// A real SMTP server for tests (mail tests, the accounts journey): accepts every message on 127.0.0.1.
import { createServer, type Server, type Socket } from 'node:net';

export interface SmtpSink {
  port: number;
  messages: { from: string; to: string[]; data: string }[];
  /** While set, every recipient is refused with this reply (e.g. `550 5.1.1 No such user`). */
  refuseRecipients: string | null;
  close(): Promise<void>;
}

/** Just enough SMTP (RFC 5321) on 127.0.0.1 to accept mail: records each message's envelope and data. */
export function smtpSink(): Promise<SmtpSink> {
  const messages: { from: string; to: string[]; data: string }[] = [];
  let sink: SmtpSink;
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let buffer = '';
    let inData = false;
    let current = { from: '', to: [] as string[], data: '' };
    socket.write('220 sink ESMTP\r\n');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          current.data = buffer.slice(0, end);
          buffer = buffer.slice(end + 5);
          messages.push(current);
          current = { from: '', to: [], data: '' };
          inData = false;
          socket.write('250 OK queued\r\n');
          continue;
        }
        const lineEnd = buffer.indexOf('\r\n');
        if (lineEnd < 0) return;
        const line = buffer.slice(0, lineEnd);
        buffer = buffer.slice(lineEnd + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') socket.write('250 sink\r\n');
        else if (verb === 'MAIL') {
          current.from = /<(.*)>/.exec(line)?.[1] ?? '';
          socket.write('250 OK\r\n');
        } else if (verb === 'RCPT' && sink.refuseRecipients) {
          socket.write(`${sink.refuseRecipients}\r\n`);
        } else if (verb === 'RCPT') {
          current.to.push(/<(.*)>/.exec(line)?.[1] ?? '');
          socket.write('250 OK\r\n');
        } else if (verb === 'DATA') {
          inData = true;
          socket.write('354 End data with <CR><LF>.<CR><LF>\r\n');
        } else if (verb === 'QUIT') {
          socket.end('221 Bye\r\n');
        } else socket.write('250 OK\r\n');
      }
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      sink = {
        port,
        messages,
        refuseRecipients: null,
        close: () =>
          new Promise((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      };
      resolve(sink);
    });
  });
}

/** A received message's text with quoted-printable undone (soft line breaks, `=3D`), for finding links in it. */
export function mailText(data: string): string {
  return data
    .replace(/=\r\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}
