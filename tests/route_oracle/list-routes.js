#!/usr/bin/env node
// The route oracle: loads a fixture app in-process and prints the routes its framework itself
// registered, as {"routes":[{"method","path"}...]} sorted by path then method, with nodescope's
// path conventions (prefixes joined, one slash, no trailing slash but "/", ALL for app.all).
// It never listens or opens sockets: listen() is a no-op, outgoing connections throw. It is
// ground truth for (method, path) only; middleware chains are nodescope's own business.
// Usage: node tests/route_oracle/list-routes.js <appDir>   (see README.md in this folder)
'use strict';

const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const HERE = __dirname;
const CHILD_FLAG = '--oracle-child';

function fail(message, code = 2) {
  process.stderr.write(`list-routes: ${message}\n`);
  process.exit(code);
}

// Reads <appDir>/oracle.json ({"entry", "run", "env"}) falling back to package.json "main".
function appConfig(appDir) {
  const pkgPath = path.join(appDir, 'package.json');
  let pkg = {};
  if (fs.existsSync(pkgPath)) pkg = JSON.parse(fs.readFileSync(pkgPath, 'utf8'));
  let oracle = {};
  const oraclePath = path.join(appDir, 'oracle.json');
  if (fs.existsSync(oraclePath)) oracle = JSON.parse(fs.readFileSync(oraclePath, 'utf8'));
  const entry = oracle.entry || pkg.main || 'index.js';
  const deps = Object.assign({}, pkg.dependencies || {});
  const expressRange = String(deps.express || '');
  return {
    entry: path.resolve(appDir, entry),
    run: oracle.run !== false,
    env: oracle.env || {},
    express5: /^[\^~>=\s]*5/.test(expressRange),
  };
}

