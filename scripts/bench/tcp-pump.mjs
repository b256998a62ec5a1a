/**
 * A reference for rows 1 and 2, not part of launch-local: the least ANY process in the path can cost,
 * a TCP byte pump in front of the workers. It listens on one port per worker port given and copies
 * the bytes of each connection to a connection of its own to that worker; it reads no HTTP at all,
 * so what it adds over the bare workers is the price of one more process hop on this machine: two
 * more socket reads, two more writes and the wake-ups between them. The client spreads its requests
 * over the pump's ports as it does over the bare workers, each with that worker's token (a pump that
 * reads nothing cannot add it). Run as `node tcp-pump.mjs PORT…`; prints its own ports, in the same
 * order, on one line.
 */
import net from "node:net";

const ports = process.argv.slice(2).map(Number);

function pumpTo(port) {
  return net.createServer({ noDelay: true }, (client) => {
    const upstream = net.connect({ host: "127.0.0.1", port, noDelay: true });
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
}

const listening = ports.map(
  (port) =>
    new Promise((resolve) => {
      const server = pumpTo(port);
      server.listen(0, "127.0.0.1", () => resolve(server.address().port));
    }),
);
void Promise.all(listening).then((own) => process.stdout.write(`${own.join(" ")}\n`));
process.on("SIGTERM", () => process.exit(0));
