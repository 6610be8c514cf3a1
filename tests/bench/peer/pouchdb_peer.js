// The PouchDB peer of tests/bench/hub_sync_bench: the county's rows, one document per
// disclosure version (its items inside) and one per other row, replicated by PouchDB 9
// between in-memory databases and an express-pouchdb server, through the bench's
// byte-counting relay.
//
//   node pouchdb_peer.js DOCUMENTS.json
//
// DOCUMENTS.json (written by the bench):
//   {"seed": [doc, ...],                        // what the county hub holds before any sync
//    "villages": [{"docs": [doc, ...], "pull_ids": [id, ...]}, ...],
//    "township": [doc, ...],                    // the reviewing township's database
//    "new_township_docs": N}                    // what a new township node must end up with
//
// The server listens on 127.0.0.1 on a port the system picks; the seed is written into its
// database in this process (not over HTTP). Then, one JSON line on stdout per line on stdin:
//   (start)              -> {"port": P, "pouchdb", "express_pouchdb", "node"}
//                           the server's port and the versions running
//   relay URL            -> {"ok": true}                      replicate through URL from now on
//   village I            -> {"docs_up", "docs_down", "docs_held", "requests", "microseconds"}
//                           village I's documents replicated up, then its pull_ids down
//   township             -> the same for the reviewing township's database, replicated up
//   new-township         -> the same for a new, empty database replicated down in full;
//                           fails unless it ends with new_township_docs documents
//   quit                 -> the server closes and the process exits 0
// "requests" counts the HTTP requests the server received during the step, "microseconds"
// times the step's replication calls (not the filling of the client database before them),
// "docs_held" is what the client database holds after them. Any failure prints {"error": "..."} and exits 1.
'use strict';

const fs = require('fs');
const readline = require('readline');
const express = require('express');
const PouchDB = require('pouchdb-core')
  .plugin(require('pouchdb-adapter-memory'))
  .plugin(require('pouchdb-adapter-http'))
  .plugin(require('pouchdb-replication'));

const kDatabase = 'county';

function Reply(object) {
  process.stdout.write(JSON.stringify(object) + '\n');
}

function Fail(error) {
  Reply({error: String(error && error.stack ? error.stack : error)});
  process.exit(1);
}

async function Main() {
  if (process.argv.length !== 3) Fail('usage: node pouchdb_peer.js DOCUMENTS.json');
  const input = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));

  const ServerPouchDB = PouchDB.defaults({adapter: 'memory', prefix: 'server-'});
  const app = express();
  let requests = 0;
  app.use((request, response, next) => {
    ++requests;
    next();
  });
  app.use(require('express-pouchdb')(ServerPouchDB, {
    mode: 'minimumForPouchDB',
    inMemoryConfig: true,
  }));
  const county = new ServerPouchDB(kDatabase);
  await county.bulkDocs(input.seed);
  const server = await new Promise((resolve, reject) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
    s.on('error', reject);
  });
  Reply({
    port: server.address().port,
    pouchdb: PouchDB.version,
    express_pouchdb: require('express-pouchdb/package.json').version,
    node: process.version,
  });

  let remote = null;
  let serial = 0;
  // Fills a fresh client database with `docs` (not measured), then measures `replicate`.
  async function Step(docs, replicate) {
    if (!remote) throw new Error('no relay given');
    const local = new PouchDB('client-' + ++serial, {adapter: 'memory'});
    if (docs.length) await local.bulkDocs(docs);
    const before = requests;
    const start = process.hrtime.bigint();
    const figures = await replicate(local);
    figures.microseconds = Number((process.hrtime.bigint() - start) / 1000n);
    figures.requests = requests - before;
    figures.docs_held = (await local.info()).doc_count;
    await local.destroy();
    return figures;
  }

  const lines = readline.createInterface({input: process.stdin});
  for await (const line of lines) {
    const [command, argument] = line.trim().split(/\s+/);
    if (command === 'relay') {
      remote = argument.replace(/\/$/, '') + '/' + kDatabase;
      Reply({ok: true});
    } else if (command === 'village') {
      const village = input.villages[Number(argument)];
      if (!village) throw new Error('no village ' + argument);
      Reply(await Step(village.docs, async (local) => {
        const up = await local.replicate.to(remote);
        const down = await local.replicate.from(remote, {doc_ids: village.pull_ids});
        return {docs_up: up.docs_written, docs_down: down.docs_written};
      }));
    } else if (command === 'township') {
      Reply(await Step(input.township, async (local) => {
        const up = await local.replicate.to(remote);
        return {docs_up: up.docs_written, docs_down: 0};
      }));
    } else if (command === 'new-township') {
      const figures = await Step([], async (local) => {
        const down = await local.replicate.from(remote);
        return {docs_up: 0, docs_down: down.docs_written};
      });
      if (figures.docs_held !== input.new_township_docs) {
        throw new Error('the new township holds ' + figures.docs_held + ' documents, not ' +
                        input.new_township_docs);
      }
      Reply(figures);
    } else if (command === 'quit') {
      break;
    } else {
      throw new Error('unknown command: ' + line);
    }
  }
  server.closeAllConnections();
  server.close();
  process.exit(0);
}

Main().catch(Fail);
