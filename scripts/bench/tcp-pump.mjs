/**
 * A reference for rows 1 and 2, not part of launch-local: the least ANY process in the path can cost,
 * a TCP byte pump in front of the workers (one upstream connection per client connection, round-robin
 * over the worker ports given). It reads no HTTP at all, so what it adds over the bare workers is the
 * price of one more process hop on this machine: two more socket reads, two more writes and the
 * wake-ups between them. Run as `node tcp-pump.mjs PORT…`; prints its own port.
 */
import net from "node:net";

const ports = process.argv.slice(2).map(Number);
let next = 0;

const server = net.createServer({ noDelay: true }, (client) => {
  const upstream = net.connect({ host: "127.0.0.1", port: ports[next++ % ports.length], noDelay: true });
  client.on("data", (chunk) => upstream.write(chunk));
  upstream.on("data", (chunk) => client.write(chunk));
  const end = () => {
    client.destroy();
    upstream.destroy();
  };
  for (const socket of [client, upstream]) {
    socket.on("close", end);
    socket.on("error", end);
  }
});
server.listen(0, "127.0.0.1", () => process.stdout.write(`${server.address().port}\n`));
process.on("SIGTERM", () => process.exit(0));