// ---------------------------------------------------------------------------------------------
// Parent: validate arguments, spawn a child with NODE_PATH pointing at our node_modules.
function parentMain(argv) {
  if (argv.length !== 1 || argv[0] === '-h' || argv[0] === '--help') {
    fail('usage: node tests/route_oracle/list-routes.js <appDir>');
  }
  const appDir = path.resolve(argv[0]);
  if (!fs.existsSync(appDir) || !fs.statSync(appDir).isDirectory()) fail(`no such app folder: ${appDir}`);
  const cfg = appConfig(appDir);
  if (!cfg.run) {
    fail(`${argv[0]} is static-only (oracle.json "run": false); nothing to load`, 3);
  }
  if (!fs.existsSync(path.join(HERE, 'node_modules', 'express'))) {
    fail('dependencies missing: run tests/route_oracle/setup.sh first');
  }
  const env = Object.assign({}, process.env, cfg.env, {
    NODE_PATH: path.join(HERE, 'node_modules'),
  });
  const res = spawnSync(process.execPath, [__filename, CHILD_FLAG, appDir], {
    env,
    cwd: appDir,
    encoding: 'utf8',
    timeout: 30000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (res.error) fail(`could not run the app: ${res.error.message}`);
  if (res.status !== 0) {
    process.stderr.write(res.stderr);
    fail(`loading ${path.relative(process.cwd(), cfg.entry)} failed (exit ${res.status})`);
  }
  // The app may print while loading; our JSON is the last line, after a marker.
  const marker = '\n@@ROUTE-ORACLE@@\n';
  const at = res.stdout.lastIndexOf(marker);
  if (at < 0) fail('child printed no result');
  process.stderr.write(res.stderr);
  process.stdout.write(res.stdout.slice(at + marker.length));
}

// ---------------------------------------------------------------------------------------------
// Path helpers shared by the Express and Fastify walks.

// Joins mount prefixes: one slash between segments, no trailing slash except the root.
function joinPath(...parts) {
  let s = parts.filter((p) => p !== '' && p !== undefined).join('/');
  s = s.replace(/\/+/g, '/');
  if (!s.startsWith('/')) s = '/' + s;
  if (s.length > 1 && s.endsWith('/')) s = s.slice(0, -1);
  return s;
}

// A path argument as strings; RegExps and other non-strings cannot be named statically.
function pathList(p) {
  if (p === undefined) return ['/'];
  const list = Array.isArray(p) ? p.flat(Infinity) : [p];
  return list.map((x) => (typeof x === 'string' ? x : `{regexp:${String(x)}}`));
}

// Fallback for a layer we did not see being created: decode Express 4's simple mount regexps.
function pathFromRegexp(layer) {
  const re = layer.regexp;
  if (!re) return '{unknown}';
  if (re.fast_slash) return '/';
  let src = re.source;
  const m = /^\^(.*?)\\\/\?\(\?=\\\/\|\$\)$/.exec(src);
  if (!m) return `{regexp:${src}}`;
  src = m[1];
  let k = 0;
  src = src.replace(/\(\?:\(\[\^\\\/]\+\?\)\)/g, () => `:${(layer.keys[k++] || {}).name || 'param'}`);
  return src.replace(/\\\//g, '/').replace(/\\(.)/g, '$1');
}

// ---------------------------------------------------------------------------------------------
// Child: install hooks, load the entry, walk what the frameworks registered.
function childMain(appDir) {
  const Module = require('module');
  const net = require('net');
  const http = require('http');
  const https = require('https');
  const cfg = appConfig(appDir);

  // (a) No listening, no sockets.
  const fakeListen = function listen() {
    return this;
  };
  net.Server.prototype.listen = fakeListen;
  http.Server.prototype.listen = fakeListen;
  https.Server.prototype.listen = fakeListen;
  net.Socket.prototype.connect = function connect() {
    throw new Error('route oracle: the app tried to open a network connection while loading');
  };

  const express4 = require(path.join(HERE, 'node_modules', 'express'));
  const express5 = require(path.join(HERE, 'node_modules', 'express5'));
  const fastify = require(path.join(HERE, 'node_modules', 'fastify'));

  const expressApps = []; // every express() application, in creation order
  const fastifyApps = []; // { instance, routes: [] }

  // Remembers, on each layer a use() call added, the path it was given and what was passed
  // (router, sub-application or plain middleware): layers keep neither in a usable form.
  function parseUseArgs(args) {
    let offset = 0;
    let mount = '/';
    if (args.length > 0 && typeof args[0] !== 'function') {
      let arg = args[0];
      while (Array.isArray(arg) && arg.length !== 0) arg = arg[0];
      if (typeof arg !== 'function') {
        offset = 1;
        mount = args[0];
      }
    }
    return { mount, fns: args.slice(offset).flat(Infinity) };
  }
  // One layer per function, appended last (Express 4's first app.use also adds its own two).
  function annotate(stack, mount, fns, overwrite) {
    const added = stack.slice(stack.length - fns.length);
    added.forEach((layer, i) => {
      if (!overwrite && layer.__oracleTarget !== undefined) return;
      layer.__oraclePath = mount;
      layer.__oracleTarget = fns[i];
    });
  }
  function wrapRouterUse(owner) {
    const orig = owner.use;
    owner.use = function use(...args) {
      const { mount, fns } = parseUseArgs(args);
      const out = orig.apply(this, args);
      annotate(this.stack, mount, fns, false);
      return out;
    };
  }
  function appRouter(app) {
    // Express 4 creates app._router lazily and throws on app.router; Express 5 has app.router.
    if ('_router' in app || !isExpress5App(app)) return app._router;
    return app.router;
  }
  function isExpress5App(app) {
    return app.__oracleFlavour === 5;
  }
  function wrapAppUse(proto) {
    const orig = proto.use;
    proto.use = function use(...args) {
      const { mount, fns } = parseUseArgs(args);
      const out = orig.apply(this, args);
      annotate(appRouter(this).stack, mount, fns, true);
      return out;
    };
  }
  wrapRouterUse(express4.Router); // Express 4: routers are functions whose prototype is Router
  wrapRouterUse(express5.Router.prototype); // Express 5: the `router` package's class
  wrapAppUse(express4.application);
  wrapAppUse(express5.application);

  function wrapExpress(real, flavour) {
    const wrapped = function express(...args) {
      const app = real.apply(this, args);
      app.__oracleFlavour = flavour;
      app.listen = function listen() {
        return http.createServer(this); // never listening
      };
      expressApps.push(app);
      return app;
    };
    for (const key of Reflect.ownKeys(real)) {
      if (['length', 'name', 'prototype', 'arguments', 'caller'].includes(key)) continue;
      Object.defineProperty(wrapped, key, Object.getOwnPropertyDescriptor(real, key));
    }
    return wrapped;
  }
  const wrapped4 = wrapExpress(express4, 4);
  const wrapped5 = wrapExpress(express5, 5);

  function wrapFastify(real) {
    const wrapped = function fastifyFactory(...args) {
      const instance = real.apply(this, args);
      const rec = { instance, routes: [] };
      instance.addHook('onRoute', (ro) => {
        const methods = Array.isArray(ro.method) ? ro.method : [ro.method];
        for (const m of methods) rec.routes.push({ method: String(m).toUpperCase(), url: ro.url });
      });
      instance.listen = function listen(...largs) {
        const cb = typeof largs[largs.length - 1] === 'function' ? largs[largs.length - 1] : null;
        const p = instance.ready().then(() => 'http://127.0.0.1:0');
        if (cb) {
          p.then((a) => cb(null, a), cb);
          return undefined;
        }
        return p;
      };
      fastifyApps.push(rec);
      return instance;
    };
    wrapped.fastify = wrapped;
    wrapped.default = wrapped;
    for (const key of Reflect.ownKeys(real)) {
      if (['length', 'name', 'prototype', 'arguments', 'caller', 'fastify', 'default'].includes(key)) continue;
      Object.defineProperty(wrapped, key, Object.getOwnPropertyDescriptor(real, key));
    }
    return wrapped;
  }
  const wrappedFastify = wrapFastify(fastify);

  // Apps declaring express ^5 get Express 5 (the express5 alias) for their own requires.
  const origResolve = Module._resolveFilename;
  Module._resolveFilename = function resolveFilename(request, parent, ...rest) {
    if (cfg.express5 && request === 'express' && parent && parent.filename &&
        !parent.filename.includes(`${path.sep}node_modules${path.sep}`)) {
      return origResolve.call(this, path.join(HERE, 'node_modules', 'express5'), parent, ...rest);
    }
    return origResolve.call(this, request, parent, ...rest);
  };
  const origLoad = Module._load;
  Module._load = function load(request, parent, isMain) {
    const exported = origLoad.call(this, request, parent, isMain);
    if (exported === express4) return wrapped4;
    if (exported === express5) return wrapped5;
    if (exported === fastify) return wrappedFastify;
    return exported;
  };

  // Express: walk an application's router stack, following mounted routers and sub-apps.
  const out = [];
  function walkStack(stack, prefix, seen) {
    for (const layer of stack) {
      if (layer.route) {
        let methods = Object.keys(layer.route.methods)
          .filter((m) => layer.route.methods[m])
          .map((m) => (m === '_all' ? 'ALL' : m.toUpperCase()));
        // app.all() registers every method one by one (router.all() sets _all): fold it back.
        if (http.METHODS.every((m) => methods.includes(m))) methods = ['ALL'];
        for (const p of pathList(layer.route.path)) {
          for (const method of methods) out.push({ method, path: joinPath(prefix, p) });
        }
        continue;
      }
      const target = layer.__oracleTarget !== undefined ? layer.__oracleTarget : layer.handle;
      const mounts = layer.__oraclePath !== undefined ? pathList(layer.__oraclePath) : [pathFromRegexp(layer)];
      if (target && expressApps.includes(target)) {
        const r = appRouter(target);
        if (r && !seen.has(r)) for (const m of mounts) walkStack(r.stack, joinPath(prefix, m), new Set(seen).add(r));
      } else if (typeof target === 'function' && Array.isArray(target.stack)) {
        if (!seen.has(target)) for (const m of mounts) walkStack(target.stack, joinPath(prefix, m), new Set(seen).add(target));
      }
    }
  }

  async function run() {
    const entry = cfg.entry;
    if (!fs.existsSync(entry)) throw new Error(`entry not found: ${entry}`);
    require(entry);
    // Let top-level async setup (awaited imports, ready()) settle.
    for (const rec of fastifyApps) await rec.instance.ready();
    await new Promise((resolve) => setImmediate(resolve));

    if (process.env.ROUTE_ORACLE_DEBUG) {
      const kinds = expressApps.map((a) => `express${a.__oracleFlavour}${a.parent ? '(mounted)' : ''}`);
      process.stderr.write(`route oracle: ${kinds.concat(fastifyApps.map(() => 'fastify')).join(', ')}\n`);
    }
    // Sub-apps (express sets .parent when mounting one) are reached through their parents.
    for (const app of expressApps) {
      const r = appRouter(app);
      if (r && !app.parent) walkStack(r.stack, '/', new Set([r]));
    }
    for (const rec of fastifyApps) {
      const urls = new Set(rec.routes.filter((r) => r.method === 'GET').map((r) => joinPath(r.url)));
      const seen = new Set();
      for (const r of rec.routes) {
        const p = joinPath(r.url);
        if (r.method === 'HEAD' && urls.has(p)) continue; // Fastify's automatic HEAD for a GET
        const key = `${r.method} ${p}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({ method: r.method, path: p });
      }
    }
    const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
    out.sort((a, b) => cmp(a.path, b.path) || cmp(a.method, b.method));
    const items = out.map((r) => '  ' + JSON.stringify({ method: r.method, path: r.path }));
    const body = items.length ? `{"routes": [\n${items.join(',\n')}\n]}` : '{"routes": []}';
    process.stdout.write(`\n@@ROUTE-ORACLE@@\n${body}\n`, () => process.exit(0));
  }
  run().catch((err) => {
    process.stderr.write(`${err && err.stack ? err.stack : err}\n`);
    process.exit(1);
  });
}

if (process.argv[2] === CHILD_FLAG) {
  childMain(process.argv[3]);
} else {
  parentMain(process.argv.slice(2));
}
