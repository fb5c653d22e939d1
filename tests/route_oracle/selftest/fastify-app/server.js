// Self-test app for the route oracle's Fastify support, not a nodescope fixture: a root
// instance, an encapsulated plugin under a prefix, autoloaded route folders (folder names
// become prefixes), a fastify-plugin decorator, a method array and GET routes (whose
// automatic HEAD twins the oracle must skip). listen() is stubbed by the oracle.
const path = require('path');
const Fastify = require('fastify');
const autoload = require('@fastify/autoload');

const app = Fastify({ logger: false });

app.register(autoload, { dir: path.join(__dirname, 'plugins') });
app.register(autoload, { dir: path.join(__dirname, 'routes'), options: { prefix: '/api' } });

app.get('/health', async () => ({ ok: true }));
app.route({ method: ['PUT', 'PATCH'], url: '/settings/', handler: async () => ({}) });
app.register(
  async (admin) => {
    admin.get('/', async () => ({ admin: true }));
    admin.delete('/cache', async () => ({}));
  },
  { prefix: '/admin' },
);

app.listen({ port: 3000 });
